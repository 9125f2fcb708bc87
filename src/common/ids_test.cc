#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace skydir {
namespace {

TEST(IdsTest, NewIdIsTwentyFourLowercaseHex) {
  std::string id = NewId();
  EXPECT_TRUE(IsValidId(id)) << id;
}

TEST(IdsTest, IdsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(NewId()).second);
}

TEST(IdsTest, RejectsMalformedIds) {
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("5f1b2c3d4e5f6a7b8c9d0e1"));    // 23
  EXPECT_FALSE(IsValidId("5F1B2C3D4E5F6A7B8C9D0E1F"));   // upper case
  EXPECT_FALSE(IsValidId("5f1b2c3d4e5f6a7b8c9d0e1g"));   // not hex
  EXPECT_TRUE(IsValidId("5f1b2c3d4e5f6a7b8c9d0e1f"));
}

TEST(IdsTest, HexEncode) { EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10"); }

}  // namespace
}  // namespace skydir
