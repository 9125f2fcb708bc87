// Admin use cases against a real SqliteStore: orgs, users, passwords, groups, LDAP, API keys.
#include "service/admin.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "service/admin_test_util.h"

namespace skydir::service {
namespace {

using directory::ApiKeyRole;
using directory::UserState;

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST_F(AdminTest, CreateOrgGivesAWorkingApiKey) {
  auto org = admin_->CreateOrg("globex");
  ASSERT_TRUE(org.ok()) << org.status().ToString();
  EXPECT_EQ(org->org.name, "globex");
  EXPECT_EQ(org->org.id.size(), 24u);
  EXPECT_EQ(org->api_key.secret.rfind("sk_" + org->api_key.key.id + "_", 0), 0u);
  auto key = admin_->AuthenticateApiKey(org->api_key.secret);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->org_id, org->org.id);
  EXPECT_EQ(key->role, ApiKeyRole::kAdmin);
  EXPECT_NE(key->secret_hash, org->api_key.secret);  // only the hash is kept
}

TEST_F(AdminTest, CreateOrgRefusesDuplicateAndEmptyNames) {
  EXPECT_FAILS_WITH(admin_->CreateOrg("ACME"), Code::kEntryAlreadyExists, "name:");
  EXPECT_FALSE(admin_->CreateOrg("").ok());
  auto orgs = admin_->ListOrgs();
  ASSERT_TRUE(orgs.ok());
  EXPECT_EQ(orgs->size(), 1u);  // nothing half-written: no second org, no stray key
}

TEST_F(AdminTest, ResolveOrgByIdOrName) {
  EXPECT_EQ(admin_->ResolveOrg(org_)->id, org_);
  EXPECT_EQ(admin_->ResolveOrg("Acme")->id, org_);
  EXPECT_FAILS_WITH(admin_->ResolveOrg("nope"), Code::kNoSuchObject, "organization 'nope'");
  EXPECT_FAILS_WITH(admin_->GetOrg("0123456789abcdef01234567"), Code::kNoSuchObject,
                    "organization");
}

TEST_F(AdminTest, UpdateOrgSettings) {
  directory::OrgSettings settings;
  settings.password.min_length = 12;
  auto org = admin_->UpdateOrgSettings(org_, settings);
  ASSERT_TRUE(org.ok()) << org.status().ToString();
  EXPECT_EQ(admin_->GetOrg(org_)->settings.password.min_length, 12u);
}

TEST_F(AdminTest, CreateUserWithoutPasswordIsStagedWithDefaults) {
  UserInput in;
  in.username = "alice";
  in.email = "alice@example.com";
  in.first_name = "Alice";
  in.last_name = "Liddell";
  auto user = admin_->CreateUser(org_, in);
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  EXPECT_EQ(user->state, UserState::kStaged);
  EXPECT_TRUE(user->password_hash.empty());
  EXPECT_EQ(user->display_name, "Alice Liddell");
  EXPECT_EQ(user->home_directory, "/home/alice");
  EXPECT_EQ(user->login_shell, "/bin/bash");
  EXPECT_GE(user->unix_uid, settings_.directory.unix_id_min);
  EXPECT_EQ(user->unix_guid, user->unix_uid);
  auto again = admin_->GetUser(org_, user->id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->username, "alice");
}

TEST_F(AdminTest, CreateUserWithPasswordIsActivated) {
  directory::User user = MakeUser("bob", true);
  EXPECT_EQ(user.state, UserState::kActivated);
  EXPECT_EQ(user.password_hash.rfind("{ARGON2}$argon2id$", 0), 0u);
  EXPECT_TRUE(hasher_->Verify(user.password_hash, "correct horse battery").ok);
  EXPECT_NE(user.password_changed, 0);
}

TEST_F(AdminTest, CreateUserRefusesBadInput) {
  UserInput in;
  in.username = "-bad";
  in.email = "x@example.com";
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kConstraintViolation, "username:");
  in.username = "Upper";
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kConstraintViolation, "username:");
  in.username = "fine";
  in.email.reset();
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kConstraintViolation, "email:");
  in.email = "not-an-email";
  EXPECT_FALSE(admin_->CreateUser(org_, in).ok());
  in.email = "fine@example.com";
  in.password = "short";
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kConstraintViolation, "password:");
  in.password.reset();
  in.unix_uid = 0;
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kConstraintViolation, "unix_uid:");
  EXPECT_TRUE(admin_->ListUsers(org_)->empty());
}

TEST_F(AdminTest, CreateUserRefusesDuplicates) {
  MakeUser("carol");
  UserInput in;
  in.username = "carol";
  in.email = "other@example.com";
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kEntryAlreadyExists, "username:");
  in.username = "carol2";
  in.email = "carol@example.com";
  EXPECT_FAILS_WITH(admin_->CreateUser(org_, in), Code::kEntryAlreadyExists, "email:");
}

