#include "store/sqlite/schema.h"

#include <string>

namespace skydir::store::sqlite {
namespace {

// Version 1. Notes on choices that are not obvious:
// - usernames, emails and group names compare case-insensitively (COLLATE NOCASE, ASCII):
//   LDAP matches uid and cn ignoring case, so `Bob` and `bob` must not both exist. An empty
//   email is stored as NULL so that many users may have none.
// - Memberships and LDAP associations are one table per member kind, so that each member column
//   is a real foreign key and deleting a user or group cascades to them.
// - unix_ids remembers every uidNumber/gidNumber ever handed out or reserved in an org (rows are
//   only removed with the org); unix_id_counters is where allocation resumes.
// - change_log.seq is AUTOINCREMENT, so a seq is never reused even after the newest rows are
//   deleted; writers are serialized, so seqs also become visible in order.
constexpr const char* kV1 = R"sql(
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  ldap_self_search INTEGER NOT NULL,
  pw_min_length INTEGER NOT NULL,
  pw_require_upper INTEGER NOT NULL,
  pw_require_lower INTEGER NOT NULL,
  pw_require_digit INTEGER NOT NULL,
  pw_require_symbol INTEGER NOT NULL,
  pw_history INTEGER NOT NULL,
  pw_max_age_days INTEGER NOT NULL,
  lockout_enabled INTEGER NOT NULL,
  lockout_max_failures INTEGER NOT NULL,
  lockout_window_seconds INTEGER NOT NULL,
  lockout_unlock_after_seconds INTEGER NOT NULL,
  user_lockout_action TEXT NOT NULL,
  password_expiration_action TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  username TEXT NOT NULL COLLATE NOCASE,
  email TEXT COLLATE NOCASE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  description TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  account_locked INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  ldap_binding_user INTEGER NOT NULL,
  admin INTEGER NOT NULL,
  unix_uid INTEGER NOT NULL,
  unix_guid INTEGER NOT NULL,
  home_directory TEXT NOT NULL,
  login_shell TEXT NOT NULL,
  phone TEXT NOT NULL,
  mobile TEXT NOT NULL,
  title TEXT NOT NULL,
  department TEXT NOT NULL,
  employee_number TEXT NOT NULL,
  external_id TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  password_changed INTEGER NOT NULL,
  UNIQUE (org_id, username),
  UNIQUE (org_id, email)
);
CREATE TABLE user_attributes (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
) WITHOUT ROWID;
CREATE TABLE user_groups (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL COLLATE NOCASE,
  description TEXT NOT NULL,
  gid INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  UNIQUE (org_id, name)
);
CREATE TABLE group_users (
  group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_users_by_user ON group_users(user_id);
CREATE TABLE group_groups (
  group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
  member_group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, member_group_id)
) WITHOUT ROWID;
CREATE INDEX group_groups_by_member ON group_groups(member_group_id);
CREATE TABLE ldap_directories (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL UNIQUE REFERENCES orgs(id) ON DELETE CASCADE
);
CREATE TABLE ldap_users (
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (org_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ldap_users_by_user ON ldap_users(user_id);
CREATE TABLE ldap_groups (
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (org_id, group_id)
) WITHOUT ROWID;
CREATE INDEX ldap_groups_by_group ON ldap_groups(group_id);
CREATE TABLE unix_ids (
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  PRIMARY KEY (org_id, id)
) WITHOUT ROWID;
CREATE TABLE unix_id_counters (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id) ON DELETE CASCADE,
  next INTEGER NOT NULL
);
CREATE TABLE password_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX password_history_by_user ON password_history(user_id, seq);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL
);
CREATE INDEX api_keys_by_org ON api_keys(org_id);
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  time INTEGER NOT NULL
);
)sql";

// Version 2: the audit trail. Events are queried newest first, per org, by time.
constexpr const char* kV2 = R"sql(
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  org_id TEXT NOT NULL,
  service TEXT NOT NULL,
  event_type TEXT NOT NULL,
  success INTEGER NOT NULL,
  actor_type TEXT NOT NULL,
  actor TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  detail_json TEXT NOT NULL
);
CREATE INDEX audit_events_by_org_time ON audit_events(org_id, time);
CREATE INDEX audit_events_by_time ON audit_events(time);
)sql";

