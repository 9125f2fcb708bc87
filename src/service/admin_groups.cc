// Group use cases, membership and LDAP associations.
#include <string>

#include "common/ids.h"
#include "common/time.h"
#include "directory/rules.h"
#include "service/admin.h"
#include "service/admin_internal.h"
#include "service/audit_log.h"

namespace skydir::service {

using directory::Group;
using internal::Audit;
using internal::InTransaction;
using internal::InTransactionStatus;
using internal::GroupChanges;
using internal::RequireGroup;
using internal::RequireMember;
using internal::RequireOrg;

namespace {

Status CheckGroupNameFree(store::Transaction& txn, const Group& group) {
  auto existing = txn.FindGroupByName(group.org_id, group.name);
  if (existing.ok() && existing->id != group.id) {
    return AlreadyExists("name: a group named '" + group.name + "' already exists");
  }
  if (!existing.ok() && existing.status().code() != Code::kNoSuchObject) {
    return existing.status();
  }
  return Status::Ok();
}

std::string MemberDetail(MemberKind kind, std::string_view id) {
  return JsonObject({{"type", kind == MemberKind::kUser ? "user" : "user_group"}, {"id", id}});
}

Status CheckGid(uint32_t gid) {
  if (gid == 0) return InvalidArgument("gid: must not be 0 (root)");
  return Status::Ok();
}

}  // namespace

Result<Group> Admin::CreateGroup(std::string_view org_id, const GroupInput& input) {
  SKYDIR_RETURN_IF_ERROR(directory::ValidateGroupName(input.name));
  if (input.gid) SKYDIR_RETURN_IF_ERROR(CheckGid(*input.gid));
  return InTransaction<Group>(store_, [&](store::Transaction& txn) -> Result<Group> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    Group group;
    group.id = NewId();
    group.org_id = std::string(org_id);
    group.name = input.name;
    group.description = input.description;
    group.created = group.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(CheckGroupNameFree(txn, group));
    if (input.gid) {
      SKYDIR_RETURN_IF_ERROR(txn.ReserveUnixId(org_id, *input.gid));
      group.gid = *input.gid;
    } else {
      const DirectorySettings& dir = settings_.directory;
      SKYDIR_ASSIGN_OR_RETURN(group.gid,
                              txn.AllocateUnixId(org_id, dir.unix_id_min, dir.unix_id_max));
    }
    SKYDIR_RETURN_IF_ERROR(directory::ValidateGroup(group));
    SKYDIR_RETURN_IF_ERROR(txn.InsertGroup(group));
    SKYDIR_RETURN_IF_ERROR(
        Audit(txn, org_id, "group_create", "group", group.id, GroupChanges(Group{}, group)));
    return group;
  });
}

Result<Group> Admin::UpdateGroup(std::string_view org_id, std::string_view group_id,
                                 const GroupPatch& patch) {
  if (patch.name) SKYDIR_RETURN_IF_ERROR(directory::ValidateGroupName(*patch.name));
  if (patch.gid) SKYDIR_RETURN_IF_ERROR(CheckGid(*patch.gid));
  return InTransaction<Group>(store_, [&](store::Transaction& txn) -> Result<Group> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_ASSIGN_OR_RETURN(Group group, RequireGroup(txn, org_id, group_id));
    const Group before = group;
    if (patch.name) group.name = *patch.name;
    if (patch.description) group.description = *patch.description;
    if (patch.gid && *patch.gid != group.gid) {
      SKYDIR_RETURN_IF_ERROR(txn.ReserveUnixId(org_id, *patch.gid));
      group.gid = *patch.gid;
    }
    group.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(directory::ValidateGroup(group));
    SKYDIR_RETURN_IF_ERROR(CheckGroupNameFree(txn, group));
    SKYDIR_RETURN_IF_ERROR(txn.UpdateGroup(group));
    SKYDIR_RETURN_IF_ERROR(
        Audit(txn, org_id, "group_update", "group", group.id, GroupChanges(before, group)));
    return group;
  });
}

