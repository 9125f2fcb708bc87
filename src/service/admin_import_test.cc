// Admin::ImportLdif: mapping, refusals, idempotency, atomicity, LDAP connection.
#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "service/admin.h"
#include "service/admin_test_util.h"
#include "service/ldif_entry.h"

namespace skydir::service {
namespace {

using directory::UserState;

// {SSHA} as slappasswd writes it: base64(sha1(password + salt) + salt).
std::string Ssha(const std::string& password, const std::string& salt) {
  std::string input = password + salt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr);
  std::string raw(reinterpret_cast<char*>(digest), length);
  raw += salt;
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return "{SSHA}" + out;
}

std::string SampleLdif() {
  return "version: 1\n"
         "\n"
         "dn: dc=example,dc=com\n"
         "objectClass: top\n"
         "objectClass: dcObject\n"
         "objectClass: organization\n"
         "dc: example\n"
         "o: Example\n"
         "\n"
         "dn: ou=people,dc=example,dc=com\n"
         "objectClass: organizationalUnit\n"
         "ou: people\n"
         "\n"
         "dn: uid=Alice,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "objectClass: posixAccount\n"
         "uid: Alice\n"
         "cn: Alice Liddell\n"
         "givenName: Alice\n"
         "sn: Liddell\n"
         "mail: alice@example.com\n"
         "uidNumber: 10001\n"
         "gidNumber: 10001\n"
         "homeDirectory: /home/alice\n"
         "loginShell: /bin/zsh\n"
         "title: Engineer\n"
         "departmentNumber: R&D\n"
         "userPassword: " + Ssha("alice secret", "saltsalt") + "\n"
         "\n"
         "dn: uid=bob,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "uid: bob\n"
         "cn: Bob\n"
         "sn: Builder\n"
         "mail: bob@example.com\n"
         "\n"
         "dn: uid=carol,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "uid: carol\n"
         "sn: C\n"
         "mail: carol@example.com\n"
         "userPassword: plain text secret\n"
         "\n"
         "dn: uid=nomail,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "uid: nomail\n"
         "sn: N\n"
         "\n"
         "dn: uid=-bad,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "uid: -bad\n"
         "sn: B\n"
         "mail: bad@example.com\n"
         "\n"
         "dn: uid=md5,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "uid: md5\n"
         "sn: M\n"
         "mail: md5@example.com\n"
         "userPassword: {MD5}Xr4ilOzQ4PCOq3aQ0qbuaQ==\n"
         "\n"
         "dn: uid=dupmail,ou=people,dc=example,dc=com\n"
         "objectClass: inetOrgPerson\n"
         "uid: dupmail\n"
         "sn: D\n"
         "mail: bob@example.com\n"
         "\n"
         "dn: cn=devs,ou=groups,dc=example,dc=com\n"
         "objectClass: groupOfNames\n"
         "cn: devs\n"
         "description: developers\n"
         "member: uid=alice,ou=people,dc=example,dc=com\n"
         "member: cn=admins,ou=groups,dc=example,dc=com\n"
         "member: uid=ghost,ou=people,dc=example,dc=com\n"
         "\n"
         "dn: cn=admins,ou=groups,dc=example,dc=com\n"
         "objectClass: posixGroup\n"
         "cn: admins\n"
         "gidNumber: 20000\n"
         "memberUid: bob\n"
         "\n";
}

Result<ImportReport> Import(Admin& admin, const std::string& org, const std::string& ldif,
                            bool connect = false) {
  std::istringstream in(ldif);
  ImportOptions options;
  options.connect_ldap = connect;
  return admin.ImportLdif(org, in, options, nullptr);
}

bool HasReason(const std::vector<ImportProblem>& list, const std::string& dn_part,
               const std::string& reason_part) {
  return std::any_of(list.begin(), list.end(), [&](const ImportProblem& p) {
    return p.dn.find(dn_part) != std::string::npos &&
           p.reason.find(reason_part) != std::string::npos;
  });
}

TEST_F(AdminTest, ImportMapsUsersAndGroups) {
  auto report = Import(*admin_, org_, SampleLdif());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->users_created, 3);
  EXPECT_EQ(report->groups_created, 2);
  EXPECT_EQ(report->skipped.at("objectClass dcobject+organization"), 1);
  EXPECT_EQ(report->skipped.at("objectClass organizationalunit"), 1);
  ASSERT_EQ(report->refused.size(), 4u);
  EXPECT_TRUE(HasReason(report->refused, "nomail", "mail: missing"));
  EXPECT_TRUE(HasReason(report->refused, "-bad", "username:"));
  EXPECT_TRUE(HasReason(report->refused, "md5", "unsupported hash scheme {MD5}"));
  EXPECT_TRUE(HasReason(report->refused, "dupmail", "email:"));
  EXPECT_TRUE(HasReason(report->warnings, "devs", "uid=ghost"));
  EXPECT_EQ(report->refused[0].line, 44);  // the "dn:" line of uid=nomail

