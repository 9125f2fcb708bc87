// The administrative use cases: organizations, users, groups, memberships, LDAP associations,
// API keys and LDIF import. The one place that turns an operator's request into store writes,
// used by the `skydir` command today and by the REST API later.
//
// Contract of every method:
//   - runs in ONE store transaction: it either commits everything or nothing;
//   - returns a Status/Result whose code says what went wrong:
//       kConstraintViolation / kInvalidAttributeSyntax  bad input; the message starts with the
//                                                       field ("username: must start with ...")
//       kEntryAlreadyExists   a duplicate (username, email, group name, org name)
//       kNoSuchObject         an unknown id, or the id of an object in another org
//       kUnwillingToPerform   a forbidden operation (activating a user without a password,
//                             a group nesting cycle, self-membership, ...)
//       kInvalidCredentials   AuthenticateApiKey with anything but a valid key
//   - takes org_id first; an object of another org is reported as not found.
//
// Thread-safety: an Admin holds only references; it may be used from several threads if the
// Store and PasswordHasher may. Methods block (SQL, Argon2id): never call them on an I/O thread.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/settings.h"
#include "common/status.h"
#include "directory/model.h"
#include "service/password_hasher.h"
#include "store/store.h"

namespace skydir::service {

using store::MemberKind;

// User fields a caller may set; a field left empty (nullopt) is not touched (UpdateUser) or
// takes its default (CreateUser).
struct UserFields {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> display_name;  // default "First Last"
  std::optional<std::string> description;
  std::optional<std::string> home_directory;  // default directory.home_prefix + username
  std::optional<std::string> login_shell;     // default directory.default_shell
  std::optional<std::string> phone;
  std::optional<std::string> mobile;
  std::optional<std::string> title;
  std::optional<std::string> department;
  std::optional<std::string> employee_number;
  std::optional<std::string> external_id;
  std::optional<bool> ldap_binding_user;
  std::optional<bool> admin;
  std::optional<uint32_t> unix_uid;   // default: allocated from directory.unix_id_min..max
  std::optional<uint32_t> unix_guid;  // default: allocated likewise
};

// CreateUser's input: username and email are required. With a password the user is activated,
// without one it is staged (JumpCloud's rule).
struct UserInput : UserFields {
  std::optional<std::string> password;
};

// UpdateUser's input: the fields to change, and optionally a state change applied in the same
// transaction (kActivated requires a password; a user never goes back to kStaged).
struct UserPatch : UserFields {
  std::optional<directory::UserState> state;
  bool unlock = false;  // clear account_locked
  // A new password, set in the same transaction as the other changes (policy and history
  // checked as by SetPassword); it activates a staged user.
  std::optional<std::string> password;
};

struct GroupInput {
  std::string name;
  std::string description;
  std::optional<uint32_t> gid;  // default: allocated like user ids
};

struct GroupPatch {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<uint32_t> gid;
};

// A new API key: the record and its secret, which is shown once and never stored.
struct NewApiKey {
  directory::ApiKey key;
  std::string secret;  // "sk_<24-hex key id>_<64 hex>"
};

struct NewOrg {
  directory::Organization org;
  NewApiKey api_key;  // an admin key for the new org
};

struct ImportOptions {
  bool connect_ldap = false;        // connect every imported user and group to LDAP
  int64_t progress_every = 10000;   // entries between progress callbacks; 0: never
};

struct ImportProblem {
  int64_t line = 0;  // first line of the LDIF record
  std::string dn;
  std::string reason;
};

struct ImportReport {
  int64_t entries = 0;  // LDIF records read
  int64_t users_created = 0;
  int64_t users_updated = 0;
  int64_t users_unchanged = 0;
  int64_t groups_created = 0;
  int64_t groups_updated = 0;
  int64_t groups_unchanged = 0;
  int64_t memberships_added = 0;
  std::map<std::string, int64_t> skipped;  // reason -> entries, e.g. "objectClass organizationalUnit"
  std::vector<ImportProblem> refused;      // entries not imported, with the reason
  std::vector<ImportProblem> warnings;     // imported, but something was left out (a member)
};

struct ImportProgress {
  int64_t entries = 0;
  int64_t users = 0;
  int64_t groups = 0;
};

class Admin {
 public:
  // Not owned; all three must outlive the Admin.
  Admin(store::Store& store, const PasswordHasher& hasher, const Settings& settings);

  // Organizations. Org names are unique, ignoring case.
  Result<NewOrg> CreateOrg(std::string_view name);
  Result<std::vector<directory::Organization>> ListOrgs();
  Result<directory::Organization> GetOrg(std::string_view org_id);
  // An org by id, or else by name (ignoring case).
  Result<directory::Organization> ResolveOrg(std::string_view id_or_name);
  Result<directory::Organization> UpdateOrgSettings(std::string_view org_id,
                                                    const directory::OrgSettings& settings);
  // Reads the org's settings, lets `change` edit them and writes them back, in one transaction
  // (so concurrent edits of different settings are not lost).
  Result<directory::Organization> ModifyOrgSettings(
      std::string_view org_id, const std::function<Status(directory::OrgSettings&)>& change);

