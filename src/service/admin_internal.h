// Helpers shared by the admin_*.cc files. Not part of the service's interface.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "directory/model.h"
#include "store/store.h"

namespace skydir::service::internal {

std::string Lower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// The org, or kNoSuchObject "organization '<id>' not found".
Result<directory::Organization> RequireOrg(store::Transaction& txn, std::string_view org_id);

// The object, or kNoSuchObject naming what was looked up; other store failures pass through.
Result<directory::User> RequireUser(store::Transaction& txn, std::string_view org_id,
                                    std::string_view user_id);
Result<directory::Group> RequireGroup(store::Transaction& txn, std::string_view org_id,
                                      std::string_view group_id);

// Checks that a member (user or group) exists in the org.
Status RequireMember(store::Transaction& txn, std::string_view org_id, store::MemberKind kind,
                     std::string_view id);

// Appends an audit event for an admin change by CurrentActor() in `txn`, and logs it.
Status Audit(store::Transaction& txn, std::string_view org_id, std::string_view event_type,
             std::string_view target_type, std::string_view target_id,
             std::string detail_json = "{}");
// {"changes": {"field": {"old": ..., "new": ...}}} for the fields that differ (no secrets).
std::string UserChanges(const directory::User& before, const directory::User& after);
std::string GroupChanges(const directory::Group& before, const directory::Group& after);

// Runs `body` in one transaction and commits when it succeeds.
template <typename T, typename Body>
Result<T> InTransaction(store::Store& store, Body&& body) {
  auto txn = store.Begin();
  if (!txn.ok()) return txn.status();
  Result<T> result = body(**txn);
  if (!result.ok()) return result;
  Status committed = (*txn)->Commit();
  if (!committed.ok()) return committed;
  return result;
}

template <typename Body>
Status InTransactionStatus(store::Store& store, Body&& body) {
  auto txn = store.Begin();
  if (!txn.ok()) return txn.status();
  Status status = body(**txn);
  if (!status.ok()) return status;
  return (*txn)->Commit();
}

}  // namespace skydir::service::internal
