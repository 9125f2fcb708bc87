// LDIF import (Admin::ImportLdif): users as they stream by, groups at the end.
//
// Imported hashes are not added to the password history (SetPassword checks the current hash
// itself), which keeps an import to one write per user.
//
// One transaction for the whole file (measured: 100,000 users commit in seconds under WAL), so
// a failure midway writes nothing, and matching by username / group name makes a re-run update
// instead of duplicating.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "common/ids.h"
#include "common/time.h"
#include "directory/rules.h"
#include "ldif/reader.h"
#include "service/admin.h"
#include "service/admin_internal.h"
#include "service/ldif_entry.h"

namespace skydir::service {

using directory::Group;
using directory::User;
using directory::UserState;
using internal::Lower;

namespace {

bool IsUserEntry(const LdifEntry& e) {
  return e.HasClass("inetorgperson") || e.HasClass("posixaccount");
}

bool IsGroupEntry(const LdifEntry& e) {
  return e.HasClass("groupofnames") || e.HasClass("groupofuniquenames") ||
         e.HasClass("posixgroup");
}

std::string SkipReason(const LdifEntry& e) {
  std::string classes;
  for (const std::string& c : e.object_classes()) {
    if (c == "top") continue;
    classes += classes.empty() ? c : "+" + c;
  }
  return classes.empty() ? "no objectClass" : "objectClass " + classes;
}

// Everything the store keeps for a user except the update time.
auto Comparable(const User& u) {
  return std::tie(u.username, u.email, u.first_name, u.last_name, u.display_name, u.description,
                  u.password_hash, u.state, u.ldap_binding_user, u.unix_uid, u.unix_guid,
                  u.home_directory, u.login_shell, u.phone, u.mobile, u.title, u.department,
                  u.employee_number);
}

struct PendingGroup {
  int64_t line = 0;
  std::string dn;
  std::string name;
  std::string description;
  std::optional<uint32_t> gid;
  std::vector<std::string> member_dns;
  std::vector<std::string> member_uids;
  std::string id;  // once written
  bool created = false;
  bool changed = false;
};

}  // namespace

// The state of one import: the open transaction, the report and the maps that member
// resolution needs (username -> user id, DN -> id). Only group records are kept whole.
class LdifImporter {
 public:
  LdifImporter(Admin& admin, store::Transaction& txn, const directory::Organization& org,
               const ImportOptions& options, ImportReport& report)
      : admin_(admin), txn_(txn), org_(org), options_(options), report_(report) {}

  Status Start() {
    if (!options_.connect_ldap) return Status::Ok();
    SKYDIR_ASSIGN_OR_RETURN(auto ldap, txn_.GetLdapDirectory(org_.id));
    connected_users_.insert(ldap.user_ids.begin(), ldap.user_ids.end());
    connected_groups_.insert(ldap.group_ids.begin(), ldap.group_ids.end());
    return Status::Ok();
  }

  // Imports a user now, keeps a group for Finish(), counts anything else as skipped.
  Status Add(int64_t line, const std::string& dn, const LdifEntry& entry) {
    if (IsUserEntry(entry)) return AddUser(line, dn, entry);
    if (IsGroupEntry(entry)) return KeepGroup(line, dn, entry);
    ++report_.skipped[SkipReason(entry)];
    return Status::Ok();
  }

  Status Finish();

  int64_t users_seen() const { return users_seen_; }
  int64_t groups_seen() const { return static_cast<int64_t>(groups_.size()); }

 private:
  void Refuse(int64_t line, const std::string& dn, std::string reason) {
    report_.refused.push_back({line, dn, std::move(reason)});
  }
  void Warn(int64_t line, const std::string& dn, std::string reason) {
    report_.warnings.push_back({line, dn, std::move(reason)});
  }

