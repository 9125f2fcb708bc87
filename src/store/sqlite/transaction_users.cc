// SqliteTransaction: users.
#include "store/sqlite/change_log.h"
#include "store/sqlite/queries.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace skydir::store::sqlite {

using directory::User;

namespace {

// The user-facing message for a UNIQUE failure on users, or `status` unchanged.
Status MapUserConflict(const Status& status, const User& user) {
  if (IsUniqueViolation(status, "users", "username")) {
    return AlreadyExists("username '" + user.username + "' already exists");
  }
  if (IsUniqueViolation(status, "users", "email")) {
    return AlreadyExists("email '" + user.email + "' already exists");
  }
  if (IsUniqueViolation(status, "users", "id")) {
    return AlreadyExists("user id '" + user.id + "' already exists");
  }
  return status;
}

Status WriteAttributes(Connection& conn, const User& user) {
  SKYDIR_ASSIGN_OR_RETURN(Statement del,
                          conn.Prepare("DELETE FROM user_attributes WHERE user_id = ?"));
  SKYDIR_RETURN_IF_ERROR(del.Bind(user.id).Run());
  for (const auto& [name, value] : user.attributes) {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement insert,
        conn.Prepare("INSERT INTO user_attributes (user_id, name, value) VALUES (?, ?, ?)"));
    SKYDIR_RETURN_IF_ERROR(insert.Bind(user.id).Bind(name).Bind(value).Run());
  }
  return Status::Ok();
}

}  // namespace

Status SqliteTransaction::InsertUser(const User& user) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(user.org_id));
    SKYDIR_ASSIGN_OR_RETURN(
        Statement insert,
        conn_->Prepare("INSERT INTO users (id, org_id, created, " SKYDIR_USER_FIELDS
                       ") VALUES (?, ?, ?, " SKYDIR_USER_FIELD_PARAMS ")"));
    insert.Bind(user.id).Bind(user.org_id).Bind(user.created);
    BindUserFields(insert, user);
    SKYDIR_RETURN_IF_ERROR(MapUserConflict(insert.Run(), user));
    SKYDIR_RETURN_IF_ERROR(WriteAttributes(*conn_, user));
    SKYDIR_RETURN_IF_ERROR(MarkUnixIdUsed(user.org_id, user.unix_uid));
    return Log(user.org_id, ChangeKind::kUser, user.id);
  });
}

Status SqliteTransaction::UpdateUser(const User& user) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement update, conn_->Prepare("UPDATE users SET (" SKYDIR_USER_FIELDS
                                                             ") = (" SKYDIR_USER_FIELD_PARAMS
                                                             ") WHERE org_id = ? AND id = ?"));
    BindUserFields(update, user);
    update.Bind(user.org_id).Bind(user.id);
    SKYDIR_RETURN_IF_ERROR(MapUserConflict(update.Run(), user));
    if (conn_->Changes() == 0) return NotFound("user '" + user.id + "' not found");
    SKYDIR_RETURN_IF_ERROR(WriteAttributes(*conn_, user));
    SKYDIR_RETURN_IF_ERROR(MarkUnixIdUsed(user.org_id, user.unix_uid));
    return Log(user.org_id, ChangeKind::kUser, user.id);
  });
}

Status SqliteTransaction::DeleteUser(std::string_view org_id, std::string_view user_id) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireUser(org_id, user_id));
    SKYDIR_ASSIGN_OR_RETURN(
        std::vector<std::string> groups,
        SelectIds("SELECT group_id FROM group_users WHERE user_id = ? ORDER BY group_id", user_id));
    SKYDIR_ASSIGN_OR_RETURN(std::vector<std::string> ldap,
                            SelectIds("SELECT org_id FROM ldap_users WHERE user_id = ?", user_id));
    SKYDIR_ASSIGN_OR_RETURN(Statement del,
                            conn_->Prepare("DELETE FROM users WHERE org_id = ? AND id = ?"));
    // Cascades to attributes, memberships, LDAP associations and password history.
    SKYDIR_RETURN_IF_ERROR(del.Bind(org_id).Bind(user_id).Run());
    for (const std::string& group_id : groups) {
      SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kGroup, group_id));
    }
    if (!ldap.empty()) SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kLdap, user_id));
    return Log(org_id, ChangeKind::kUser, user_id);
  });
}

Result<User> SqliteTransaction::SelectUser(const char* sql, std::string_view org_id,
                                           std::string_view key, std::string_view what) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  User user;
  {
    SKYDIR_ASSIGN_OR_RETURN(Statement select, conn_->Prepare(sql));
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Bind(org_id).Bind(key).Step());
    if (!row) return NotFound(std::string(what) + " '" + std::string(key) + "' not found");
    user = ReadUser(select);
  }
  SKYDIR_RETURN_IF_ERROR(FillAttributes(*conn_, user));
  return user;
}

Result<User> SqliteTransaction::GetUser(std::string_view org_id, std::string_view user_id) {
  return SelectUser("SELECT " SKYDIR_USER_SELECT " FROM users WHERE org_id = ? AND id = ?", org_id,
                    user_id, "user");
}

Result<User> SqliteTransaction::FindUserByUsername(std::string_view org_id,
                                                   std::string_view username) {
  return SelectUser("SELECT " SKYDIR_USER_SELECT " FROM users WHERE org_id = ? AND username = ?",
                    org_id, username, "username");
}

Result<User> SqliteTransaction::FindUserByEmail(std::string_view org_id, std::string_view email) {
  if (email.empty()) return NotFound("email '' not found");
  return SelectUser("SELECT " SKYDIR_USER_SELECT " FROM users WHERE org_id = ? AND email = ?",
                    org_id, email, "email");
}

Result<std::vector<User>> SqliteTransaction::ListUsers(std::string_view org_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  return QueryUsers(*conn_, org_id);
}

}  // namespace skydir::store::sqlite