TEST_F(AdminTest, ExplicitUnixIdsAreReservedNotReused) {
  UserInput in;
  in.username = "dave";
  in.email = "dave@example.com";
  in.unix_uid = settings_.directory.unix_id_min;
  auto dave = admin_->CreateUser(org_, in);
  ASSERT_TRUE(dave.ok()) << dave.status().ToString();
  EXPECT_EQ(dave->unix_uid, settings_.directory.unix_id_min);
  directory::User eve = MakeUser("eve");
  EXPECT_NE(eve.unix_uid, dave->unix_uid);
  ASSERT_TRUE(admin_->DeleteUser(org_, eve.id).ok());
  directory::User frank = MakeUser("frank");
  EXPECT_NE(frank.unix_uid, eve.unix_uid);  // never reused
  EXPECT_NE(MakeGroup("staff").gid, frank.unix_uid);
}

TEST_F(AdminTest, UnknownOrgsAndObjectsOfOtherOrgsAreNotFound) {
  auto other = admin_->CreateOrg("globex");
  ASSERT_TRUE(other.ok());
  directory::User user = MakeUser("alice");
  EXPECT_FAILS_WITH(admin_->GetUser(other->org.id, user.id), Code::kNoSuchObject, "user");
  EXPECT_FAILS_WITH(admin_->SuspendUser(other->org.id, user.id), Code::kNoSuchObject, "user");
  EXPECT_FAILS_WITH(admin_->DeleteUser(other->org.id, user.id), Code::kNoSuchObject, "user");
  UserInput in;
  in.username = "x";
  in.email = "x@example.com";
  EXPECT_FAILS_WITH(admin_->CreateUser("ffffffffffffffffffffffff", in), Code::kNoSuchObject,
                    "organization");
  EXPECT_FAILS_WITH(admin_->GetUser(org_, "not-an-id"), Code::kNoSuchObject, "user");
}

TEST_F(AdminTest, UpdateUserChangesOnlyNamedFields) {
  UserInput in;
  in.username = "alice";
  in.email = "alice@example.com";
  in.title = "Engineer";
  auto alice = admin_->CreateUser(org_, in);
  ASSERT_TRUE(alice.ok());
  UserPatch patch;
  patch.department = "R&D";
  patch.ldap_binding_user = true;
  auto updated = admin_->UpdateUser(org_, alice->id, patch);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->department, "R&D");
  EXPECT_EQ(updated->title, "Engineer");
  EXPECT_TRUE(updated->ldap_binding_user);
  EXPECT_EQ(updated->email, "alice@example.com");

  UserPatch rename;
  rename.username = "alice.l";
  EXPECT_EQ(admin_->UpdateUser(org_, alice->id, rename)->username, "alice.l");
  rename.username = "Bad Name";
  EXPECT_FAILS_WITH(admin_->UpdateUser(org_, alice->id, rename), Code::kConstraintViolation,
                    "username:");
  MakeUser("bob");
  rename.username = "bob";
  EXPECT_FAILS_WITH(admin_->UpdateUser(org_, alice->id, rename), Code::kEntryAlreadyExists,
                    "username:");
  EXPECT_EQ(admin_->GetUser(org_, alice->id)->username, "alice.l");
}

TEST_F(AdminTest, UpdateUserStateChangesInTheSameTransaction) {
  directory::User alice = MakeUser("alice");
  UserPatch patch;
  patch.title = "CTO";
  patch.state = UserState::kActivated;
  EXPECT_FAILS_WITH(admin_->UpdateUser(org_, alice.id, patch), Code::kUnwillingToPerform,
                    "user has no password");
  EXPECT_EQ(admin_->GetUser(org_, alice.id)->title, "");  // nothing half-written
  patch.state = UserState::kSuspended;
  EXPECT_EQ(admin_->UpdateUser(org_, alice.id, patch)->state, UserState::kSuspended);
}

TEST_F(AdminTest, SetPasswordActivatesAndChecksPolicyAndHistory) {
  directory::OrgSettings settings;
  settings.password.min_length = 10;
  settings.password.history = 2;
  ASSERT_TRUE(admin_->UpdateOrgSettings(org_, settings).ok());
  directory::User alice = MakeUser("alice");
  EXPECT_FAILS_WITH(admin_->SetPassword(org_, alice.id, "short"), Code::kConstraintViolation,
                    "password:");
  auto set = admin_->SetPassword(org_, alice.id, "first password");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->state, UserState::kActivated);
  EXPECT_TRUE(hasher_->Verify(set->password_hash, "first password").ok);
  ASSERT_TRUE(admin_->SetPassword(org_, alice.id, "second password").ok());
  EXPECT_FAILS_WITH(admin_->SetPassword(org_, alice.id, "first password"),
                    Code::kConstraintViolation, "password:");
  ASSERT_TRUE(admin_->SetPassword(org_, alice.id, "third password").ok());
  ASSERT_TRUE(admin_->SetPassword(org_, alice.id, "fourth password").ok());
  // Three changes later "first password" is out of the history window of 2.
  EXPECT_TRUE(admin_->SetPassword(org_, alice.id, "first password").ok());
}

