// SqliteTransaction: lifecycle, shared helpers, organizations, the LDAP directory, unix ids,
// password history and API keys. Users are in transaction_users.cc, groups in
// transaction_groups.cc.
#include "store/sqlite/sqlite_transaction.h"

#include "store/sqlite/audit_log.h"

#include <algorithm>

#include "common/ids.h"
#include "common/metrics.h"
#include "common/time.h"
#include "store/sqlite/change_log.h"
#include "store/sqlite/queries.h"
#include "store/sqlite/rows.h"

namespace skydir::store::sqlite {

using directory::ApiKey;
using directory::Organization;

namespace {
constexpr int64_t kPasswordHistoryKept = 64;  // per user; policies ask for far fewer
}  // namespace

namespace {

// Time from BEGIN to COMMIT or ROLLBACK of write transactions, by outcome.
void RecordTransaction(std::chrono::steady_clock::time_point started, const char* outcome) {
  static metrics::Family* family = metrics::Registry::Default().Register(
      "skydir_store_transaction_seconds", "Store write transactions, BEGIN to end",
      metrics::Kind::kHistogram, {"outcome"}, metrics::LatencyBuckets());
  static metrics::Histogram* commit = family->HistogramFor({"commit"});
  static metrics::Histogram* rollback = family->HistogramFor({"rollback"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  (std::string_view(outcome) == "commit" ? commit : rollback)->Observe(seconds);
}

}  // namespace

SqliteTransaction::~SqliteTransaction() {
  if (!finished_) {
    if (!conn_->AutoCommit()) (void)conn_->Exec("ROLLBACK");
    RecordTransaction(started_, "rollback");
  }
}

Status SqliteTransaction::Commit() {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  finished_ = true;
  Status status = conn_->Exec("COMMIT");
  if (!status.ok() && !conn_->AutoCommit()) (void)conn_->Exec("ROLLBACK");
  lock_.unlock();  // let the next writer in as soon as possible
  RecordTransaction(started_, status.ok() ? "commit" : "rollback");
  return status;
}

Status SqliteTransaction::CheckOpen() const {
  if (finished_) return Status(Code::kOperationsError, "transaction already committed");
  if (conn_->AutoCommit()) {
    return Status(Code::kOperationsError, "transaction was aborted by the database");
  }
  return Status::Ok();
}

Status SqliteTransaction::Log(std::string_view org_id, ChangeKind kind,
                              std::string_view object_id) {
  return AppendChange(*conn_, org_id, kind, object_id);
}

Status SqliteTransaction::RequireOrg(std::string_view org_id) {
  SKYDIR_ASSIGN_OR_RETURN(Statement select, conn_->Prepare("SELECT 1 FROM orgs WHERE id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool found, select.Bind(org_id).Step());
  return found ? Status::Ok() : NotFound("organization '" + std::string(org_id) + "' not found");
}

Status SqliteTransaction::RequireUser(std::string_view org_id, std::string_view user_id) {
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn_->Prepare("SELECT 1 FROM users WHERE org_id = ? AND id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool found, select.Bind(org_id).Bind(user_id).Step());
  return found ? Status::Ok() : NotFound("user '" + std::string(user_id) + "' not found");
}

Status SqliteTransaction::RequireGroup(std::string_view org_id, std::string_view group_id) {
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn_->Prepare("SELECT 1 FROM user_groups WHERE org_id = ? AND id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool found, select.Bind(org_id).Bind(group_id).Step());
  return found ? Status::Ok() : NotFound("group '" + std::string(group_id) + "' not found");
}

Status SqliteTransaction::RequireMember(std::string_view org_id, MemberKind kind,
                                        std::string_view id) {
  return kind == MemberKind::kUser ? RequireUser(org_id, id) : RequireGroup(org_id, id);
}

Status SqliteTransaction::MarkUnixIdUsed(std::string_view org_id, uint32_t id) {
  if (id == 0) return Status::Ok();
  SKYDIR_ASSIGN_OR_RETURN(
      Statement insert,
      conn_->Prepare("INSERT OR IGNORE INTO unix_ids (org_id, id) VALUES (?, ?)"));
  return insert.Bind(org_id).Bind(id).Run();
}

Result<std::vector<std::string>> SqliteTransaction::SelectIds(const char* sql,
                                                              std::string_view key) {
  SKYDIR_ASSIGN_OR_RETURN(Statement select, conn_->Prepare(sql));
  select.Bind(key);
  std::vector<std::string> ids;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return ids;
    ids.push_back(select.Text(0));
  }
}

// --- Organizations ---------------------------------------------------------------------------

Status SqliteTransaction::InsertOrg(const Organization& org) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement insert,
                            conn_->Prepare("INSERT INTO orgs (id, created, " SKYDIR_ORG_FIELDS
                                           ") VALUES (?, ?, " SKYDIR_ORG_FIELD_PARAMS ")"));
    insert.Bind(org.id).Bind(org.created);
    BindOrgFields(insert, org);
    Status status = insert.Run();
    if (IsUniqueViolation(status, "orgs", "id")) {
      return AlreadyExists("organization '" + org.id + "' already exists");
    }
    SKYDIR_RETURN_IF_ERROR(status);
    SKYDIR_ASSIGN_OR_RETURN(
        Statement ldap, conn_->Prepare("INSERT INTO ldap_directories (id, org_id) VALUES (?, ?)"));
    SKYDIR_RETURN_IF_ERROR(ldap.Bind(NewId()).Bind(org.id).Run());
    return Log(org.id, ChangeKind::kOrg, org.id);
  });
}

Status SqliteTransaction::UpdateOrg(const Organization& org) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement update,
                            conn_->Prepare("UPDATE orgs SET (" SKYDIR_ORG_FIELDS
                                           ") = (" SKYDIR_ORG_FIELD_PARAMS ") WHERE id = ?"));
    BindOrgFields(update, org);
    SKYDIR_RETURN_IF_ERROR(update.Bind(org.id).Run());
    if (conn_->Changes() == 0) return NotFound("organization '" + org.id + "' not found");
    return Log(org.id, ChangeKind::kOrg, org.id);
  });
}

