// Snapshot::PatchUsers must serve exactly what a full Build of the changed data serves, and
// refuse whatever it cannot patch.
#include <algorithm>

#include <gtest/gtest.h>

#include "dit/snapshot.h"

namespace skydir::dit {
namespace {

constexpr int64_t kNow = int64_t{1800000000} * 1000000;

directory::User Person(const std::string& id, const std::string& name) {
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

directory::OrgData Org() {
  directory::OrgData d;
  d.org.id = "0123456789abcdef01234567";
  d.users = {Person("a1", "alice"), Person("a2", "bob"), Person("a3", "carol")};
  d.groups = {{"g1", d.org.id, "eng", "", 6000, {"a1", "a2"}, {}, 0, 0}};
  d.ldap.user_ids = {"a3"};
  d.ldap.group_ids = {"g1"};
  return d;
}

// Everything a search can see: every entry's DN, BER and bind data, and the index lookups.
void ExpectSameServed(const Snapshot& a, const Snapshot& b) {
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

TEST(SnapshotPatchTest, ServesWhatARebuildServes) {
  directory::OrgData data = Org();
  auto old = Snapshot::Build(data, {}, kNow);
  data.users[0].title = "Lead";
  data.users[0].email = "alice@example.org";
  data.users[0].first_name = "Alicia";
  data.users[2].password_hash = "{ARGON2}new";
  auto patched = Snapshot::PatchUsers(*old, {data.users[0], data.users[2]}, kNow);
  ASSERT_NE(patched, nullptr);
  auto rebuilt = Snapshot::Build(data, {}, kNow);
  ExpectSameServed(*patched, *rebuilt);
  ExpectSameServed(*rebuilt, *patched);
  // The old mail no longer finds anyone; the old snapshot is untouched.
  EXPECT_TRUE(patched->Lookup(Attr::kMail, "alice@example.com")->empty());
  EXPECT_EQ(old->Lookup(Attr::kMail, "alice@example.com")->size(), 1u);
}

TEST(SnapshotPatchTest, PatchesAcrossChunksAndLeavesTheOldSnapshotAlone) {
  directory::OrgData data = Org();
  for (int i = 0; i < 3000; ++i) {
    data.users.push_back(Person("b" + std::to_string(i), "user" + std::to_string(i)));
    data.ldap.user_ids.push_back(data.users.back().id);
  }
  auto old = Snapshot::Build(data, {}, kNow);
  ASSERT_GT(old->size(), 2048u);  // three chunks
  const auto before = Snapshot::Build(data, {}, kNow);
  for (size_t i : {size_t{3}, size_t{1500}, size_t{1501}, size_t{2999}}) {
    data.users[i].title = "Changed " + std::to_string(i);
    data.users[i].email = "moved" + std::to_string(i) + "@example.org";
  }
  auto patched = Snapshot::PatchUsers(
      *old, {data.users[3], data.users[1500], data.users[1501], data.users[2999]}, kNow);
  ASSERT_NE(patched, nullptr);
  ExpectSameServed(*patched, *Snapshot::Build(data, {}, kNow));
  ExpectSameServed(*old, *before);
}

TEST(SnapshotPatchTest, RefusesWhatChangesVisibilityOrNames) {
  directory::OrgData data = Org();
  auto old = Snapshot::Build(data, {}, kNow);
  directory::User renamed = data.users[0];
  renamed.username = "alicia";
  EXPECT_EQ(Snapshot::PatchUsers(*old, {renamed}, kNow), nullptr);
  directory::User suspended = data.users[1];
  suspended.state = directory::UserState::kSuspended;
  EXPECT_EQ(Snapshot::PatchUsers(*old, {suspended}, kNow), nullptr);
  directory::User locked = data.users[1];
  locked.account_locked = true;
  EXPECT_EQ(Snapshot::PatchUsers(*old, {locked}, kNow), nullptr);
  directory::User stranger = Person("a9", "zed");  // not served: may become visible
  EXPECT_EQ(Snapshot::PatchUsers(*old, {stranger}, kNow), nullptr);
}

}  // namespace
}  // namespace skydir::dit
