// The flat tables behind a snapshot: every key finds exactly its entries, and a sealed entry
// reads back every value it was built from, whatever the value's length.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dit/entry.h"
#include "dit/value_index.h"

namespace skydir::dit {
namespace {

std::vector<uint32_t> ToVector(std::span<const uint32_t> s) { return {s.begin(), s.end()}; }

TEST(ValueIndexTest, FindsEveryKeyAndOnlyItsEntries) {
  std::map<std::string, std::vector<uint32_t>> expected;
  ValueIndex::Builder builder;
  for (uint32_t entry = 0; entry < 5000; ++entry) {
    // Shared keys, unique keys and an empty key, each added in ascending entry order.
    for (std::string key : {"k" + std::to_string(entry % 37), "u" + std::to_string(entry),
                            std::string(entry % 11 == 0 ? "" : "x")}) {
      builder.Add(key, entry);
      builder.Add(key, entry);  // a repeat is ignored
      auto& list = expected[key];
      if (list.empty() || list.back() != entry) list.push_back(entry);
    }
  }
  ValueIndex index = std::move(builder).Build();
  EXPECT_EQ(index.key_count(), expected.size());
  for (const auto& [key, entries] : expected) EXPECT_EQ(ToVector(index.Find(key)), entries) << key;
  EXPECT_TRUE(index.Find("absent").empty());
  EXPECT_TRUE(index.Find("k37").empty());
}

TEST(ValueIndexTest, EmptyIndexFindsNothing) {
  ValueIndex built = ValueIndex::Builder().Build();
  EXPECT_TRUE(built.Find("x").empty());
  EXPECT_TRUE(ValueIndex().Find("x").empty());
}

TEST(EntryKeyTableTest, FindsByTheKeyTheEntryHoldsAndRefusesDuplicates) {
  std::vector<std::string> keys;
  for (int i = 0; i < 20000; ++i) keys.push_back("uid=u" + std::to_string(i) + ",ou=users");
  auto key_of = [&](uint32_t e, std::string_view k) { return keys[e] == k; };
  EntryKeyTable table(10);  // grows past its hint
  for (uint32_t e = 0; e < keys.size(); ++e) EXPECT_TRUE(table.Insert(keys[e], e, key_of));
  EXPECT_FALSE(table.Insert(keys[42], 42, key_of));
  for (uint32_t e = 0; e < keys.size(); ++e) EXPECT_EQ(table.Find(keys[e], key_of), e);
  EXPECT_EQ(table.Find("uid=nobody,ou=users", key_of), -1);
  EXPECT_EQ(EntryKeyTable().Find("x", key_of), -1);
}

TEST(EntryTest, SealedEntryReadsBackEveryValue) {
  EntryDraft d;
  d.kind = EntryKind::kGroup;
  d.dn = "cn=Big,ou=Users";
  d.ndn = "cn=big,ou=users";
  d.model_id = "g1";
  d.password_hash = "";
  std::vector<std::string> members;
  for (int i = 0; i < 3000; ++i) members.push_back("uid=u" + std::to_string(i) + ",ou=Users");
  const std::string long_value(70000, 'd');  // a length in three octets
  d.attributes = {{Attr::kObjectClass, {"top", "groupOfNames"}},
                  {Attr::kCn, {"Big"}},
                  {Attr::kDescription, {long_value}},
                  {Attr::kMember, members},
                  {Attr::kEntryDn, {d.dn}}};
  Entry e(d);
  EXPECT_EQ(e.dn(), d.dn);
  EXPECT_EQ(e.ndn(), d.ndn);
  EXPECT_TRUE(e.HasNdn(d.ndn));
  EXPECT_FALSE(e.HasNdn("cn=big,ou=user"));
  EXPECT_EQ(e.model_id(), "g1");
  EXPECT_EQ(e.password_hash(), "");
  ASSERT_EQ(e.attributes().size(), 5u);
  EXPECT_EQ(e.Find(Attr::kMember)->ToStrings(), members);
  EXPECT_EQ(e.Find(Attr::kMember)->size(), 3000u);
  EXPECT_EQ(e.Find(Attr::kDescription)->front(), long_value);
  EXPECT_EQ(e.Find(Attr::kEntryDn)->front(), d.dn);
  // The DN is served from the entryDN value; an entry without one keeps it apart.
  EXPECT_EQ(e.dn().data(), e.Find(Attr::kEntryDn)->front().data());
  EntryDraft bare;
  bare.dn = "cn=Subschema";
  bare.attributes = {{Attr::kCn, {"Subschema"}}};
  EXPECT_EQ(Entry(bare).dn(), "cn=Subschema");
  EXPECT_EQ(Entry(EntryDraft{}).dn(), "");
  EXPECT_EQ(Entry(EntryDraft{}).attributes().size(), 0u);
  EXPECT_FALSE(e.Find(Attr::kMail).has_value());
  // The user attributes form the list a search sends; the operational one is outside it.
  std::vector<const AttributeValues*> user;
  for (const AttributeValues& a : d.attributes) {
    if (a.attr != Attr::kEntryDn) user.push_back(&a);
  }
  EXPECT_EQ(e.encoded_user_attributes(), EncodeAttributeList(user, false));
  std::vector<Attr> order;
  for (EncodedAttribute a : e.attributes()) order.push_back(a.attr);
  EXPECT_EQ(order, (std::vector<Attr>{Attr::kObjectClass, Attr::kCn, Attr::kDescription,
                                      Attr::kMember, Attr::kEntryDn}));
  auto last = std::next(e.attributes().begin(), 4);
  EXPECT_EQ((*last).tlv, EncodeAttributeList({&d.attributes[4]}, false).substr(2));
}

}  // namespace
}  // namespace skydir::dit
