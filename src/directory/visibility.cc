#include "directory/visibility.h"

#include <algorithm>

namespace skydir::directory {
namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

using ViewSet = std::unordered_set<std::string_view>;

// The connected groups closed under nesting (C in the header), as views into `data`.
ViewSet ConnectedClosure(const OrgData& data,
                         const std::unordered_map<std::string_view, const Group*>& by_id) {
  ViewSet closure;
  std::vector<const Group*> stack;
  for (const std::string& id : data.ldap.group_ids) {
    auto it = by_id.find(id);
    if (it != by_id.end() && closure.insert(it->first).second) stack.push_back(it->second);
  }
  while (!stack.empty()) {
    const Group* group = stack.back();
    stack.pop_back();
    for (const std::string& member : group->member_groups) {
      auto it = by_id.find(member);
      if (it != by_id.end() && closure.insert(it->first).second) stack.push_back(it->second);
    }
  }
  return closure;
}

std::unordered_map<std::string_view, const Group*> IndexGroups(const OrgData& data) {
  std::unordered_map<std::string_view, const Group*> by_id;
  by_id.reserve(data.groups.size());
  for (const Group& g : data.groups) by_id.emplace(g.id, &g);
  return by_id;
}

// Where a connected user stands: hidden, visible only, or visible and bindable.
enum class Standing { kHidden, kVisible, kBindable };

Standing StandingOf(const User& user, const OrgSettings& settings, int64_t now) {
  if (user.state != UserState::kActivated) return Standing::kHidden;
  bool locked = IsLocked(user, now);
  bool expired = IsPasswordExpired(user, settings.password, now);
  if (locked && settings.user_lockout_action == LdapPolicyAction::kRemove) {
    return Standing::kHidden;
  }
  if (expired && settings.password_expiration_action == LdapPolicyAction::kRemove) {
    return Standing::kHidden;
  }
  return locked || expired ? Standing::kVisible : Standing::kBindable;
}

}  // namespace

bool IsLocked(const User& user, int64_t now) {
  return user.account_locked && (user.locked_until == 0 || user.locked_until > now);
}

bool IsPasswordExpired(const User& user, const PasswordPolicy& policy, int64_t now) {
  if (policy.max_age_days == 0 || user.password_changed <= 0) return false;
  return user.password_changed + static_cast<int64_t>(policy.max_age_days) * kMicrosPerDay <= now;
}

LdapView ComputeLdapView(const OrgData& data, int64_t now) {
  LdapView view;
  const auto by_id = IndexGroups(data);
  const ViewSet closure = ConnectedClosure(data, by_id);

  ViewSet connected(data.ldap.user_ids.begin(), data.ldap.user_ids.end());
  for (std::string_view group_id : closure) {
    const Group* group = by_id.at(group_id);
    connected.insert(group->member_users.begin(), group->member_users.end());
  }

  view.users.reserve(connected.size());
  view.bindable_users.reserve(connected.size());
  view.member_of.reserve(connected.size());
  for (const User& user : data.users) {
    if (connected.find(user.id) == connected.end()) continue;
    Standing standing = StandingOf(user, data.org.settings, now);
    if (standing == Standing::kHidden) continue;
    view.users.insert(user.id);
    if (standing == Standing::kBindable) view.bindable_users.insert(user.id);
    view.member_of.emplace(user.id, std::vector<std::string>());
  }

  for (const std::string& id : data.ldap.group_ids) {
    auto it = by_id.find(id);
    if (it == by_id.end() || !view.groups.insert(id).second) continue;
    for (const std::string& member : it->second->member_users) {
      auto entry = view.member_of.find(member);
      if (entry != view.member_of.end()) entry->second.push_back(id);
    }
  }
  for (auto& [user_id, groups] : view.member_of) {
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  }
  return view;
}

bool CanBind(const OrgData& data, const User& user, int64_t now) {
  if (StandingOf(user, data.org.settings, now) != Standing::kBindable) return false;
  const auto& direct = data.ldap.user_ids;
  if (std::find(direct.begin(), direct.end(), user.id) != direct.end()) return true;
  const auto by_id = IndexGroups(data);
  for (std::string_view group_id : ConnectedClosure(data, by_id)) {
    const auto& members = by_id.at(group_id)->member_users;
    if (std::find(members.begin(), members.end(), user.id) != members.end()) return true;
  }
  return false;
}

}  // namespace skydir::directory