  auto alice = admin_->ResolveUser(org_, "alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->state, UserState::kActivated);  // kept hash
  EXPECT_TRUE(hasher_->Verify(alice->password_hash, "alice secret").ok);
  EXPECT_EQ(alice->password_hash.rfind("{SSHA}", 0), 0u);
  EXPECT_EQ(alice->unix_uid, 10001u);
  EXPECT_EQ(alice->login_shell, "/bin/zsh");
  EXPECT_EQ(alice->department, "R&D");
  EXPECT_EQ(alice->display_name, "Alice Liddell");
  auto bob = admin_->ResolveUser(org_, "bob");
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->state, UserState::kStaged);
  EXPECT_EQ(bob->home_directory, "/home/bob");
  auto carol = admin_->ResolveUser(org_, "carol");
  ASSERT_TRUE(carol.ok());
  EXPECT_EQ(carol->password_hash.rfind("{ARGON2}", 0), 0u);  // cleartext never stored
  EXPECT_EQ(carol->state, UserState::kActivated);

  auto devs = admin_->ResolveGroup(org_, "devs");
  auto admins = admin_->ResolveGroup(org_, "admins");
  ASSERT_TRUE(devs.ok() && admins.ok());
  EXPECT_EQ(devs->description, "developers");
  EXPECT_EQ(devs->member_users, std::vector<std::string>{alice->id});
  EXPECT_EQ(devs->member_groups, std::vector<std::string>{admins->id});
  EXPECT_EQ(admins->gid, 20000u);
  EXPECT_EQ(admins->member_users, std::vector<std::string>{bob->id});
  EXPECT_EQ(report->memberships_added, 3);
}

TEST_F(AdminTest, ImportTwiceIsIdempotent) {
  ASSERT_TRUE(Import(*admin_, org_, SampleLdif()).ok());
  auto again = Import(*admin_, org_, SampleLdif());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->users_created, 0);
  EXPECT_EQ(again->users_updated, 0);
  EXPECT_EQ(again->users_unchanged, 3);
  EXPECT_EQ(again->groups_created, 0);
  EXPECT_EQ(again->groups_updated, 0);
  EXPECT_EQ(again->groups_unchanged, 2);
  EXPECT_EQ(again->memberships_added, 0);
  EXPECT_EQ(admin_->ListUsers(org_)->size(), 3u);
  EXPECT_EQ(admin_->ListGroups(org_)->size(), 2u);
}

TEST_F(AdminTest, ImportUpdatesChangedEntries) {
  ASSERT_TRUE(Import(*admin_, org_, SampleLdif()).ok());
  std::string changed = SampleLdif();
  changed.replace(changed.find("title: Engineer"), 15, "title: Director");
  auto again = Import(*admin_, org_, changed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->users_updated, 1);
  EXPECT_EQ(admin_->ResolveUser(org_, "alice")->title, "Director");
}

