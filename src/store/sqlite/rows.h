// How model objects map onto table rows: column lists (as macros, so that statements stay
// string literals — the statement cache is keyed by SQL text), binders and readers. Shared by
// the write transaction and the snapshot loader, so both read a row the same way.
//
// Column order contract: a "fields" binder binds exactly the columns of the matching
// *_FIELDS macro, in order; a reader reads the matching *_SELECT list starting at column 0.
#pragma once

#include "directory/model.h"
#include "store/sqlite/connection.h"

namespace skydir::store::sqlite {

// Every user column except id, org_id and created (what UpdateUser may change).
#define SKYDIR_USER_FIELDS                                                                    \
  "username, email, first_name, last_name, display_name, description, password_hash, state, " \
  "account_locked, locked_until, ldap_binding_user, admin, unix_uid, unix_guid, "             \
  "home_directory, login_shell, phone, mobile, title, department, employee_number, "          \
  "external_id, updated, password_changed"
#define SKYDIR_USER_FIELD_PARAMS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"
#define SKYDIR_USER_SELECT "id, org_id, created, " SKYDIR_USER_FIELDS

#define SKYDIR_GROUP_FIELDS "name, description, gid, updated"
#define SKYDIR_GROUP_SELECT "id, org_id, created, " SKYDIR_GROUP_FIELDS

#define SKYDIR_ORG_FIELDS                                                               \
  "name, ldap_self_search, pw_min_length, pw_require_upper, pw_require_lower, "         \
  "pw_require_digit, pw_require_symbol, pw_history, pw_max_age_days, lockout_enabled, " \
  "lockout_max_failures, lockout_window_seconds, lockout_unlock_after_seconds, "        \
  "user_lockout_action, password_expiration_action, updated"
#define SKYDIR_ORG_FIELD_PARAMS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"
#define SKYDIR_ORG_SELECT "id, created, " SKYDIR_ORG_FIELDS

#define SKYDIR_APIKEY_SELECT "id, org_id, name, role, secret_hash, created, last_used"

void BindUserFields(Statement& stmt, const directory::User& user);
directory::User ReadUser(const Statement& stmt);  // attributes not included

void BindGroupFields(Statement& stmt, const directory::Group& group);
directory::Group ReadGroup(const Statement& stmt);  // members not included

void BindOrgFields(Statement& stmt, const directory::Organization& org);
directory::Organization ReadOrg(const Statement& stmt);

directory::ApiKey ReadApiKey(const Statement& stmt);

// True when `status` is a UNIQUE/PRIMARY KEY failure on `table`.`column`
// (SQLite says "UNIQUE constraint failed: users.org_id, users.username").
bool IsUniqueViolation(const Status& status, std::string_view table, std::string_view column);

}  // namespace skydir::store::sqlite
