// LdapService use cases run directly (no sockets): JumpCloud's bind and search rules.
#include "service/ldap_service.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "common/time.h"
#include "service/admin_test_util.h"

namespace skydir::service {
namespace {

class LdapServiceTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    follower_ = std::make_unique<SnapshotFollower>(*store_, registry_, dit::SnapshotOptions{}, 50);
    cache_ = std::make_unique<CredentialCache>(settings_.password);
    ldap_ = std::make_unique<LdapService>(settings_, registry_, *follower_, *hasher_, *cache_,
                                          *admin_, *store_);
    svc_ = MakeBinding("svc");
    bob_ = MakeUser("bob", true);
    ASSERT_TRUE(admin_->ConnectLdap(org_, MemberKind::kUser, bob_.id).ok());
    ASSERT_TRUE(follower_->LoadAll().ok());
  }

  directory::User MakeBinding(const std::string& name) {
    UserInput in;
    in.username = name;
    in.email = name + "@example.com";
    in.password = "correct horse battery";
    in.ldap_binding_user = true;
    auto user = admin_->CreateUser(org_, in);
    EXPECT_TRUE(user.ok());
    EXPECT_TRUE(admin_->ConnectLdap(org_, MemberKind::kUser, user->id).ok());
    return *user;
  }

  std::string Dn(const std::string& uid, const std::string& org = "") {
    return "uid=" + uid + ",ou=Users,o=" + (org.empty() ? org_ : org) + ",dc=jumpcloud,dc=com";
  }

  Principal BindOk(const std::string& dn, const std::string& pw = "correct horse battery") {
    auto p = ldap_->Bind(dn, pw, ClientInfo{"127.0.0.1", true});
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Principal{};
  }

  // Locks accounts after `max_failures` wrong passwords, for `unlock_after` seconds (0: until
  // an administrator unlocks).
  void SetLockout(uint32_t max_failures, uint32_t unlock_after) {
    auto org = admin_->GetOrg(org_);
    directory::OrgSettings s = org->settings;
    s.lockout.max_failures = max_failures;
    s.lockout.unlock_after_seconds = unlock_after;
    ASSERT_TRUE(admin_->UpdateOrgSettings(org_, s).ok());
    ASSERT_TRUE(follower_->CatchUp().ok());
  }

  SearchOutcome Search(const Principal& who, const std::string& base, const std::string& filter,
                       ldap::SearchScope scope = ldap::SearchScope::kWholeSubtree) {
    ldap::SearchRequest req;
    req.base = base;
    req.scope = scope;
    req.filter = *ldap::ParseFilter(filter, {});
    return ldap_->Search(who, req, std::chrono::steady_clock::now() + std::chrono::seconds(10));
  }

  dit::Registry registry_;
  std::unique_ptr<SnapshotFollower> follower_;
  std::unique_ptr<CredentialCache> cache_;
  std::unique_ptr<LdapService> ldap_;
  directory::User svc_, bob_;
};

TEST_F(LdapServiceTest, BindWithServedDnInAnyCase) {
  Principal p = BindOk("UID=Bob, ou=users,o=" + org_ + ",dc=JumpCloud,dc=com");
  EXPECT_EQ(p.dn, Dn("bob"));
  EXPECT_FALSE(p.binding_user);
  EXPECT_EQ(ldap_->WhoAmI(p), "dn:" + Dn("bob"));
}

TEST_F(LdapServiceTest, AnonymousAndUnauthenticatedBindsAreRefused) {
  EXPECT_EQ(ldap_->Bind("", "", {}).status().code(), Code::kInappropriateAuthentication);
  EXPECT_EQ(ldap_->Bind(Dn("bob"), "", {}).status().code(), Code::kUnwillingToPerform);
}

TEST_F(LdapServiceTest, EveryBindFailureLooksTheSame) {
  directory::User loner = MakeUser("loner", true);  // not connected to LDAP
  for (const auto& [dn, pw] : std::vector<std::pair<std::string, std::string>>{
           {Dn("bob"), "wrong"}, {Dn("nobody"), "x"}, {Dn("loner"), "correct horse battery"},
           {Dn("bob", "ffffffffffffffffffffffff"), "correct horse battery"}}) {
    auto r = ldap_->Bind(dn, pw, {});
    EXPECT_EQ(r.status().code(), Code::kInvalidCredentials) << dn;
    EXPECT_EQ(r.status().message(), "invalid credentials");
  }
}

