#include "store/store.h"

namespace skydir::store {

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kOrg: return "org";
    case ChangeKind::kUser: return "user";
    case ChangeKind::kGroup: return "group";
    case ChangeKind::kLdap: return "ldap";
    case ChangeKind::kApiKey: return "apikey";
    case ChangeKind::kApplication: return "application";
  }
  return "org";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (ChangeKind k : {ChangeKind::kOrg, ChangeKind::kUser, ChangeKind::kGroup, ChangeKind::kLdap,
                       ChangeKind::kApiKey, ChangeKind::kApplication}) {
    if (name == ChangeKindName(k)) return k;
  }
  return std::nullopt;
}

std::string_view ScimJobKindName(ScimJobKind kind) {
  switch (kind) {
    case ScimJobKind::kUser: return "user";
    case ScimJobKind::kGroup: return "group";
    case ScimJobKind::kApp: return "app";
    case ScimJobKind::kSync: return "sync";
  }
  return "user";
}

std::optional<ScimJobKind> ParseScimJobKind(std::string_view name) {
  for (ScimJobKind k : {ScimJobKind::kUser, ScimJobKind::kGroup, ScimJobKind::kApp,
                        ScimJobKind::kSync}) {
    if (name == ScimJobKindName(k)) return k;
  }
  return std::nullopt;
}

}  // namespace skydir::store
