// SqliteTransaction: groups and memberships.
#include "store/sqlite/change_log.h"
#include "store/sqlite/queries.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace skydir::store::sqlite {

using directory::Group;

namespace {

Status MapGroupConflict(const Status& status, const Group& group) {
  if (IsUniqueViolation(status, "user_groups", "name")) {
    return AlreadyExists("group name '" + group.name + "' already exists");
  }
  if (IsUniqueViolation(status, "user_groups", "id")) {
    return AlreadyExists("group id '" + group.id + "' already exists");
  }
  return status;
}

}  // namespace

Status SqliteTransaction::InsertGroup(const Group& group) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(group.org_id));
    SKYDIR_ASSIGN_OR_RETURN(
        Statement insert,
        conn_->Prepare("INSERT INTO user_groups (id, org_id, created, " SKYDIR_GROUP_FIELDS
                       ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert.Bind(group.id).Bind(group.org_id).Bind(group.created);
    BindGroupFields(insert, group);
    SKYDIR_RETURN_IF_ERROR(MapGroupConflict(insert.Run(), group));
    SKYDIR_RETURN_IF_ERROR(MarkUnixIdUsed(group.org_id, group.gid));
    return Log(group.org_id, ChangeKind::kGroup, group.id);
  });
}

Status SqliteTransaction::UpdateGroup(const Group& group) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement update,
                            conn_->Prepare("UPDATE user_groups SET (" SKYDIR_GROUP_FIELDS
                                           ") = (?, ?, ?, ?) WHERE org_id = ? AND id = ?"));
    BindGroupFields(update, group);
    update.Bind(group.org_id).Bind(group.id);
    SKYDIR_RETURN_IF_ERROR(MapGroupConflict(update.Run(), group));
    if (conn_->Changes() == 0) return NotFound("group '" + group.id + "' not found");
    SKYDIR_RETURN_IF_ERROR(MarkUnixIdUsed(group.org_id, group.gid));
    return Log(group.org_id, ChangeKind::kGroup, group.id);
  });
}

Status SqliteTransaction::DeleteGroup(std::string_view org_id, std::string_view group_id) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireGroup(org_id, group_id));
    SKYDIR_ASSIGN_OR_RETURN(std::vector<std::string> parents,
                            SelectIds("SELECT group_id FROM group_groups WHERE "
                                      "member_group_id = ? ORDER BY group_id",
                                      group_id));
    SKYDIR_ASSIGN_OR_RETURN(
        std::vector<std::string> users,
        SelectIds("SELECT user_id FROM group_users WHERE group_id = ? ORDER BY user_id", group_id));
    SKYDIR_ASSIGN_OR_RETURN(
        std::vector<std::string> ldap,
        SelectIds("SELECT org_id FROM ldap_groups WHERE group_id = ?", group_id));
    SKYDIR_ASSIGN_OR_RETURN(Statement del,
                            conn_->Prepare("DELETE FROM user_groups WHERE org_id = ? AND id = ?"));
    // Cascades to its memberships (both ways) and its LDAP association.
    SKYDIR_RETURN_IF_ERROR(del.Bind(org_id).Bind(group_id).Run());
    for (const std::string& parent : parents) {
      SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kGroup, parent));
    }
    for (const std::string& user : users) {
      SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kUser, user));
    }
    if (!ldap.empty()) SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kLdap, group_id));
    return Log(org_id, ChangeKind::kGroup, group_id);
  });
}

Result<Group> SqliteTransaction::SelectGroup(const char* sql, std::string_view org_id,
                                             std::string_view key, std::string_view what) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  Group group;
  {
    SKYDIR_ASSIGN_OR_RETURN(Statement select, conn_->Prepare(sql));
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Bind(org_id).Bind(key).Step());
    if (!row) return NotFound(std::string(what) + " '" + std::string(key) + "' not found");
    group = ReadGroup(select);
  }
  SKYDIR_RETURN_IF_ERROR(FillMembers(*conn_, group));
  return group;
}

Result<Group> SqliteTransaction::GetGroup(std::string_view org_id, std::string_view group_id) {
  return SelectGroup("SELECT " SKYDIR_GROUP_SELECT " FROM user_groups WHERE org_id = ? AND id = ?",
                     org_id, group_id, "group");
}

Result<Group> SqliteTransaction::FindGroupByName(std::string_view org_id, std::string_view name) {
  return SelectGroup("SELECT " SKYDIR_GROUP_SELECT
                     " FROM user_groups WHERE org_id = ? AND name = ?",
                     org_id, name, "group name");
}

Result<std::vector<Group>> SqliteTransaction::ListGroups(std::string_view org_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  return QueryGroups(*conn_, org_id);
}

Status SqliteTransaction::AddMember(std::string_view org_id, std::string_view group_id,
                                    MemberKind kind, std::string_view member_id) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireGroup(org_id, group_id));
    SKYDIR_RETURN_IF_ERROR(RequireMember(org_id, kind, member_id));
    const bool user = kind == MemberKind::kUser;
    if (!user && member_id == group_id) {
      return InvalidArgument("member_groups: a group cannot contain itself");
    }
    SKYDIR_ASSIGN_OR_RETURN(
        Statement insert,
        conn_->Prepare(user ? "INSERT OR IGNORE INTO group_users (group_id, user_id) VALUES (?, ?)"
                            : "INSERT OR IGNORE INTO group_groups (group_id, member_group_id) "
                              "VALUES (?, ?)"));
    SKYDIR_RETURN_IF_ERROR(insert.Bind(group_id).Bind(member_id).Run());
    if (conn_->Changes() == 0) return Status::Ok();
    SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kGroup, group_id));
    return user ? Log(org_id, ChangeKind::kUser, member_id) : Status::Ok();
  });
}

Status SqliteTransaction::RemoveMember(std::string_view org_id, std::string_view group_id,
                                       MemberKind kind, std::string_view member_id) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireGroup(org_id, group_id));
    const bool user = kind == MemberKind::kUser;
    SKYDIR_ASSIGN_OR_RETURN(
        Statement del,
        conn_->Prepare(
            user ? "DELETE FROM group_users WHERE group_id = ? AND user_id = ?"
                 : "DELETE FROM group_groups WHERE group_id = ? AND member_group_id = ?"));
    SKYDIR_RETURN_IF_ERROR(del.Bind(group_id).Bind(member_id).Run());
    if (conn_->Changes() == 0) return Status::Ok();
    SKYDIR_RETURN_IF_ERROR(Log(org_id, ChangeKind::kGroup, group_id));
    return user ? Log(org_id, ChangeKind::kUser, member_id) : Status::Ok();
  });
}

}  // namespace skydir::store::sqlite
