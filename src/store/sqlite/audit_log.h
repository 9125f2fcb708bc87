// The audit_events table: append (inside the caller's transaction) and query.
#pragma once

#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace skydir::store::sqlite {

// REQUIRES: `conn` is inside a write transaction.
Status InsertAuditEvent(Connection& conn, const AuditEvent& event);
Result<std::vector<AuditEvent>> SelectAuditEvents(Connection& conn, const AuditQuery& query);
// REQUIRES: `conn` is inside a write transaction.
Result<int64_t> DeleteAuditEventsBefore(Connection& conn, int64_t before);

}  // namespace skydir::store::sqlite
