#include "directory/model.h"

namespace skydir::directory {

std::string_view UserStateName(UserState state) {
  switch (state) {
    case UserState::kStaged: return "staged";
    case UserState::kActivated: return "activated";
    case UserState::kSuspended: return "suspended";
  }
  return "staged";
}

std::optional<UserState> ParseUserState(std::string_view name) {
  for (UserState s : {UserState::kStaged, UserState::kActivated, UserState::kSuspended}) {
    if (name == UserStateName(s)) return s;
  }
  return std::nullopt;
}

std::string_view LdapPolicyActionName(LdapPolicyAction action) {
  return action == LdapPolicyAction::kRemove ? "remove" : "disable";
}

std::optional<LdapPolicyAction> ParseLdapPolicyAction(std::string_view name) {
  if (name == "disable") return LdapPolicyAction::kDisable;
  if (name == "remove") return LdapPolicyAction::kRemove;
  return std::nullopt;
}

std::string_view DeprovisionName(Deprovision mode) {
  return mode == Deprovision::kDelete ? "delete" : "deactivate";
}

std::optional<Deprovision> ParseDeprovision(std::string_view name) {
  if (name == "deactivate") return Deprovision::kDeactivate;
  if (name == "delete") return Deprovision::kDelete;
  return std::nullopt;
}

std::string_view ApiKeyRoleName(ApiKeyRole role) {
  switch (role) {
    case ApiKeyRole::kAdmin: return "admin";
    case ApiKeyRole::kReadOnly: return "read-only";
    case ApiKeyRole::kOperator: return "operator";
  }
  return "admin";
}

std::optional<ApiKeyRole> ParseApiKeyRole(std::string_view name) {
  for (ApiKeyRole r : {ApiKeyRole::kAdmin, ApiKeyRole::kReadOnly, ApiKeyRole::kOperator}) {
    if (name == ApiKeyRoleName(r)) return r;
  }
  return std::nullopt;
}

}  // namespace skydir::directory
