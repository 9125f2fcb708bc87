#include "store/sqlite/change_log.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "common/time.h"

namespace skydir::store::sqlite {

Status AppendChange(Connection& conn, std::string_view org_id, ChangeKind kind,
                    std::string_view object_id) {
  SKYDIR_ASSIGN_OR_RETURN(
      Statement insert,
      conn.Prepare("INSERT INTO change_log (org_id, kind, object_id, time) VALUES (?, ?, ?, ?)"));
  return insert.Bind(org_id).Bind(ChangeKindName(kind)).Bind(object_id).Bind(NowMicros()).Run();
}

Result<std::vector<Change>> ReadChanges(Connection& conn, int64_t after, size_t limit) {
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn.Prepare("SELECT seq, org_id, kind, object_id, time FROM change_log "
                                       "WHERE seq > ? ORDER BY seq LIMIT ?"));
  constexpr size_t kMaxLimit = std::numeric_limits<int64_t>::max();
  select.Bind(after).Bind(static_cast<int64_t>(std::min(limit, kMaxLimit)));
  std::vector<Change> changes;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    Change change;
    change.seq = select.Int(0);
    change.org_id = select.Text(1);
    std::optional<ChangeKind> kind = ParseChangeKind(select.View(2));
    if (!kind) return Internal("change_log: unknown kind '" + select.Text(2) + "'");
    change.kind = *kind;
    change.object_id = select.Text(3);
    change.time = select.Int(4);
    changes.push_back(std::move(change));
  }
  return changes;
}

Result<int64_t> ReadLatestSeq(Connection& conn) {
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn.Prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), "
                   "(SELECT MAX(seq) FROM change_log), 0)"));
  SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? select.Int(0) : 0;
}

}  // namespace skydir::store::sqlite