TEST_F(LdapServiceTest, SuspendedUserCannotBindAfterRefresh) {
  BindOk(Dn("bob"));
  ASSERT_TRUE(admin_->SuspendUser(org_, bob_.id).ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  EXPECT_EQ(ldap_->Bind(Dn("bob"), "correct horse battery", {}).status().code(),
            Code::kInvalidCredentials);
}

TEST_F(LdapServiceTest, RequireTlsForBind) {
  settings_.ldap.require_tls_for_bind = true;
  EXPECT_EQ(ldap_->Bind(Dn("bob"), "correct horse battery", ClientInfo{"1.2.3.4", false})
                .status().code(),
            Code::kConfidentialityRequired);
  BindOk(Dn("bob"));
}

TEST_F(LdapServiceTest, BindingUserSeesTheOrgOthersSeeNothing) {
  Principal svc = BindOk(Dn("svc"));
  SearchOutcome all = Search(svc, "ou=Users,o=" + org_ + ",dc=jumpcloud,dc=com", "(uid=*)");
  ASSERT_TRUE(all.status.ok());
  EXPECT_EQ(all.entries.size(), 2u);

  Principal bob = BindOk(Dn("bob"));
  SearchOutcome none = Search(bob, Dn("bob"), "(objectClass=*)", ldap::SearchScope::kBaseObject);
  EXPECT_TRUE(none.status.ok());
  EXPECT_TRUE(none.entries.empty());
}

TEST_F(LdapServiceTest, SelfSearchSettingLetsOrdinaryUsersSearch) {
  auto org = admin_->GetOrg(org_);
  directory::OrgSettings s = org->settings;
  s.ldap_self_search = true;
  ASSERT_TRUE(admin_->UpdateOrgSettings(org_, s).ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  Principal bob = BindOk(Dn("bob"));
  EXPECT_EQ(Search(bob, "o=" + org_ + ",dc=jumpcloud,dc=com", "(uid=svc)").entries.size(), 1u);
}

TEST_F(LdapServiceTest, SearchesNeverCrossOrgs) {
  auto other = admin_->CreateOrg("other");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  Principal svc = BindOk(Dn("svc"));
  SearchOutcome r = Search(svc, "o=" + other->org.id + ",dc=jumpcloud,dc=com", "(objectClass=*)");
  EXPECT_EQ(r.status.code(), Code::kNoSuchObject);
  // From the suffix, only the caller's own org is visible.
  SearchOutcome suffix = Search(svc, "dc=jumpcloud,dc=com", "(objectClass=organization)");
  ASSERT_TRUE(suffix.status.ok());
  ASSERT_EQ(suffix.entries.size(), 1u);
  EXPECT_EQ(suffix.entries[0]->dn(), "o=" + org_ + ",dc=jumpcloud,dc=com");
  EXPECT_EQ(Search(svc, "dc=jumpcloud,dc=com", "(objectClass=*)", ldap::SearchScope::kBaseObject)
                .status.code(),
            Code::kNoSuchObject);
}

TEST_F(LdapServiceTest, UnboundSearchesSeeOnlyRootDseAndSchema) {
  Principal anon;
  SearchOutcome dse = Search(anon, "", "(objectClass=*)", ldap::SearchScope::kBaseObject);
  ASSERT_EQ(dse.entries.size(), 1u);
  EXPECT_TRUE(dse.entries[0]->Find(dit::Attr::kSupportedControl).has_value());
  EXPECT_EQ(Search(anon, "cn=Subschema", "(objectClass=*)", ldap::SearchScope::kBaseObject)
                .entries.size(),
            1u);
  EXPECT_EQ(Search(anon, "o=" + org_ + ",dc=jumpcloud,dc=com", "(objectClass=*)").status.code(),
            Code::kInsufficientAccessRights);
}

TEST_F(LdapServiceTest, MissingBaseNamesTheMatchedParent) {
  Principal svc = BindOk(Dn("svc"));
  SearchOutcome r = Search(svc, Dn("ghost"), "(objectClass=*)");
  EXPECT_EQ(r.status.code(), Code::kNoSuchObject);
  EXPECT_EQ(r.matched_dn, "ou=Users,o=" + org_ + ",dc=jumpcloud,dc=com");
}

TEST_F(LdapServiceTest, Compare) {
  Principal svc = BindOk(Dn("svc"));
  auto cmp = [&](std::string attr, std::string value) {
    return ldap_->Compare(svc, ldap::CompareRequest{Dn("bob"), attr, value}).code();
  };
  EXPECT_EQ(cmp("mail", "BOB@example.com"), Code::kCompareTrue);
  EXPECT_EQ(cmp("uid", "alice"), Code::kCompareFalse);
  EXPECT_EQ(cmp("title", "x"), Code::kNoSuchAttribute);
  EXPECT_EQ(cmp("frobnicate", "x"), Code::kUndefinedAttributeType);
  EXPECT_EQ(cmp("userPassword", "correct horse battery"), Code::kInsufficientAccessRights);
}

TEST_F(LdapServiceTest, PasswordModifyNeedsTheOldPasswordAndAppliesPolicy) {
  Principal bob = BindOk(Dn("bob"));
  EXPECT_EQ(ldap_->ModifyPassword(bob, std::nullopt, std::string("wrong"), std::string("new-pass-123"))
                .code(),
            Code::kInvalidCredentials);
  EXPECT_EQ(ldap_->ModifyPassword(bob, std::nullopt, std::string("correct horse battery"),
                                  std::string("short"))
                .code(),
            Code::kConstraintViolation);
  EXPECT_EQ(ldap_->ModifyPassword(bob, Dn("svc"), std::string("correct horse battery"),
                                  std::string("new-pass-123"))
                .code(),
            Code::kInsufficientAccessRights);
  ASSERT_TRUE(ldap_->ModifyPassword(bob, Dn("bob"), std::string("correct horse battery"),
                                    std::string("new-pass-123"))
                  .ok());
  BindOk(Dn("bob"), "new-pass-123");
  EXPECT_EQ(ldap_->Bind(Dn("bob"), "correct horse battery", {}).status().code(),
            Code::kInvalidCredentials);
}

TEST_F(LdapServiceTest, LegacyHashIsUpgradedToArgon2idOnBind) {
  // An {SSHA} hash as OpenLDAP stores it, made by slappasswd (package slapd).
  FILE* p = popen("slappasswd -h '{SSHA}' -s secret 2>/dev/null", "r");
  ASSERT_NE(p, nullptr);
  char buf[256] = {};
  ASSERT_NE(fgets(buf, sizeof buf, p), nullptr) << "slappasswd (package slapd) is missing";
  pclose(p);
  std::string ssha(buf);
  while (!ssha.empty() && (ssha.back() == '\n' || ssha.back() == '\r')) ssha.pop_back();
  ASSERT_EQ(ssha.rfind("{SSHA}", 0), 0u) << ssha;
  auto txn = store_->Begin();
  ASSERT_TRUE(txn.ok());
  auto user = (*txn)->GetUser(org_, bob_.id);
  user->password_hash = ssha;
  ASSERT_TRUE((*txn)->UpdateUser(*user).ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  BindOk(Dn("bob"), "secret");
  auto after = admin_->GetUser(org_, bob_.id);
  EXPECT_EQ(after->password_hash.rfind("{ARGON2}$argon2id$", 0), 0u) << after->password_hash;
  ASSERT_TRUE(follower_->CatchUp().ok());
  BindOk(Dn("bob"), "secret");
}

TEST_F(LdapServiceTest, AccountLocksAfterRepeatedFailuresAndUnlocksLater) {
  SetLockout(3, 1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ldap_->Bind(Dn("bob"), "wrong", {"10.0.0.1", true}).status().code(),
              Code::kInvalidCredentials);
  }
  // Locked: even the right password fails, with the same answer.
  auto locked = ldap_->Bind(Dn("bob"), "correct horse battery", {"10.0.0.2", true});
  EXPECT_EQ(locked.status().code(), Code::kInvalidCredentials);
  EXPECT_EQ(locked.status().message(), "invalid credentials");
  EXPECT_TRUE(admin_->GetUser(org_, bob_.id)->account_locked);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(follower_->CatchUp().ok());  // the snapshot is due for its automatic unlock
  BindOk(Dn("bob"));
}

TEST_F(LdapServiceTest, LockedUserDisappearsWithTheRemoveAction) {
  auto org = admin_->GetOrg(org_);
  directory::OrgSettings s = org->settings;
  s.lockout.max_failures = 2;
  s.user_lockout_action = directory::LdapPolicyAction::kRemove;
  ASSERT_TRUE(admin_->UpdateOrgSettings(org_, s).ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  Principal svc = BindOk(Dn("svc"));
  EXPECT_EQ(Search(svc, Dn("bob"), "(objectClass=*)").entries.size(), 1u);
  for (int i = 0; i < 2; ++i) (void)ldap_->Bind(Dn("bob"), "wrong", {});
  EXPECT_EQ(Search(svc, Dn("bob"), "(objectClass=*)").status.code(), Code::kNoSuchObject);
  ASSERT_TRUE(admin_->UnlockUser(org_, bob_.id).ok());
  ASSERT_TRUE(follower_->CatchUp().ok());
  BindOk(Dn("bob"));
}

TEST_F(LdapServiceTest, ClientAddressIsThrottledAfterRepeatedFailures) {
  settings_.ldap.max_failed_binds_per_ip = 3;
  for (int i = 0; i < 3; ++i) (void)ldap_->Bind(Dn("nobody"), "x", {"203.0.113.9", true});
  EXPECT_EQ(ldap_->Bind(Dn("bob"), "correct horse battery", {"203.0.113.9", true}).status().code(),
            Code::kInvalidCredentials);
  BindOk(Dn("bob"));  // another address is not affected
}

}  // namespace
}  // namespace skydir::service

namespace skydir::service {
namespace {

class SignInAdminTest : public LdapServiceTest {
 protected:
  void SetUp() override {
    LdapServiceTest::SetUp();
    UserPatch patch;
    patch.admin = true;
    ASSERT_TRUE(admin_->UpdateUser(org_, bob_.id, patch).ok());
    // An administrator who is not connected to LDAP signs in all the same.
    carol_ = MakeUser("carol", true);
    ASSERT_TRUE(admin_->UpdateUser(org_, carol_.id, patch).ok());
  }
  Result<directory::User> SignIn(const std::string& user, const std::string& pw,
                                 const std::string& org = "") {
    return ldap_->SignInAdmin(org.empty() ? org_ : org, user, pw, {"10.0.0.9", true});
  }
  directory::User carol_;
};

TEST_F(SignInAdminTest, AdministratorsSignInByOrgIdOrName) {
  auto bob = SignIn("bob", "correct horse battery");
  ASSERT_TRUE(bob.ok()) << bob.status().ToString();
  EXPECT_EQ(bob->id, bob_.id);
  EXPECT_TRUE(SignIn("Carol", "correct horse battery").ok());
  auto org = admin_->GetOrg(org_);
  EXPECT_TRUE(SignIn("bob", "correct horse battery", org->name).ok());
}

TEST_F(SignInAdminTest, EveryRefusalLooksTheSame) {
  std::string message = SignIn("bob", "wrong").status().message();
  EXPECT_EQ(SignIn("svc", "correct horse battery").status().message(), message);  // no flag
  EXPECT_EQ(SignIn("nobody", "x").status().message(), message);
  EXPECT_EQ(SignIn("bob", "correct horse battery", "no-such-org").status().message(), message);
  EXPECT_EQ(SignIn(bob_.id, "correct horse battery").status().code(),
            Code::kInvalidCredentials);  // by username only, never by id
  ASSERT_TRUE(admin_->SuspendUser(org_, carol_.id).ok());
  EXPECT_EQ(SignIn("carol", "correct horse battery").status().message(), message);
}

TEST_F(SignInAdminTest, WrongPasswordsCountTowardTheLockout) {
  SetLockout(3, 0);
  // Two failed binds and one failed sign-in make three failures of one account.
  EXPECT_FALSE(ldap_->Bind(Dn("bob"), "wrong", {"10.0.0.1", true}).ok());
  EXPECT_FALSE(ldap_->Bind(Dn("bob"), "wrong", {"10.0.0.1", true}).ok());
  EXPECT_FALSE(SignIn("bob", "wrong").ok());
  EXPECT_TRUE(admin_->GetUser(org_, bob_.id)->account_locked);
  EXPECT_FALSE(SignIn("bob", "correct horse battery").ok());
  ASSERT_TRUE(admin_->UnlockUser(org_, bob_.id).ok());
  EXPECT_TRUE(SignIn("bob", "correct horse battery").ok());
}

}  // namespace
}  // namespace skydir::service
