// The SQLite implementation of store::Transaction: one BEGIN IMMEDIATE transaction on the
// store's write connection, holding the store's writer mutex for its whole life.
//
// Each write method runs inside a SAVEPOINT, so a failed call (say, a duplicate username)
// leaves the transaction exactly as it was before the call and the caller may go on or give
// up. Each write appends its change rows (see store.h) in the same transaction. If SQLite
// itself aborts the transaction (disk full, I/O error), every later call fails.
//
// Change rows written, beyond the obvious kind/object of each method:
//   DeleteUser: kGroup for every group that held the user, kLdap (user id) if connected.
//   DeleteGroup: kGroup for every parent, kUser for every member user, kLdap if connected.
//   Add/RemoveMember: kGroup for the group, plus kUser for a member user (only if changed).
//   SetLdapAssociation: kLdap with the user or group id (only if changed).
//   AddPasswordHistory: kUser. None for TouchApiKey, AllocateUnixId, ReserveUnixId.
// Insert/UpdateUser reserve a non-zero unix_uid, Insert/UpdateGroup a non-zero gid.
//
// Thread-safety: one thread at a time. Must not outlive the SqliteStore that made it.
#pragma once

#include <chrono>

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace skydir::store::sqlite {

class SqliteTransaction final : public Transaction {
 public:
  // REQUIRES: `lock` owns the mutex that guards `conn`, and BEGIN IMMEDIATE has succeeded.
  SqliteTransaction(Connection* conn, std::unique_lock<std::timed_mutex> lock)
      : conn_(conn), lock_(std::move(lock)), started_(std::chrono::steady_clock::now()) {}
  ~SqliteTransaction() override;  // rolls back unless committed

  Status Commit() override;

  Status InsertOrg(const directory::Organization& org) override;
  Status UpdateOrg(const directory::Organization& org) override;
  Status DeleteOrg(std::string_view org_id) override;
  Result<directory::Organization> GetOrg(std::string_view org_id) override;
  Result<std::vector<directory::Organization>> ListOrgs() override;

  Status InsertUser(const directory::User& user) override;
  Status UpdateUser(const directory::User& user) override;
  Status DeleteUser(std::string_view org_id, std::string_view user_id) override;
  Result<directory::User> GetUser(std::string_view org_id, std::string_view user_id) override;
  Result<directory::User> FindUserByUsername(std::string_view org_id,
                                             std::string_view username) override;
  Result<directory::User> FindUserByEmail(std::string_view org_id, std::string_view email) override;
  Result<std::vector<directory::User>> ListUsers(std::string_view org_id) override;

  Status InsertGroup(const directory::Group& group) override;
  Status UpdateGroup(const directory::Group& group) override;
  Status DeleteGroup(std::string_view org_id, std::string_view group_id) override;
  Result<directory::Group> GetGroup(std::string_view org_id, std::string_view group_id) override;
  Result<directory::Group> FindGroupByName(std::string_view org_id, std::string_view name) override;
  Result<std::vector<directory::Group>> ListGroups(std::string_view org_id) override;
  Status AddMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                   std::string_view member_id) override;
  Status RemoveMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                      std::string_view member_id) override;

  Result<directory::LdapDirectory> GetLdapDirectory(std::string_view org_id) override;
  Status SetLdapAssociation(std::string_view org_id, MemberKind kind, std::string_view id,
                            bool connected) override;

  Result<uint32_t> AllocateUnixId(std::string_view org_id, uint32_t min, uint32_t max) override;
  Status ReserveUnixId(std::string_view org_id, uint32_t id) override;

  Status AddPasswordHistory(std::string_view org_id, std::string_view user_id,
                            std::string_view hash) override;
  Result<std::vector<std::string>> PasswordHistory(std::string_view org_id,
                                                   std::string_view user_id,
                                                   uint32_t limit) override;

  Status InsertApiKey(const directory::ApiKey& key) override;
  Status DeleteApiKey(std::string_view key_id) override;
  Result<directory::ApiKey> GetApiKey(std::string_view key_id) override;
  Result<std::vector<directory::ApiKey>> ListApiKeys(std::string_view org_id) override;
  Status TouchApiKey(std::string_view key_id, int64_t when) override;

  Status AppendAuditEvent(const AuditEvent& event) override;

  // Applications and the provisioning outbox: transaction_apps.cc.
  Status InsertApplication(const directory::Application& app) override;
  Status UpdateApplication(const directory::Application& app) override;
  Status DeleteApplication(std::string_view org_id, std::string_view app_id) override;
  Result<directory::Application> GetApplication(std::string_view org_id,
                                                std::string_view app_id) override;
  Result<std::vector<directory::Application>> ListApplications(std::string_view org_id) override;
  Status SetApplicationGroup(std::string_view org_id, std::string_view app_id,
                             std::string_view group_id, bool associated) override;
  Status EnqueueScimJob(std::string_view app_id, ScimJobKind kind,
                        std::string_view object_id) override;
  Result<std::vector<ScimJob>> DueScimJobs(std::string_view app_id, int64_t now,
                                           size_t limit) override;
  Result<std::vector<std::string>> AppsWithDueScimJobs(int64_t now) override;
  Result<int64_t> NextScimJobTime() override;
  Status CompleteScimJob(const ScimJob& job) override;
  Status RetryScimJob(const ScimJob& job, int64_t next_attempt, std::string_view error) override;
  Status FailScimJob(const ScimJob& job, std::string_view error) override;
  Result<std::vector<ScimJob>> FailedScimJobs(std::string_view app_id, size_t limit) override;
  Result<std::vector<ScimLink>> ListScimLinks(std::string_view app_id) override;
  Status PutScimLink(const ScimLink& link) override;
  Status DeleteScimLink(std::string_view app_id, MemberKind kind,
                        std::string_view local_id) override;
  Status ForgetScimPushes(std::string_view app_id) override;
  Result<ScimHealth> GetScimHealth(std::string_view app_id) override;
  Status PutScimHealth(const ScimHealth& health) override;
  Result<ScimCounts> CountScim(std::string_view app_id) override;

 private:
  // Ok while the transaction can still be used.
  Status CheckOpen() const;
  // CheckOpen, then `fn` inside a savepoint.
  template <typename Fn>
  Status Write(Fn&& fn) {
    SKYDIR_RETURN_IF_ERROR(CheckOpen());
    return Atomically(*conn_, std::forward<Fn>(fn));
  }
  Status Log(std::string_view org_id, ChangeKind kind, std::string_view object_id);
  // kNoSuchObject unless the object exists in the org.
  Status RequireOrg(std::string_view org_id);
  Status RequireUser(std::string_view org_id, std::string_view user_id);
  Status RequireGroup(std::string_view org_id, std::string_view group_id);
  Status RequireMember(std::string_view org_id, MemberKind kind, std::string_view id);
  // Marks `id` used in the org's unix id space (no-op for 0).
  Status MarkUnixIdUsed(std::string_view org_id, uint32_t id);
  // One user or group chosen by a WHERE clause on (org_id, key).
  Result<directory::User> SelectUser(const char* sql, std::string_view org_id, std::string_view key,
                                     std::string_view what);
  Result<directory::Group> SelectGroup(const char* sql, std::string_view org_id,
                                       std::string_view key, std::string_view what);
  // First column of every row of `sql` bound to `key`.
  Result<std::vector<std::string>> SelectIds(const char* sql, std::string_view key);

  Connection* conn_;  // not owned; guarded by lock_
  std::unique_lock<std::timed_mutex> lock_;
  std::chrono::steady_clock::time_point started_;  // for the transaction latency metric
  bool finished_ = false;
};

}  // namespace skydir::store::sqlite
