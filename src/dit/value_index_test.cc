// The flat tables behind a snapshot: every key finds exactly its entries, and a sealed entry
// reads back every value it was built from, whatever the value's length.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dit/entry.h"
#include "dit/value_index.h"
#include "ldap/message.h"

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
  const std::string dn = "cn=Big,ou=Users", ndn = "cn=big,ou=users";
  std::vector<std::string> members;
  for (int i = 0; i < 3000; ++i) members.push_back("uid=u" + std::to_string(i) + ",ou=Users");
  const std::string long_value(70000, 'd');  // a length in three octets
  const std::vector<std::string> classes = {"top", "groupOfNames"};
  EntryWriter w(EntryKind::kGroup);
  w.AddAll(Attr::kObjectClass, classes);
  w.Add(Attr::kCn, "Big");
  w.Add(Attr::kMail, "");  // an empty value adds nothing
  w.Add(Attr::kDescription, long_value);
  w.AddAll(Attr::kMember, members);
  w.Add(Attr::kEntryDn, dn);
  Entry e = std::move(w).Finish({.dn = dn, .ndn = ndn, .model_id = "g1"});
  EXPECT_EQ(e.dn(), dn);
  EXPECT_EQ(e.ndn(), ndn);
  EXPECT_TRUE(e.HasNdn(ndn));
  EXPECT_FALSE(e.HasNdn("cn=big,ou=user"));
  EXPECT_EQ(e.model_id(), "g1");
  EXPECT_EQ(e.password_hash(), "");
  ASSERT_EQ(e.attributes().size(), 5u);  // the empty mail is not one of them
  std::optional<Values> read = e.Find(Attr::kMember);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(std::vector<std::string>(read->begin(), read->end()), members);
  EXPECT_EQ(read->size(), 3000u);
  EXPECT_EQ(e.Find(Attr::kDescription)->front(), long_value);
  EXPECT_FALSE(e.Find(Attr::kMail).has_value());
  // The DN is served from the entryDN value; an entry without one keeps it apart.
  EXPECT_EQ(e.dn().data(), e.Find(Attr::kEntryDn)->front().data());
  EntryWriter bare(EntryKind::kOrg);
  bare.Add(Attr::kCn, "Subschema");
  EXPECT_EQ(std::move(bare).Finish({.dn = "cn=Subschema"}).dn(), "cn=Subschema");
  EXPECT_EQ(Entry().dn(), "");
  EXPECT_EQ(Entry().attributes().size(), 0u);
  // The user attributes form the list a search sends, exactly as the LDAP encoder writes it;
  // the operational one follows outside it.
  std::string expected, entry_dn;
  {
    ldap::AttributeListEncoder list(&expected, /*types_only=*/false);
    list.Add("objectClass", classes);
    list.Add("cn", std::vector<std::string>{"Big"});
    list.Add("description", std::vector<std::string>{long_value});
    list.Add("member", members);
    list.Finish();
    ldap::AttributeListEncoder one(&entry_dn, false);
    one.Add("entryDN", std::vector<std::string>{dn});
    one.Finish();
  }
  EXPECT_EQ(e.encoded_user_attributes(), expected);
  std::vector<Attr> order;
  for (EncodedAttribute a : e.attributes()) order.push_back(a.attr);
  EXPECT_EQ(order, (std::vector<Attr>{Attr::kObjectClass, Attr::kCn, Attr::kDescription,
                                      Attr::kMember, Attr::kEntryDn}));
  EXPECT_EQ((*std::next(e.attributes().begin(), 4)).tlv, entry_dn.substr(2));
}

}  // namespace
}  // namespace skydir::dit
