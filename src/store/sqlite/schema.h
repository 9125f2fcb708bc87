// The SQLite schema as an ordered list of migrations, and the code that applies them.
//
// schema_version holds one row: the number of the last migration applied. ApplyMigrations runs
// every later migration and bumps the version inside one BEGIN IMMEDIATE transaction, so two
// processes opening the same new file at once apply each migration exactly once, and a crash
// mid-migration leaves the previous version intact. Migrations are append-only: never edit one
// that has shipped; add the next number.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace skydir::store::sqlite {

struct Migration {
  int version;      // 1, 2, 3, ... in order
  const char* sql;  // one or more statements
};

// The migrations this binary knows, oldest first.
const std::vector<Migration>& Migrations();

// Brings the database up to the latest version. A database newer than this binary is refused
// (kUnavailable) rather than written with an older idea of the schema.
Status ApplyMigrations(Connection& conn);

// The version the database is at (0 for a new file).
Result<int> SchemaVersion(Connection& conn);

}  // namespace skydir::store::sqlite
