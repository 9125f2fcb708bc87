#include "common/status.h"

#include <gtest/gtest.h>

namespace skydir {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  SKYDIR_ASSIGN_OR_RETURN(int half, Half(n));
  SKYDIR_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = NotFound("user 'bob'");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Code::kNoSuchObject);
  EXPECT_EQ(s.ToString(), "noSuchObject: user 'bob'");
}

TEST(StatusTest, ResultPropagatesFailure) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConstraintViolation);
  EXPECT_EQ(r.status().message(), "odd");
}

TEST(StatusTest, CodeNamesMatchRfc4511) {
  EXPECT_EQ(CodeName(Code::kInvalidCredentials), "invalidCredentials");
  EXPECT_EQ(CodeName(Code::kUnavailableCriticalExtension), "unavailableCriticalExtension");
  EXPECT_EQ(static_cast<int>(Code::kInvalidCredentials), 49);
}

}  // namespace
}  // namespace skydir
