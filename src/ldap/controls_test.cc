#include "ldap/controls.h"

#include <gtest/gtest.h>

#include <string>

#include "ber/writer.h"

namespace skydir::ldap {
namespace {

TEST(ControlsTest, PagedResultsRoundTrip) {
  const std::string value = EncodePagedResultsValue(100, "cookie");
  auto decoded = DecodePagedResultsValue(value);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->size, 100);
  EXPECT_EQ(decoded->cookie, "cookie");
  EXPECT_EQ(EncodePagedResultsValue(50, ""), std::string("\x30\x05\x02\x01\x32\x04\x00", 7));
}

TEST(ControlsTest, PagedResultsRejects) {
  EXPECT_FALSE(DecodePagedResultsValue("").ok());
  EXPECT_FALSE(DecodePagedResultsValue(std::string("\x30\x03\x02\x01\x32", 5)).ok());
  EXPECT_FALSE(DecodePagedResultsValue(std::string("\x30\x05\x02\x01\xff\x04\x00", 7)).ok());
  EXPECT_FALSE(DecodePagedResultsValue(std::string("\x30\x05\x02\x01\x32\x04\x00\x00", 8)).ok());
}

TEST(ControlsTest, SortRequest) {
  ber::Writer w;
  const size_t list = w.Begin(ber::kTagSequence);
  size_t key = w.Begin(ber::kTagSequence);
  w.AddOctetString("sn");
  w.End(key);
  key = w.Begin(ber::kTagSequence);
  w.AddOctetString("uidNumber");
  w.AddOctetString("integerOrderingMatch", 0x80);
  w.AddBoolean(true, 0x81);
  w.End(key);
  w.End(list);
  auto keys = DecodeSortRequestValue(w.bytes(), 8);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].attribute, "sn");
  EXPECT_FALSE((*keys)[0].ordering_rule.has_value());
  EXPECT_FALSE((*keys)[0].reverse);
  EXPECT_EQ((*keys)[1].ordering_rule, "integerOrderingMatch");
  EXPECT_TRUE((*keys)[1].reverse);
  EXPECT_FALSE(DecodeSortRequestValue(w.bytes(), 1).ok());
  EXPECT_FALSE(DecodeSortRequestValue(std::string("\x30\x00", 2), 8).ok());
}

TEST(ControlsTest, SortResponse) {
  EXPECT_EQ(EncodeSortResponseValue(Code::kSuccess), std::string("\x30\x03\x0a\x01\x00", 5));
  EXPECT_EQ(EncodeSortResponseValue(Code::kNoSuchAttribute, "sn"),
            std::string("\x30\x07\x0a\x01\x10\x80\x02sn", 9));
}

TEST(ControlsTest, PasswordModify) {
  auto absent = DecodePasswordModifyValue(std::nullopt);
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->user_identity || absent->old_password || absent->new_password);

  ber::Writer w;
  const size_t seq = w.Begin(ber::kTagSequence);
  w.AddOctetString("uid=bob", 0x80);
  w.AddOctetString("old", 0x81);
  w.AddOctetString("new", 0x82);
  w.End(seq);
  auto full = DecodePasswordModifyValue(w.bytes());
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->user_identity, "uid=bob");
  EXPECT_EQ(full->old_password, "old");
  EXPECT_EQ(full->new_password, "new");

  // Out of order or unknown fields are malformed.
  EXPECT_FALSE(DecodePasswordModifyValue(std::string("\x30\x06\x82\x01z\x80\x01y", 8)).ok());
  EXPECT_FALSE(DecodePasswordModifyValue(std::string("\x30\x03\x83\x01z", 5)).ok());
  EXPECT_TRUE(DecodePasswordModifyValue(std::string("\x30\x00", 2)).ok());

  EXPECT_EQ(EncodePasswordModifyResponseValue("gen"), std::string("\x30\x05\x80\x03gen", 7));
  EXPECT_EQ(EncodePasswordModifyResponseValue(std::nullopt), std::string("\x30\x00", 2));
}

}  // namespace
}  // namespace skydir::ldap
