// CRUD, uniqueness, cascades, unix ids, password history and API keys of the SQLite store.
#include <gtest/gtest.h>

#include "store/sqlite/test_util.h"

namespace skydir::store::sqlite::testing {
namespace {

using directory::ApiKey;
using directory::Group;
using directory::LdapPolicyAction;
using directory::User;
using directory::UserState;

TEST_F(StoreTest, OrgCrud) {
  directory::Organization org = MakeOrg();
  org.settings.ldap_self_search = true;
  org.settings.password.min_length = 12;
  org.settings.password.require_symbol = true;
  org.settings.lockout.unlock_after_seconds = 0;
  org.settings.user_lockout_action = LdapPolicyAction::kRemove;
  auto txn = Begin();
  ASSERT_TRUE(txn->InsertOrg(org).ok());
  EXPECT_EQ(txn->InsertOrg(org).code(), Code::kEntryAlreadyExists);
  auto got = txn->GetOrg(org.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Acme");
  EXPECT_TRUE(got->settings.ldap_self_search);
  EXPECT_EQ(got->settings.password.min_length, 12u);
  EXPECT_TRUE(got->settings.password.require_symbol);
  EXPECT_EQ(got->settings.lockout.unlock_after_seconds, 0u);
  EXPECT_EQ(got->settings.user_lockout_action, LdapPolicyAction::kRemove);
  org.name = "Acme Corp";
  org.settings.password_expiration_action = LdapPolicyAction::kRemove;
  ASSERT_TRUE(txn->UpdateOrg(org).ok());
  EXPECT_EQ(txn->GetOrg(org.id)->name, "Acme Corp");
  EXPECT_EQ(txn->GetOrg(org.id)->settings.password_expiration_action, LdapPolicyAction::kRemove);
  auto ldap = txn->GetLdapDirectory(org.id);
  ASSERT_TRUE(ldap.ok());  // InsertOrg made the org's LDAP directory
  EXPECT_TRUE(IsValidId(ldap->id));
  EXPECT_EQ(txn->ListOrgs()->size(), 1u);
  ASSERT_TRUE(txn->Commit().ok());

  EXPECT_EQ(store_->ListOrgIds().value(), std::vector<std::string>{org.id});
  txn = Begin();
  ASSERT_TRUE(txn->DeleteOrg(org.id).ok());
  EXPECT_EQ(txn->DeleteOrg(org.id).code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->GetOrg(org.id).status().code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->UpdateOrg(org).code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(store_->LoadOrg(org.id).status().code(), Code::kNoSuchObject);
}

TEST_F(StoreTest, UserCrudKeepsEveryField) {
  auto org = NewOrg();
  User u = MakeUser(org.id, "jdoe");
  u.first_name = "Jane";
  u.last_name = "Doe";
  u.display_name = "Jane Doe";
  u.description = "multi\nline";
  u.password_hash = "{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  u.account_locked = true;
  u.locked_until = 123456;
  u.ldap_binding_user = true;
  u.admin = true;
  u.unix_uid = 5001;
  u.unix_guid = 5002;
  u.home_directory = "/home/jdoe";
  u.login_shell = "/bin/zsh";
  u.phone = "+1 555";
  u.mobile = "+1 556";
  u.title = "Engineer";
  u.department = "R&D";
  u.employee_number = "E-1";
  u.external_id = "ext-1";
  u.attributes = {{"costCenter", "42"}, {"badge", "\xc3\xa9"}};
  u.password_changed = 777;
  auto txn = Begin();
  ASSERT_TRUE(txn->InsertUser(u).ok());
  auto got = txn->GetUser(org.id, u.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const User& g = *got;
  EXPECT_EQ(g.username, u.username);
  EXPECT_EQ(g.email, u.email);
  EXPECT_EQ(g.first_name, u.first_name);
  EXPECT_EQ(g.last_name, u.last_name);
  EXPECT_EQ(g.display_name, u.display_name);
  EXPECT_EQ(g.description, u.description);
  EXPECT_EQ(g.password_hash, u.password_hash);
  EXPECT_EQ(g.state, UserState::kActivated);
  EXPECT_TRUE(g.account_locked);
  EXPECT_EQ(g.locked_until, 123456);
  EXPECT_TRUE(g.ldap_binding_user);
  EXPECT_TRUE(g.admin);
  EXPECT_EQ(g.unix_uid, 5001u);
  EXPECT_EQ(g.unix_guid, 5002u);
  EXPECT_EQ(g.home_directory, u.home_directory);
  EXPECT_EQ(g.login_shell, u.login_shell);
  EXPECT_EQ(g.phone, u.phone);
  EXPECT_EQ(g.mobile, u.mobile);
  EXPECT_EQ(g.title, u.title);
  EXPECT_EQ(g.department, u.department);
  EXPECT_EQ(g.employee_number, u.employee_number);
  EXPECT_EQ(g.external_id, u.external_id);
  EXPECT_EQ(g.attributes, u.attributes);
  EXPECT_EQ(g.created, u.created);
  EXPECT_EQ(g.updated, u.updated);
  EXPECT_EQ(g.password_changed, 777);

  u.state = UserState::kSuspended;
  u.username = "jane";
  u.attributes = {{"badge", "2"}};
  u.created = 99999;  // created never changes on update
  ASSERT_TRUE(txn->UpdateUser(u).ok());
  got = txn->FindUserByUsername(org.id, "JANE");  // case-insensitive, like LDAP uid
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, UserState::kSuspended);
  EXPECT_EQ(got->attributes, u.attributes);
  EXPECT_EQ(got->created, 2000);
  EXPECT_EQ(txn->FindUserByEmail(org.id, "JDOE@Example.COM")->id, u.id);
  EXPECT_EQ(txn->FindUserByUsername(org.id, "jdoe").status().code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->ListUsers(org.id)->size(), 1u);

  ASSERT_TRUE(txn->DeleteUser(org.id, u.id).ok());
  EXPECT_EQ(txn->GetUser(org.id, u.id).status().code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->DeleteUser(org.id, u.id).code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->UpdateUser(u).code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, UserConflictsNameTheField) {
  auto org = NewOrg();
  auto other = NewOrg("Other");
  auto txn = Begin();
  User bob = MakeUser(org.id, "bob");
  ASSERT_TRUE(txn->InsertUser(bob).ok());

  User dup = MakeUser(org.id, "bob");
  dup.email = "other@example.com";
  Status s = txn->InsertUser(dup);
  EXPECT_EQ(s.code(), Code::kEntryAlreadyExists);
  EXPECT_EQ(s.message(), "username 'bob' already exists");

  User same_email = MakeUser(org.id, "robert");
  same_email.email = "BOB@example.com";
  s = txn->InsertUser(same_email);
  EXPECT_EQ(s.code(), Code::kEntryAlreadyExists);
  EXPECT_EQ(s.message(), "email 'BOB@example.com' already exists");

  User same_id = MakeUser(org.id, "carol");
  same_id.id = bob.id;
  EXPECT_EQ(txn->InsertUser(same_id).message(), "user id '" + bob.id + "' already exists");

  // Empty emails do not collide; other orgs are separate namespaces.
  User no_mail1 = MakeUser(org.id, "nomail1"), no_mail2 = MakeUser(org.id, "nomail2");
  no_mail1.email.clear();
  no_mail2.email.clear();
  EXPECT_TRUE(txn->InsertUser(no_mail1).ok());
  EXPECT_TRUE(txn->InsertUser(no_mail2).ok());
  EXPECT_EQ(txn->FindUserByEmail(org.id, "").status().code(), Code::kNoSuchObject);
  EXPECT_TRUE(txn->InsertUser(MakeUser(other.id, "bob")).ok());

  // Renaming onto an existing name conflicts; the failed call changed nothing.
  User carol = MakeUser(org.id, "carol");
  ASSERT_TRUE(txn->InsertUser(carol).ok());
  carol.username = "bob";
  EXPECT_EQ(txn->UpdateUser(carol).message(), "username 'bob' already exists");
  EXPECT_EQ(txn->GetUser(org.id, carol.id)->username, "carol");
  // A user of an unknown org or looked up in the wrong org.
  EXPECT_EQ(txn->InsertUser(MakeUser(NewId(), "x")).code(), Code::kNoSuchObject);
  EXPECT_EQ(txn->GetUser(other.id, bob.id).status().code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, GroupsMembersAndConflicts) {
  auto org = NewOrg();
  auto txn = Begin();
  User u1 = MakeUser(org.id, "u1"), u2 = MakeUser(org.id, "u2");
  Group admins = MakeGroup(org.id, "Admins"), ops = MakeGroup(org.id, "Ops");
  admins.gid = 7000;
  admins.description = "the admins";
  admins.member_users = {u1.id};  // ignored: membership only through AddMember
  ASSERT_TRUE(txn->InsertUser(u1).ok());
  ASSERT_TRUE(txn->InsertUser(u2).ok());
  ASSERT_TRUE(txn->InsertGroup(admins).ok());
  ASSERT_TRUE(txn->InsertGroup(ops).ok());
  EXPECT_TRUE(txn->GetGroup(org.id, admins.id)->member_users.empty());

  Group dup = MakeGroup(org.id, "admins");  // names are case-insensitive, like cn
  Status s = txn->InsertGroup(dup);
  EXPECT_EQ(s.code(), Code::kEntryAlreadyExists);
  EXPECT_EQ(s.message(), "group name 'admins' already exists");

  ASSERT_TRUE(txn->AddMember(org.id, admins.id, MemberKind::kUser, u2.id).ok());
  ASSERT_TRUE(txn->AddMember(org.id, admins.id, MemberKind::kUser, u1.id).ok());
  ASSERT_TRUE(txn->AddMember(org.id, admins.id, MemberKind::kUser, u1.id).ok());  // no-op
  ASSERT_TRUE(txn->AddMember(org.id, admins.id, MemberKind::kGroup, ops.id).ok());
  EXPECT_EQ(txn->AddMember(org.id, admins.id, MemberKind::kGroup, admins.id).code(),
            Code::kConstraintViolation);
  EXPECT_EQ(txn->AddMember(org.id, admins.id, MemberKind::kUser, NewId()).code(),
            Code::kNoSuchObject);
  EXPECT_EQ(txn->AddMember(org.id, NewId(), MemberKind::kUser, u1.id).code(), Code::kNoSuchObject);

  auto got = txn->FindGroupByName(org.id, "ADMINS");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->gid, 7000u);
  EXPECT_EQ(got->description, "the admins");
  std::vector<std::string> expected = {u1.id, u2.id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(got->member_users, expected);
  EXPECT_EQ(got->member_groups, std::vector<std::string>{ops.id});

  ASSERT_TRUE(txn->RemoveMember(org.id, admins.id, MemberKind::kUser, u2.id).ok());
  ASSERT_TRUE(txn->RemoveMember(org.id, admins.id, MemberKind::kUser, u2.id).ok());  // no-op
  EXPECT_EQ(txn->GetGroup(org.id, admins.id)->member_users, std::vector<std::string>{u1.id});

  admins.name = "Ops";
  EXPECT_EQ(txn->UpdateGroup(admins).message(), "group name 'Ops' already exists");
  admins.name = "Administrators";
  ASSERT_TRUE(txn->UpdateGroup(admins).ok());
  EXPECT_EQ(txn->GetGroup(org.id, admins.id)->name, "Administrators");
  EXPECT_EQ(txn->ListGroups(org.id)->size(), 2u);
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, DeleteCascades) {
  auto org = NewOrg();
  auto txn = Begin();
  User u = MakeUser(org.id, "u");
  Group parent = MakeGroup(org.id, "parent"), child = MakeGroup(org.id, "child");
  ASSERT_TRUE(txn->InsertUser(u).ok());
  ASSERT_TRUE(txn->InsertGroup(parent).ok());
  ASSERT_TRUE(txn->InsertGroup(child).ok());
  ASSERT_TRUE(txn->AddMember(org.id, parent.id, MemberKind::kUser, u.id).ok());
  ASSERT_TRUE(txn->AddMember(org.id, child.id, MemberKind::kUser, u.id).ok());
  ASSERT_TRUE(txn->AddMember(org.id, parent.id, MemberKind::kGroup, child.id).ok());
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kUser, u.id, true).ok());
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kGroup, child.id, true).ok());
  ASSERT_TRUE(txn->AddPasswordHistory(org.id, u.id, "h1").ok());

  ASSERT_TRUE(txn->DeleteUser(org.id, u.id).ok());
  EXPECT_TRUE(txn->GetGroup(org.id, parent.id)->member_users.empty());
  EXPECT_TRUE(txn->GetGroup(org.id, child.id)->member_users.empty());
  EXPECT_TRUE(txn->GetLdapDirectory(org.id)->user_ids.empty());

  ASSERT_TRUE(txn->DeleteGroup(org.id, child.id).ok());
  EXPECT_TRUE(txn->GetGroup(org.id, parent.id)->member_groups.empty());
  EXPECT_TRUE(txn->GetLdapDirectory(org.id)->group_ids.empty());
  EXPECT_EQ(txn->DeleteGroup(org.id, child.id).code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());

  // Deleting the org removes everything in it.
  txn = Begin();
  ASSERT_TRUE(txn->InsertUser(MakeUser(org.id, "again")).ok());
  ASSERT_TRUE(txn->DeleteOrg(org.id).ok());
  EXPECT_EQ(txn->ListUsers(org.id)->size(), 0u);
  EXPECT_EQ(txn->ListGroups(org.id)->size(), 0u);
  EXPECT_EQ(txn->GetLdapDirectory(org.id).status().code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, LdapAssociations) {
  auto org = NewOrg();
  auto other = NewOrg("Other");
  auto txn = Begin();
  User u = MakeUser(org.id, "u");
  Group g = MakeGroup(org.id, "g");
  ASSERT_TRUE(txn->InsertUser(u).ok());
  ASSERT_TRUE(txn->InsertGroup(g).ok());
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kUser, u.id, true).ok());
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kUser, u.id, true).ok());
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kGroup, g.id, true).ok());
  EXPECT_EQ(txn->SetLdapAssociation(other.id, MemberKind::kUser, u.id, true).code(),
            Code::kNoSuchObject);  // nothing crosses orgs
  auto ldap = txn->GetLdapDirectory(org.id);
  EXPECT_EQ(ldap->user_ids, std::vector<std::string>{u.id});
  EXPECT_EQ(ldap->group_ids, std::vector<std::string>{g.id});
  ASSERT_TRUE(txn->SetLdapAssociation(org.id, MemberKind::kUser, u.id, false).ok());
  EXPECT_TRUE(txn->GetLdapDirectory(org.id)->user_ids.empty());
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, UnixIdsAreNeverReused) {
  auto org = NewOrg();
  auto other = NewOrg("Other");
  auto txn = Begin();
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 6000).value(), 5000u);
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 6000).value(), 5001u);
  ASSERT_TRUE(txn->ReserveUnixId(org.id, 5002).ok());
  ASSERT_TRUE(txn->ReserveUnixId(org.id, 5003).ok());
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 6000).value(), 5004u);  // skips reserved ids
  User u = MakeUser(org.id, "u");
  u.unix_uid = 5005;  // an explicit uid counts as reserved
  ASSERT_TRUE(txn->InsertUser(u).ok());
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 6000).value(), 5006u);
  EXPECT_EQ(txn->AllocateUnixId(other.id, 5000, 6000).value(), 5000u);  // per org
  ASSERT_TRUE(txn->DeleteUser(org.id, u.id).ok());
  ASSERT_TRUE(txn->Commit().ok());

  Reopen();
  txn = Begin();
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 6000).value(), 5007u);
  EXPECT_EQ(txn->AllocateUnixId(org.id, 7000, 8000).value(), 7000u);  // a higher floor
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 8000).value(), 7001u);  // never goes back
  EXPECT_EQ(txn->AllocateUnixId(org.id, 5000, 7001).status().code(), Code::kUnavailable);
  EXPECT_EQ(txn->AllocateUnixId(NewId(), 5000, 6000).status().code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, PasswordHistoryNewestFirst) {
  auto org = NewOrg();
  auto txn = Begin();
  User u = MakeUser(org.id, "u");
  ASSERT_TRUE(txn->InsertUser(u).ok());
  for (const char* h : {"h1", "h2", "h3"})
    ASSERT_TRUE(txn->AddPasswordHistory(org.id, u.id, h).ok());
  EXPECT_EQ(txn->PasswordHistory(org.id, u.id, 2).value(), (std::vector<std::string>{"h3", "h2"}));
  EXPECT_EQ(txn->PasswordHistory(org.id, u.id, 10)->size(), 3u);
  EXPECT_EQ(txn->PasswordHistory(org.id, NewId(), 10).status().code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, ApiKeys) {
  auto org = NewOrg();
  ApiKey key;
  key.id = NewId();
  key.org_id = org.id;
  key.name = "ci";
  key.role = directory::ApiKeyRole::kReadOnly;
  key.secret_hash = std::string(64, 'a');
  key.created = 5;
  ApiKey op = key;
  op.id = NewId();
  op.org_id.clear();
  op.role = directory::ApiKeyRole::kOperator;
  auto txn = Begin();
  ASSERT_TRUE(txn->InsertApiKey(key).ok());
  ASSERT_TRUE(txn->InsertApiKey(op).ok());
  EXPECT_EQ(txn->InsertApiKey(key).code(), Code::kEntryAlreadyExists);
  auto got = txn->GetApiKey(key.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->role, directory::ApiKeyRole::kReadOnly);
  EXPECT_EQ(got->secret_hash, key.secret_hash);
  EXPECT_EQ(txn->ListApiKeys(org.id)->size(), 1u);
  auto ops = txn->ListApiKeys("");
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0].id, op.id);
  EXPECT_TRUE((*ops)[0].org_id.empty());
  int64_t seq = 0;
  ASSERT_TRUE(txn->Commit().ok());
  seq = store_->LatestChangeSeq().value();

  txn = Begin();
  ASSERT_TRUE(txn->TouchApiKey(key.id, 424242).ok());
  EXPECT_EQ(txn->GetApiKey(key.id)->last_used, 424242);
  EXPECT_EQ(txn->TouchApiKey(NewId(), 1).code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(store_->LatestChangeSeq().value(), seq);  // touching logs nothing

  txn = Begin();
  ASSERT_TRUE(txn->DeleteApiKey(key.id).ok());
  EXPECT_EQ(txn->DeleteApiKey(key.id).code(), Code::kNoSuchObject);
  ASSERT_TRUE(txn->DeleteOrg(org.id).ok());
  EXPECT_EQ(txn->ListApiKeys("")->size(), 1u);  // operator keys outlive orgs
  ASSERT_TRUE(txn->Commit().ok());
}

TEST_F(StoreTest, CommitSpendsTheTransaction) {
  auto txn = Begin();
  ASSERT_TRUE(txn->Commit().ok());
  EXPECT_EQ(txn->Commit().code(), Code::kOperationsError);
  EXPECT_EQ(txn->InsertOrg(MakeOrg()).code(), Code::kOperationsError);
  EXPECT_EQ(txn->ListOrgs().status().code(), Code::kOperationsError);
  txn.reset();
  auto next = Begin();  // the writer lock was released at Commit
  ASSERT_NE(next, nullptr);
}

}  // namespace
}  // namespace skydir::store::sqlite::testing
