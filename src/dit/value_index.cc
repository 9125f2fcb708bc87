#include "dit/value_index.h"

#include <bit>
#include <stdexcept>

namespace skydir::dit {

namespace {

uint32_t Narrow(size_t n) {
  if (n >= UINT32_MAX) throw std::length_error("index larger than 4 GiB");
  return static_cast<uint32_t>(n);
}

size_t HashOf(std::string_view key) { return std::hash<std::string_view>{}(key); }

// Open addressing over slot numbers: `table` holds slot + 1, 0 when empty; its size is a power
// of two at least twice the slots. `key_of(slot)` gives a slot's key.
template <typename KeyOf>
int64_t Probe(const std::vector<uint32_t>& table, std::string_view key, const KeyOf& key_of,
              size_t* empty_at) {
  const size_t mask = table.size() - 1;
  for (size_t i = HashOf(key) & mask;; i = (i + 1) & mask) {
    if (table[i] == 0) {
      if (empty_at) *empty_at = i;
      return -1;
    }
    if (key_of(table[i] - 1) == key) return table[i] - 1;
  }
}

// Re-hashes the `slots` keys there are into a table sized for `capacity` keys.
template <typename KeyOf>
void Rebuild(std::vector<uint32_t>* table, size_t slots, size_t capacity, const KeyOf& key_of) {
  table->assign(std::bit_ceil(std::max<size_t>(16, capacity * 2)), 0);
  const size_t mask = table->size() - 1;
  for (size_t s = 0; s < slots; ++s) {
    size_t i = HashOf(key_of(s)) & mask;
    while ((*table)[i] != 0) i = (i + 1) & mask;
    (*table)[i] = Narrow(s + 1);
  }
}

}  // namespace

uint32_t ValueIndex::Builder::SlotOf(std::string_view key) {
  auto key_of = [this](size_t s) {
    return std::string_view(keys_).substr(key_at_[s], key_at_[s + 1] - key_at_[s]);
  };
  const size_t slots = key_at_.size() - 1;
  if ((slots + 1) * 2 > table_.size()) Rebuild(&table_, slots, slots + 1, key_of);
  size_t empty_at = 0;
  if (int64_t found = Probe(table_, key, key_of, &empty_at); found >= 0) {
    return static_cast<uint32_t>(found);
  }
  keys_ += key;
  key_at_.push_back(Narrow(keys_.size()));
  table_[empty_at] = Narrow(slots + 1);
  last_.push_back(UINT32_MAX);
  count_.push_back(0);
  return Narrow(slots);
}

void ValueIndex::Builder::Add(std::string_view key, uint32_t entry) {
  const uint32_t slot = SlotOf(key);
  if (last_[slot] == entry) return;
  last_[slot] = entry;
  ++count_[slot];
  pairs_.emplace_back(slot, entry);
}

ValueIndex ValueIndex::Builder::Build() && {
  ValueIndex index;
  const size_t slots = key_at_.size() - 1;
  // Counting sort of the postings by slot; arrival order is kept within a slot.
  index.post_at_.assign(slots + 1, 0);
  for (size_t s = 0; s < slots; ++s) index.post_at_[s + 1] = index.post_at_[s] + count_[s];
  index.postings_.resize(pairs_.size());
  std::vector<uint32_t> next(index.post_at_.begin(), index.post_at_.end() - 1);
  for (const auto& [slot, entry] : pairs_) index.postings_[next[slot]++] = entry;
  index.keys_ = std::move(keys_);
  index.keys_.shrink_to_fit();
  index.key_at_ = std::move(key_at_);
  index.key_at_.shrink_to_fit();
  index.table_ = std::move(table_);
  if (index.table_.empty()) index.table_.assign(16, 0);
  return index;
}

std::span<const uint32_t> ValueIndex::Find(std::string_view key) const {
  if (table_.empty()) return {};
  int64_t slot = Probe(table_, key, [this](size_t s) { return this->key(s); }, nullptr);
  if (slot < 0) return {};
  return postings(static_cast<size_t>(slot));
}

void EntryKeyTable::Reserve(size_t expected) {
  if (expected * 2 > slots_.size()) Rehash(std::bit_ceil(std::max<size_t>(16, expected * 2)));
}

void EntryKeyTable::Rehash(size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  const size_t mask = capacity - 1;
  for (const Slot& s : old) {
    if (s.entry_plus_one == 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].entry_plus_one != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace skydir::dit
