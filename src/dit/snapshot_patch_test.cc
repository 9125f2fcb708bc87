// Snapshot::PatchUsers must serve exactly what a full Build of the changed data serves, and
// refuse whatever it cannot patch.
#include <algorithm>

#include <gtest/gtest.h>

#include "dit/snapshot.h"
#include "dit/snapshot_test_util.h"

namespace skydir::dit {
namespace {

using namespace testing_util;  // the shared orgs and comparison of the snapshot tests

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
