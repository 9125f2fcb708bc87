// A thin RAII layer over one sqlite3* connection: opening with skydir's pragmas, a per-connection
// cache of prepared statements, and SQLite error codes mapped onto Status.
//
// Thread-safety: none. A Connection is used by one thread at a time; SqliteStore guards each
// of its connections with a mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace skydir::store::sqlite {

class Connection;

// A cached prepared statement, borrowed from its Connection for one use: bind the parameters
// in order, step, read columns. The destructor resets it and clears its bindings, so it can be
// borrowed again. Must not outlive the Connection.
class Statement {
 public:
  Statement(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Bind the next parameter (1, 2, ...). Text is copied.
  Statement& Bind(std::string_view text);
  Statement& Bind(const char* text) { return Bind(std::string_view(text)); }
  Statement& Bind(const std::string& text) { return Bind(std::string_view(text)); }
  Statement& Bind(int64_t value);
  Statement& Bind(int value) { return Bind(static_cast<int64_t>(value)); }
  Statement& Bind(uint32_t value) { return Bind(static_cast<int64_t>(value)); }
  Statement& Bind(bool value) { return Bind(static_cast<int64_t>(value ? 1 : 0)); }
  Statement& BindNull();
  // NULL for an empty string: optional unique columns (email) and nullable foreign keys.
  Statement& BindOrNull(std::string_view text);

  // One step: true when a row is ready, false when done, or the failure.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool Bool(int col) const { return Int(col) != 0; }
  uint32_t Uint32(int col) const { return static_cast<uint32_t>(Int(col)); }
  // Text of a column; empty for NULL. The view is valid until the next Step().
  std::string_view View(int col) const;
  std::string Text(int col) const { return std::string(View(col)); }

 private:
  Connection* conn_;
  sqlite3_stmt* stmt_;
  int next_param_ = 1;
};

class Connection {
 public:
  struct Options {
    int busy_timeout_ms = 5000;
    bool read_only = false;  // PRAGMA query_only: for the snapshot reader connection
  };

  // Opens (creating when needed) the database at `path` with WAL, synchronous=FULL,
  // foreign_keys=ON and the busy timeout.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, const Options& options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL that returns no rows (may hold several statements). Not cached.
  Status Exec(const char* sql);
  // Borrows the cached prepared statement for `sql`, preparing it the first time. `sql` is the
  // cache key, so pass a literal, never text built from values.
  Result<Statement> Prepare(const char* sql);

  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const { return sqlite3_changes64(db_); }
  // Not inside an explicit transaction (also true after SQLite rolled one back by itself).
  bool AutoCommit() const { return sqlite3_get_autocommit(db_) != 0; }

  // Status for SQLite result `rc` (the extended code), mentioning `context`.
  Status Error(int rc, std::string_view context) const;
  // The text of the last error.
  std::string_view LastMessage() const { return sqlite3_errmsg(db_); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Runs `fn` inside a SAVEPOINT so that a write method made of several statements either
// applies completely or not at all, even when the enclosing transaction goes on.
template <typename Fn>
Status Atomically(Connection& conn, Fn&& fn) {
  SKYDIR_RETURN_IF_ERROR(conn.Exec("SAVEPOINT skydir_op"));
  Status status = fn();
  if (status.ok()) status = conn.Exec("RELEASE skydir_op");
  if (!status.ok() && !conn.AutoCommit()) {
    (void)conn.Exec("ROLLBACK TO skydir_op");
    (void)conn.Exec("RELEASE skydir_op");
  }
  return status;
}

}  // namespace skydir::store::sqlite
