#include "store/sqlite/queries.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "store/sqlite/rows.h"

namespace skydir::store::sqlite {

using directory::Group;
using directory::User;

namespace {

// Runs `stmt` to the end, calling `fn(stmt)` on every row.
template <typename Fn>
Status ForEachRow(Statement& stmt, Fn&& fn) {
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    fn(stmt);
  }
}

// Reads (owner id, value) rows into the `field` vector of the owner found in `index`.
template <typename T>
Status FillPairs(Statement& stmt, std::unordered_map<std::string_view, T*>& index,
                 std::vector<std::string> T::*field) {
  return ForEachRow(stmt, [&](Statement& row) {
    auto it = index.find(row.View(0));
    if (it != index.end()) (it->second->*field).push_back(row.Text(1));
  });
}

// Reserves room for the rows `count_sql` counts, so a vector of large structs is never
// reallocated (and copied) while it fills.
template <typename T>
Status Reserve(Connection& conn, const char* count_sql, std::string_view org_id,
               std::vector<T>& out) {
  SKYDIR_ASSIGN_OR_RETURN(Statement count, conn.Prepare(count_sql));
  SKYDIR_ASSIGN_OR_RETURN(bool row, count.Bind(org_id).Step());
  if (row) out.reserve(static_cast<size_t>(count.Int(0)));
  return Status::Ok();
}

}  // namespace

Result<directory::Organization> QueryOrg(Connection& conn, std::string_view org_id) {
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn.Prepare("SELECT " SKYDIR_ORG_SELECT " FROM orgs WHERE id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool row, select.Bind(org_id).Step());
  if (!row) return NotFound("organization '" + std::string(org_id) + "' not found");
  return ReadOrg(select);
}

Result<std::vector<User>> QueryUsers(Connection& conn, std::string_view org_id) {
  std::vector<User> users;
  SKYDIR_RETURN_IF_ERROR(
      Reserve(conn, "SELECT COUNT(*) FROM users WHERE org_id = ?", org_id, users));
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT " SKYDIR_USER_SELECT " FROM users WHERE org_id = ? ORDER BY username"));
  select.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(
      ForEachRow(select, [&](Statement& row) { users.push_back(ReadUser(row)); }));

  std::unordered_map<std::string_view, User*> by_id;
  by_id.reserve(users.size());
  for (User& u : users) by_id.emplace(u.id, &u);
  SKYDIR_ASSIGN_OR_RETURN(Statement attrs,
                          conn.Prepare("SELECT a.user_id, a.name, a.value FROM user_attributes a "
                                       "JOIN users u ON u.id = a.user_id WHERE u.org_id = ?"));
  attrs.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(ForEachRow(attrs, [&](Statement& row) {
    auto it = by_id.find(row.View(0));
    if (it != by_id.end()) it->second->attributes.emplace(row.Text(1), row.Text(2));
  }));
  return users;
}

Status FillAttributes(Connection& conn, User& user) {
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select, conn.Prepare("SELECT name, value FROM user_attributes WHERE user_id = ?"));
  select.Bind(user.id);
  user.attributes.clear();
  return ForEachRow(select,
                    [&](Statement& row) { user.attributes.emplace(row.Text(0), row.Text(1)); });
}

Result<std::vector<Group>> QueryGroups(Connection& conn, std::string_view org_id) {
  std::vector<Group> groups;
  SKYDIR_RETURN_IF_ERROR(
      Reserve(conn, "SELECT COUNT(*) FROM user_groups WHERE org_id = ?", org_id, groups));
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn.Prepare("SELECT " SKYDIR_GROUP_SELECT
                                       " FROM user_groups WHERE org_id = ? ORDER BY name"));
  select.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(
      ForEachRow(select, [&](Statement& row) { groups.push_back(ReadGroup(row)); }));

  std::unordered_map<std::string_view, Group*> by_id;
  by_id.reserve(groups.size());
  for (Group& g : groups) by_id.emplace(g.id, &g);
  SKYDIR_ASSIGN_OR_RETURN(
      Statement users, conn.Prepare("SELECT m.group_id, m.user_id FROM group_users m "
                                    "JOIN user_groups g ON g.id = m.group_id WHERE g.org_id = ?"));
  users.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(FillPairs(users, by_id, &Group::member_users));
  SKYDIR_ASSIGN_OR_RETURN(
      Statement nested, conn.Prepare("SELECT m.group_id, m.member_group_id FROM group_groups m "
                                     "JOIN user_groups g ON g.id = m.group_id WHERE g.org_id = ?"));
  nested.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(FillPairs(nested, by_id, &Group::member_groups));
  for (Group& g : groups) {
    std::sort(g.member_users.begin(), g.member_users.end());
    std::sort(g.member_groups.begin(), g.member_groups.end());
  }
  return groups;
}

Status FillMembers(Connection& conn, Group& group) {
  group.member_users.clear();
  group.member_groups.clear();
  SKYDIR_ASSIGN_OR_RETURN(
      Statement users,
      conn.Prepare("SELECT user_id FROM group_users WHERE group_id = ? ORDER BY user_id"));
  users.Bind(group.id);
  SKYDIR_RETURN_IF_ERROR(
      ForEachRow(users, [&](Statement& row) { group.member_users.push_back(row.Text(0)); }));
  SKYDIR_ASSIGN_OR_RETURN(Statement nested,
                          conn.Prepare("SELECT member_group_id FROM group_groups WHERE "
                                       "group_id = ? ORDER BY member_group_id"));
  nested.Bind(group.id);
  return ForEachRow(nested, [&](Statement& row) { group.member_groups.push_back(row.Text(0)); });
}

Result<directory::LdapDirectory> QueryLdapDirectory(Connection& conn, std::string_view org_id) {
  directory::LdapDirectory ldap;
  SKYDIR_ASSIGN_OR_RETURN(Statement dir,
                          conn.Prepare("SELECT id FROM ldap_directories WHERE org_id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool row, dir.Bind(org_id).Step());
  if (!row) return NotFound("organization '" + std::string(org_id) + "' not found");
  ldap.id = dir.Text(0);
  ldap.org_id = std::string(org_id);
  SKYDIR_ASSIGN_OR_RETURN(
      Statement users,
      conn.Prepare("SELECT user_id FROM ldap_users WHERE org_id = ? ORDER BY user_id"));
  users.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(
      ForEachRow(users, [&](Statement& r) { ldap.user_ids.push_back(r.Text(0)); }));
  SKYDIR_ASSIGN_OR_RETURN(
      Statement groups,
      conn.Prepare("SELECT group_id FROM ldap_groups WHERE org_id = ? ORDER BY group_id"));
  groups.Bind(org_id);
  SKYDIR_RETURN_IF_ERROR(
      ForEachRow(groups, [&](Statement& r) { ldap.group_ids.push_back(r.Text(0)); }));
  return ldap;
}

}  // namespace skydir::store::sqlite
