// User use cases: create, update, password, state changes, delete, lookups.
#include <algorithm>
#include <string>

#include "common/ids.h"
#include "common/time.h"
#include "directory/rules.h"
#include "service/admin.h"
#include "service/admin_internal.h"
#include "service/audit_log.h"

namespace skydir::service {

using directory::User;
using directory::UserState;
using internal::Audit;
using internal::InTransaction;
using internal::InTransactionStatus;
using internal::RequireOrg;
using internal::RequireUser;
using internal::UserChanges;

void ApplyUserFields(const UserFields& f, User& u) {
  auto set = [](const std::optional<std::string>& from, std::string& to) {
    if (from) to = *from;
  };
  set(f.username, u.username);
  set(f.email, u.email);
  set(f.first_name, u.first_name);
  set(f.last_name, u.last_name);
  set(f.display_name, u.display_name);
  set(f.description, u.description);
  set(f.home_directory, u.home_directory);
  set(f.login_shell, u.login_shell);
  set(f.phone, u.phone);
  set(f.mobile, u.mobile);
  set(f.title, u.title);
  set(f.department, u.department);
  set(f.employee_number, u.employee_number);
  set(f.external_id, u.external_id);
  if (f.ldap_binding_user) u.ldap_binding_user = *f.ldap_binding_user;
  if (f.admin) u.admin = *f.admin;
  if (f.unix_uid) u.unix_uid = *f.unix_uid;
  if (f.unix_guid) u.unix_guid = *f.unix_guid;
}

namespace {

std::string JoinName(const std::string& first, const std::string& last) {
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

// An explicit unix id may lie outside the allocation range (it comes from an existing system),
// but never 0, which is root.
Status CheckUnixId(std::string_view field, uint32_t id) {
  if (id == 0) return InvalidArgument(std::string(field) + ": must not be 0 (root)");
  return Status::Ok();
}

}  // namespace

// A user private group convention: without an explicit unix_guid, the user's gid equals its uid.
Status Admin::AssignUnixIds(store::Transaction& txn, User& user, const UserFields& fields) {
  const DirectorySettings& dir = settings_.directory;
  if (fields.unix_uid) {
    SKYDIR_RETURN_IF_ERROR(CheckUnixId("unix_uid", *fields.unix_uid));
    SKYDIR_RETURN_IF_ERROR(txn.ReserveUnixId(user.org_id, *fields.unix_uid));
    user.unix_uid = *fields.unix_uid;
  } else if (user.unix_uid == 0) {
    SKYDIR_ASSIGN_OR_RETURN(user.unix_uid,
                            txn.AllocateUnixId(user.org_id, dir.unix_id_min, dir.unix_id_max));
  }
  if (fields.unix_guid) {
    SKYDIR_RETURN_IF_ERROR(CheckUnixId("unix_guid", *fields.unix_guid));
    SKYDIR_RETURN_IF_ERROR(txn.ReserveUnixId(user.org_id, *fields.unix_guid));
    user.unix_guid = *fields.unix_guid;
  } else if (user.unix_guid == 0) {
    user.unix_guid = user.unix_uid;
  }
  return Status::Ok();
}

Status Admin::CheckUserUnique(store::Transaction& txn, const User& user) {
  auto by_name = txn.FindUserByUsername(user.org_id, user.username);
  if (by_name.ok() && by_name->id != user.id) {
    return AlreadyExists("username: '" + user.username + "' is already taken");
  }
  if (!by_name.ok() && by_name.status().code() != Code::kNoSuchObject) return by_name.status();
  if (user.email.empty()) return Status::Ok();
  auto by_email = txn.FindUserByEmail(user.org_id, user.email);
  if (by_email.ok() && by_email->id != user.id) {
    return AlreadyExists("email: '" + user.email + "' is already used by user '" +
                         by_email->username + "'");
  }
  if (!by_email.ok() && by_email.status().code() != Code::kNoSuchObject) {
    return by_email.status();
  }
  return Status::Ok();
}

Result<User> Admin::CreateUser(std::string_view org_id, const UserInput& input) {
  if (!input.username) return InvalidArgument("username: is required");
  SKYDIR_RETURN_IF_ERROR(directory::ValidateUsername(*input.username));
  if (!input.email || input.email->empty()) return InvalidArgument("email: is required");
  SKYDIR_RETURN_IF_ERROR(directory::ValidateEmail(*input.email));
  std::string hash;
  if (input.password) {
    // Hash before the transaction: Argon2id takes tens of milliseconds.
    SKYDIR_ASSIGN_OR_RETURN(hash, hasher_.Hash(*input.password));
  }
  return InTransaction<User>(store_, [&](store::Transaction& txn) -> Result<User> {
    SKYDIR_ASSIGN_OR_RETURN(auto org, RequireOrg(txn, org_id));
    if (input.password) {
      SKYDIR_RETURN_IF_ERROR(directory::CheckPassword(org.settings.password, *input.password));
    }
    User user;
    user.id = NewId();
    user.org_id = org.id;
    ApplyUserFields(input, user);
    if (!input.display_name) user.display_name = JoinName(user.first_name, user.last_name);
    if (!input.home_directory) user.home_directory = settings_.directory.home_prefix + user.username;
    if (!input.login_shell) user.login_shell = settings_.directory.default_shell;
    user.created = user.updated = NowMicros();
    if (!hash.empty()) {
      user.password_hash = hash;
      user.password_changed = user.created;
      user.state = UserState::kActivated;
    }
    SKYDIR_RETURN_IF_ERROR(directory::ValidateUser(user));
    SKYDIR_RETURN_IF_ERROR(CheckUserUnique(txn, user));
    SKYDIR_RETURN_IF_ERROR(AssignUnixIds(txn, user, input));
    SKYDIR_RETURN_IF_ERROR(txn.InsertUser(user));
    if (!hash.empty()) SKYDIR_RETURN_IF_ERROR(txn.AddPasswordHistory(org.id, user.id, hash));
    SKYDIR_RETURN_IF_ERROR(
        Audit(txn, org.id, "user_create", "user", user.id, UserChanges(User{}, user)));
    return user;
  });
}

Result<User> Admin::ModifyUser(std::string_view org_id, std::string_view user_id,
                               std::string_view event_type,
                               const std::function<Status(store::Transaction&, User&)>& change) {
  return InTransaction<User>(store_, [&](store::Transaction& txn) -> Result<User> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_ASSIGN_OR_RETURN(User user, RequireUser(txn, org_id, user_id));
    const User before = user;
    SKYDIR_RETURN_IF_ERROR(change(txn, user));
    user.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(directory::ValidateUser(user));
    SKYDIR_RETURN_IF_ERROR(txn.UpdateUser(user));
    SKYDIR_RETURN_IF_ERROR(
        Audit(txn, org_id, event_type, "user", user.id, UserChanges(before, user)));
    return user;
  });
}

Result<User> Admin::UpdateUser(std::string_view org_id, std::string_view user_id,
                               const UserPatch& patch) {
  if (patch.username) SKYDIR_RETURN_IF_ERROR(directory::ValidateUsername(*patch.username));
  if (patch.email) {
    if (patch.email->empty()) return InvalidArgument("email: must not be empty");
    SKYDIR_RETURN_IF_ERROR(directory::ValidateEmail(*patch.email));
  }
  if (patch.state == UserState::kStaged) {
    return Status(Code::kUnwillingToPerform, "state: a user cannot go back to staged");
  }
  std::string hash;
  if (patch.password) {
    SKYDIR_ASSIGN_OR_RETURN(hash, hasher_.Hash(*patch.password));
  }
  return ModifyUser(org_id, user_id, "user_update", [&](store::Transaction& txn, User& user) -> Status {
    UserFields ids_only;
    ids_only.unix_uid = patch.unix_uid;
    ids_only.unix_guid = patch.unix_guid;
    ApplyUserFields(patch, user);
    SKYDIR_RETURN_IF_ERROR(CheckUserUnique(txn, user));
    if (patch.unix_uid || patch.unix_guid) {
      SKYDIR_RETURN_IF_ERROR(AssignUnixIds(txn, user, ids_only));
    }
    if (patch.password) {
      SKYDIR_RETURN_IF_ERROR(ApplyPassword(txn, org_id, user, *patch.password, hash));
    }
    if (patch.state == UserState::kActivated && user.password_hash.empty()) {
      return Status(Code::kUnwillingToPerform, "user has no password");
    }
    if (patch.state) user.state = *patch.state;
    if (patch.unlock) {
      user.account_locked = false;
      user.locked_until = 0;
    }
    return Status::Ok();
  });
}

Status Admin::ApplyPassword(store::Transaction& txn, std::string_view org_id, User& user,
                            std::string_view password, const std::string& hash) {
  SKYDIR_ASSIGN_OR_RETURN(auto org, txn.GetOrg(org_id));
  const directory::PasswordPolicy& policy = org.settings.password;
  SKYDIR_RETURN_IF_ERROR(directory::CheckPassword(policy, password));
  SKYDIR_ASSIGN_OR_RETURN(
      auto previous, txn.PasswordHistory(org_id, user.id, std::max<uint32_t>(policy.history, 1)));
  // A current hash that never went through the history (an import) counts too, and is recorded
  // before it is replaced, so that it stays in the history after the change.
  const bool current_unrecorded =
      !user.password_hash.empty() && (previous.empty() || previous.front() != user.password_hash);
  if (current_unrecorded) previous.push_back(user.password_hash);
  if (policy.history > 0) {
    for (const std::string& old : previous) {
      if (hasher_.Verify(old, password).ok) {
        return InvalidArgument("password: must differ from the last " +
                               std::to_string(policy.history) + " passwords");
      }
    }
  }
  if (current_unrecorded) {
    SKYDIR_RETURN_IF_ERROR(txn.AddPasswordHistory(org_id, user.id, user.password_hash));
  }
  user.password_hash = hash;
  user.password_changed = NowMicros();
  if (user.state == UserState::kStaged) user.state = UserState::kActivated;
  return txn.AddPasswordHistory(org_id, user.id, hash);
}

Result<User> Admin::SetPassword(std::string_view org_id, std::string_view user_id,
                                std::string_view password) {
  // Hash before the transaction: Argon2id takes tens of milliseconds.
  SKYDIR_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(password));
  return ModifyUser(org_id, user_id, "user_password_set",
                    [&](store::Transaction& txn, User& user) -> Status {
                      return ApplyPassword(txn, org_id, user, password, hash);
                    });
}

