// OrgData → Snapshot: renders users and groups as JumpCloud-shaped entries (DESIGN §2) and
// builds the indexes.
#include <algorithm>
#include <map>

#include "common/time.h"
#include "directory/visibility.h"
#include "dit/snapshot.h"
#include "ldap/dn.h"

namespace skydir::dit {

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

constexpr Attr kIndexed[] = {Attr::kObjectClass, Attr::kUid,       Attr::kMail,
                             Attr::kCn,          Attr::kMember,    Attr::kMemberOf,
                             Attr::kUidNumber,   Attr::kGidNumber, Attr::kMemberUid};

int IndexSlot(Attr attr) {
  for (size_t i = 0; i < std::size(kIndexed); ++i) {
    if (kIndexed[i] == attr) return static_cast<int>(i);
  }
  return -1;
}

std::string EntryUuid(std::string_view id) {
  // Model ids are 96 random bits; pad to a UUID's 128 so the value is stable and unique.
  std::string hex = "00000000" + std::string(id);
  hex.resize(32, '0');
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

void AddOperational(EntryWriter& e, std::string_view id, int64_t created, int64_t updated) {
  if (!id.empty()) e.Add(Attr::kEntryUuid, EntryUuid(id));
  if (created) e.Add(Attr::kCreateTimestamp, FormatGeneralizedTime(created));
  if (updated || created) {
    e.Add(Attr::kModifyTimestamp, FormatGeneralizedTime(updated ? updated : created));
  }
}

// When the user's password expires under `policy`; 0 when it never does.
int64_t PasswordExpiry(const directory::User& u, const directory::PasswordPolicy& policy) {
  if (policy.max_age_days == 0 || u.password_changed <= 0) return 0;
  return u.password_changed + int64_t{policy.max_age_days} * kMicrosPerDay;
}

// NormalizeDn for the DNs a snapshot makes, whose attribute types (uid, cn, ou, o, dc) all
// match case-insensitively: a DN of plain characters normalizes to itself in lower case, so
// only names with spaces, escapes or other characters pay for the parser.
std::string NormalizedDn(std::string_view dn) {
  std::string out(dn);
  for (char& c : out) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '=' ||
                       c == ',' || c == '.' || c == '-' || c == '_' || c == '@';
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    } else if (!plain) {
      auto ndn = ldap::NormalizeDn(dn);
      return ndn.ok() ? std::move(ndn).value() : std::string(dn);
    }
  }
  return out;
}

// Adds what every entry has, the operational attributes of its DN, and seals it.
Entry Complete(EntryWriter&& e, EntryKind kind, EntryWriter::Seal seal) {
  const std::string ndn = NormalizedDn(seal.dn);
  seal.ndn = ndn;
  e.Add(Attr::kEntryDn, seal.dn);
  e.Add(Attr::kSubschemaSubentry, "cn=Subschema");
  e.Add(Attr::kHasSubordinates,
        kind == EntryKind::kUser || kind == EntryKind::kGroup ? "FALSE" : "TRUE");
  return std::move(e).Finish(seal);
}

constexpr std::string_view kUserClasses[] = {"top",           "person",      "organizationalPerson",
                                             "inetOrgPerson", "posixAccount", "shadowAccount",
                                             "jumpcloudUser"};

