#include "service/credential_cache.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>

namespace skydir {
namespace {

void UpdateField(crypto_auth_hmacsha256_state* state, std::string_view field) {
  // A fixed-width length before each field keeps ("ab","c") and ("a","bc") apart.
  unsigned char length[8];
  uint64_t n = field.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(n >> (8 * i));
  crypto_auth_hmacsha256_update(state, length, sizeof(length));
  crypto_auth_hmacsha256_update(state, reinterpret_cast<const unsigned char*>(field.data()),
                                field.size());
}

}  // namespace

CredentialCache::CredentialCache(const PasswordSettings& settings, Clock clock)
    : ttl_(settings.cache_ttl_seconds), clock_(std::move(clock)) {
  if (sodium_init() < 0) std::abort();  // No working CSPRNG: refuse to run with a weak key.
  crypto_auth_hmacsha256_keygen(key_.data());
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
  size_t max_entries = settings.cache_max_entries;
  if (max_entries == 0 || settings.cache_ttl_seconds == 0) return;  // disabled
  size_t count = std::clamp<size_t>(max_entries / kMinEntriesPerShard, 1, kMaxShards);
  for (size_t i = 0; i < count; ++i) {
    auto shard = std::make_unique<Shard>();
    // Spread the remainder so that the capacities add up to max_entries exactly.
    shard->capacity = max_entries / count + (i < max_entries % count ? 1 : 0);
    shards_.push_back(std::move(shard));
  }
}

CredentialCache::~CredentialCache() { sodium_memzero(key_.data(), key_.size()); }

CredentialCache::Mac CredentialCache::ComputeMac(std::string_view user_id,
                                                 std::string_view stored_hash,
                                                 std::string_view password) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key_.data(), key_.size());
  UpdateField(&state, user_id);
  UpdateField(&state, stored_hash);
  UpdateField(&state, password);
  Mac mac;
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof(state));
  return mac;
}

CredentialCache::Shard& CredentialCache::ShardFor(std::string_view user_id) {
  return *shards_[std::hash<std::string_view>{}(user_id) % shards_.size()];
}

void CredentialCache::Erase(Shard& shard, std::unordered_map<std::string, Entry>::iterator it) {
  shard.lru.erase(it->second.lru);
  shard.entries.erase(it);
}

bool CredentialCache::Check(std::string_view user_id, std::string_view stored_hash,
                            std::string_view password) {
  if (!enabled() || password.empty()) return false;
  Mac mac = ComputeMac(user_id, stored_hash, password);
  Shard& shard = ShardFor(user_id);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(std::string(user_id));
  if (it == shard.entries.end()) return false;
  if (clock_() >= it->second.expires) {
    Erase(shard, it);
    return false;
  }
  // A mismatch leaves the entry alone: failed guesses must not flush a valid entry.
  if (sodium_memcmp(mac.data(), it->second.mac.data(), mac.size()) != 0) return false;
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second.lru);
  return true;
}

void CredentialCache::Remember(std::string_view user_id, std::string_view stored_hash,
                               std::string_view password) {
  if (!enabled() || password.empty()) return;
  Mac mac = ComputeMac(user_id, stored_hash, password);
  TimePoint expires = clock_() + ttl_;
  Shard& shard = ShardFor(user_id);
  std::lock_guard lock(shard.mu);
  std::string key(user_id);
  auto it = shard.entries.find(key);
  if (it != shard.entries.end()) {
    it->second.mac = mac;
    it->second.expires = expires;
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second.lru);
    return;
  }
  shard.lru.push_front(key);
  shard.entries.emplace(std::move(key), Entry{mac, expires, shard.lru.begin()});
  while (shard.entries.size() > shard.capacity) {
    Erase(shard, shard.entries.find(shard.lru.back()));
  }
}

void CredentialCache::Invalidate(std::string_view user_id) {
  if (!enabled()) return;
  Shard& shard = ShardFor(user_id);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(std::string(user_id));
  if (it != shard.entries.end()) Erase(shard, it);
}

void CredentialCache::Clear() {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    shard->entries.clear();
    shard->lru.clear();
  }
}

size_t CredentialCache::size() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mu);
    total += shard->entries.size();
  }
  return total;
}

}  // namespace skydir