Result<User> Admin::SuspendUser(std::string_view org_id, std::string_view user_id) {
  return ModifyUser(org_id, user_id, "user_suspend", [](store::Transaction&, User& user) {
    user.state = UserState::kSuspended;
    return Status::Ok();
  });
}

Result<User> Admin::ActivateUser(std::string_view org_id, std::string_view user_id) {
  return ModifyUser(org_id, user_id, "user_activate", [](store::Transaction&, User& user) {
    if (user.password_hash.empty()) {
      return Status(Code::kUnwillingToPerform, "user has no password");
    }
    user.state = UserState::kActivated;
    return Status::Ok();
  });
}

Result<User> Admin::UnlockUser(std::string_view org_id, std::string_view user_id) {
  return ModifyUser(org_id, user_id, "user_unlock", [](store::Transaction&, User& user) {
    user.account_locked = false;
    user.locked_until = 0;
    return Status::Ok();
  });
}

Status Admin::DeleteUser(std::string_view org_id, std::string_view user_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_ASSIGN_OR_RETURN(User user, RequireUser(txn, org_id, user_id));
    SKYDIR_RETURN_IF_ERROR(txn.DeleteUser(org_id, user_id));
    return Audit(txn, org_id, "user_delete", "user", user_id,
                 JsonObject({{"username", user.username}}));
  });
}

Result<User> Admin::GetUser(std::string_view org_id, std::string_view user_id) {
  return InTransaction<User>(store_, [&](store::Transaction& txn) -> Result<User> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    return RequireUser(txn, org_id, user_id);
  });
}

Result<std::vector<User>> Admin::ListUsers(std::string_view org_id) {
  return InTransaction<std::vector<User>>(
      store_, [&](store::Transaction& txn) -> Result<std::vector<User>> {
        SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
        return txn.ListUsers(org_id);
      });
}

Result<User> Admin::ResolveUser(std::string_view org_id, std::string_view id_or_username) {
  return InTransaction<User>(store_, [&](store::Transaction& txn) -> Result<User> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    if (IsValidId(id_or_username)) {
      auto user = txn.GetUser(org_id, id_or_username);
      if (user.ok() || user.status().code() != Code::kNoSuchObject) return user;
    }
    auto user = txn.FindUserByUsername(org_id, id_or_username);
    if (!user.ok() && user.status().code() == Code::kNoSuchObject) {
      return NotFound("user '" + std::string(id_or_username) + "' not found");
    }
    return user;
  });
}

}  // namespace skydir::service
