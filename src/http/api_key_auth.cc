#include "http/api_key_auth.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>

namespace skydir::http {

namespace {

std::string Sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

ApiKeyAuthenticator::ApiKeyAuthenticator(Verifier verifier, const HttpSettings& settings,
                                         std::function<Clock::time_point()> now)
    : verifier_(std::move(verifier)),
      ttl_(settings.api_key_cache_seconds),
      max_entries_(settings.api_key_cache_max_entries),
      now_(now ? std::move(now) : [] { return Clock::now(); }) {}

Result<directory::ApiKey> ApiKeyAuthenticator::Authenticate(std::string_view secret) {
  const bool caching = ttl_.count() > 0 && max_entries_ > 0;
  std::string digest = Sha256(secret);
  if (caching) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(digest);
    if (it != cache_.end()) {
      if (it->second.expires > now_()) return it->second.key;
      cache_.erase(it);
    }
  }
  auto key = verifier_(secret);
  if (!key.ok()) return Status(Code::kInvalidCredentials, "invalid API key");
  if (caching) {
    std::lock_guard lock(mu_);
    Clock::time_point now = now_();
    if (cache_.size() >= max_entries_) {
      std::erase_if(cache_, [now](const auto& e) { return e.second.expires <= now; });
    }
    if (cache_.size() < max_entries_) cache_[digest] = Entry{*key, now + ttl_};
  }
  return key;
}

void ApiKeyAuthenticator::Forget(std::string_view key_id) {
  std::lock_guard lock(mu_);
  std::erase_if(cache_, [key_id](const auto& e) { return e.second.key.id == key_id; });
}

size_t ApiKeyAuthenticator::CachedEntries() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

RateLimiter::RateLimiter(uint32_t rate_per_second, uint32_t burst, uint32_t max_keys,
                         std::function<Clock::time_point()> now)
    : rate_(rate_per_second),
      burst_(std::max<uint32_t>(burst, 1)),
      max_keys_(max_keys),
      now_(now ? std::move(now) : [] { return Clock::now(); }) {}

uint32_t RateLimiter::Take(std::string_view key_id) {
  if (rate_ <= 0) return 0;
  std::lock_guard lock(mu_);
  Clock::time_point now = now_();
  auto it = buckets_.find(std::string(key_id));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      std::erase_if(buckets_, [&](const auto& e) {
        std::chrono::duration<double> idle = now - e.second.last;
        return e.second.tokens + idle.count() * rate_ >= burst_;
      });
    }
    it = buckets_.emplace(std::string(key_id), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  std::chrono::duration<double> elapsed = now - b.last;
  b.tokens = std::min(burst_, b.tokens + elapsed.count() * rate_);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  double wait = (1.0 - b.tokens) / rate_;
  return std::max<uint32_t>(1, static_cast<uint32_t>(std::ceil(wait)));
}

}  // namespace skydir::http
