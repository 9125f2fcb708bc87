// The change log: one row per write, appended in the writer's transaction (so it commits or
// rolls back with the write), read by followers in seq order.
//
// Seqs are AUTOINCREMENT (never reused) and assigned under SQLite's single-writer lock, so a
// reader that has seen seq N has already seen every committed seq below N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace skydir::store::sqlite {

// REQUIRES: `conn` is inside a write transaction.
Status AppendChange(Connection& conn, std::string_view org_id, ChangeKind kind,
                    std::string_view object_id);

// Changes with seq > `after`, oldest first, at most `limit`.
Result<std::vector<Change>> ReadChanges(Connection& conn, int64_t after, size_t limit);

// The highest seq ever assigned (0 when none), even if that row is gone.
Result<int64_t> ReadLatestSeq(Connection& conn);

}  // namespace skydir::store::sqlite