// A user's entry. `member_of`: the DNs of its groups.
template <typename Dns>
Entry UserEntry(const directory::User& u, std::string_view dn, bool can_bind,
                const Dns& member_of) {
  EntryWriter e(EntryKind::kUser);
  e.AddAll(Attr::kObjectClass, kUserClasses);
  e.Add(Attr::kUid, u.username);
  std::string full = u.first_name;
  if (!u.last_name.empty()) full += (full.empty() ? "" : " ") + u.last_name;
  const std::string& cn = !u.display_name.empty() ? u.display_name : full;
  e.Add(Attr::kCn, cn.empty() ? u.username : cn);
  e.Add(Attr::kSn, u.last_name.empty() ? u.username : u.last_name);
  e.Add(Attr::kGivenName, u.first_name);
  e.Add(Attr::kDisplayName, u.display_name.empty() ? full : u.display_name);
  e.Add(Attr::kMail, u.email);
  e.Add(Attr::kUidNumber, std::to_string(u.unix_uid));
  e.Add(Attr::kGidNumber, std::to_string(u.unix_guid));
  e.Add(Attr::kHomeDirectory, u.home_directory);
  e.Add(Attr::kLoginShell, u.login_shell);
  e.Add(Attr::kDescription, u.description);
  e.Add(Attr::kTelephoneNumber, u.phone);
  e.Add(Attr::kMobile, u.mobile);
  e.Add(Attr::kTitle, u.title);
  e.Add(Attr::kDepartmentNumber, u.department);
  e.Add(Attr::kEmployeeNumber, u.employee_number);
  e.AddAll(Attr::kMemberOf, member_of);
  AddOperational(e, u.id, u.created, u.updated);
  if (u.password_changed) e.Add(Attr::kPwdChangedTime, FormatGeneralizedTime(u.password_changed));
  return Complete(std::move(e), EntryKind::kUser,
                  {.dn = dn,
                   .model_id = u.id,
                   .password_hash = u.password_hash,
                   .can_bind = can_bind,
                   .binding_user = u.ldap_binding_user,
                   .locked_until = u.account_locked ? u.locked_until : 0});
}