  Status AddUser(int64_t line, const std::string& dn, const LdifEntry& entry);
  Status KeepGroup(int64_t line, const std::string& dn, const LdifEntry& entry);
  Status WriteGroup(PendingGroup& pending);
  Status AddMembers(PendingGroup& pending, std::vector<Group>& all_groups);
  std::optional<std::string> FindUser(std::string_view username);
  Status Connect(store::MemberKind kind, const std::string& id);

  Admin& admin_;
  store::Transaction& txn_;
  const directory::Organization& org_;
  const ImportOptions& options_;
  ImportReport& report_;
  int64_t users_seen_ = 0;
  std::unordered_map<std::string, std::string> user_by_name_;  // username -> id
  std::unordered_map<std::string, std::string> user_by_dn_;    // normalized DN -> id
  std::unordered_map<std::string, std::string> group_by_dn_;
  std::unordered_map<std::string, std::string> group_by_name_;  // lowercased name -> id
  std::unordered_set<std::string> connected_users_;
  std::unordered_set<std::string> connected_groups_;
  std::vector<PendingGroup> groups_;
};

Status LdifImporter::Connect(store::MemberKind kind, const std::string& id) {
  if (!options_.connect_ldap) return Status::Ok();
  auto& connected = kind == store::MemberKind::kUser ? connected_users_ : connected_groups_;
  if (!connected.insert(id).second) return Status::Ok();
  return txn_.SetLdapAssociation(org_.id, kind, id, true);
}

Status LdifImporter::AddUser(int64_t line, const std::string& dn, const LdifEntry& e) {
  ++users_seen_;
  std::optional<std::string> uid = e.First("uid");
  if (!uid || uid->empty()) {
    Refuse(line, dn, "uid: missing");
    return Status::Ok();
  }
  std::string username = Lower(*uid);
  if (Status s = directory::ValidateUsername(username); !s.ok()) {
    Refuse(line, dn, s.message());
    return Status::Ok();
  }
  std::optional<std::string> mail = e.First("mail");
  if (!mail || mail->empty()) {
    Refuse(line, dn, "mail: missing (every skydir user has an email address)");
    return Status::Ok();
  }
  UserFields fields;
  fields.username = username;
  fields.email = *mail;
  fields.first_name = e.First("givenName");
  fields.last_name = e.First("sn");
  fields.display_name = e.First("displayName");
  if (!fields.display_name) fields.display_name = e.First("cn");
  fields.description = e.First("description");
  fields.home_directory = e.First("homeDirectory");
  fields.login_shell = e.First("loginShell");
  fields.phone = e.First("telephoneNumber");
  fields.mobile = e.First("mobile");
  fields.title = e.First("title");
  fields.department = e.First("departmentNumber");
  fields.employee_number = e.First("employeeNumber");
  for (auto [attr, slot] : {std::pair{"uidNumber", &fields.unix_uid},
                            std::pair{"gidNumber", &fields.unix_guid}}) {
    if (auto text = e.First(attr)) {
      *slot = ParseUint32(*text);
      if (!*slot || **slot == 0) {
        Refuse(line, dn, std::string(attr) + ": '" + *text + "' is not a valid unix id");
        return Status::Ok();
      }
    }
  }

  User user;
  bool exists = false;
  auto found = txn_.FindUserByUsername(org_.id, username);
  if (found.ok()) {
    user = std::move(found).value();
    exists = true;
  } else if (found.status().code() != Code::kNoSuchObject) {
    return found.status();
  }
  const User before = user;
  if (!exists) {
    user.id = NewId();
    user.org_id = org_.id;
    user.created = NowMicros();
  }
  ApplyUserFields(fields, user);
  if (!exists) {
    if (!fields.display_name) {
      user.display_name = user.first_name.empty() ? user.last_name
                          : user.last_name.empty() ? user.first_name
                                                   : user.first_name + " " + user.last_name;
    }
    if (!fields.home_directory) {
      user.home_directory = admin_.settings_.directory.home_prefix + user.username;
    }
    if (!fields.login_shell) user.login_shell = admin_.settings_.directory.default_shell;
  }

  bool new_hash = false;
  if (auto password = e.First("userPassword"); password && !password->empty()) {
    if (PasswordHasher::IsSupportedHash(*password)) {
      new_hash = user.password_hash != *password;
      user.password_hash = *password;
    } else if (password->front() == '{' && password->find('}') != std::string::npos) {
      Refuse(line, dn,
             "userPassword: unsupported hash scheme " + password->substr(0, password->find('}') + 1));
      return Status::Ok();
    } else if (user.password_hash.empty() ||
               !admin_.hasher_.Verify(user.password_hash, *password).ok) {
      // Cleartext in the file: never stored as such.
      auto hashed = admin_.hasher_.Hash(*password);
      if (!hashed.ok()) {
        Refuse(line, dn, "userPassword: " + hashed.status().message());
        return Status::Ok();
      }
      user.password_hash = std::move(hashed).value();
      new_hash = true;
    }
    if (user.state == UserState::kStaged) user.state = UserState::kActivated;
  }
  if (new_hash) {
    // A migrated password keeps its age (OpenLDAP's ppolicy pwdChangedTime), so that a password
    // policy's maximum age applies to it as it did at the source; a time in the future is not
    // believed.
    user.password_changed = NowMicros();
    if (auto changed = e.First("pwdChangedTime")) {
      std::optional<int64_t> when = ParseGeneralizedTime(*changed);
      if (!when) {
        Refuse(line, dn, "pwdChangedTime: '" + *changed + "' is not a GeneralizedTime");
        return Status::Ok();
      }
      if (*when < user.password_changed) user.password_changed = *when;
    }
  }

  if (Status s = directory::ValidateUser(user); !s.ok()) {
    Refuse(line, dn, s.message());
    return Status::Ok();
  }
  // An existing user whose email did not change cannot collide with anyone new.
  bool email_unchanged = exists && user.email == before.email;
  if (Status s = email_unchanged ? Status::Ok() : admin_.CheckUserUnique(txn_, user); !s.ok()) {
    if (s.code() != Code::kEntryAlreadyExists) return s;
    Refuse(line, dn, s.message());
    return Status::Ok();
  }
  UserFields ids;
  ids.unix_uid = fields.unix_uid;
  ids.unix_guid = fields.unix_guid;
  if (exists && ids.unix_uid == before.unix_uid) ids.unix_uid.reset();
  if (exists && ids.unix_guid == before.unix_guid) ids.unix_guid.reset();
  SKYDIR_RETURN_IF_ERROR(admin_.AssignUnixIds(txn_, user, ids));

  if (!exists) {
    user.updated = user.created;
    SKYDIR_RETURN_IF_ERROR(txn_.InsertUser(user));
    ++report_.users_created;
  } else if (Comparable(user) != Comparable(before)) {
    user.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(txn_.UpdateUser(user));
    ++report_.users_updated;
  } else {
    ++report_.users_unchanged;
  }
  user_by_name_[user.username] = user.id;
  user_by_dn_[NormalizeDnForMatch(dn)] = user.id;
  return Connect(store::MemberKind::kUser, user.id);
}

Status LdifImporter::KeepGroup(int64_t line, const std::string& dn, const LdifEntry& e) {
  PendingGroup g;
  g.line = line;
  g.dn = dn;
  std::optional<std::string> cn = e.First("cn");
  if (!cn) {
    Refuse(line, dn, "cn: missing");
    return Status::Ok();
  }
  g.name = *cn;
  if (auto description = e.First("description")) g.description = *description;
  if (auto text = e.First("gidNumber")) {
    g.gid = ParseUint32(*text);
    if (!g.gid || *g.gid == 0) {
      Refuse(line, dn, "gidNumber: '" + *text + "' is not a valid unix id");
      return Status::Ok();
    }
  }
  for (const char* attr : {"member", "uniqueMember"}) {
    for (const std::string& v : e.All(attr)) {
      if (!v.empty()) g.member_dns.push_back(v);
    }
  }
  g.member_uids = e.All("memberUid");
  groups_.push_back(std::move(g));
  return Status::Ok();
}

Status LdifImporter::WriteGroup(PendingGroup& p) {
  if (Status s = directory::ValidateGroupName(p.name); !s.ok()) {
    Refuse(p.line, p.dn, s.message());
    return Status::Ok();
  }
  Group group;
  auto found = txn_.FindGroupByName(org_.id, p.name);
  bool exists = found.ok();
  if (exists) {
    group = std::move(found).value();
  } else if (found.status().code() != Code::kNoSuchObject) {
    return found.status();
  } else {
    group.id = NewId();
    group.org_id = org_.id;
    group.name = p.name;
    group.created = group.updated = NowMicros();
  }
  const Group before = group;
  if (!p.description.empty()) group.description = p.description;
  if (p.gid && *p.gid != group.gid) {
    SKYDIR_RETURN_IF_ERROR(txn_.ReserveUnixId(org_.id, *p.gid));
    group.gid = *p.gid;
  } else if (group.gid == 0) {
    const DirectorySettings& dir = admin_.settings_.directory;
    SKYDIR_ASSIGN_OR_RETURN(group.gid,
                            txn_.AllocateUnixId(org_.id, dir.unix_id_min, dir.unix_id_max));
  }
  if (Status s = directory::ValidateGroup(group); !s.ok()) {
    Refuse(p.line, p.dn, s.message());
    return Status::Ok();
  }
  if (!exists) {
    SKYDIR_RETURN_IF_ERROR(txn_.InsertGroup(group));
    p.created = true;
  } else if (group.description != before.description || group.gid != before.gid) {
    group.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(txn_.UpdateGroup(group));
    p.changed = true;
  }
  p.id = group.id;
  group_by_name_[Lower(group.name)] = group.id;
  group_by_dn_[NormalizeDnForMatch(p.dn)] = group.id;
  return Connect(store::MemberKind::kGroup, group.id);
}

std::optional<std::string> LdifImporter::FindUser(std::string_view username) {
  std::string key = Lower(username);
  if (auto it = user_by_name_.find(key); it != user_by_name_.end()) return it->second;
  auto user = txn_.FindUserByUsername(org_.id, key);
  if (!user.ok()) return std::nullopt;
  return user->id;
}

Status LdifImporter::AddMembers(PendingGroup& p, std::vector<Group>& all_groups) {
  Group* group = nullptr;
  for (Group& g : all_groups) {
    if (g.id == p.id) group = &g;
  }
  if (group == nullptr) return Internal("import: group " + p.name + " vanished");
  auto add = [&](store::MemberKind kind, const std::string& id) -> Status {
    auto& list = kind == store::MemberKind::kUser ? group->member_users : group->member_groups;
    if (std::find(list.begin(), list.end(), id) != list.end()) return Status::Ok();
    if (kind == store::MemberKind::kGroup &&
        directory::WouldCreateCycle(all_groups, group->id, id)) {
      Warn(p.line, p.dn, "member group " + id + " left out: nesting would create a cycle");
      return Status::Ok();
    }
    SKYDIR_RETURN_IF_ERROR(txn_.AddMember(org_.id, group->id, kind, id));
    list.push_back(id);
    ++report_.memberships_added;
    p.changed = true;
    return Status::Ok();
  };
  for (const std::string& dn : p.member_dns) {
    std::string normalized = NormalizeDnForMatch(dn);
    if (auto it = user_by_dn_.find(normalized); it != user_by_dn_.end()) {
      SKYDIR_RETURN_IF_ERROR(add(store::MemberKind::kUser, it->second));
      continue;
    }
    if (auto it = group_by_dn_.find(normalized); it != group_by_dn_.end()) {
      SKYDIR_RETURN_IF_ERROR(add(store::MemberKind::kGroup, it->second));
      continue;
    }
    auto rdn = FirstRdn(dn);
    std::optional<std::string> id;
    store::MemberKind kind = store::MemberKind::kUser;
    if (rdn && rdn->first == "uid") {
      id = FindUser(rdn->second);
    } else if (rdn && rdn->first == "cn") {
      if (auto it = group_by_name_.find(Lower(rdn->second)); it != group_by_name_.end()) {
        id = it->second;
        kind = store::MemberKind::kGroup;
      }
    }
    if (!id) {
      Warn(p.line, p.dn, "member '" + dn + "' not found");
      continue;
    }
    SKYDIR_RETURN_IF_ERROR(add(kind, *id));
  }
  for (const std::string& uid : p.member_uids) {
    std::optional<std::string> id = FindUser(uid);
    if (!id) {
      Warn(p.line, p.dn, "memberUid '" + uid + "' not found");
      continue;
    }
    SKYDIR_RETURN_IF_ERROR(add(store::MemberKind::kUser, *id));
  }
  return Status::Ok();
}

Status LdifImporter::Finish() {
  for (PendingGroup& p : groups_) SKYDIR_RETURN_IF_ERROR(WriteGroup(p));
  SKYDIR_ASSIGN_OR_RETURN(std::vector<Group> all_groups, txn_.ListGroups(org_.id));
  for (PendingGroup& p : groups_) {
    if (p.id.empty()) continue;
    SKYDIR_RETURN_IF_ERROR(AddMembers(p, all_groups));
  }
  // A group listed twice in the file is counted once.
  std::map<std::string, std::pair<bool, bool>> outcome;  // id -> (created, changed)
  for (const PendingGroup& p : groups_) {
    if (p.id.empty()) continue;
    auto& [created, changed] = outcome[p.id];
    created = created || p.created;
    changed = changed || p.changed;
  }
  for (const auto& [id, o] : outcome) {
    if (o.first) {
      ++report_.groups_created;
    } else if (o.second) {
      ++report_.groups_updated;
    } else {
      ++report_.groups_unchanged;
    }
  }
  return Status::Ok();
}

Result<ImportReport> Admin::ImportLdif(std::string_view org_id, std::istream& in,
                                       const ImportOptions& options,
                                       const std::function<void(const ImportProgress&)>& progress) {
  SKYDIR_ASSIGN_OR_RETURN(auto txn, store_.Begin());
  SKYDIR_ASSIGN_OR_RETURN(auto org, internal::RequireOrg(*txn, org_id));
  ImportReport report;
  LdifImporter importer(*this, *txn, org, options, report);
  SKYDIR_RETURN_IF_ERROR(importer.Start());
  ldif::LdifReader reader(in);
  while (true) {
    SKYDIR_ASSIGN_OR_RETURN(std::optional<ldif::LdifRecord> record, reader.Next());
    if (!record) break;
    ++report.entries;
    SKYDIR_RETURN_IF_ERROR(
        importer.Add(record->line, record->dn, LdifEntry(record->attributes)));
    if (progress && options.progress_every > 0 && report.entries % options.progress_every == 0) {
      progress({report.entries, importer.users_seen(), importer.groups_seen()});
    }
  }
  SKYDIR_RETURN_IF_ERROR(importer.Finish());
  std::string detail = "{\"entries\":" + std::to_string(report.entries) +
                       ",\"users_created\":" + std::to_string(report.users_created) +
                       ",\"users_updated\":" + std::to_string(report.users_updated) +
                       ",\"groups_created\":" + std::to_string(report.groups_created) +
                       ",\"groups_updated\":" + std::to_string(report.groups_updated) +
                       ",\"refused\":" + std::to_string(report.refused.size()) + "}";
  SKYDIR_RETURN_IF_ERROR(internal::Audit(*txn, org.id, "ldif_import", "org", org.id, detail));
  SKYDIR_RETURN_IF_ERROR(txn->Commit());
  return report;
}

}  // namespace skydir::service
