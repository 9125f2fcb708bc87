// Small orgs and a full comparison of what two snapshots serve, for the snapshot tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "dit/snapshot.h"

namespace skydir::dit::testing_util {

constexpr int64_t kNow = int64_t{1800000000} * 1000000;

inline directory::User Person(const std::string& id, const std::string& name) {
  directory::User u;
  u.id = id;
  u.org_id = "0123456789abcdef01234567";
  u.username = name;
  u.email = name + "@example.com";
  u.first_name = name;
  u.last_name = "Doe";
  u.state = directory::UserState::kActivated;
  u.unix_uid = u.unix_guid = 5000 + static_cast<uint32_t>(id.back());
  u.password_hash = "{SSHA}x";
  return u;
}

inline directory::OrgData Org() {
  directory::OrgData d;
  d.org.id = "0123456789abcdef01234567";
  d.users = {Person("a1", "alice"), Person("a2", "bob"), Person("a3", "carol")};
  d.groups = {{"g1", d.org.id, "eng", "", 6000, {"a1", "a2"}, {}, 0, 0}};
  d.ldap.user_ids = {"a3"};
  d.ldap.group_ids = {"g1"};
  return d;
}

// Everything a search can see: every entry's DN, BER and bind data, and the index lookups.
inline void ExpectSameServed(const Snapshot& a, const Snapshot& b) {
  ASSERT_EQ(a.size(), b.size());
  for (uint32_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.entry(i).dn(), b.entry(i).dn());
    EXPECT_EQ(a.entry(i).encoded_user_attributes(), b.entry(i).encoded_user_attributes())
        << a.entry(i).dn();
    EXPECT_EQ(a.entry(i).password_hash(), b.entry(i).password_hash());
    EXPECT_EQ(a.entry(i).ndn(), b.entry(i).ndn());
    EXPECT_EQ(a.entry(i).model_id(), b.entry(i).model_id());
    auto in_a = a.entry(i).attributes(), in_b = b.entry(i).attributes();
    ASSERT_EQ(in_a.size(), in_b.size());
    for (auto x = in_a.begin(), y = in_b.begin(); x != in_a.end(); ++x, ++y) {
      EXPECT_EQ((*x).attr, (*y).attr);
      EXPECT_EQ((*x).tlv, (*y).tlv);
    }
    EXPECT_EQ(a.entry(i).can_bind, b.entry(i).can_bind);
    for (Attr attr : {Attr::kUid, Attr::kMail, Attr::kCn, Attr::kMemberOf, Attr::kUidNumber}) {
      std::optional<Values> values = a.entry(i).Find(attr);
      if (!values) continue;
      for (std::string_view v : *values) {
        auto norm = NormalizeValue(attr, v);
        ASSERT_TRUE(norm);
        auto in_a = a.Lookup(attr, *norm), in_b = b.Lookup(attr, *norm);
        ASSERT_TRUE(in_a && in_b);
        EXPECT_TRUE(std::equal(in_a->begin(), in_a->end(), in_b->begin(), in_b->end())) << v;
      }
    }
  }
}

}  // namespace skydir::dit::testing_util