// Version 3: applications provisioned over SCIM (issue 5), the outbox of provisioning jobs,
// what was pushed to each application, and each application's health. The trigger writes the
// jobs of every user or group change in the transaction of the change itself.
constexpr const char* kV3 = R"sql(
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  active INTEGER NOT NULL,
  base_url TEXT NOT NULL,
  sealed_token TEXT NOT NULL,
  test_user_email TEXT NOT NULL,
  group_management INTEGER NOT NULL,
  deprovision TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
CREATE INDEX applications_by_org ON applications(org_id);
CREATE TABLE application_groups (
  app_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (app_id, group_id)
);
CREATE INDEX application_groups_by_group ON application_groups(group_id);
CREATE TABLE scim_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  app_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  dead INTEGER NOT NULL,
  created INTEGER NOT NULL,
  UNIQUE (app_id, kind, object_id)
);
CREATE INDEX scim_jobs_due ON scim_jobs(dead, next_attempt);
CREATE TABLE scim_links (
  app_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  local_id TEXT NOT NULL,
  remote_id TEXT NOT NULL,
  pushed TEXT NOT NULL,
  active INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  PRIMARY KEY (app_id, kind, local_id)
);
CREATE TABLE scim_health (
  app_id TEXT PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
  error INTEGER NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  last_success INTEGER NOT NULL,
  last_failure INTEGER NOT NULL,
  last_error TEXT NOT NULL
);
CREATE TRIGGER scim_jobs_from_changes AFTER INSERT ON change_log
WHEN NEW.kind IN ('user', 'group')
BEGIN
  INSERT INTO scim_jobs (app_id, kind, object_id, generation, attempts, next_attempt,
                         last_error, dead, created)
  SELECT id, NEW.kind, NEW.object_id, 1, 0, 0, '', 0, NEW.time
  FROM applications WHERE org_id = NEW.org_id AND active = 1
  ON CONFLICT (app_id, kind, object_id) DO UPDATE SET
    generation = generation + 1,
    attempts = CASE WHEN dead THEN 0 ELSE attempts END,
    next_attempt = CASE WHEN dead THEN 0 ELSE next_attempt END,
    dead = 0;
END;
)sql";

Status Rollback(Connection& conn, Status status) {
  if (!conn.AutoCommit()) (void)conn.Exec("ROLLBACK");
  return status;
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, kV1},
      {2, kV2},
      {3, kV3},
  };
  return kMigrations;
}

Result<int> SchemaVersion(Connection& conn) {
  SKYDIR_ASSIGN_OR_RETURN(Statement exists,
                          conn.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                       "name = 'schema_version'"));
  SKYDIR_ASSIGN_OR_RETURN(bool has_table, exists.Step());
  if (!has_table) return 0;
  SKYDIR_ASSIGN_OR_RETURN(Statement select, conn.Prepare("SELECT version FROM schema_version"));
  SKYDIR_ASSIGN_OR_RETURN(bool has_row, select.Step());
  return has_row ? static_cast<int>(select.Int(0)) : 0;
}

Status ApplyMigrations(Connection& conn) {
  const std::vector<Migration>& migrations = Migrations();
  const int latest = migrations.back().version;
  SKYDIR_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  Status status = conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"
      "INSERT INTO schema_version SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)");
  if (!status.ok()) return Rollback(conn, status);
  Result<int> current = SchemaVersion(conn);
  if (!current.ok()) return Rollback(conn, current.status());
  if (*current > latest) {
    return Rollback(conn,
                    Unavailable("sqlite: database schema version " + std::to_string(*current) +
                                " is newer than this binary (" + std::to_string(latest) + ")"));
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= *current) continue;
    status = conn.Exec(migration.sql);
    if (!status.ok()) {
      return Rollback(conn, Status(status.code(), "migration " + std::to_string(migration.version) +
                                                      ": " + status.message()));
    }
  }
  Result<Statement> update = conn.Prepare("UPDATE schema_version SET version = ?");
  if (!update.ok()) return Rollback(conn, update.status());
  status = update->Bind(latest).Run();
  if (!status.ok()) return Rollback(conn, status);
  status = conn.Exec("COMMIT");
  if (!status.ok()) return Rollback(conn, status);
  return Status::Ok();
}

}  // namespace skydir::store::sqlite
