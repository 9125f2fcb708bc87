// Authentication of admin API requests by `x-api-key`, with a short-lived in-memory cache of
// verified keys so that a busy script does not cost one SQL lookup per request.
//
// The cache is keyed by SHA-256 of the presented secret, never the secret itself; an entry
// lives `http.api_key_cache_seconds` (0 disables the cache) and Forget() drops a revoked key at
// once on this node (other nodes see the revocation when their entry expires). Secrets are
// never logged.
//
// Thread-safety: every method may be called from any thread. Authenticate() blocks on a cache
// miss (SQL): call it on a blocking-pool thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/settings.h"
#include "common/status.h"
#include "directory/model.h"

namespace skydir::http {

class ApiKeyAuthenticator {
 public:
  using Clock = std::chrono::steady_clock;
  // Verifies a secret against the store (Admin::AuthenticateApiKey in production).
  using Verifier = std::function<Result<directory::ApiKey>(std::string_view secret)>;

  // `now` is for tests; defaults to Clock::now.
  ApiKeyAuthenticator(Verifier verifier, const HttpSettings& settings,
                      std::function<Clock::time_point()> now = {});

  // The key `secret` belongs to, or kInvalidCredentials.
  Result<directory::ApiKey> Authenticate(std::string_view secret);
  // Drops every cached entry of key `key_id` (after a revocation).
  void Forget(std::string_view key_id);
  size_t CachedEntries() const;

 private:
  struct Entry {
    directory::ApiKey key;
    Clock::time_point expires;
  };

  Verifier verifier_;
  std::chrono::seconds ttl_;
  uint32_t max_entries_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // SHA-256(secret) → key; guarded by mu_
};

// Token buckets per API key: `rate_per_second` tokens are added per second up to `burst`; a
// request takes one. Thread-safe.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate_per_second 0 disables limiting. At most max_keys buckets are kept; when full, buckets
  // that have refilled completely (and so carry no state) are dropped.
  RateLimiter(uint32_t rate_per_second, uint32_t burst, uint32_t max_keys = 100000,
              std::function<Clock::time_point()> now = {});

  // 0 when the request may proceed, else the whole seconds to wait (for Retry-After, >= 1).
  uint32_t Take(std::string_view key_id);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };

  double rate_;
  double burst_;
  uint32_t max_keys_;
  std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace skydir::http