// The normalized values of `attr` in `e`, for its index.
std::vector<std::string> IndexKeys(const Entry& e, Attr attr) {
  std::vector<std::string> keys;
  if (std::optional<Values> a = e.Find(attr)) {
    for (std::string_view v : *a) {
      if (auto norm = NormalizeValue(attr, v)) keys.push_back(std::move(*norm));
    }
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

class SnapshotBuilder {
 public:
  // `consumed`: the same data, whose users may be emptied once rendered (a caller that has no
  // further use for them), so that a large org is not held twice at the build's peak.
  SnapshotBuilder(const directory::OrgData& data, const SnapshotOptions& options, int64_t now,
                  directory::OrgData* consumed = nullptr)
      : data_(data), consumed_(consumed), options_(options), now_(now), snap_(new Snapshot()) {}

  std::shared_ptr<const Snapshot> Build() {
    snap_->org_id_ = data_.org.id;
    snap_->settings_ = data_.org.settings;
    snap_->built_at_ = now_;
    view_ = directory::ComputeLdapView(data_, now_);
    org_dn_ = "o=" + ldap::EscapeDnValue(data_.org.id) + "," + options_.suffix;
    ou_dn_ = "ou=Users," + org_dn_;
    const size_t expected = data_.users.size() + data_.groups.size() + 2;
    entries_.reserve(expected);
    by_ndn_ = EntryKeyTable(expected);
    by_model_ = EntryKeyTable(expected);

    AddContainers();
    for (const directory::User& u : data_.users) {
      if (view_.IsUserVisible(u.id)) user_dn_[u.id] = UserDn(u);
    }
    for (const directory::Group& g : data_.groups) {
      if (view_.IsGroupVisible(g.id)) group_dn_[g.id] = GroupDn(g);
    }
    for (size_t i = 0; i < data_.users.size(); ++i) {
      if (view_.IsUserVisible(data_.users[i].id)) AddUser(data_.users[i]);
      if (consumed_) consumed_->users[i] = directory::User();
    }
    for (const directory::Group& g : data_.groups) {
      if (view_.IsGroupVisible(g.id)) AddGroup(g);
    }
    LinkGroups();
    Finish();
    return std::shared_ptr<const Snapshot>(snap_.release());
  }

 private:
  std::string UserDn(const directory::User& u) const {
    return "uid=" + ldap::EscapeDnValue(u.username) + "," + ou_dn_;
  }
  std::string GroupDn(const directory::Group& g) const {
    return "cn=" + ldap::EscapeDnValue(g.name) + "," + ou_dn_;
  }

  void AddContainers() {
    EntryWriter org(EntryKind::kOrg);
    org.AddAll(Attr::kObjectClass, std::initializer_list<std::string_view>{"top", "organization"});
    org.Add(Attr::kO, data_.org.id);
    AddOperational(org, data_.org.id, data_.org.created, data_.org.updated);
    Push(Complete(std::move(org), EntryKind::kOrg, {.dn = org_dn_}));

    EntryWriter ou(EntryKind::kUsersOu);
    ou.AddAll(Attr::kObjectClass,
              std::initializer_list<std::string_view>{"top", "organizationalUnit"});
    ou.Add(Attr::kOu, "Users");
    AddOperational(ou, "", data_.org.created, data_.org.updated);
    Push(Complete(std::move(ou), EntryKind::kUsersOu, {.dn = ou_dn_}));
  }

  void AddUser(const directory::User& u) {
    // The view changes on its own when a lock ends or a password expires: rebuild then.
    if (u.account_locked && u.locked_until > now_) RefreshAt(u.locked_until);
    if (int64_t expires = PasswordExpiry(u, data_.org.settings.password); expires > now_) {
      RefreshAt(expires);
    }
    std::vector<std::string_view> groups;
    if (auto it = view_.member_of.find(u.id); it != view_.member_of.end()) {
      for (const std::string& gid : it->second) {
        if (auto g = group_dn_.find(gid); g != group_dn_.end()) groups.push_back(g->second);
      }
    }
    Push(UserEntry(u, user_dn_[u.id], view_.IsUserBindable(u.id), groups));
  }

  void AddGroup(const directory::Group& g) {
    EntryWriter e(EntryKind::kGroup);
    e.AddAll(Attr::kObjectClass,
             std::initializer_list<std::string_view>{"top", "groupOfNames", "posixGroup"});
    e.Add(Attr::kCn, g.name);
    e.Add(Attr::kDescription, g.description);
    e.Add(Attr::kGidNumber, std::to_string(g.gid));
    std::vector<std::string_view> members, member_uids;
    for (const std::string& uid : g.member_users) {
      std::optional<uint32_t> user = EntryOf(uid);
      if (!user || entries_[*user].kind != EntryKind::kUser) continue;
      members.push_back(entries_[*user].dn());
      if (std::optional<Values> name = entries_[*user].Find(Attr::kUid)) {
        member_uids.push_back(name->front());
      }
    }
    for (const std::string& gid : g.member_groups) {
      if (auto it = group_dn_.find(gid); it != group_dn_.end()) members.push_back(it->second);
    }
    e.AddAll(Attr::kMember, members);
    e.AddAll(Attr::kMemberUid, member_uids);
    AddOperational(e, g.id, g.created, g.updated);
    Push(Complete(std::move(e), EntryKind::kGroup, {.dn = group_dn_[g.id], .model_id = g.id}));
  }

  void RefreshAt(int64_t when) {
    if (snap_->refresh_at_ == 0 || when < snap_->refresh_at_) snap_->refresh_at_ = when;
  }

  auto SameModelId() const {
    return [this](uint32_t e, std::string_view k) { return entries_[e].model_id() == k; };
  }

  std::optional<uint32_t> EntryOf(std::string_view model_id) const {
    int64_t i = by_model_.Find(model_id, SameModelId());
    if (i < 0) return std::nullopt;
    return static_cast<uint32_t>(i);
  }

  void Push(Entry entry) {
    const auto position = static_cast<uint32_t>(entries_.size());
    // A second entry with the same normalized DN (names differing only in case) is dropped:
    // DNs compare case-insensitively, so it could never be addressed.
    if (!by_ndn_.Insert(entry.ndn(), position,
                        [this](uint32_t e, std::string_view k) { return entries_[e].HasNdn(k); })) {
      return;
    }
    if (!entry.model_id().empty()) by_model_.Insert(entry.model_id(), position, SameModelId());
    entries_.push_back(std::move(entry));
  }

  void LinkGroups() {
    size_t n = entries_.size();
    Snapshot::Adjacency member_groups(n), parent_groups(n);
    for (const directory::Group& g : data_.groups) {
      std::optional<uint32_t> self = EntryOf(g.id);
      if (!self) continue;
      for (const std::string& gid : g.member_groups) {
        if (std::optional<uint32_t> child = EntryOf(gid)) {
          member_groups[*self].push_back(*child);
          parent_groups[*child].push_back(*self);
        }
      }
      for (const std::string& uid : g.member_users) {
        if (std::optional<uint32_t> child = EntryOf(uid)) parent_groups[*child].push_back(*self);
      }
    }
    // Ascending: parent_groups doubles as the member index (Lookup).
    for (auto* lists : {&member_groups, &parent_groups}) {
      for (auto& list : *lists) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
        list.shrink_to_fit();
      }
    }
    snap_->member_groups_ = std::make_shared<const Snapshot::Adjacency>(std::move(member_groups));
    snap_->parent_groups_ = std::make_shared<const Snapshot::Adjacency>(std::move(parent_groups));
  }

  void Finish() {
    std::vector<ValueIndex::Builder> indexes(std::size(kIndexed));
    std::vector<std::shared_ptr<const Entry>> sealed;
    sealed.reserve(entries_.size());
    for (uint32_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      for (EncodedAttribute a : e.attributes()) {
        int slot = IndexSlot(a.attr);
        if (slot < 0 || a.attr == Attr::kMember) continue;  // member: see Lookup
        for (std::string_view v : a.values()) {
          if (auto norm = NormalizeValue(a.attr, v)) indexes[slot].Add(*norm, i);
        }
      }
      sealed.push_back(std::make_shared<const Entry>(std::move(e)));
    }
    snap_->SetEntries(std::move(sealed));
    for (ValueIndex::Builder& index : indexes) {
      snap_->indexes_.push_back(std::make_shared<const ValueIndex>(std::move(index).Build()));
    }
    snap_->by_ndn_ = std::make_shared<const EntryKeyTable>(std::move(by_ndn_));
    snap_->by_model_ = std::make_shared<const EntryKeyTable>(std::move(by_model_));
  }

  const directory::OrgData& data_;
  directory::OrgData* consumed_;
  const SnapshotOptions& options_;
  int64_t now_;
  std::unique_ptr<Snapshot> snap_;
  directory::LdapView view_;
  std::string org_dn_, ou_dn_;
  directory::IdMap<std::string> user_dn_, group_dn_;
  std::vector<Entry> entries_;  // moved into the snapshot by Finish()
  EntryKeyTable by_ndn_, by_model_;
};

std::shared_ptr<const Snapshot> Snapshot::Build(const directory::OrgData& data,
                                                const SnapshotOptions& options, int64_t now) {
  return SnapshotBuilder(data, options, now).Build();
}

std::shared_ptr<const Snapshot> Snapshot::Build(directory::OrgData&& data,
                                                const SnapshotOptions& options, int64_t now) {
  return SnapshotBuilder(data, options, now, &data).Build();
}

namespace {

// `index` with `entry` moved from the keys `was` to the keys `is` (both sorted, unique).
ValueIndex Edit(const ValueIndex& index, uint32_t entry, const std::vector<std::string>& was,
                const std::vector<std::string>& is) {
  auto has = [](const std::vector<std::string>& keys, std::string_view k) {
    return std::binary_search(keys.begin(), keys.end(), k);
  };
  ValueIndex::Builder out;
  std::vector<uint32_t> list;
  std::vector<std::string_view> present;
  for (size_t slot = 0; slot < index.key_count(); ++slot) {
    const std::string_view key = index.key(slot);
    list.assign(index.postings(slot).begin(), index.postings(slot).end());
    if (has(was, key)) list.erase(std::remove(list.begin(), list.end(), entry), list.end());
    if (has(is, key)) {
      present.push_back(key);
      auto at = std::lower_bound(list.begin(), list.end(), entry);
      if (at == list.end() || *at != entry) list.insert(at, entry);
    }
    for (uint32_t e : list) out.Add(key, e);
  }
  for (const std::string& key : is) {
    if (std::find(present.begin(), present.end(), key) == present.end()) out.Add(key, entry);
  }
  return std::move(out).Build();
}

}  // namespace

std::shared_ptr<const Snapshot> Snapshot::PatchUsers(const Snapshot& old,
                                                     const std::vector<directory::User>& users,
                                                     int64_t now) {
  std::shared_ptr<Snapshot> snap(new Snapshot(old));  // shares everything with `old`
  snap->built_at_ = now;
  std::map<uint32_t, std::shared_ptr<Chunk>> owned;  // chunks this patch copied
  for (const directory::User& u : users) {
    std::optional<uint32_t> found = old.FindByModelId(u.id);
    if (!found) return nullptr;  // not served before: visibility changes
    const uint32_t i = *found;
    const Entry& before = snap->entry(i);
    if (before.kind != EntryKind::kUser || !before.can_bind) return nullptr;
    if (u.state != directory::UserState::kActivated || directory::IsLocked(u, now) ||
        directory::IsPasswordExpired(u, old.settings_.password, now)) {
      return nullptr;
    }
    std::optional<Values> uid = before.Find(Attr::kUid);
    if (!uid || uid->empty() || uid->front() != u.username) return nullptr;
    std::vector<std::string_view> member_of;
    if (std::optional<Values> groups = before.Find(Attr::kMemberOf)) {
      member_of.assign(groups->begin(), groups->end());
    }
    auto e = std::make_shared<const Entry>(UserEntry(u, before.dn(), /*can_bind=*/true, member_of));
    for (size_t slot = 0; slot < std::size(kIndexed); ++slot) {
      const Attr attr = kIndexed[slot];
      std::vector<std::string> was = IndexKeys(before, attr), is = IndexKeys(*e, attr);
      if (was == is) continue;
      snap->indexes_[slot] =
          std::make_shared<const ValueIndex>(Edit(*snap->indexes_[slot], i, was, is));
    }
    // Copy-on-write of the entry's chunk (once per chunk and patch).
    std::shared_ptr<Chunk>& own = owned[i >> kChunkBits];
    if (!own) {
      own = std::make_shared<Chunk>(*snap->chunks_[i >> kChunkBits]);
      snap->chunks_[i >> kChunkBits] = own;
    }
    (*own)[i & kChunkMask] = std::move(e);
    // A new password expires later; make sure the snapshot is rebuilt when it does.
    if (int64_t expires = PasswordExpiry(u, old.settings_.password); expires > now) {
      if (snap->refresh_at_ == 0 || expires < snap->refresh_at_) snap->refresh_at_ = expires;
    }
  }
  return snap;
}

bool Snapshot::IsIndexed(Attr attr) { return IndexSlot(attr) >= 0; }

std::optional<std::span<const uint32_t>> Snapshot::Lookup(
    Attr attr, std::string_view normalized_value) const {
  int slot = IndexSlot(attr);
  if (slot < 0) return std::nullopt;
  // The groups whose member is a DN are the groups the entry of that DN is directly in: the
  // adjacency answers without a second copy of every member DN as an index key.
  if (attr == Attr::kMember) {
    std::optional<uint32_t> entry = FindByNdn(normalized_value);
    if (!entry) return std::span<const uint32_t>();
    return std::span<const uint32_t>((*parent_groups_)[*entry]);
  }
  return indexes_[slot]->Find(normalized_value);
}

}  // namespace skydir::dit
