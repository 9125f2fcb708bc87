// SqliteTransaction: applications, the provisioning outbox, links and health (issue 5).
// The outbox rows of user and group changes are written by the scim_jobs_from_changes trigger
// (schema.cc, version 3), so no write path can forget them.
#include <algorithm>

#include "common/time.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_transaction.h"

namespace skydir::store::sqlite {

using directory::Application;

namespace {

#define SKYDIR_APP_FIELDS                                                                   \
  "name, active, base_url, sealed_token, test_user_email, group_management, deprovision, " \
  "concurrency, updated"
#define SKYDIR_APP_SELECT "id, org_id, created, " SKYDIR_APP_FIELDS
#define SKYDIR_JOB_SELECT \
  "id, app_id, kind, object_id, generation, attempts, next_attempt, last_error, dead, created"
#define SKYDIR_LINK_SELECT "app_id, kind, local_id, remote_id, pushed, active, updated"

void BindAppFields(Statement& stmt, const Application& app) {
  stmt.Bind(app.name).Bind(app.active).Bind(app.scim.base_url).Bind(app.scim.sealed_token);
  stmt.Bind(app.scim.test_user_email).Bind(app.scim.group_management);
  stmt.Bind(directory::DeprovisionName(app.scim.deprovision)).Bind(app.scim.concurrency);
  stmt.Bind(app.updated);
}

Application ReadApp(const Statement& stmt) {
  Application app;
  app.id = stmt.Text(0);
  app.org_id = stmt.Text(1);
  app.created = stmt.Int(2);
  app.name = stmt.Text(3);
  app.active = stmt.Bool(4);
  app.scim.base_url = stmt.Text(5);
  app.scim.sealed_token = stmt.Text(6);
  app.scim.test_user_email = stmt.Text(7);
  app.scim.group_management = stmt.Bool(8);
  app.scim.deprovision =
      directory::ParseDeprovision(stmt.View(9)).value_or(directory::Deprovision::kDeactivate);
  app.scim.concurrency = stmt.Uint32(10);
  app.updated = stmt.Int(11);
  return app;
}

Result<ScimJob> ReadJob(const Statement& stmt) {
  ScimJob job;
  job.id = stmt.Int(0);
  job.app_id = stmt.Text(1);
  std::optional<ScimJobKind> kind = ParseScimJobKind(stmt.View(2));
  if (!kind) return Internal("scim_jobs: unknown kind '" + stmt.Text(2) + "'");
  job.kind = *kind;
  job.object_id = stmt.Text(3);
  job.generation = stmt.Int(4);
  job.attempts = stmt.Int(5);
  job.next_attempt = stmt.Int(6);
  job.last_error = stmt.Text(7);
  job.dead = stmt.Bool(8);
  job.created = stmt.Int(9);
  return job;
}

std::string_view LinkKindName(MemberKind kind) {
  return kind == MemberKind::kUser ? "user" : "group";
}

Result<std::vector<ScimJob>> ReadJobs(Statement& select) {
  std::vector<ScimJob> jobs;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return jobs;
    SKYDIR_ASSIGN_OR_RETURN(ScimJob job, ReadJob(select));
    jobs.push_back(std::move(job));
  }
}

}  // namespace

// --- Applications ----------------------------------------------------------------------------

Status SqliteTransaction::InsertApplication(const Application& app) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(app.org_id));
    SKYDIR_ASSIGN_OR_RETURN(Statement insert,
                            conn_->Prepare("INSERT INTO applications (" SKYDIR_APP_SELECT
                                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.Bind(app.id).Bind(app.org_id).Bind(app.created);
    BindAppFields(insert, app);
    Status status = insert.Run();
    if (IsUniqueViolation(status, "applications", "id")) {
      return AlreadyExists("application '" + app.id + "' already exists");
    }
    SKYDIR_RETURN_IF_ERROR(status);
    for (const std::string& group : app.group_ids) {
      SKYDIR_RETURN_IF_ERROR(SetApplicationGroup(app.org_id, app.id, group, true));
    }
    SKYDIR_RETURN_IF_ERROR(EnqueueScimJob(app.id, ScimJobKind::kApp, app.id));
    return Log(app.org_id, ChangeKind::kApplication, app.id);
  });
}