Status SqliteTransaction::DeleteOrg(std::string_view org_id) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement del, conn_->Prepare("DELETE FROM orgs WHERE id = ?"));
    SKYDIR_RETURN_IF_ERROR(del.Bind(org_id).Run());  // cascades to everything in the org
    if (conn_->Changes() == 0) {
      return NotFound("organization '" + std::string(org_id) + "' not found");
    }
    return Log(org_id, ChangeKind::kOrg, org_id);
  });
}

Result<Organization> SqliteTransaction::GetOrg(std::string_view org_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  return QueryOrg(*conn_, org_id);
}

Result<std::vector<Organization>> SqliteTransaction::ListOrgs() {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(
      Statement select, conn_->Prepare("SELECT " SKYDIR_ORG_SELECT " FROM orgs ORDER BY name, id"));
  std::vector<Organization> orgs;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return orgs;
    orgs.push_back(ReadOrg(select));
  }
}

// --- LDAP directory --------------------------------------------------------------------------

Result<directory::LdapDirectory> SqliteTransaction::GetLdapDirectory(std::string_view org_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  return QueryLdapDirectory(*conn_, org_id);
}

Status SqliteTransaction::SetLdapAssociation(std::string_view org_id, MemberKind kind,
                                             std::string_view id, bool connected) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(org_id));
    SKYDIR_RETURN_IF_ERROR(RequireMember(org_id, kind, id));
    const bool user = kind == MemberKind::kUser;
    const char* sql =
        connected ? (user ? "INSERT OR IGNORE INTO ldap_users (org_id, user_id) VALUES (?, ?)"
                          : "INSERT OR IGNORE INTO ldap_groups (org_id, group_id) VALUES (?, ?)")
                  : (user ? "DELETE FROM ldap_users WHERE org_id = ? AND user_id = ?"
                          : "DELETE FROM ldap_groups WHERE org_id = ? AND group_id = ?");
    SKYDIR_ASSIGN_OR_RETURN(Statement stmt, conn_->Prepare(sql));
    SKYDIR_RETURN_IF_ERROR(stmt.Bind(org_id).Bind(id).Run());
    if (conn_->Changes() == 0) return Status::Ok();
    return Log(org_id, ChangeKind::kLdap, id);
  });
}

