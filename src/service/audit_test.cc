// The audit trail: admin changes (who, what, before/after) and LDAP binds (outcome, reason).
#include <gtest/gtest.h>

#include "service/actor.h"
#include "service/admin_test_util.h"
#include "service/audit_log.h"
#include "service/ldap_service.h"

namespace skydir::service {
namespace {

class AuditTest : public AdminTest {
 protected:
  std::vector<store::AuditEvent> Events(std::string service = "") {
    store::AuditQuery q;
    q.org_id = org_;
    if (!service.empty()) q.services = {service};
    auto events = store_->QueryAuditEvents(q);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    return events.ok() ? *events : std::vector<store::AuditEvent>{};
  }
};

TEST_F(AuditTest, AdminChangesRecordActorAndChangedFields) {
  directory::User bob;
  {
    ScopedActor actor({"api_key", "key123", "192.0.2.5"});
    bob = MakeUser("bob", true);
    UserPatch patch;
    patch.title = "Engineer";
    ASSERT_TRUE(admin_->UpdateUser(org_, bob.id, patch).ok());
  }
  std::vector<store::AuditEvent> events = Events("directory");
  ASSERT_GE(events.size(), 2u);
  const store::AuditEvent& update = events[0];  // newest first
  EXPECT_EQ(update.event_type, "user_update");
  EXPECT_EQ(update.actor_type, "api_key");
  EXPECT_EQ(update.actor, "key123");
  EXPECT_EQ(update.client_ip, "192.0.2.5");
  EXPECT_EQ(update.target_id, bob.id);
  EXPECT_NE(update.detail_json.find(R"("title":{"old":"","new":"Engineer"})"), std::string::npos)
      << update.detail_json;
  EXPECT_EQ(update.detail_json, R"({"changes":{"title":{"old":"","new":"Engineer"}}})")
      << "only the changed field, as valid JSON";
  EXPECT_EQ(events[1].event_type, "user_create");
}

TEST_F(AuditTest, PasswordHashesNeverReachTheTrail) {
  directory::User bob = MakeUser("bob", true);
  ASSERT_TRUE(admin_->SetPassword(org_, bob.id, "another long password").ok());
  for (const store::AuditEvent& e : Events()) {
    EXPECT_EQ(e.detail_json.find("argon2"), std::string::npos) << e.detail_json;
    EXPECT_EQ(e.detail_json.find("another long password"), std::string::npos);
  }
  EXPECT_EQ(Events()[0].event_type, "user_password_set");
  EXPECT_NE(Events()[0].detail_json.find("(changed)"), std::string::npos);
}

TEST_F(AuditTest, AFailedChangeLeavesNoEvent) {
  size_t before = Events().size();
  UserInput dup;
  dup.username = "bob";
  dup.email = "bob@example.com";
  MakeUser("bob");
  size_t after_create = Events().size();
  EXPECT_EQ(after_create, before + 1);
  EXPECT_FALSE(admin_->CreateUser(org_, dup).ok());
  EXPECT_EQ(Events().size(), after_create);
}

TEST_F(AuditTest, BindsAreRecordedWithTheRealReason) {
  AuditLog audit(*store_, AuditLogOptions{});
  audit.Start();
  dit::Registry registry;
  SnapshotFollower follower(*store_, registry, dit::SnapshotOptions{}, 50);
  CredentialCache cache(settings_.password);
  LdapService ldap(settings_, registry, follower, *hasher_, cache, *admin_, *store_, &audit);
  directory::User bob = MakeUser("bob", true);
  ASSERT_TRUE(admin_->ConnectLdap(org_, MemberKind::kUser, bob.id).ok());
  ASSERT_TRUE(follower.LoadAll().ok());
  std::string dn = "uid=bob,ou=Users,o=" + org_ + ",dc=jumpcloud,dc=com";
  EXPECT_TRUE(ldap.Bind(dn, "correct horse battery", {"198.51.100.1", true}).ok());
  EXPECT_FALSE(ldap.Bind(dn, "wrong", {"198.51.100.2", false}).ok());
  EXPECT_FALSE(ldap.Bind("uid=ghost,ou=Users,o=" + org_ + ",dc=jumpcloud,dc=com", "x", {}).ok());
  audit.Flush();
  std::vector<store::AuditEvent> binds = Events("ldap");
  ASSERT_EQ(binds.size(), 3u);
  EXPECT_FALSE(binds[0].success);
  EXPECT_NE(binds[0].detail_json.find("unknown DN"), std::string::npos) << binds[0].detail_json;
  EXPECT_FALSE(binds[1].success);
  EXPECT_EQ(binds[1].client_ip, "198.51.100.2");
  EXPECT_NE(binds[1].detail_json.find("wrong password"), std::string::npos);
  EXPECT_NE(binds[1].detail_json.find(R"("tls":"false")"), std::string::npos);
  EXPECT_TRUE(binds[2].success);
  EXPECT_EQ(binds[2].target_id, bob.id);
  audit.Stop();
}

}  // namespace
}  // namespace skydir::service
