#include "net/connection_limiter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/log.h"

namespace skydir::net {
namespace {

using boost::asio::ip::make_address;
using Clock = ConnectionLimiter::Clock;

TEST(ConnectionLimiterTest, PerIpLimitAndRelease) {
  ConnectionLimiter limiter("test", {.max_total = 100, .max_per_ip = 2});
  auto a = make_address("10.0.0.1");
  auto b = make_address("10.0.0.2");
  std::optional<ConnectionLimiter::Slot> s1 = limiter.TryAcquire(a);
  std::optional<ConnectionLimiter::Slot> s2 = limiter.TryAcquire(a);
  ASSERT_TRUE(s1 && s2);
  EXPECT_FALSE(limiter.TryAcquire(a));
  EXPECT_TRUE(limiter.TryAcquire(b));  // another address is unaffected (and released at once)
  EXPECT_EQ(limiter.ActiveFor(a), 2u);
  EXPECT_EQ(limiter.ActiveFor(b), 0u);
  s1.reset();
  EXPECT_EQ(limiter.ActiveFor(a), 1u);
  EXPECT_TRUE(limiter.TryAcquire(a));
  ConnectionStats stats = limiter.Stats();
  EXPECT_EQ(stats.active, 1u);
  EXPECT_EQ(stats.rejected_per_ip, 1u);
  EXPECT_EQ(stats.rejected_total, 0u);
}

TEST(ConnectionLimiterTest, TotalLimit) {
  ConnectionLimiter limiter("test", {.max_total = 3, .max_per_ip = 0});
  std::vector<ConnectionLimiter::Slot> slots;
  for (int i = 1; i <= 3; ++i) {
    auto slot = limiter.TryAcquire(make_address("10.0.0." + std::to_string(i)));
    ASSERT_TRUE(slot);
    slots.push_back(std::move(*slot));
  }
  EXPECT_FALSE(limiter.TryAcquire(make_address("10.0.0.9")));
  EXPECT_EQ(limiter.Stats().rejected_total, 1u);
  slots.pop_back();
  EXPECT_TRUE(limiter.TryAcquire(make_address("10.0.0.9")));
}

TEST(ConnectionLimiterTest, MappedIpv4CountsAsIpv4) {
  ConnectionLimiter limiter("test", {.max_total = 10, .max_per_ip = 1});
  auto slot = limiter.TryAcquire(make_address("192.0.2.1"));
  ASSERT_TRUE(slot);
  EXPECT_FALSE(limiter.TryAcquire(make_address("::ffff:192.0.2.1")));
  EXPECT_EQ(limiter.ActiveFor(make_address("::ffff:192.0.2.1")), 1u);
}

TEST(ConnectionLimiterTest, SlotMoveReleasesOnce) {
  ConnectionLimiter limiter("test", {.max_total = 10, .max_per_ip = 10});
  auto a = make_address("10.0.0.1");
  {
    std::optional<ConnectionLimiter::Slot> s = limiter.TryAcquire(a);
    ConnectionLimiter::Slot moved = std::move(*s);
    s.reset();
    EXPECT_EQ(limiter.Stats().active, 1u);
    std::optional<ConnectionLimiter::Slot> other = limiter.TryAcquire(a);
    moved = std::move(*other);  // releases the first slot, takes over the second
    EXPECT_EQ(limiter.Stats().active, 1u);
  }
  EXPECT_EQ(limiter.Stats().active, 0u);
  EXPECT_EQ(limiter.ActiveFor(a), 0u);
}

TEST(ConnectionLimiterTest, SlotOutlivesLimiter) {
  std::optional<ConnectionLimiter::Slot> slot;
  {
    ConnectionLimiter limiter("test", {});
    slot = limiter.TryAcquire(make_address("10.0.0.1"));
  }
  slot.reset();  // must not touch freed memory (ASan builds check)
}

TEST(ConnectionLimiterTest, ConcurrentAcquireNeverExceedsLimit) {
  ConnectionLimiter limiter("test", {.max_total = 8, .max_per_ip = 0});
  std::atomic<int> held{0};
  std::atomic<int> max_held{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        auto slot = limiter.TryAcquire(make_address("10.0.0." + std::to_string(t)));
        if (!slot) continue;
        int now = ++held;
        int prev = max_held.load();
        while (now > prev && !max_held.compare_exchange_weak(prev, now)) {
        }
        --held;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(max_held.load(), 8);
  EXPECT_EQ(limiter.Stats().active, 0u);
}

// Counts lines containing `needle` written to the log while `body` runs.
template <class F>
int CountLogLines(const std::string& needle, F body) {
  char path[] = "/tmp/skydir_limiter_log.XXXXXX";
  int fd = mkstemp(path);
  SetLogFd(fd);
  body();
  SetLogFd(2);
  std::string text;
  char buf[4096];
  lseek(fd, 0, SEEK_SET);
  while (ssize_t n = read(fd, buf, sizeof(buf))) {
    if (n < 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  unlink(path);
  int count = 0;
  for (size_t pos = 0; (pos = text.find(needle, pos)) != std::string::npos; pos += needle.size()) {
    ++count;
  }
  return count;
}

TEST(ConnectionLimiterTest, LogsRejectionOncePerIpPerInterval) {
  Clock::time_point now = Clock::now();
  ConnectionLimiter limiter("ldap", {.max_total = 100, .max_per_ip = 1}, [&now] { return now; });
  auto a = make_address("10.0.0.1");
  auto b = make_address("10.0.0.2");
  auto slot_a = limiter.TryAcquire(a);
  auto slot_b = limiter.TryAcquire(b);
  int lines = CountLogLines("net.connection_rejected", [&] {
    for (int i = 0; i < 50; ++i) EXPECT_FALSE(limiter.TryAcquire(a));
    EXPECT_FALSE(limiter.TryAcquire(b));
    now += std::chrono::seconds(30);
    EXPECT_FALSE(limiter.TryAcquire(a));
  });
  EXPECT_EQ(lines, 2);  // a once, b once
  int later = CountLogLines("\"suppressed\":50", [&] {
    now += std::chrono::seconds(31);
    EXPECT_FALSE(limiter.TryAcquire(a));
  });
  EXPECT_EQ(later, 1);
  EXPECT_EQ(limiter.Stats().rejected_per_ip, 53u);
}

}  // namespace
}  // namespace skydir::net
