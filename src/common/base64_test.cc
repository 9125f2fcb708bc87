#include "common/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace skydir {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base64Test, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); len += 7) {
    std::string part = all.substr(0, len);
    std::string encoded = Base64Encode(part);
    EXPECT_EQ(encoded.size(), Base64EncodedSize(part.size()));
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, part);
  }
}

TEST(Base64Test, RejectsMalformedInput) {
  for (const char* bad : {"Zg", "Zg=", "Z===", "====", "Zm9v\n", "Zm 9", "Zg=a", "Z=g=", "Zm9*",
                          "Zm8=Zm8=", "Zm9vYg==="}) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace skydir