TEST_F(AdminTest, ImportedHashCountsForPasswordHistory) {
  ASSERT_TRUE(Import(*admin_, org_, SampleLdif()).ok());
  directory::OrgSettings settings;
  settings.password.history = 1;
  ASSERT_TRUE(admin_->UpdateOrgSettings(org_, settings).ok());
  auto alice = admin_->ResolveUser(org_, "alice");
  ASSERT_TRUE(alice.ok());
  EXPECT_FAILS_WITH(admin_->SetPassword(org_, alice->id, "alice secret"),
                    Code::kConstraintViolation, "password:");
  EXPECT_TRUE(admin_->SetPassword(org_, alice->id, "a brand new secret").ok());
}

// Regression: an imported password, once changed, could be set again at once: it had never been
// recorded in the history, only checked while it was the current one.
TEST_F(AdminTest, ImportedPasswordStaysInHistoryAfterAChange) {
  ASSERT_TRUE(Import(*admin_, org_, SampleLdif()).ok());
  directory::OrgSettings settings;
  settings.password.history = 2;
  ASSERT_TRUE(admin_->UpdateOrgSettings(org_, settings).ok());
  auto alice = admin_->ResolveUser(org_, "alice");
  ASSERT_TRUE(alice.ok());
  ASSERT_TRUE(admin_->SetPassword(org_, alice->id, "a brand new secret").ok());
  EXPECT_FAILS_WITH(admin_->SetPassword(org_, alice->id, "alice secret"),
                    Code::kConstraintViolation, "password: must differ from the last 2 passwords");
}

TEST_F(AdminTest, ImportConnectLdapConnectsEverything) {
  auto report = Import(*admin_, org_, SampleLdif(), true);
  ASSERT_TRUE(report.ok());
  auto ldap = admin_->GetLdapDirectory(org_);
  ASSERT_TRUE(ldap.ok());
  EXPECT_EQ(ldap->user_ids.size(), 3u);
  EXPECT_EQ(ldap->group_ids.size(), 2u);
  ASSERT_TRUE(Import(*admin_, org_, SampleLdif(), true).ok());
  EXPECT_EQ(admin_->GetLdapDirectory(org_)->user_ids.size(), 3u);
}

TEST_F(AdminTest, MalformedLdifWritesNothing) {
  std::string ldif = SampleLdif() + "dn: uid=zed,dc=example,dc=com\nthis line has no colon\n";
  auto report = Import(*admin_, org_, ldif);
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(admin_->ListUsers(org_)->empty());
  EXPECT_TRUE(admin_->ListGroups(org_)->empty());
}

TEST_F(AdminTest, ImportIntoUnknownOrgFails) {
  EXPECT_FAILS_WITH(Import(*admin_, "ffffffffffffffffffffffff", SampleLdif()),
                    Code::kNoSuchObject, "organization");
}

TEST_F(AdminTest, ImportReportsProgress) {
  std::string ldif;
  for (int i = 0; i < 25; ++i) {
    ldif += "dn: uid=u" + std::to_string(i) + ",dc=x\nobjectClass: inetOrgPerson\nuid: u" +
            std::to_string(i) + "\nsn: U\nmail: u" + std::to_string(i) + "@example.com\n\n";
  }
  std::istringstream in(ldif);
  ImportOptions options;
  options.progress_every = 10;
  std::vector<int64_t> seen;
  auto report = admin_->ImportLdif(org_, in, options,
                                   [&](const ImportProgress& p) { seen.push_back(p.entries); });
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(report->users_created, 25);
}

TEST(LdifEntryTest, FirstRdnAndNormalization) {
  auto rdn = FirstRdn("UID = J\\2C Smith ,ou=people");
  ASSERT_TRUE(rdn);
  EXPECT_EQ(rdn->first, "uid");
  EXPECT_EQ(rdn->second, "J, Smith");
  EXPECT_FALSE(FirstRdn("no equals sign"));
  EXPECT_EQ(NormalizeDnForMatch("uid=A B , ou=People,DC=x"), "uid=a b,ou=people,dc=x");
  EXPECT_EQ(ParseUint32("4294967295"), 4294967295u);
  EXPECT_FALSE(ParseUint32("4294967296"));
  EXPECT_FALSE(ParseUint32("-1"));
}

}  // namespace
}  // namespace skydir::service