  // Users.
  Result<directory::User> CreateUser(std::string_view org_id, const UserInput& input);
  // Only the fields set in `patch` change; a username change is validated like a new one.
  Result<directory::User> UpdateUser(std::string_view org_id, std::string_view user_id,
                                     const UserPatch& patch);
  // Checks the org's password policy and history, stores an Argon2id hash, and activates a
  // staged user.
  Result<directory::User> SetPassword(std::string_view org_id, std::string_view user_id,
                                      std::string_view password);
  Result<directory::User> SuspendUser(std::string_view org_id, std::string_view user_id);
  // kUnwillingToPerform "user has no password" for a user without one.
  Result<directory::User> ActivateUser(std::string_view org_id, std::string_view user_id);
  Result<directory::User> UnlockUser(std::string_view org_id, std::string_view user_id);
  Status DeleteUser(std::string_view org_id, std::string_view user_id);
  Result<directory::User> GetUser(std::string_view org_id, std::string_view user_id);
  Result<std::vector<directory::User>> ListUsers(std::string_view org_id);
  // A user by id, or else by username.
  Result<directory::User> ResolveUser(std::string_view org_id, std::string_view id_or_username);

  // Groups and membership.
  Result<directory::Group> CreateGroup(std::string_view org_id, const GroupInput& input);
  Result<directory::Group> UpdateGroup(std::string_view org_id, std::string_view group_id,
                                       const GroupPatch& patch);
  Status DeleteGroup(std::string_view org_id, std::string_view group_id);
  Result<directory::Group> GetGroup(std::string_view org_id, std::string_view group_id);
  Result<std::vector<directory::Group>> ListGroups(std::string_view org_id);
  // A group by id, or else by name.
  Result<directory::Group> ResolveGroup(std::string_view org_id, std::string_view id_or_name);
  // Refuses unknown members, a group as its own member and nesting cycles
  // (kUnwillingToPerform). Adding a present member / removing an absent one is a no-op.
  Status AddMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                   std::string_view member_id);
  Status RemoveMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                      std::string_view member_id);

  // The org's LDAP directory associations (idempotent).
  Status ConnectLdap(std::string_view org_id, MemberKind kind, std::string_view id);
  Status DisconnectLdap(std::string_view org_id, MemberKind kind, std::string_view id);
  Result<directory::LdapDirectory> GetLdapDirectory(std::string_view org_id);

  // API keys. An empty org_id makes an operator key (role kOperator, every org); an org key
  // cannot have role kOperator.
  Result<NewApiKey> CreateApiKey(std::string_view org_id, std::string_view name,
                                 directory::ApiKeyRole role);
  Result<std::vector<directory::ApiKey>> ListApiKeys(std::string_view org_id);
  Status RevokeApiKey(std::string_view org_id, std::string_view key_id);
  // The key a secret belongs to (and records its use). Every failure is kInvalidCredentials
  // with the same message, so that callers learn nothing about why.
  Result<directory::ApiKey> AuthenticateApiKey(std::string_view secret);

  // LDIF import (RFC 2849 content records), for people moving from OpenLDAP or another
  // directory. inetOrgPerson/posixAccount entries become users keyed by uid (lowercased);
  // groupOfNames/groupOfUniqueNames/posixGroup entries become groups keyed by cn, with members
  // from member/uniqueMember (by the uid or cn RDN) and memberUid; other entries are skipped.
  // Existing users and groups (same username / name) are updated, so a second run creates
  // nothing: the import is idempotent. Every entry that cannot be imported is refused with its
  // reason, and the rest go in. Users are written as they are read; group records are kept in
  // memory until the end of the stream (member references need every user).
  //
  // Atomicity: the whole import is ONE transaction. A malformed LDIF stream or a store failure
  // returns an error and writes nothing; refused entries do not stop the import.
  // `progress` (may be empty) is called every options.progress_every entries.
  Result<ImportReport> ImportLdif(std::string_view org_id, std::istream& ldif,
                                  const ImportOptions& options,
                                  const std::function<void(const ImportProgress&)>& progress);

 private:
  friend class LdifImporter;

  // Fills unset unix ids from the allocator and reserves given ones.
  Status AssignUnixIds(store::Transaction& txn, directory::User& user,
                       const UserFields& fields);
  // Sets `password` (already hashed as `hash`) on `user` after the org's policy and history
  // checks, and records it in the history.
  Status ApplyPassword(store::Transaction& txn, std::string_view org_id, directory::User& user,
                       std::string_view password, const std::string& hash);
  // Refuses a username or email taken by another user of the org.
  Status CheckUserUnique(store::Transaction& txn, const directory::User& user);
  // Loads a user, mutates it with `change` (which may fail), validates and stores it, and
  // records `event_type` with the changed fields in the audit trail.
  Result<directory::User> ModifyUser(
      std::string_view org_id, std::string_view user_id, std::string_view event_type,
      const std::function<Status(store::Transaction&, directory::User&)>& change);

  store::Store& store_;
  const PasswordHasher& hasher_;
  const Settings& settings_;
};

// Applies `fields` onto `user` (only the set ones). Exposed for the importer and tests.
void ApplyUserFields(const UserFields& fields, directory::User& user);

}  // namespace skydir::service
