#include "service/failure_tracker.h"

#include <gtest/gtest.h>

namespace skydir::service {
namespace {

constexpr int64_t kSecond = 1000000;

TEST(FailureTrackerTest, CountsWithinTheWindowAndRestartsAfter) {
  FailureTracker t;
  EXPECT_EQ(t.Fail("u", 0, 60 * kSecond), 1u);
  EXPECT_EQ(t.Fail("u", 10 * kSecond, 60 * kSecond), 2u);
  EXPECT_EQ(t.Count("u", 20 * kSecond, 60 * kSecond), 2u);
  EXPECT_EQ(t.Fail("u", 61 * kSecond, 60 * kSecond), 1u);
  EXPECT_EQ(t.Count("other", 0, 60 * kSecond), 0u);
}

TEST(FailureTrackerTest, ResetForgets) {
  FailureTracker t;
  t.Fail("u", 0, kSecond);
  t.Reset("u");
  EXPECT_EQ(t.Count("u", 0, kSecond), 0u);
}

TEST(FailureTrackerTest, BoundedByEvictingTheOldest) {
  FailureTracker t(2);
  t.Fail("a", 1, kSecond);
  t.Fail("b", 2, kSecond);
  t.Fail("c", 3, kSecond);
  EXPECT_EQ(t.Count("a", 3, kSecond), 0u);
  EXPECT_EQ(t.Count("b", 3, kSecond), 1u);
  EXPECT_EQ(t.Count("c", 3, kSecond), 1u);
}

}  // namespace
}  // namespace skydir::service
