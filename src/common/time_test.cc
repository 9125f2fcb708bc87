#include "common/time.h"

#include <gtest/gtest.h>

namespace skydir {
namespace {

constexpr int64_t kSecond = 1000000;

TEST(TimeTest, GeneralizedTimeRoundTrip) {
  int64_t t = int64_t{1704164645} * kSecond;  // 2024-01-02T03:04:05Z
  EXPECT_EQ(FormatGeneralizedTime(t), "20240102030405Z");
  EXPECT_EQ(ParseGeneralizedTime("20240102030405Z"), t);
}

TEST(TimeTest, GeneralizedTimeWithFractionAsBitwardenSendsIt) {
  int64_t t = int64_t{1704164645} * kSecond + 600000;
  EXPECT_EQ(ParseGeneralizedTime("20240102030405.6Z"), t);
  EXPECT_EQ(ParseGeneralizedTime("20240102030405,6Z"), t);
}

TEST(TimeTest, GeneralizedTimeOffsetsAndShortForms) {
  int64_t t = int64_t{1704164645} * kSecond;
  EXPECT_EQ(ParseGeneralizedTime("20240102050405+0200"), t);
  EXPECT_EQ(ParseGeneralizedTime("2024010203Z"), int64_t{1704164400} * kSecond);
}

TEST(TimeTest, GeneralizedTimeRejectsGarbage) {
  EXPECT_FALSE(ParseGeneralizedTime(""));
  EXPECT_FALSE(ParseGeneralizedTime("20240102030405"));     // no zone
  EXPECT_FALSE(ParseGeneralizedTime("20241302030405Z"));    // month 13
  EXPECT_FALSE(ParseGeneralizedTime("20230229030405Z"));    // not a leap year
  EXPECT_FALSE(ParseGeneralizedTime("20240102030405.Z"));   // empty fraction
  EXPECT_FALSE(ParseGeneralizedTime("20240102030405Zjunk"));
}

TEST(TimeTest, Rfc3339) {
  int64_t t = int64_t{1704164645} * kSecond + 123456;
  EXPECT_EQ(FormatRfc3339Micros(t), "2024-01-02T03:04:05.123456Z");
  EXPECT_EQ(FormatRfc3339(t), "2024-01-02T03:04:05Z");
  EXPECT_EQ(ParseRfc3339("2024-01-02T03:04:05.123456Z"), t);
  EXPECT_EQ(ParseRfc3339("2024-01-02T05:04:05+02:00"), int64_t{1704164645} * kSecond);
  EXPECT_FALSE(ParseRfc3339("2024-01-02 junk"));
}

}  // namespace
}  // namespace skydir
