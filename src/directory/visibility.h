// JumpCloud's LDAP visibility rule (DESIGN §1, seeds/003_*) as pure functions over one org's
// data. dit/ calls ComputeLdapView on every snapshot build; service/ calls CanBind on a bind.
//
// The rule. Let C be the groups connected to the org's LDAP directory that exist in the org,
// closed under nesting: a member group of a group in C is in C too (transitively; cycles and
// dangling ids are harmless). A user is
//   - connected when the directory lists it, or it is a direct member of a group in C;
//   - visible (appears in LDAP) when connected, activated (not staged, not suspended), and not
//     removed by policy: a locked user (account_locked, and locked_until is 0 — locked by an
//     administrator — or still in the future) disappears when the org's user_lockout_action is
//     kRemove; a user whose password expired (password.max_age_days > 0 and password_changed
//     + max age <= now) disappears when password_expiration_action is kRemove;
//   - bindable when visible, not locked and its password not expired (with the kDisable
//     actions such a user stays visible but cannot bind).
// A group is visible when it is directly connected and exists; groups reached only by nesting
// grant access to their members but do not appear. memberOf of a visible user lists the
// visible groups the user is a direct member of.
//
// All times are microseconds since the Unix epoch, like the model's. Pure; safe from any
// thread. ComputeLdapView is O(users + groups + memberships) with hash lookups.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "directory/model.h"

namespace skydir::directory {

// Hash for heterogeneous lookup: find(std::string_view) without building a std::string.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using IdSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
template <typename V>
using IdMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct LdapView {
  IdSet users;           // visible user ids
  IdSet bindable_users;  // the visible users that may bind; a subset of `users`
  IdSet groups;          // visible group ids
  // For every visible user: the ids of the visible groups it is a direct member of, sorted.
  IdMap<std::vector<std::string>> member_of;

  bool IsUserVisible(std::string_view id) const { return users.find(id) != users.end(); }
  bool IsUserBindable(std::string_view id) const {
    return bindable_users.find(id) != bindable_users.end();
  }
  bool IsGroupVisible(std::string_view id) const { return groups.find(id) != groups.end(); }
};

// Locked right now: account_locked and (locked_until == 0 or locked_until > now).
bool IsLocked(const User& user, int64_t now);
// The password is older than policy.max_age_days (never, when max_age_days is 0 or the user
// never had a password change recorded).
bool IsPasswordExpired(const User& user, const PasswordPolicy& policy, int64_t now);

LdapView ComputeLdapView(const OrgData& data, int64_t now);

// Whether `user` may bind now: the user's own fields (state, lock, password age) are taken from
// `user`, which may be fresher than its copy in `data`; connections and policy come from
// `data`. Same answer as ComputeLdapView(data, now).IsUserBindable(user.id) when they agree.
// O(groups + memberships): fine for one bind, not for a loop over every user.
bool CanBind(const OrgData& data, const User& user, int64_t now);

}  // namespace skydir::directory
