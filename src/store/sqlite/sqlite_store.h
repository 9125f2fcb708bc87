// The embedded store: one SQLite file in WAL mode (DESIGN §3).
//
// Several processes may open the same file (the server and a `skydir` CLI): writers serialize
// on SQLite's write lock (BEGIN IMMEDIATE, waiting up to busy_timeout_ms, then kBusy), readers
// never wait for writers. Within a process a SqliteStore has two connections:
//   - the write connection, owned by one Transaction at a time (a mutex held for the
//     Transaction's life; Begin waits up to busy_timeout_ms for it, then kBusy);
//   - the read connection, for LoadOrg / ListOrgIds / ChangesSince / LatestChangeSeq, which
//     read a committed snapshot and so never wait for a writer.
//
// Thread-safety: every method may be called from any thread. A thread holding a Transaction
// must not call Begin again before it ends (it would wait for itself, then fail with kBusy).
// Transactions must be destroyed before their store. All calls block: not on I/O threads.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace skydir::store::sqlite {

struct SqliteOptions {
  // How long a writer waits for another writer (in this or another process).
  int busy_timeout_ms = 5000;
};

class SqliteStore final : public Store {
 public:
  // Opens the database at `path`, creating the file if needed, and applies pending migrations
  // (see schema.h). The directory must exist.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const SqliteOptions& options = {});

  Result<std::unique_ptr<Transaction>> Begin() override;
  Result<directory::OrgData> LoadOrg(std::string_view org_id) override;
  Result<std::vector<std::string>> ListOrgIds() override;
  Result<std::vector<directory::User>> LoadUsers(std::string_view org_id,
                                                 const std::vector<std::string>& ids) override;
  Result<std::vector<Change>> ChangesSince(int64_t after, size_t limit) override;
  Result<int64_t> LatestChangeSeq() override;
  Status AppendAuditEvents(const std::vector<AuditEvent>& events) override;
  Result<std::vector<AuditEvent>> QueryAuditEvents(const AuditQuery& query) override;
  Result<int64_t> PruneAuditEvents(int64_t before) override;

 private:
  SqliteStore(std::unique_ptr<Connection> writer, std::unique_ptr<Connection> reader,
              const SqliteOptions& options)
      : options_(options), writer_(std::move(writer)), reader_(std::move(reader)) {}

  // Waits up to the busy timeout for the writer connection; kBusy after that.
  Result<std::unique_lock<std::timed_mutex>> LockWriter();

  const SqliteOptions options_;
  std::timed_mutex writer_mu_;
  std::unique_ptr<Connection> writer_;  // guarded by writer_mu_
  std::mutex reader_mu_;
  std::unique_ptr<Connection> reader_;  // guarded by reader_mu_
};

}  // namespace skydir::store::sqlite
