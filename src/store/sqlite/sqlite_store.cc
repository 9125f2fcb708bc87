#include "store/sqlite/sqlite_store.h"

#include <chrono>

#include "store/sqlite/audit_log.h"
#include "store/sqlite/change_log.h"
#include "store/sqlite/queries.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_transaction.h"

namespace skydir::store::sqlite {

namespace {

// Runs `fn` in a read transaction on `conn`: every query inside sees one committed snapshot.
template <typename Fn>
auto InReadTransaction(Connection& conn, Fn&& fn) -> decltype(fn()) {
  SKYDIR_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  auto result = fn();
  // A read transaction has nothing to keep; ending it releases the WAL snapshot.
  if (!conn.AutoCommit()) (void)conn.Exec(result.ok() ? "COMMIT" : "ROLLBACK");
  return result;
}

}  // namespace

Result<std::unique_ptr<Store>> SqliteStore::Open(const std::string& path,
                                                 const SqliteOptions& options) {
  Connection::Options writer_options;
  writer_options.busy_timeout_ms = options.busy_timeout_ms;
  SKYDIR_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                          Connection::Open(path, writer_options));
  SKYDIR_RETURN_IF_ERROR(ApplyMigrations(*writer));
  Connection::Options reader_options = writer_options;
  reader_options.read_only = true;
  SKYDIR_ASSIGN_OR_RETURN(std::unique_ptr<Connection> reader,
                          Connection::Open(path, reader_options));
  return std::unique_ptr<Store>(new SqliteStore(std::move(writer), std::move(reader), options));
}

Result<std::unique_lock<std::timed_mutex>> SqliteStore::LockWriter() {
  std::unique_lock<std::timed_mutex> lock(writer_mu_, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::milliseconds(options_.busy_timeout_ms))) {
    return Status(Code::kBusy, "store: another transaction is still open");
  }
  return lock;
}

Result<std::unique_ptr<Transaction>> SqliteStore::Begin() {
  SKYDIR_ASSIGN_OR_RETURN(std::unique_lock<std::timed_mutex> lock, LockWriter());
  SKYDIR_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new SqliteTransaction(writer_.get(), std::move(lock)));
}

Result<directory::OrgData> SqliteStore::LoadOrg(std::string_view org_id) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  Connection& conn = *reader_;
  // A whole org is read through a memory map (bench/RESULTS.md: a 1M-user cold start took 37 s
  // through the page cache, 30.7 s mapped); the map is dropped right after, so its pages do not
  // stay in the RSS.
  if (Status s = conn.Exec("PRAGMA mmap_size=4294967296"); !s.ok()) return s;
  auto data = InReadTransaction(conn, [&]() -> Result<directory::OrgData> {
    directory::OrgData data;
    SKYDIR_ASSIGN_OR_RETURN(data.org, QueryOrg(conn, org_id));
    SKYDIR_ASSIGN_OR_RETURN(data.users, QueryUsers(conn, org_id));
    SKYDIR_ASSIGN_OR_RETURN(data.groups, QueryGroups(conn, org_id));
    SKYDIR_ASSIGN_OR_RETURN(data.ldap, QueryLdapDirectory(conn, org_id));
    return data;
  });
  // The snapshot now holds what was read: unmap the file and hand the page cache back.
  if (Status s = conn.Exec("PRAGMA mmap_size=0"); !s.ok()) return s;
  if (Status s = conn.Exec("PRAGMA shrink_memory"); !s.ok()) return s;
  return data;
}

Result<std::vector<directory::User>> SqliteStore::LoadUsers(
    std::string_view org_id, const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  Connection& conn = *reader_;
  return InReadTransaction(conn, [&]() -> Result<std::vector<directory::User>> {
    std::vector<directory::User> users;
    for (const std::string& id : ids) {
      SKYDIR_ASSIGN_OR_RETURN(
          Statement select,
          conn.Prepare("SELECT " SKYDIR_USER_SELECT " FROM users WHERE org_id = ? AND id = ?"));
      select.Bind(org_id).Bind(id);
      SKYDIR_ASSIGN_OR_RETURN(bool found, select.Step());
      if (!found) continue;
      users.push_back(ReadUser(select));
      SKYDIR_RETURN_IF_ERROR(FillAttributes(conn, users.back()));
    }
    return users;
  });
}

Result<std::vector<std::string>> SqliteStore::ListOrgIds() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  SKYDIR_ASSIGN_OR_RETURN(Statement select, reader_->Prepare("SELECT id FROM orgs ORDER BY id"));
  std::vector<std::string> ids;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return ids;
    ids.push_back(select.Text(0));
  }
}

Result<std::vector<Change>> SqliteStore::ChangesSince(int64_t after, size_t limit) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  return ReadChanges(*reader_, after, limit);
}

Result<int64_t> SqliteStore::LatestChangeSeq() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  return ReadLatestSeq(*reader_);
}

Status SqliteStore::AppendAuditEvents(const std::vector<AuditEvent>& events) {
  if (events.empty()) return Status::Ok();
  SKYDIR_ASSIGN_OR_RETURN(std::unique_lock<std::timed_mutex> lock, LockWriter());
  SKYDIR_RETURN_IF_ERROR(writer_->Exec("BEGIN IMMEDIATE"));
  for (const AuditEvent& e : events) {
    Status s = InsertAuditEvent(*writer_, e);
    if (!s.ok()) {
      (void)writer_->Exec("ROLLBACK");
      return s;
    }
  }
  return writer_->Exec("COMMIT");
}

Result<std::vector<AuditEvent>> SqliteStore::QueryAuditEvents(const AuditQuery& query) {
  std::lock_guard<std::mutex> lock(reader_mu_);
  return SelectAuditEvents(*reader_, query);
}

Result<int64_t> SqliteStore::PruneAuditEvents(int64_t before) {
  SKYDIR_ASSIGN_OR_RETURN(std::unique_lock<std::timed_mutex> lock, LockWriter());
  return DeleteAuditEventsBefore(*writer_, before);
}

}  // namespace skydir::store::sqlite
