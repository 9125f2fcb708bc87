#include "service/credential_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace skydir {
namespace {

constexpr const char* kHash = "{ARGON2}$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA";
constexpr const char* kOtherHash = "{ARGON2}$argon2id$v=19$m=64,t=1,p=1$b3RoZXJzYWx0$aGFzaA";

PasswordSettings Settings(uint32_t max_entries, uint32_t ttl_seconds = 600) {
  PasswordSettings settings;
  settings.cache_max_entries = max_entries;
  settings.cache_ttl_seconds = ttl_seconds;
  return settings;
}

// A clock the test moves by hand.
struct FakeClock {
  CredentialCache::TimePoint now{};
  CredentialCache::Clock AsClock() {
    return [this] { return now; };
  }
};

TEST(CredentialCacheTest, HitOnlyForTheRememberedTriple) {
  CredentialCache cache(Settings(100));
  EXPECT_FALSE(cache.Check("u1", kHash, "secret"));
  cache.Remember("u1", kHash, "secret");
  EXPECT_TRUE(cache.Check("u1", kHash, "secret"));
  EXPECT_TRUE(cache.Check("u1", kHash, "secret"));
  EXPECT_FALSE(cache.Check("u1", kHash, "Secret"));
  EXPECT_FALSE(cache.Check("u1", kHash, "secret "));
  EXPECT_FALSE(cache.Check("u2", kHash, "secret"));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCacheTest, FieldBoundariesAreUnambiguous) {
  CredentialCache cache(Settings(100));
  cache.Remember("u1", "ab", "c");
  EXPECT_FALSE(cache.Check("u1", "a", "bc"));
  EXPECT_TRUE(cache.Check("u1", "ab", "c"));
}

TEST(CredentialCacheTest, PasswordChangeMissesWithoutInvalidate) {
  CredentialCache cache(Settings(100));
  cache.Remember("u1", kHash, "old password");
  // The store now holds a new hash: the old password must not log in from the cache.
  EXPECT_FALSE(cache.Check("u1", kOtherHash, "old password"));
  EXPECT_FALSE(cache.Check("u1", kOtherHash, "new password"));
  cache.Remember("u1", kOtherHash, "new password");
  EXPECT_TRUE(cache.Check("u1", kOtherHash, "new password"));
  EXPECT_FALSE(cache.Check("u1", kHash, "old password"));
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CredentialCacheTest, WrongPasswordDoesNotFlushEntry) {
  CredentialCache cache(Settings(100));
  cache.Remember("u1", kHash, "secret");
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(cache.Check("u1", kHash, "guess"));
  EXPECT_TRUE(cache.Check("u1", kHash, "secret"));
}

TEST(CredentialCacheTest, InvalidateAndClear) {
  CredentialCache cache(Settings(100));
  cache.Remember("u1", kHash, "a");
  cache.Remember("u2", kHash, "b");
  cache.Invalidate("u1");
  cache.Invalidate("nobody");
  EXPECT_FALSE(cache.Check("u1", kHash, "a"));
  EXPECT_TRUE(cache.Check("u2", kHash, "b"));
  cache.Clear();
  EXPECT_FALSE(cache.Check("u2", kHash, "b"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCacheTest, EvictsLeastRecentlyUsed) {
  CredentialCache cache(Settings(2));
  cache.Remember("u1", kHash, "a");
  cache.Remember("u2", kHash, "b");
  EXPECT_TRUE(cache.Check("u1", kHash, "a"));  // u2 is now the least recently used
  cache.Remember("u3", kHash, "c");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Check("u1", kHash, "a"));
  EXPECT_FALSE(cache.Check("u2", kHash, "b"));
  EXPECT_TRUE(cache.Check("u3", kHash, "c"));
}

TEST(CredentialCacheTest, EntriesExpireAfterMaxAge) {
  FakeClock clock;
  CredentialCache cache(Settings(100, 60), clock.AsClock());
  cache.Remember("u1", kHash, "a");
  clock.now += std::chrono::seconds(59);
  EXPECT_TRUE(cache.Check("u1", kHash, "a"));  // a hit does not extend the age
  clock.now += std::chrono::seconds(1);
  EXPECT_FALSE(cache.Check("u1", kHash, "a"));
  EXPECT_EQ(cache.size(), 0u);
  cache.Remember("u1", kHash, "a");
  EXPECT_TRUE(cache.Check("u1", kHash, "a"));
}

TEST(CredentialCacheTest, ZeroSettingsDisableTheCache) {
  for (const PasswordSettings& settings : {Settings(0), Settings(100, 0)}) {
    CredentialCache cache(settings);
    cache.Remember("u1", kHash, "a");
    EXPECT_FALSE(cache.Check("u1", kHash, "a"));
    cache.Invalidate("u1");
    cache.Clear();
    EXPECT_EQ(cache.size(), 0u);
  }
}

TEST(CredentialCacheTest, EmptyPasswordIsNeverCached) {
  CredentialCache cache(Settings(100));
  cache.Remember("u1", kHash, "");
  EXPECT_FALSE(cache.Check("u1", kHash, ""));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(CredentialCacheTest, KeysDifferBetweenInstances) {
  // Each cache draws its own key: what one remembered means nothing to another.
  CredentialCache a(Settings(100));
  CredentialCache b(Settings(100));
  a.Remember("u1", kHash, "a");
  EXPECT_FALSE(b.Check("u1", kHash, "a"));
}

TEST(CredentialCacheTest, ShardedCacheStaysWithinBound) {
  CredentialCache cache(Settings(20000));
  for (int i = 0; i < 50000; ++i) cache.Remember("user" + std::to_string(i), kHash, "pw");
  EXPECT_EQ(cache.size(), 20000u);
  EXPECT_TRUE(cache.Check("user49999", kHash, "pw"));
  EXPECT_FALSE(cache.Check("user0", kHash, "pw"));
}

TEST(CredentialCacheTest, ConcurrentUse) {
  CredentialCache cache(Settings(4096));
  std::atomic<int> wrong_hits = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        std::string user = "u" + std::to_string((i * 7 + t) % 3000);
        cache.Remember(user, kHash, user + "pw");
        cache.Check(user, kHash, user + "pw");
        if (cache.Check(user, kHash, "wrong")) ++wrong_hits;
        if (i % 100 == 0) cache.Invalidate(user);
        if (t == 0 && i == 2500) cache.Clear();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong_hits, 0);
  EXPECT_LE(cache.size(), 4096u);
}

}  // namespace
}  // namespace skydir
