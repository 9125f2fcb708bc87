// The snapshot's own clock: a password that expires without any write still changes the view.
#include "dit/snapshot.h"

#include <gtest/gtest.h>

namespace skydir::dit {
namespace {

constexpr const char* kOrg = "0123456789abcdef01234567";
constexpr const char* kUserId = "a00000000000000000000001";
constexpr int64_t kDay = int64_t{86400} * 1000000;
constexpr int64_t kNow = int64_t{1700000000} * 1000000;

directory::OrgData OrgWithOneUser(int64_t password_changed) {
  directory::OrgData d;
  d.org.id = kOrg;
  d.org.name = "acme";
  d.org.created = kNow - 100 * kDay;
  d.org.settings.password.max_age_days = 30;
  directory::User u;
  u.id = kUserId;
  u.org_id = kOrg;
  u.username = "alice";
  u.email = "alice@example.com";
  u.state = directory::UserState::kActivated;
  u.password_hash = "{SSHA}x";
  u.unix_uid = u.unix_guid = 5000;
  u.created = u.updated = d.org.created;
  u.password_changed = password_changed;
  d.users.push_back(u);
  d.ldap.org_id = kOrg;
  d.ldap.user_ids = {kUserId};
  return d;
}

const Entry* Alice(const Snapshot& snap) {
  for (size_t i = 0; i < snap.size(); ++i) {
    if (snap.entry(i).model_id() == kUserId) return &snap.entry(i);
  }
  return nullptr;
}

TEST(SnapshotTest, RebuildIsDueWhenTheFirstPasswordExpires) {
  const int64_t changed = kNow - 10 * kDay;  // expires in 20 days
  auto snap = Snapshot::Build(OrgWithOneUser(changed), {}, kNow);
  ASSERT_NE(Alice(*snap), nullptr);
  EXPECT_TRUE(Alice(*snap)->can_bind);
  EXPECT_EQ(snap->refresh_at(), changed + 30 * kDay);

  auto later = Snapshot::Build(OrgWithOneUser(changed), {}, snap->refresh_at());
  ASSERT_NE(Alice(*later), nullptr);  // the default action, disable: visible, cannot bind
  EXPECT_FALSE(Alice(*later)->can_bind);
  EXPECT_EQ(later->refresh_at(), 0);
}

TEST(SnapshotTest, ExpiredPasswordWithRemoveHidesTheUser) {
  directory::OrgData d = OrgWithOneUser(kNow - 31 * kDay);
  d.org.settings.password_expiration_action = directory::LdapPolicyAction::kRemove;
  EXPECT_EQ(Alice(*Snapshot::Build(d, {}, kNow)), nullptr);
}

TEST(SnapshotTest, NoExpiryNoRebuild) {
  directory::OrgData d = OrgWithOneUser(kNow - 1000 * kDay);
  d.org.settings.password.max_age_days = 0;
  auto snap = Snapshot::Build(d, {}, kNow);
  ASSERT_NE(Alice(*snap), nullptr);
  EXPECT_TRUE(Alice(*snap)->can_bind);
  EXPECT_EQ(snap->refresh_at(), 0);
}

}  // namespace
}  // namespace skydir::dit
