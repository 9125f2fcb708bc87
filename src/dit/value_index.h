// Flat hash tables for a snapshot (issue 7: memory). A node-based
// unordered_map<std::string, std::vector<uint32_t>> costs about 150 bytes per distinct value;
// these keep every key in one buffer and every posting in one array, about 16 bytes per key
// plus its bytes and 4 per posting, and free in a handful of deallocations.
#pragma once

#include <cstdint>
#include <algorithm>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skydir::dit {

// Normalized value → the entries holding it, ascending. Immutable once built.
class ValueIndex {
 public:
  class Builder {
   public:
    // Adds `entry` under `key`. REQUIRES: for each key, entries come in ascending order
    // (a repeat of the last one is ignored).
    void Add(std::string_view key, uint32_t entry);
    ValueIndex Build() &&;

   private:
    uint32_t SlotOf(std::string_view key);

    std::string keys_;
    std::vector<uint32_t> key_at_{0};
    std::vector<uint32_t> table_;  // slot + 1, 0 = empty; capacity a power of two
    std::vector<uint32_t> last_;   // per slot: the last entry added
    std::vector<uint32_t> count_;  // per slot: postings
    std::vector<std::pair<uint32_t, uint32_t>> pairs_;  // (slot, entry) in arrival order
  };

  ValueIndex() = default;
  // The entries holding `key`; empty when none.
  std::span<const uint32_t> Find(std::string_view key) const;
  size_t key_count() const { return key_at_.empty() ? 0 : key_at_.size() - 1; }
  std::string_view key(size_t slot) const {
    return std::string_view(keys_).substr(key_at_[slot], key_at_[slot + 1] - key_at_[slot]);
  }
  std::span<const uint32_t> postings(size_t slot) const {
    return std::span<const uint32_t>(postings_).subspan(post_at_[slot],
                                                        post_at_[slot + 1] - post_at_[slot]);
  }

 private:
  friend class Builder;
  friend class SnapshotCodec;  // snapshot files (snapshot_file.h)
  std::string keys_;
  std::vector<uint32_t> key_at_;   // slot → offset in keys_; one more than there are slots
  std::vector<uint32_t> post_at_;  // slot → offset in postings_; likewise
  std::vector<uint32_t> postings_;
  std::vector<uint32_t> table_;    // hash → slot + 1
};

// A set of entry numbers found by a string key that the entries themselves hold (a normalized
// DN, a model id): 8 bytes an entry, no copy of the key. `is(entry, key)` tells whether an
// entry has the key.
class EntryKeyTable {
 public:
  EntryKeyTable() = default;
  explicit EntryKeyTable(size_t expected) { Reserve(expected); }

  // Adds `entry` under `key` unless an entry with that key is there; false then.
  template <typename Is>
  bool Insert(std::string_view key, uint32_t entry, const Is& is) {
    if ((used_ + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(16, slots_.size() * 2));
    const uint32_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.entry_plus_one == 0) {
        s = {h, entry + 1};
        ++used_;
        return true;
      }
      if (s.hash == h && is(s.entry_plus_one - 1, key)) return false;
    }
  }
  // The entry whose key is `key`, or -1.
  template <typename Is>
  int64_t Find(std::string_view key, const Is& is) const {
    if (slots_.empty()) return -1;
    const uint32_t h = Hash(key);
    for (size_t i = h & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      const Slot& s = slots_[i];
      if (s.entry_plus_one == 0) return -1;
      if (s.hash == h && is(s.entry_plus_one - 1, key)) return s.entry_plus_one - 1;
    }
  }

 private:
  friend class SnapshotCodec;  // snapshot files (snapshot_file.h)
  struct Slot {
    uint32_t hash = 0;
    uint32_t entry_plus_one = 0;  // 0 = empty
  };
  static uint32_t Hash(std::string_view key) {
    const size_t h = std::hash<std::string_view>{}(key);
    return static_cast<uint32_t>(h ^ (h >> 32));
  }
  void Reserve(size_t expected);
  void Rehash(size_t capacity);

  std::vector<Slot> slots_;
  size_t used_ = 0;
};

}  // namespace skydir::dit
