#include "directory/visibility.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace skydir::directory {
namespace {

constexpr int64_t kNow = 1'700'000'000'000'000;  // microseconds
constexpr int64_t kDay = 86400LL * 1000000LL;

class VisibilityTest : public ::testing::Test {
 protected:
  User& AddUser(const std::string& id, UserState state = UserState::kActivated) {
    User u;
    u.id = id;
    u.username = id;
    u.state = state;
    data_.users.push_back(u);
    return data_.users.back();
  }
  Group& AddGroup(const std::string& id, std::vector<std::string> users,
                  std::vector<std::string> groups = {}) {
    Group g;
    g.id = id;
    g.name = id;
    g.member_users = std::move(users);
    g.member_groups = std::move(groups);
    data_.groups.push_back(g);
    return data_.groups.back();
  }
  LdapView View() { return ComputeLdapView(data_, kNow); }
  const User& Find(const std::string& id) {
    for (const User& u : data_.users) {
      if (u.id == id) return u;
    }
    static const User kNone;
    return kNone;
  }

  OrgData data_;
};

TEST_F(VisibilityTest, NothingConnectedNothingVisible) {
  AddUser("u1");
  AddGroup("g1", {"u1"});
  LdapView v = View();
  EXPECT_TRUE(v.users.empty());
  EXPECT_TRUE(v.groups.empty());
  EXPECT_FALSE(CanBind(data_, Find("u1"), kNow));
}

TEST_F(VisibilityTest, DirectUserConnection) {
  AddUser("u1");
  AddUser("u2");
  data_.ldap.user_ids = {"u1"};
  LdapView v = View();
  EXPECT_TRUE(v.IsUserVisible("u1"));
  EXPECT_TRUE(v.IsUserBindable("u1"));
  EXPECT_FALSE(v.IsUserVisible("u2"));
  EXPECT_TRUE(v.member_of.at("u1").empty());
  EXPECT_TRUE(CanBind(data_, Find("u1"), kNow));
  EXPECT_FALSE(CanBind(data_, Find("u2"), kNow));
}

TEST_F(VisibilityTest, ConnectedGroupGrantsMembersAndAppears) {
  AddUser("u1");
  AddUser("u2");
  AddUser("u3");
  AddGroup("g1", {"u1", "u2"});
  AddGroup("g2", {"u2", "u3"});
  data_.ldap.group_ids = {"g1"};
  LdapView v = View();
  EXPECT_TRUE(v.IsUserVisible("u1"));
  EXPECT_TRUE(v.IsUserVisible("u2"));
  EXPECT_FALSE(v.IsUserVisible("u3"));
  EXPECT_TRUE(v.IsGroupVisible("g1"));
  EXPECT_FALSE(v.IsGroupVisible("g2"));
  EXPECT_EQ(v.member_of.at("u2"), std::vector<std::string>{"g1"});  // g2 is not visible
  EXPECT_TRUE(CanBind(data_, Find("u2"), kNow));
  EXPECT_FALSE(CanBind(data_, Find("u3"), kNow));
}

TEST_F(VisibilityTest, NestedGroupsGrantAccessTransitively) {
  AddUser("top");
  AddUser("mid");
  AddUser("deep");
  AddUser("outside");
  AddGroup("g1", {"top"}, {"g2"});
  AddGroup("g2", {"mid"}, {"g3"});
  AddGroup("g3", {"deep"});
  AddGroup("g4", {"outside"}, {"g1"});  // a parent of a connected group grants nothing
  data_.ldap.group_ids = {"g1"};
  LdapView v = View();
  EXPECT_TRUE(v.IsUserVisible("top"));
  EXPECT_TRUE(v.IsUserVisible("mid"));
  EXPECT_TRUE(v.IsUserVisible("deep"));
  EXPECT_FALSE(v.IsUserVisible("outside"));
  EXPECT_EQ(v.groups.size(), 1u);  // nested groups grant access but are not connected
  EXPECT_EQ(v.member_of.at("top"), std::vector<std::string>{"g1"});
  EXPECT_TRUE(v.member_of.at("deep").empty());
  EXPECT_TRUE(CanBind(data_, Find("deep"), kNow));
  EXPECT_FALSE(CanBind(data_, Find("outside"), kNow));
}

TEST_F(VisibilityTest, NestingCycleTerminates) {
  AddUser("u1");
  AddGroup("g1", {}, {"g2"});
  AddGroup("g2", {"u1"}, {"g1"});
  data_.ldap.group_ids = {"g1"};
  EXPECT_TRUE(View().IsUserVisible("u1"));
}

TEST_F(VisibilityTest, MemberOfListsDirectVisibleGroupsSorted) {
  AddUser("u1");
  AddGroup("gb", {"u1"});
  AddGroup("ga", {"u1"});
  AddGroup("gc", {"u1"});
  data_.ldap.group_ids = {"gb", "ga"};
  EXPECT_EQ(View().member_of.at("u1"), (std::vector<std::string>{"ga", "gb"}));
}

TEST_F(VisibilityTest, StagedAndSuspendedAreHidden) {
  AddUser("staged", UserState::kStaged);
  AddUser("suspended", UserState::kSuspended);
  AddGroup("g1", {"staged", "suspended"});
  data_.ldap.group_ids = {"g1"};
  data_.ldap.user_ids = {"staged", "suspended"};
  LdapView v = View();
  EXPECT_TRUE(v.users.empty());
  EXPECT_TRUE(v.IsGroupVisible("g1"));
  EXPECT_FALSE(CanBind(data_, Find("staged"), kNow));
  EXPECT_FALSE(CanBind(data_, Find("suspended"), kNow));
}

TEST_F(VisibilityTest, LockedWithDisableStaysVisibleButCannotBind) {
  AddUser("admin_locked").account_locked = true;  // locked_until 0: until an admin unlocks
  User& timed = AddUser("timed");
  timed.account_locked = true;
  timed.locked_until = kNow + 1000;
  data_.ldap.user_ids = {"admin_locked", "timed"};
  data_.org.settings.user_lockout_action = LdapPolicyAction::kDisable;
  LdapView v = View();
  EXPECT_TRUE(v.IsUserVisible("admin_locked"));
  EXPECT_TRUE(v.IsUserVisible("timed"));
  EXPECT_TRUE(v.bindable_users.empty());
  EXPECT_FALSE(CanBind(data_, Find("timed"), kNow));
}

TEST_F(VisibilityTest, LockedWithRemoveDisappears) {
  AddUser("locked").account_locked = true;
  AddGroup("g1", {"locked"});
  data_.ldap.group_ids = {"g1"};
  data_.org.settings.user_lockout_action = LdapPolicyAction::kRemove;
  LdapView v = View();
  EXPECT_FALSE(v.IsUserVisible("locked"));
  EXPECT_FALSE(v.member_of.contains("locked"));
}

TEST_F(VisibilityTest, ExpiredLockCountsAsUnlocked) {
  User& u = AddUser("u1");
  u.account_locked = true;
  u.locked_until = kNow - 1;
  data_.ldap.user_ids = {"u1"};
  data_.org.settings.user_lockout_action = LdapPolicyAction::kRemove;
  EXPECT_TRUE(View().IsUserBindable("u1"));
  EXPECT_TRUE(CanBind(data_, u, kNow));
  EXPECT_FALSE(CanBind(data_, u, kNow - 2));  // before the lock ran out
}

TEST_F(VisibilityTest, PasswordExpiration) {
  User& u = AddUser("u1");
  u.password_changed = kNow - 91 * kDay;
  AddUser("fresh").password_changed = kNow - kDay;
  data_.ldap.user_ids = {"u1", "fresh"};
  data_.org.settings.password.max_age_days = 90;
  LdapView v = View();
  EXPECT_TRUE(v.IsUserVisible("u1"));
  EXPECT_FALSE(v.IsUserBindable("u1"));
  EXPECT_TRUE(v.IsUserBindable("fresh"));
  data_.org.settings.password_expiration_action = LdapPolicyAction::kRemove;
  EXPECT_FALSE(View().IsUserVisible("u1"));
  data_.org.settings.password.max_age_days = 0;
  EXPECT_TRUE(View().IsUserBindable("u1"));
}

TEST_F(VisibilityTest, DeletedGroupAndDanglingIdsAreIgnored) {
  AddUser("u1");
  AddGroup("g1", {"u1", "ghost-user"}, {"ghost-group"});
  data_.ldap.group_ids = {"deleted-group", "g1"};
  data_.ldap.user_ids = {"ghost-user"};
  LdapView v = View();
  EXPECT_FALSE(v.IsGroupVisible("deleted-group"));
  EXPECT_TRUE(v.IsGroupVisible("g1"));
  EXPECT_EQ(v.users.size(), 1u);
  EXPECT_EQ(v.member_of.at("u1"), std::vector<std::string>{"g1"});
}

TEST_F(VisibilityTest, DeletedConnectedGroupGrantsNothing) {
  AddUser("u1");
  data_.ldap.group_ids = {"gone"};  // its row was deleted; the association lingered
  EXPECT_TRUE(View().users.empty());
}

TEST_F(VisibilityTest, CanBindUsesTheFresherUser) {
  User u = AddUser("u1");
  data_.ldap.user_ids = {"u1"};
  u.account_locked = true;
  EXPECT_FALSE(CanBind(data_, u, kNow));
  EXPECT_TRUE(View().IsUserBindable("u1"));
}

TEST_F(VisibilityTest, HundredThousandUsersIsFast) {
  constexpr int kUsers = 100000;
  data_.users.reserve(kUsers);
  std::vector<std::string> ids;
  for (int i = 0; i < kUsers; ++i) ids.push_back(AddUser("u" + std::to_string(i)).id);
  for (int g = 0; g < 100; ++g) {
    std::vector<std::string> members(ids.begin() + g * 1000, ids.begin() + g * 1000 + 1000);
    AddGroup("g" + std::to_string(g), std::move(members),
             g + 1 < 100 ? std::vector<std::string>{"g" + std::to_string(g + 1)}
                         : std::vector<std::string>{});
    data_.ldap.group_ids.push_back("g" + std::to_string(g));
  }
  auto start = std::chrono::steady_clock::now();
  LdapView v = View();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  std::printf("ComputeLdapView: %d users, 100 groups: %lld ms\n", kUsers,
              static_cast<long long>(ms));
  EXPECT_EQ(v.users.size(), static_cast<size_t>(kUsers));
  EXPECT_EQ(v.member_of.at("u0"), std::vector<std::string>{"g0"});
}

}  // namespace
}  // namespace skydir::directory