Status SqliteTransaction::UpdateApplication(const Application& app) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement update,
        conn_->Prepare("UPDATE applications SET (" SKYDIR_APP_FIELDS
                       ") = (?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE org_id = ? AND id = ?"));
    BindAppFields(update, app);
    SKYDIR_RETURN_IF_ERROR(update.Bind(app.org_id).Bind(app.id).Run());
    if (conn_->Changes() == 0) return NotFound("application '" + app.id + "' not found");
    // New settings (a corrected token or URL) deserve a fresh try of everything waiting.
    SKYDIR_ASSIGN_OR_RETURN(
        Statement retry, conn_->Prepare("UPDATE scim_jobs SET attempts = 0, next_attempt = 0, "
                                        "dead = 0 WHERE app_id = ?"));
    SKYDIR_RETURN_IF_ERROR(retry.Bind(app.id).Run());
    SKYDIR_RETURN_IF_ERROR(EnqueueScimJob(app.id, ScimJobKind::kApp, app.id));
    return Log(app.org_id, ChangeKind::kApplication, app.id);
  });
}

Status SqliteTransaction::DeleteApplication(std::string_view org_id, std::string_view app_id) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement del, conn_->Prepare("DELETE FROM applications WHERE "
                                                          "org_id = ? AND id = ?"));
    SKYDIR_RETURN_IF_ERROR(del.Bind(org_id).Bind(app_id).Run());
    if (conn_->Changes() == 0) {
      return NotFound("application '" + std::string(app_id) + "' not found");
    }
    return Log(org_id, ChangeKind::kApplication, app_id);
  });
}

Result<Application> SqliteTransaction::GetApplication(std::string_view org_id,
                                                      std::string_view app_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn_->Prepare("SELECT " SKYDIR_APP_SELECT
                                         " FROM applications WHERE org_id = ? AND id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool found, select.Bind(org_id).Bind(app_id).Step());
  if (!found) return NotFound("application '" + std::string(app_id) + "' not found");
  Application app = ReadApp(select);
  SKYDIR_ASSIGN_OR_RETURN(
      app.group_ids,
      SelectIds("SELECT group_id FROM application_groups WHERE app_id = ? ORDER BY group_id",
                app.id));
  return app;
}

Result<std::vector<Application>> SqliteTransaction::ListApplications(std::string_view org_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT " SKYDIR_APP_SELECT
                     " FROM applications WHERE ?1 = '' OR org_id = ?1 ORDER BY created, id"));
  select.Bind(org_id);
  std::vector<Application> apps;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    apps.push_back(ReadApp(select));
  }
  for (Application& app : apps) {
    SKYDIR_ASSIGN_OR_RETURN(
        app.group_ids,
        SelectIds("SELECT group_id FROM application_groups WHERE app_id = ? ORDER BY group_id",
                  app.id));
  }
  return apps;
}

Status SqliteTransaction::SetApplicationGroup(std::string_view org_id, std::string_view app_id,
                                              std::string_view group_id, bool associated) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement app, conn_->Prepare("SELECT 1 FROM applications WHERE "
                                                          "org_id = ? AND id = ?"));
    SKYDIR_ASSIGN_OR_RETURN(bool found, app.Bind(org_id).Bind(app_id).Step());
    if (!found) return NotFound("application '" + std::string(app_id) + "' not found");
    SKYDIR_RETURN_IF_ERROR(RequireGroup(org_id, group_id));
    SKYDIR_ASSIGN_OR_RETURN(
        Statement change,
        conn_->Prepare(associated ? "INSERT OR IGNORE INTO application_groups (app_id, group_id) "
                                    "VALUES (?, ?)"
                                  : "DELETE FROM application_groups WHERE app_id = ? AND "
                                    "group_id = ?"));
    SKYDIR_RETURN_IF_ERROR(change.Bind(app_id).Bind(group_id).Run());
    if (conn_->Changes() == 0) return Status::Ok();
    SKYDIR_RETURN_IF_ERROR(EnqueueScimJob(app_id, ScimJobKind::kApp, app_id));
    return Log(org_id, ChangeKind::kApplication, app_id);
  });
}

