// The verified-credential cache (DESIGN §3): remembers that a password matched a user's stored
// hash so that repeated binds (service accounts) skip the slow hash.
//
// An entry holds only HMAC-SHA256(k, user id ‖ stored hash ‖ password), each field length-
// prefixed, under a random key k drawn per process and never exported: nothing stored can be
// reversed or tested offline. Because the stored hash is part of the MAC, any password change
// (or rehash) makes the old entry miss by itself; Invalidate() is for other state changes
// (suspension, lockout, deletion) that must take effect on the next bind.
//
// One entry per user id (only a verified password is remembered, and a user has one), bounded
// by settings.cache_max_entries with least-recently-used eviction, each valid for
// settings.cache_ttl_seconds from Remember(). Either setting at 0 disables the cache.
//
// Thread-safety: every method may be called concurrently; entries are spread over
// independently locked shards, and the MAC is computed outside any lock.
#pragma once

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/settings.h"

namespace skydir {

class CredentialCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  // Shards only pay off with many entries; a small cache uses one shard so that its bound and
  // its LRU order are exact.
  static constexpr size_t kMaxShards = 16;
  static constexpr size_t kMinEntriesPerShard = 1024;

  // `clock` defaults to steady_clock::now (tests pass a fake one).
  explicit CredentialCache(const PasswordSettings& settings, Clock clock = nullptr);
  ~CredentialCache();

  CredentialCache(const CredentialCache&) = delete;
  CredentialCache& operator=(const CredentialCache&) = delete;

  // True when Remember() was called with the same three values, within the max age, and the
  // entry has not been invalidated or evicted since. An empty password is never a hit.
  bool Check(std::string_view user_id, std::string_view stored_hash, std::string_view password);

  // Call only after the hasher verified `password` against `stored_hash`. Replaces the user's
  // previous entry.
  void Remember(std::string_view user_id, std::string_view stored_hash, std::string_view password);

  void Invalidate(std::string_view user_id);
  void Clear();

  // Entries currently held, expired ones included until they are looked at or evicted.
  size_t size() const;

 private:
  using Mac = std::array<unsigned char, crypto_auth_hmacsha256_BYTES>;
  struct Entry {
    Mac mac;
    TimePoint expires;
    std::list<std::string>::iterator lru;  // position in Shard::lru
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> entries;
    std::list<std::string> lru;  // user ids, most recently used first
    size_t capacity = 0;
  };

  bool enabled() const { return !shards_.empty(); }
  Mac ComputeMac(std::string_view user_id, std::string_view stored_hash,
                 std::string_view password) const;
  Shard& ShardFor(std::string_view user_id);
  static void Erase(Shard& shard, std::unordered_map<std::string, Entry>::iterator it);

  std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES> key_;
  std::chrono::seconds ttl_;
  Clock clock_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace skydir
