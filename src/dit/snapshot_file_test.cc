// A snapshot read back from its file serves exactly what the saved one served, and a file that
// is damaged, cut short, of another org or of another suffix is refused, never half-read.
#include "dit/snapshot_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "dit/snapshot_test_util.h"

namespace skydir::dit {
namespace {

using namespace testing_util;  // the shared orgs and comparison of the snapshot tests

class SnapshotFileTest : public testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/skydir-snapfile-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/org.snap";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove((path_ + ".tmp").c_str());
    ::rmdir(dir_.c_str());
  }

  // An org with a nested group, a locked user, a name that needs escaping, a password policy
  // and enough users to fill several chunks.
  static directory::OrgData BigOrg() {
    directory::OrgData data = Org();
    data.org.settings.password.max_age_days = 90;
    data.org.settings.lockout.max_failures = 3;
    data.org.settings.ldap_self_search = true;
    data.org.settings.user_lockout_action = directory::LdapPolicyAction::kRemove;
    for (int i = 0; i < 2500; ++i) {
      data.users.push_back(Person("b" + std::to_string(i), "user" + std::to_string(i)));
      data.users.back().password_changed = kNow - int64_t{86400} * 1000000;
      data.ldap.user_ids.push_back(data.users.back().id);
    }
    data.users.push_back(Person("c1", "Smith, John+x"));
    data.users.back().ldap_binding_user = true;
    data.ldap.user_ids.push_back("c1");
    data.groups.push_back({"g2", data.org.id, "All Staff", "everyone", 6001, {"a3", "b7"}, {"g1"}});
    data.ldap.group_ids.push_back("g2");
    return data;
  }

  std::string ReadAll() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void WriteAll(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  }

  std::string dir_, path_;
};

TEST_F(SnapshotFileTest, ReadsBackWhatWasSaved) {
  directory::OrgData data = BigOrg();
  auto built = Snapshot::Build(data, {}, kNow);
  ASSERT_TRUE(WriteSnapshotFile(*built, {42, "change 42"}, {}, path_).ok());
  Result<SavedSnapshot> read = ReadSnapshotFile(path_, data.org.id, {});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const Snapshot& snap = *read->snapshot;
  EXPECT_EQ(read->stamp.seq, 42);
  EXPECT_EQ(read->stamp.change, "change 42");
  ExpectSameServed(*built, snap);
  EXPECT_EQ(snap.org_id(), data.org.id);
  EXPECT_EQ(snap.built_at(), built->built_at());
  EXPECT_EQ(snap.refresh_at(), built->refresh_at());
  EXPECT_NE(snap.refresh_at(), 0);  // the password policy expires passwords
  EXPECT_EQ(snap.settings().password.max_age_days, 90u);
  EXPECT_EQ(snap.settings().lockout.max_failures, 3u);
  EXPECT_TRUE(snap.settings().ldap_self_search);
  EXPECT_EQ(snap.settings().user_lockout_action, directory::LdapPolicyAction::kRemove);
  for (uint32_t i = 0; i < snap.size(); ++i) {
    EXPECT_EQ(snap.FindByNdn(snap.entry(i).ndn()), i) << snap.entry(i).dn();
    EXPECT_EQ(snap.entry(i).binding_user, built->entry(i).binding_user);
    EXPECT_EQ(snap.entry(i).locked_until, built->entry(i).locked_until);
    if (!snap.entry(i).model_id().empty()) {
      EXPECT_EQ(snap.FindByModelId(snap.entry(i).model_id()), i);
    }
    EXPECT_EQ(snap.ParentGroups(i), built->ParentGroups(i));
  }
  std::optional<uint32_t> all_staff = snap.FindByModelId("g2");
  ASSERT_TRUE(all_staff);
  EXPECT_EQ(snap.MemberGroups(*all_staff), built->MemberGroups(*all_staff));
  EXPECT_EQ(snap.TransitiveMembers(*all_staff).size(), 5u);  // a3, b7, g1 and g1's a1, a2
  std::optional<uint32_t> alice = snap.FindByModelId("a1");
  ASSERT_TRUE(alice);
  EXPECT_EQ(snap.Lookup(Attr::kMember, snap.entry(*alice).ndn())->size(), 1u);
  std::vector<uint32_t> scoped;
  snap.ScopeEntries(kOrgEntry, Scope::kSubtree, &scoped);
  EXPECT_EQ(scoped.size(), snap.size());
}

TEST_F(SnapshotFileTest, ReadsBackAPatchedSnapshot) {
  directory::OrgData data = Org();
  auto old = Snapshot::Build(data, {}, kNow);
  data.users[0].email = "alice@example.org";
  auto patched = Snapshot::PatchUsers(*old, {data.users[0]}, kNow);
  ASSERT_NE(patched, nullptr);
  ASSERT_TRUE(WriteSnapshotFile(*patched, {7, "x"}, {}, path_).ok());
  Result<SavedSnapshot> read = ReadSnapshotFile(path_, data.org.id, {});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ExpectSameServed(*Snapshot::Build(data, {}, kNow), *read->snapshot);
  EXPECT_TRUE(read->snapshot->Lookup(Attr::kMail, "alice@example.com")->empty());
}

TEST_F(SnapshotFileTest, RefusesAnotherOrgOrSuffixAndAMissingFile) {
  directory::OrgData data = Org();
  ASSERT_TRUE(WriteSnapshotFile(*Snapshot::Build(data, {}, kNow), {1, "x"}, {}, path_).ok());
  EXPECT_FALSE(ReadSnapshotFile(path_, "ffffffffffffffffffffffff", {}).ok());
  SnapshotOptions other;
  other.suffix = "dc=example,dc=com";
  EXPECT_FALSE(ReadSnapshotFile(path_, data.org.id, other).ok());
  EXPECT_EQ(ReadSnapshotFile(dir_ + "/none.snap", data.org.id, {}).status().code(),
            Code::kNoSuchObject);
}

// Every single flipped byte and every cut is caught: by the format checks where they look, by
// the checksum everywhere else.
TEST_F(SnapshotFileTest, RefusesEveryDamagedOrTruncatedFile) {
  directory::OrgData data = Org();
  ASSERT_TRUE(WriteSnapshotFile(*Snapshot::Build(data, {}, kNow), {3, "x"}, {}, path_).ok());
  const std::string good = ReadAll();
  ASSERT_GT(good.size(), 100u);
  ASSERT_TRUE(ReadSnapshotFile(path_, data.org.id, {}).ok());
  for (size_t at = 0; at < good.size(); at += 7) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    WriteAll(bad);
    EXPECT_FALSE(ReadSnapshotFile(path_, data.org.id, {}).ok()) << "flipped byte " << at;
    WriteAll(good.substr(0, at));
    EXPECT_FALSE(ReadSnapshotFile(path_, data.org.id, {}).ok()) << "cut at " << at;
  }
  WriteAll(good + "extra");
  EXPECT_FALSE(ReadSnapshotFile(path_, data.org.id, {}).ok());
}

}  // namespace
}  // namespace skydir::dit
