#include "http/api_key_auth.h"

#include <gtest/gtest.h>

namespace skydir::http {
namespace {

using Clock = std::chrono::steady_clock;

struct FakeClock {
  Clock::time_point now = Clock::time_point() + std::chrono::hours(1);
  std::function<Clock::time_point()> Fn() {
    return [this] { return now; };
  }
};

TEST(ApiKeyAuthenticatorTest, CachesVerifiedKeysUntilTheyExpire) {
  FakeClock clock;
  int lookups = 0;
  HttpSettings settings;
  settings.api_key_cache_seconds = 10;
  ApiKeyAuthenticator auth(
      [&](std::string_view secret) -> Result<directory::ApiKey> {
        ++lookups;
        if (secret != "good") return skydir::Status(Code::kInvalidCredentials, "no");
        directory::ApiKey key;
        key.id = "k1";
        return key;
      },
      settings, clock.Fn());
  EXPECT_TRUE(auth.Authenticate("good").ok());
  EXPECT_TRUE(auth.Authenticate("good").ok());
  EXPECT_EQ(lookups, 1);
  clock.now += std::chrono::seconds(11);
  EXPECT_TRUE(auth.Authenticate("good").ok());
  EXPECT_EQ(lookups, 2);
  auth.Forget("k1");
  EXPECT_TRUE(auth.Authenticate("good").ok());
  EXPECT_EQ(lookups, 3);
  auto bad = auth.Authenticate("bad");
  EXPECT_EQ(bad.status().code(), Code::kInvalidCredentials);
  EXPECT_EQ(auth.CachedEntries(), 1u);  // failures are never cached
}

TEST(RateLimiterTest, AllowsBurstThenAsksToWait) {
  FakeClock clock;
  RateLimiter limiter(2, 3, 100, clock.Fn());
  EXPECT_EQ(limiter.Take("a"), 0u);
  EXPECT_EQ(limiter.Take("a"), 0u);
  EXPECT_EQ(limiter.Take("a"), 0u);
  EXPECT_EQ(limiter.Take("a"), 1u);
  EXPECT_EQ(limiter.Take("b"), 0u);  // buckets are per key
  clock.now += std::chrono::milliseconds(500);
  EXPECT_EQ(limiter.Take("a"), 0u);  // one token refilled
  EXPECT_GE(limiter.Take("a"), 1u);
}

TEST(RateLimiterTest, ZeroRateDisables) {
  RateLimiter limiter(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.Take("a"), 0u);
}

}  // namespace
}  // namespace skydir::http