// --- The outbox ------------------------------------------------------------------------------

Status SqliteTransaction::EnqueueScimJob(std::string_view app_id, ScimJobKind kind,
                                         std::string_view object_id) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement insert,
        conn_->Prepare(
            "INSERT INTO scim_jobs (app_id, kind, object_id, generation, attempts, "
            "next_attempt, last_error, dead, created) VALUES (?, ?, ?, 1, 0, 0, '', 0, ?) "
            "ON CONFLICT (app_id, kind, object_id) DO UPDATE SET generation = generation + 1, "
            "attempts = CASE WHEN dead THEN 0 ELSE attempts END, "
            "next_attempt = CASE WHEN dead THEN 0 ELSE next_attempt END, dead = 0"));
    return insert.Bind(app_id).Bind(ScimJobKindName(kind)).Bind(object_id).Bind(NowMicros()).Run();
  });
}

Result<std::vector<ScimJob>> SqliteTransaction::DueScimJobs(std::string_view app_id, int64_t now,
                                                            size_t limit) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT " SKYDIR_JOB_SELECT " FROM scim_jobs WHERE app_id = ? AND dead = 0 "
                     "AND next_attempt <= ? ORDER BY id LIMIT ?"));
  select.Bind(app_id).Bind(now).Bind(static_cast<int64_t>(limit));
  return ReadJobs(select);
}

Result<std::vector<std::string>> SqliteTransaction::AppsWithDueScimJobs(int64_t now) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT DISTINCT j.app_id FROM scim_jobs j JOIN applications a ON "
                     "a.id = j.app_id WHERE j.dead = 0 AND j.next_attempt <= ? AND a.active = 1 "
                     "ORDER BY j.app_id"));
  select.Bind(now);
  std::vector<std::string> ids;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return ids;
    ids.push_back(select.Text(0));
  }
}

Result<int64_t> SqliteTransaction::NextScimJobTime() {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT COALESCE(MIN(j.next_attempt), 0) FROM scim_jobs j JOIN applications "
                     "a ON a.id = j.app_id WHERE j.dead = 0 AND a.active = 1"));
  SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? select.Int(0) : 0;
}

Status SqliteTransaction::CompleteScimJob(const ScimJob& job) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement del, conn_->Prepare("DELETE FROM scim_jobs WHERE id = ? AND generation = ?"));
    SKYDIR_RETURN_IF_ERROR(del.Bind(job.id).Bind(job.generation).Run());
    if (conn_->Changes() != 0) return Status::Ok();
    // Bumped while it ran: the object changed again, so it runs again, afresh.
    SKYDIR_ASSIGN_OR_RETURN(
        Statement reset,
        conn_->Prepare("UPDATE scim_jobs SET attempts = 0, next_attempt = 0, last_error = '' "
                       "WHERE id = ?"));
    return reset.Bind(job.id).Run();
  });
}

Status SqliteTransaction::RetryScimJob(const ScimJob& job, int64_t next_attempt,
                                       std::string_view error) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement update,
        conn_->Prepare("UPDATE scim_jobs SET attempts = attempts + 1, next_attempt = ?, "
                       "last_error = ? WHERE id = ?"));
    return update.Bind(next_attempt).Bind(error).Bind(job.id).Run();
  });
}

Status SqliteTransaction::FailScimJob(const ScimJob& job, std::string_view error) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement update,
        conn_->Prepare("UPDATE scim_jobs SET attempts = attempts + 1, last_error = ?, "
                       "dead = (generation = ?) WHERE id = ?"));
    return update.Bind(error).Bind(job.generation).Bind(job.id).Run();
  });
}

Result<std::vector<ScimJob>> SqliteTransaction::FailedScimJobs(std::string_view app_id,
                                                               size_t limit) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT " SKYDIR_JOB_SELECT " FROM scim_jobs WHERE app_id = ? AND "
                     "(dead = 1 OR attempts > 0) ORDER BY id DESC LIMIT ?"));
  select.Bind(app_id).Bind(static_cast<int64_t>(limit));
  return ReadJobs(select);
}

// --- Links and health ------------------------------------------------------------------------