// --- Unix ids --------------------------------------------------------------------------------

Result<uint32_t> SqliteTransaction::AllocateUnixId(std::string_view org_id, uint32_t min,
                                                   uint32_t max) {
  int64_t allocated = 0;
  Status status = Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(org_id));
    SKYDIR_ASSIGN_OR_RETURN(Statement counter,
                            conn_->Prepare("SELECT next FROM unix_id_counters WHERE org_id = ?"));
    SKYDIR_ASSIGN_OR_RETURN(bool has_counter, counter.Bind(org_id).Step());
    int64_t candidate = std::max<int64_t>(has_counter ? counter.Int(0) : 0, min);
    // Skip ids that were reserved explicitly: the smallest unused id >= candidate.
    SKYDIR_ASSIGN_OR_RETURN(Statement used,
                            conn_->Prepare("SELECT 1 FROM unix_ids WHERE org_id = ? AND id = ?"));
    SKYDIR_ASSIGN_OR_RETURN(bool taken, used.Bind(org_id).Bind(candidate).Step());
    if (taken) {
      SKYDIR_ASSIGN_OR_RETURN(
          Statement gap,
          conn_->Prepare("SELECT MIN(u.id) + 1 FROM unix_ids u WHERE u.org_id = ?1 AND "
                         "u.id >= ?2 AND NOT EXISTS (SELECT 1 FROM unix_ids v WHERE "
                         "v.org_id = ?1 AND v.id = u.id + 1)"));
      SKYDIR_ASSIGN_OR_RETURN(bool row, gap.Bind(org_id).Bind(candidate).Step());
      if (row) candidate = gap.Int(0);
    }
    if (candidate > max) {
      return Unavailable("no unix id left between " + std::to_string(min) + " and " +
                         std::to_string(max));
    }
    SKYDIR_RETURN_IF_ERROR(MarkUnixIdUsed(org_id, static_cast<uint32_t>(candidate)));
    SKYDIR_ASSIGN_OR_RETURN(
        Statement upsert,
        conn_->Prepare("INSERT INTO unix_id_counters (org_id, next) VALUES (?1, ?2) "
                       "ON CONFLICT (org_id) DO UPDATE SET next = MAX(next, ?2)"));
    SKYDIR_RETURN_IF_ERROR(upsert.Bind(org_id).Bind(candidate + 1).Run());
    allocated = candidate;
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return static_cast<uint32_t>(allocated);
}

Status SqliteTransaction::ReserveUnixId(std::string_view org_id, uint32_t id) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(org_id));
    return MarkUnixIdUsed(org_id, id);
  });
}

// --- Password history ------------------------------------------------------------------------

Status SqliteTransaction::AddPasswordHistory(std::string_view org_id, std::string_view user_id,
                                             std::string_view hash) {
  return Write([&]() -> Status {
    SKYDIR_RETURN_IF_ERROR(RequireUser(org_id, user_id));
    SKYDIR_ASSIGN_OR_RETURN(
        Statement insert,
        conn_->Prepare("INSERT INTO password_history (user_id, hash, created) VALUES (?, ?, ?)"));
    SKYDIR_RETURN_IF_ERROR(insert.Bind(user_id).Bind(hash).Bind(NowMicros()).Run());
    SKYDIR_ASSIGN_OR_RETURN(
        Statement prune,
        conn_->Prepare("DELETE FROM password_history WHERE user_id = ?1 AND seq NOT IN "
                       "(SELECT seq FROM password_history WHERE user_id = ?1 "
                       "ORDER BY seq DESC LIMIT ?2)"));
    SKYDIR_RETURN_IF_ERROR(prune.Bind(user_id).Bind(kPasswordHistoryKept).Run());
    return Log(org_id, ChangeKind::kUser, user_id);
  });
}

