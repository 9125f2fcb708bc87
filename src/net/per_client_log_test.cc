#include "net/per_client_log.h"

#include <gtest/gtest.h>

#include <string>

namespace skydir::net {
namespace {

using Clock = PerClientLog::Clock;

TEST(PerClientLogTest, FirstEventLogsThenOncePerIntervalWithTheCountLeftOut) {
  Clock::time_point now = Clock::now();
  PerClientLog log(std::chrono::seconds(60), [&now] { return now; });
  uint64_t suppressed = 99;
  EXPECT_TRUE(log.ShouldLog("10.0.0.1", &suppressed));
  EXPECT_EQ(suppressed, 0u);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(log.ShouldLog("10.0.0.1", &suppressed));
  EXPECT_TRUE(log.ShouldLog("10.0.0.2", &suppressed));  // another client is logged at once
  now += std::chrono::seconds(61);
  EXPECT_TRUE(log.ShouldLog("10.0.0.1", &suppressed));
  EXPECT_EQ(suppressed, 1000u);
}

TEST(PerClientLogTest, ManyClientsStayBounded) {
  Clock::time_point now = Clock::now();
  PerClientLog log(std::chrono::seconds(60), [&now] { return now; });
  uint64_t suppressed = 0;
  int logged = 0;
  for (size_t i = 0; i < 3 * PerClientLog::kMaxKeys; ++i) {
    logged += log.ShouldLog("client-" + std::to_string(i), &suppressed) ? 1 : 0;
  }
  EXPECT_EQ(logged, static_cast<int>(3 * PerClientLog::kMaxKeys));  // each new client once
  // A client seen before the map was cleared may be logged again, but never more than once.
  EXPECT_FALSE(
      log.ShouldLog("client-" + std::to_string(3 * PerClientLog::kMaxKeys - 1), &suppressed));
}

}  // namespace
}  // namespace skydir::net