Result<std::vector<ScimLink>> SqliteTransaction::ListScimLinks(std::string_view app_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT " SKYDIR_LINK_SELECT " FROM scim_links WHERE app_id = ?"));
  select.Bind(app_id);
  std::vector<ScimLink> links;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return links;
    ScimLink link;
    link.app_id = select.Text(0);
    link.kind = select.View(1) == "user" ? MemberKind::kUser : MemberKind::kGroup;
    link.local_id = select.Text(2);
    link.remote_id = select.Text(3);
    link.pushed = select.Text(4);
    link.active = select.Bool(5);
    link.updated = select.Int(6);
    links.push_back(std::move(link));
  }
}

Status SqliteTransaction::PutScimLink(const ScimLink& link) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement upsert,
        conn_->Prepare("INSERT OR REPLACE INTO scim_links (" SKYDIR_LINK_SELECT
                       ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
    upsert.Bind(link.app_id).Bind(LinkKindName(link.kind)).Bind(link.local_id);
    upsert.Bind(link.remote_id).Bind(link.pushed).Bind(link.active).Bind(link.updated);
    return upsert.Run();
  });
}

Status SqliteTransaction::DeleteScimLink(std::string_view app_id, MemberKind kind,
                                         std::string_view local_id) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement del,
                            conn_->Prepare("DELETE FROM scim_links WHERE app_id = ? AND kind = ? "
                                           "AND local_id = ?"));
    return del.Bind(app_id).Bind(LinkKindName(kind)).Bind(local_id).Run();
  });
}

Status SqliteTransaction::ForgetScimPushes(std::string_view app_id) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement update, conn_->Prepare("UPDATE scim_links SET pushed = '' WHERE app_id = ?"));
    return update.Bind(app_id).Run();
  });
}

Result<ScimHealth> SqliteTransaction::GetScimHealth(std::string_view app_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare("SELECT error, consecutive_failures, last_success, last_failure, last_error "
                     "FROM scim_health WHERE app_id = ?"));
  ScimHealth health;
  health.app_id = std::string(app_id);
  SKYDIR_ASSIGN_OR_RETURN(bool found, select.Bind(app_id).Step());
  if (!found) return health;
  health.error = select.Bool(0);
  health.consecutive_failures = select.Int(1);
  health.last_success = select.Int(2);
  health.last_failure = select.Int(3);
  health.last_error = select.Text(4);
  return health;
}

Status SqliteTransaction::PutScimHealth(const ScimHealth& health) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(
        Statement upsert,
        conn_->Prepare("INSERT OR REPLACE INTO scim_health (app_id, error, consecutive_failures, "
                       "last_success, last_failure, last_error) SELECT ?1, ?2, ?3, ?4, ?5, ?6 "
                       "WHERE EXISTS (SELECT 1 FROM applications WHERE id = ?1)"));
    upsert.Bind(health.app_id).Bind(health.error).Bind(health.consecutive_failures);
    return upsert.Bind(health.last_success).Bind(health.last_failure).Bind(health.last_error).Run();
  });
}

Result<ScimCounts> SqliteTransaction::CountScim(std::string_view app_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select,
      conn_->Prepare(
          "SELECT (SELECT COUNT(*) FROM scim_jobs WHERE app_id = ?1 AND dead = 0), "
          "(SELECT COUNT(*) FROM scim_jobs WHERE app_id = ?1 AND dead = 1), "
          "(SELECT COUNT(*) FROM scim_links WHERE app_id = ?1 AND kind = 'user' AND active = 1), "
          "(SELECT COUNT(*) FROM scim_links WHERE app_id = ?1 AND kind = 'user' AND active = 0), "
          "(SELECT COUNT(*) FROM scim_links WHERE app_id = ?1 AND kind = 'group')"));
  SKYDIR_ASSIGN_OR_RETURN(bool row, select.Bind(app_id).Step());
  ScimCounts counts;
  if (!row) return counts;
  counts.pending_jobs = select.Int(0);
  counts.failed_jobs = select.Int(1);
  counts.users = select.Int(2);
  counts.inactive_users = select.Int(3);
  counts.groups = select.Int(4);
  return counts;
}

}  // namespace skydir::store::sqlite
