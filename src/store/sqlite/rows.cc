#include "store/sqlite/rows.h"

#include <string>

namespace skydir::store::sqlite {

using directory::ApiKey;
using directory::Group;
using directory::Organization;
using directory::User;

void BindUserFields(Statement& stmt, const User& user) {
  stmt.Bind(user.username)
      .BindOrNull(user.email)
      .Bind(user.first_name)
      .Bind(user.last_name)
      .Bind(user.display_name)
      .Bind(user.description)
      .Bind(user.password_hash)
      .Bind(directory::UserStateName(user.state))
      .Bind(user.account_locked)
      .Bind(user.locked_until)
      .Bind(user.ldap_binding_user)
      .Bind(user.admin)
      .Bind(user.unix_uid)
      .Bind(user.unix_guid)
      .Bind(user.home_directory)
      .Bind(user.login_shell)
      .Bind(user.phone)
      .Bind(user.mobile)
      .Bind(user.title)
      .Bind(user.department)
      .Bind(user.employee_number)
      .Bind(user.external_id)
      .Bind(user.updated)
      .Bind(user.password_changed);
}

User ReadUser(const Statement& stmt) {
  User u;
  int c = 0;
  u.id = stmt.Text(c++);
  u.org_id = stmt.Text(c++);
  u.created = stmt.Int(c++);
  u.username = stmt.Text(c++);
  u.email = stmt.Text(c++);
  u.first_name = stmt.Text(c++);
  u.last_name = stmt.Text(c++);
  u.display_name = stmt.Text(c++);
  u.description = stmt.Text(c++);
  u.password_hash = stmt.Text(c++);
  u.state = directory::ParseUserState(stmt.View(c++)).value_or(directory::UserState::kStaged);
  u.account_locked = stmt.Bool(c++);
  u.locked_until = stmt.Int(c++);
  u.ldap_binding_user = stmt.Bool(c++);
  u.admin = stmt.Bool(c++);
  u.unix_uid = stmt.Uint32(c++);
  u.unix_guid = stmt.Uint32(c++);
  u.home_directory = stmt.Text(c++);
  u.login_shell = stmt.Text(c++);
  u.phone = stmt.Text(c++);
  u.mobile = stmt.Text(c++);
  u.title = stmt.Text(c++);
  u.department = stmt.Text(c++);
  u.employee_number = stmt.Text(c++);
  u.external_id = stmt.Text(c++);
  u.updated = stmt.Int(c++);
  u.password_changed = stmt.Int(c++);
  return u;
}

void BindGroupFields(Statement& stmt, const Group& group) {
  stmt.Bind(group.name).Bind(group.description).Bind(group.gid).Bind(group.updated);
}

Group ReadGroup(const Statement& stmt) {
  Group g;
  g.id = stmt.Text(0);
  g.org_id = stmt.Text(1);
  g.created = stmt.Int(2);
  g.name = stmt.Text(3);
  g.description = stmt.Text(4);
  g.gid = stmt.Uint32(5);
  g.updated = stmt.Int(6);
  return g;
}

void BindOrgFields(Statement& stmt, const Organization& org) {
  const directory::OrgSettings& s = org.settings;
  stmt.Bind(org.name)
      .Bind(s.ldap_self_search)
      .Bind(s.password.min_length)
      .Bind(s.password.require_upper)
      .Bind(s.password.require_lower)
      .Bind(s.password.require_digit)
      .Bind(s.password.require_symbol)
      .Bind(s.password.history)
      .Bind(s.password.max_age_days)
      .Bind(s.lockout.enabled)
      .Bind(s.lockout.max_failures)
      .Bind(s.lockout.window_seconds)
      .Bind(s.lockout.unlock_after_seconds)
      .Bind(directory::LdapPolicyActionName(s.user_lockout_action))
      .Bind(directory::LdapPolicyActionName(s.password_expiration_action))
      .Bind(org.updated);
}

Organization ReadOrg(const Statement& stmt) {
  Organization org;
  directory::OrgSettings& s = org.settings;
  int c = 0;
  org.id = stmt.Text(c++);
  org.created = stmt.Int(c++);
  org.name = stmt.Text(c++);
  s.ldap_self_search = stmt.Bool(c++);
  s.password.min_length = stmt.Uint32(c++);
  s.password.require_upper = stmt.Bool(c++);
  s.password.require_lower = stmt.Bool(c++);
  s.password.require_digit = stmt.Bool(c++);
  s.password.require_symbol = stmt.Bool(c++);
  s.password.history = stmt.Uint32(c++);
  s.password.max_age_days = stmt.Uint32(c++);
  s.lockout.enabled = stmt.Bool(c++);
  s.lockout.max_failures = stmt.Uint32(c++);
  s.lockout.window_seconds = stmt.Uint32(c++);
  s.lockout.unlock_after_seconds = stmt.Uint32(c++);
  auto disable = directory::LdapPolicyAction::kDisable;
  s.user_lockout_action = directory::ParseLdapPolicyAction(stmt.View(c++)).value_or(disable);
  s.password_expiration_action = directory::ParseLdapPolicyAction(stmt.View(c++)).value_or(disable);
  org.updated = stmt.Int(c++);
  return org;
}

ApiKey ReadApiKey(const Statement& stmt) {
  ApiKey key;
  key.id = stmt.Text(0);
  key.org_id = stmt.Text(1);
  key.name = stmt.Text(2);
  key.role = directory::ParseApiKeyRole(stmt.View(3)).value_or(directory::ApiKeyRole::kReadOnly);
  key.secret_hash = stmt.Text(4);
  key.created = stmt.Int(5);
  key.last_used = stmt.Int(6);
  return key;
}

bool IsUniqueViolation(const Status& status, std::string_view table, std::string_view column) {
  if (status.code() != Code::kConstraintViolation) return false;
  std::string_view m = status.message();
  m = m.substr(0, m.find(" (in: "));  // SQLite's own text only, not the statement
  if (m.find("UNIQUE constraint failed") == m.npos &&
      m.find("PRIMARY KEY constraint failed") == m.npos) {
    return false;
  }
  std::string qualified = std::string(table) + "." + std::string(column);
  for (size_t pos = m.find(qualified); pos != m.npos; pos = m.find(qualified, pos + 1)) {
    size_t end = pos + qualified.size();
    // Whole names only: "users.id" must not match "users.id2".
    if (end == m.size() || m[end] == ',') return true;
  }
  return false;
}

}  // namespace skydir::store::sqlite