TEST_F(AdminTest, SetPasswordKeepsASuspendedUserSuspended) {
  directory::User alice = MakeUser("alice", true);
  ASSERT_TRUE(admin_->SuspendUser(org_, alice.id).ok());
  EXPECT_EQ(admin_->SetPassword(org_, alice.id, "another password")->state,
            UserState::kSuspended);
}

TEST_F(AdminTest, ActivateSuspendUnlock) {
  directory::User staged = MakeUser("staged");
  EXPECT_FAILS_WITH(admin_->ActivateUser(org_, staged.id), Code::kUnwillingToPerform,
                    "user has no password");
  directory::User bob = MakeUser("bob", true);
  EXPECT_EQ(admin_->SuspendUser(org_, bob.id)->state, UserState::kSuspended);
  EXPECT_EQ(admin_->ActivateUser(org_, bob.id)->state, UserState::kActivated);
  {
    auto txn = store_->Begin();
    ASSERT_TRUE(txn.ok());
    bob.account_locked = true;
    bob.locked_until = 123;
    bob.state = UserState::kActivated;
    ASSERT_TRUE((*txn)->UpdateUser(bob).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  auto unlocked = admin_->UnlockUser(org_, bob.id);
  ASSERT_TRUE(unlocked.ok());
  EXPECT_FALSE(unlocked->account_locked);
  EXPECT_EQ(unlocked->locked_until, 0);
}

TEST_F(AdminTest, DeleteAndResolveUsers) {
  directory::User alice = MakeUser("alice");
  EXPECT_EQ(admin_->ResolveUser(org_, "alice")->id, alice.id);
  EXPECT_EQ(admin_->ResolveUser(org_, alice.id)->username, "alice");
  EXPECT_FAILS_WITH(admin_->ResolveUser(org_, "nobody"), Code::kNoSuchObject, "user 'nobody'");
  ASSERT_TRUE(admin_->DeleteUser(org_, alice.id).ok());
  EXPECT_FAILS_WITH(admin_->GetUser(org_, alice.id), Code::kNoSuchObject, "user");
  EXPECT_FAILS_WITH(admin_->DeleteUser(org_, alice.id), Code::kNoSuchObject, "user");
}

TEST_F(AdminTest, GroupsCreateUpdateDelete) {
  directory::Group eng = MakeGroup("engineering");
  EXPECT_GE(eng.gid, settings_.directory.unix_id_min);
  EXPECT_FAILS_WITH(admin_->CreateGroup(org_, GroupInput{"engineering", "", std::nullopt}),
                    Code::kEntryAlreadyExists, "name:");
  EXPECT_FALSE(admin_->CreateGroup(org_, GroupInput{"", "", std::nullopt}).ok());
  auto ops = admin_->CreateGroup(org_, GroupInput{"ops", "on call", 7000});
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(ops->gid, 7000u);
  GroupPatch patch;
  patch.description = "builders";
  auto updated = admin_->UpdateGroup(org_, eng.id, patch);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->description, "builders");
  EXPECT_EQ(updated->name, "engineering");
  patch.name = "ops";
  EXPECT_FAILS_WITH(admin_->UpdateGroup(org_, eng.id, patch), Code::kEntryAlreadyExists, "name:");
  EXPECT_EQ(admin_->ResolveGroup(org_, "ops")->id, ops->id);
  EXPECT_EQ(admin_->ResolveGroup(org_, eng.id)->name, "engineering");
  ASSERT_TRUE(admin_->DeleteGroup(org_, eng.id).ok());
  EXPECT_FAILS_WITH(admin_->GetGroup(org_, eng.id), Code::kNoSuchObject, "group");
  EXPECT_EQ(admin_->ListGroups(org_)->size(), 1u);
}

TEST_F(AdminTest, MembershipRefusesCyclesSelfAndUnknownMembers) {
  directory::User alice = MakeUser("alice");
  directory::Group a = MakeGroup("a"), b = MakeGroup("b"), c = MakeGroup("c");
  ASSERT_TRUE(admin_->AddMember(org_, a.id, MemberKind::kUser, alice.id).ok());
  ASSERT_TRUE(admin_->AddMember(org_, a.id, MemberKind::kUser, alice.id).ok());  // idempotent
  ASSERT_TRUE(admin_->AddMember(org_, a.id, MemberKind::kGroup, b.id).ok());
  ASSERT_TRUE(admin_->AddMember(org_, b.id, MemberKind::kGroup, c.id).ok());
  EXPECT_FAILS_WITH(admin_->AddMember(org_, c.id, MemberKind::kGroup, a.id),
                    Code::kUnwillingToPerform, "group 'c'");
  EXPECT_FAILS_WITH(admin_->AddMember(org_, a.id, MemberKind::kGroup, a.id),
                    Code::kUnwillingToPerform, "a group cannot be a member of itself");
  EXPECT_FAILS_WITH(admin_->AddMember(org_, a.id, MemberKind::kUser, b.id), Code::kNoSuchObject,
                    "user");
  EXPECT_FAILS_WITH(admin_->AddMember(org_, a.id, MemberKind::kGroup, "ffffffffffffffffffffffff"),
                    Code::kNoSuchObject, "group");
  auto group = admin_->GetGroup(org_, a.id);
  ASSERT_TRUE(group.ok());
  EXPECT_TRUE(Contains(group->member_users, alice.id));
  EXPECT_TRUE(Contains(group->member_groups, b.id));
  ASSERT_TRUE(admin_->RemoveMember(org_, a.id, MemberKind::kUser, alice.id).ok());
  EXPECT_TRUE(admin_->GetGroup(org_, a.id)->member_users.empty());
}

TEST_F(AdminTest, ConnectAndDisconnectLdap) {
  directory::User alice = MakeUser("alice");
  directory::Group eng = MakeGroup("engineering");
  ASSERT_TRUE(admin_->ConnectLdap(org_, MemberKind::kUser, alice.id).ok());
  ASSERT_TRUE(admin_->ConnectLdap(org_, MemberKind::kGroup, eng.id).ok());
  auto ldap = admin_->GetLdapDirectory(org_);
  ASSERT_TRUE(ldap.ok());
  EXPECT_TRUE(Contains(ldap->user_ids, alice.id));
  EXPECT_TRUE(Contains(ldap->group_ids, eng.id));
  ASSERT_TRUE(admin_->DisconnectLdap(org_, MemberKind::kUser, alice.id).ok());
  EXPECT_FALSE(Contains(admin_->GetLdapDirectory(org_)->user_ids, alice.id));
  EXPECT_FAILS_WITH(admin_->ConnectLdap(org_, MemberKind::kUser, eng.id), Code::kNoSuchObject,
                    "user");
}

TEST_F(AdminTest, ApiKeysCreateListRevokeAuthenticate) {
  auto key = admin_->CreateApiKey(org_, "ci", ApiKeyRole::kReadOnly);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto op = admin_->CreateApiKey("", "root", ApiKeyRole::kOperator);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_FAILS_WITH(admin_->CreateApiKey(org_, "x", ApiKeyRole::kOperator),
                    Code::kUnwillingToPerform, "role:");
  EXPECT_FAILS_WITH(admin_->CreateApiKey("", "x", ApiKeyRole::kAdmin), Code::kUnwillingToPerform,
                    "role:");
  EXPECT_FAILS_WITH(admin_->CreateApiKey(org_, "", ApiKeyRole::kAdmin),
                    Code::kConstraintViolation, "name:");
  EXPECT_EQ(admin_->ListApiKeys(org_)->size(), 2u);  // "initial" and "ci"
  EXPECT_EQ(admin_->ListApiKeys("")->size(), 1u);
  EXPECT_EQ(admin_->AuthenticateApiKey(op->secret)->role, ApiKeyRole::kOperator);
  EXPECT_NE(admin_->AuthenticateApiKey(key->secret)->last_used, 0);

  // Operator keys are not revocable through an org, nor org keys through another org.
  EXPECT_FAILS_WITH(admin_->RevokeApiKey(org_, op->key.id), Code::kNoSuchObject, "API key");
  ASSERT_TRUE(admin_->RevokeApiKey(org_, key->key.id).ok());
  EXPECT_FAILS_WITH(admin_->AuthenticateApiKey(key->secret), Code::kInvalidCredentials,
                    "invalid API key");
}

TEST_F(AdminTest, AuthenticateApiKeyFailsAlikeForEveryBadSecret) {
  auto key = admin_->CreateApiKey(org_, "ci", ApiKeyRole::kAdmin);
  ASSERT_TRUE(key.ok());
  std::string tampered = key->secret;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  for (const std::string& bad :
       {std::string(), std::string("sk_"), tampered, key->secret + "0",
        "sk_ffffffffffffffffffffffff_" + std::string(64, 'a'), key->secret.substr(1)}) {
    auto result = admin_->AuthenticateApiKey(bad);
    EXPECT_EQ(result.status().code(), Code::kInvalidCredentials) << bad;
    EXPECT_EQ(result.status().message(), "invalid API key") << bad;
  }
}

}  // namespace
}  // namespace skydir::service