Status Admin::DeleteGroup(std::string_view org_id, std::string_view group_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_ASSIGN_OR_RETURN(Group group, RequireGroup(txn, org_id, group_id));
    SKYDIR_RETURN_IF_ERROR(txn.DeleteGroup(org_id, group_id));
    return Audit(txn, org_id, "group_delete", "group", group_id,
                 JsonObject({{"name", group.name}}));
  });
}

Result<Group> Admin::GetGroup(std::string_view org_id, std::string_view group_id) {
  return InTransaction<Group>(store_, [&](store::Transaction& txn) -> Result<Group> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    return RequireGroup(txn, org_id, group_id);
  });
}

Result<std::vector<Group>> Admin::ListGroups(std::string_view org_id) {
  return InTransaction<std::vector<Group>>(
      store_, [&](store::Transaction& txn) -> Result<std::vector<Group>> {
        SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
        return txn.ListGroups(org_id);
      });
}

Result<Group> Admin::ResolveGroup(std::string_view org_id, std::string_view id_or_name) {
  return InTransaction<Group>(store_, [&](store::Transaction& txn) -> Result<Group> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    if (IsValidId(id_or_name)) {
      auto group = txn.GetGroup(org_id, id_or_name);
      if (group.ok() || group.status().code() != Code::kNoSuchObject) return group;
    }
    auto group = txn.FindGroupByName(org_id, id_or_name);
    if (!group.ok() && group.status().code() == Code::kNoSuchObject) {
      return NotFound("group '" + std::string(id_or_name) + "' not found");
    }
    return group;
  });
}

Status Admin::AddMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                        std::string_view member_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_ASSIGN_OR_RETURN(Group group, RequireGroup(txn, org_id, group_id));
    SKYDIR_RETURN_IF_ERROR(RequireMember(txn, org_id, kind, member_id));
    if (kind == MemberKind::kGroup) {
      if (member_id == group_id) {
        return Status(Code::kUnwillingToPerform, "a group cannot be a member of itself");
      }
      SKYDIR_ASSIGN_OR_RETURN(auto groups, txn.ListGroups(org_id));
      if (directory::WouldCreateCycle(groups, group_id, member_id)) {
        return Status(Code::kUnwillingToPerform,
                      "group '" + group.name +
                          "' is already a member (directly or nested) of that group: "
                          "nesting would create a cycle");
      }
    }
    SKYDIR_RETURN_IF_ERROR(txn.AddMember(org_id, group_id, kind, member_id));
    return Audit(txn, org_id, "group_member_add", "group", group_id, MemberDetail(kind, member_id));
  });
}

Status Admin::RemoveMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                           std::string_view member_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_RETURN_IF_ERROR(RequireGroup(txn, org_id, group_id).status());
    SKYDIR_RETURN_IF_ERROR(RequireMember(txn, org_id, kind, member_id));
    SKYDIR_RETURN_IF_ERROR(txn.RemoveMember(org_id, group_id, kind, member_id));
    return Audit(txn, org_id, "group_member_remove", "group", group_id,
                 MemberDetail(kind, member_id));
  });
}

Status Admin::ConnectLdap(std::string_view org_id, MemberKind kind, std::string_view id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_RETURN_IF_ERROR(RequireMember(txn, org_id, kind, id));
    SKYDIR_RETURN_IF_ERROR(txn.SetLdapAssociation(org_id, kind, id, true));
    return Audit(txn, org_id, "ldap_association_add", "ldap_directory", org_id,
                 MemberDetail(kind, id));
  });
}

Status Admin::DisconnectLdap(std::string_view org_id, MemberKind kind, std::string_view id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_RETURN_IF_ERROR(RequireMember(txn, org_id, kind, id));
    SKYDIR_RETURN_IF_ERROR(txn.SetLdapAssociation(org_id, kind, id, false));
    return Audit(txn, org_id, "ldap_association_remove", "ldap_directory", org_id,
                 MemberDetail(kind, id));
  });
}

Result<directory::LdapDirectory> Admin::GetLdapDirectory(std::string_view org_id) {
  return InTransaction<directory::LdapDirectory>(
      store_, [&](store::Transaction& txn) -> Result<directory::LdapDirectory> {
        SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
        return txn.GetLdapDirectory(org_id);
      });
}

}  // namespace skydir::service
