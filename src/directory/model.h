// The directory's objects (DESIGN §1). Plain values: validation lives in rules.h, persistence
// in store/, LDAP rendering in dit/. Times are microseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skydir::directory {

enum class UserState { kStaged, kActivated, kSuspended };
std::string_view UserStateName(UserState state);           // "staged", "activated", "suspended"
std::optional<UserState> ParseUserState(std::string_view name);

// What happens to an LDAP user that is locked out or whose password expired (JumpCloud's
// userLockoutAction / userPasswordExpirationAction).
enum class LdapPolicyAction { kDisable, kRemove };
std::string_view LdapPolicyActionName(LdapPolicyAction action);  // "disable", "remove"
std::optional<LdapPolicyAction> ParseLdapPolicyAction(std::string_view name);

struct PasswordPolicy {
  uint32_t min_length = 8;
  bool require_upper = false;
  bool require_lower = false;
  bool require_digit = false;
  bool require_symbol = false;
  uint32_t history = 0;        // previous passwords that may not be reused
  uint32_t max_age_days = 0;   // 0: passwords never expire
};

struct LockoutPolicy {
  bool enabled = true;
  uint32_t max_failures = 10;
  uint32_t window_seconds = 300;
  uint32_t unlock_after_seconds = 900;  // 0: stays locked until an administrator unlocks
};

struct OrgSettings {
  bool ldap_self_search = false;  // non-binding users may search their org
  PasswordPolicy password;
  LockoutPolicy lockout;
  LdapPolicyAction user_lockout_action = LdapPolicyAction::kDisable;
  LdapPolicyAction password_expiration_action = LdapPolicyAction::kDisable;
};

struct Organization {
  std::string id;  // 24 hex
  std::string name;
  OrgSettings settings;
  int64_t created = 0;
  int64_t updated = 0;
};

struct User {
  std::string id;  // 24 hex
  std::string org_id;
  std::string username;  // the LDAP uid
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string display_name;
  std::string description;
  std::string password_hash;  // "{ARGON2}$argon2id$..." or an imported "{SCHEME}..." value
  UserState state = UserState::kStaged;
  bool account_locked = false;
  int64_t locked_until = 0;  // automatic unlock time for lockouts; 0 when locked by an admin
  bool ldap_binding_user = false;
  bool admin = false;  // may sign in to the console
  uint32_t unix_uid = 0;
  uint32_t unix_guid = 0;
  std::string home_directory;
  std::string login_shell;
  std::string phone;
  std::string mobile;
  std::string title;
  std::string department;
  std::string employee_number;
  std::string external_id;
  std::map<std::string, std::string> attributes;  // custom attributes
  int64_t created = 0;
  int64_t updated = 0;
  int64_t password_changed = 0;
};

struct Group {
  std::string id;
  std::string org_id;
  std::string name;
  std::string description;
  uint32_t gid = 0;
  std::vector<std::string> member_users;   // user ids, sorted
  std::vector<std::string> member_groups;  // group ids, sorted
  int64_t created = 0;
  int64_t updated = 0;
};

// The org's one LDAP directory and what is connected to it.
struct LdapDirectory {
  std::string id;
  std::string org_id;
  std::vector<std::string> user_ids;   // sorted
  std::vector<std::string> group_ids;  // sorted
};

enum class ApiKeyRole { kAdmin, kReadOnly, kOperator };
std::string_view ApiKeyRoleName(ApiKeyRole role);  // "admin", "read-only", "operator"
std::optional<ApiKeyRole> ParseApiKeyRole(std::string_view name);

struct ApiKey {
  std::string id;
  std::string org_id;  // empty for an operator key, which may act on every org
  std::string name;
  ApiKeyRole role = ApiKeyRole::kAdmin;
  std::string secret_hash;  // SHA-256 of the secret part, hex; the secret is shown once
  int64_t created = 0;
  int64_t last_used = 0;
};

// What provisioning does to an application's account when its user is no longer covered
// (left the associated groups, suspended or deleted).
enum class Deprovision { kDeactivate, kDelete };
std::string_view DeprovisionName(Deprovision mode);  // "deactivate", "delete"
std::optional<Deprovision> ParseDeprovision(std::string_view name);

// How skydir reaches an application's SCIM 2.0 service (issue 5).
struct ScimSettings {
  std::string base_url;         // e.g. https://app.example.com/scim/v2 (no trailing slash)
  std::string sealed_token;     // the bearer token, sealed by service::SecretBox; never plain
  std::string test_user_email;  // the account Test Connection creates and removes
  bool group_management = false;
  Deprovision deprovision = Deprovision::kDeactivate;
  uint32_t concurrency = 4;  // requests in flight to this application at most
};

// An application that skydir provisions users and groups into.
struct Application {
  std::string id;  // 24 hex
  std::string org_id;
  std::string name;
  bool active = true;  // provisioning runs only for active applications
  ScimSettings scim;
  std::vector<std::string> group_ids;  // associated user groups, sorted
  int64_t created = 0;
  int64_t updated = 0;
};

// Everything one org holds, as loaded from the store to build an LDAP snapshot.
struct OrgData {
  Organization org;
  std::vector<User> users;
  std::vector<Group> groups;
  LdapDirectory ldap;
};

}  // namespace skydir::directory
