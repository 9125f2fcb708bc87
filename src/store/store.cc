#include "store/store.h"

namespace skydir::store {

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kOrg: return "org";
    case ChangeKind::kUser: return "user";
    case ChangeKind::kGroup: return "group";
    case ChangeKind::kLdap: return "ldap";
    case ChangeKind::kApiKey: return "apikey";
  }
  return "org";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (ChangeKind k : {ChangeKind::kOrg, ChangeKind::kUser, ChangeKind::kGroup, ChangeKind::kLdap,
                       ChangeKind::kApiKey}) {
    if (name == ChangeKindName(k)) return k;
  }
  return std::nullopt;
}

}  // namespace skydir::store