Result<std::vector<std::string>> SqliteTransaction::PasswordHistory(std::string_view org_id,
                                                                    std::string_view user_id,
                                                                    uint32_t limit) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_RETURN_IF_ERROR(RequireUser(org_id, user_id));
  SKYDIR_ASSIGN_OR_RETURN(Statement select,
                          conn_->Prepare("SELECT hash FROM password_history WHERE user_id = ? "
                                         "ORDER BY seq DESC LIMIT ?"));
  select.Bind(user_id).Bind(limit);
  std::vector<std::string> hashes;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return hashes;
    hashes.push_back(select.Text(0));
  }
}

// --- API keys --------------------------------------------------------------------------------

Status SqliteTransaction::InsertApiKey(const ApiKey& key) {
  return Write([&]() -> Status {
    if (!key.org_id.empty()) SKYDIR_RETURN_IF_ERROR(RequireOrg(key.org_id));
    SKYDIR_ASSIGN_OR_RETURN(Statement insert,
                            conn_->Prepare("INSERT INTO api_keys (" SKYDIR_APIKEY_SELECT
                                           ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
    insert.Bind(key.id).BindOrNull(key.org_id).Bind(key.name);
    insert.Bind(directory::ApiKeyRoleName(key.role)).Bind(key.secret_hash);
    Status status = insert.Bind(key.created).Bind(key.last_used).Run();
    if (IsUniqueViolation(status, "api_keys", "id")) {
      return AlreadyExists("api key '" + key.id + "' already exists");
    }
    SKYDIR_RETURN_IF_ERROR(status);
    return Log(key.org_id, ChangeKind::kApiKey, key.id);
  });
}

Status SqliteTransaction::DeleteApiKey(std::string_view key_id) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(ApiKey key, GetApiKey(key_id));
    SKYDIR_ASSIGN_OR_RETURN(Statement del, conn_->Prepare("DELETE FROM api_keys WHERE id = ?"));
    SKYDIR_RETURN_IF_ERROR(del.Bind(key_id).Run());
    return Log(key.org_id, ChangeKind::kApiKey, key.id);
  });
}

Result<ApiKey> SqliteTransaction::GetApiKey(std::string_view key_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  SKYDIR_ASSIGN_OR_RETURN(Statement select, conn_->Prepare("SELECT " SKYDIR_APIKEY_SELECT
                                                           " FROM api_keys WHERE id = ?"));
  SKYDIR_ASSIGN_OR_RETURN(bool row, select.Bind(key_id).Step());
  if (!row) return NotFound("api key '" + std::string(key_id) + "' not found");
  return ReadApiKey(select);
}

Result<std::vector<ApiKey>> SqliteTransaction::ListApiKeys(std::string_view org_id) {
  SKYDIR_RETURN_IF_ERROR(CheckOpen());
  Result<Statement> select =
      org_id.empty() ? conn_->Prepare("SELECT " SKYDIR_APIKEY_SELECT
                                      " FROM api_keys WHERE org_id IS NULL ORDER BY created, id")
                     : conn_->Prepare("SELECT " SKYDIR_APIKEY_SELECT
                                      " FROM api_keys WHERE org_id = ? ORDER BY created, id");
  if (!select.ok()) return select.status();
  if (!org_id.empty()) select->Bind(org_id);
  std::vector<ApiKey> keys;
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) return keys;
    keys.push_back(ReadApiKey(*select));
  }
}

Status SqliteTransaction::TouchApiKey(std::string_view key_id, int64_t when) {
  return Write([&]() -> Status {
    SKYDIR_ASSIGN_OR_RETURN(Statement update,
                            conn_->Prepare("UPDATE api_keys SET last_used = ? WHERE id = ?"));
    SKYDIR_RETURN_IF_ERROR(update.Bind(when).Bind(key_id).Run());
    if (conn_->Changes() == 0) return NotFound("api key '" + std::string(key_id) + "' not found");
    return Status::Ok();
  });
}

Status SqliteTransaction::AppendAuditEvent(const AuditEvent& event) {
  return Write([&]() -> Status { return InsertAuditEvent(*conn_, event); });
}

}  // namespace skydir::store::sqlite
