#include "store/sqlite/connection.h"

#include <utility>

namespace skydir::store::sqlite {

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      next_param_(other.next_param_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::Bind(std::string_view text) {
  // Binding only fails on a wrong index or out of memory: programming errors, caught by Step.
  sqlite3_bind_text64(stmt_, next_param_++, text.data(), text.size(), SQLITE_TRANSIENT,
                      SQLITE_UTF8);
  return *this;
}

Statement& Statement::Bind(int64_t value) {
  sqlite3_bind_int64(stmt_, next_param_++, value);
  return *this;
}

Statement& Statement::BindNull() {
  sqlite3_bind_null(stmt_, next_param_++);
  return *this;
}

Statement& Statement::BindOrNull(std::string_view text) {
  return text.empty() ? BindNull() : Bind(text);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Error(rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

std::string_view Statement::View(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const Options& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Unavailable("sqlite: cannot open '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  std::unique_ptr<Connection> conn(new Connection(db));
  // The busy timeout first, so the pragmas below wait for a concurrent opener instead of failing.
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // WAL lets the snapshot reader and another process read while one writer writes; FULL syncs
  // the WAL on every commit, so an acknowledged write survives a power cut.
  SKYDIR_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode=WAL"));
  SKYDIR_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous=FULL"));
  SKYDIR_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON"));
  // A bounded page cache and no memory map: a read of a whole org (a snapshot load, an API
  // listing) would otherwise leave every page it touched resident in the server, counted in
  // its RSS next to the snapshot that already holds the same data (issue 7). 16 MiB keeps the
  // tables' interior pages and a write transaction's dirty pages; larger imports spill to the
  // WAL, which SQLite allows mid-transaction.
  SKYDIR_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size=-16384"));  // KiB
  SKYDIR_RETURN_IF_ERROR(conn->Exec("PRAGMA mmap_size=0"));
  if (options.read_only) SKYDIR_RETURN_IF_ERROR(conn->Exec("PRAGMA query_only=ON"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status Connection::Exec(const char* sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text as sqlite3_errmsg, which Error() reads
  return rc == SQLITE_OK ? Status::Ok() : Error(rc, sql);
}

Result<Statement> Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, sql);
    it = cache_.emplace(sql, stmt).first;
  }
  return Statement(this, it->second);
}

Status Connection::Error(int rc, std::string_view context) const {
  std::string message = "sqlite: " + std::string(sqlite3_errmsg(db_));
  if (!context.empty()) message += " (in: " + std::string(context.substr(0, 80)) + ")";
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(Code::kBusy, std::move(message));
    case SQLITE_CONSTRAINT:
      return Status(Code::kConstraintViolation, std::move(message));
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
      return Unavailable(std::move(message));
    default:
      return Internal(std::move(message));
  }
}

}  // namespace skydir::store::sqlite
