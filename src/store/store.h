// The store: the durable source of truth behind the in-memory LDAP snapshots (DESIGN §3).
//
// Every use case runs in one Transaction; a Transaction that is destroyed without Commit()
// rolls back. Every write method appends a row to the change log in the same transaction, so
// readers that follow the log (snapshot refresh, provisioning, other nodes) never miss a write.
//
// Thread-safety: a Store may be shared by threads; a Transaction belongs to one thread.
// All calls block (SQL): never call them on an I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "directory/model.h"

namespace skydir::store {

enum class ChangeKind { kOrg, kUser, kGroup, kLdap, kApiKey, kApplication };
// "org", "user", "group", "ldap", "apikey", "application"
std::string_view ChangeKindName(ChangeKind kind);
std::optional<ChangeKind> ParseChangeKind(std::string_view name);

struct Change {
  int64_t seq = 0;  // strictly increasing, never reused
  std::string org_id;
  ChangeKind kind = ChangeKind::kOrg;
  std::string object_id;
  int64_t time = 0;
};

enum class MemberKind { kUser, kGroup };

// One entry of the audit trail (binds, admin changes, provisioning).
struct AuditEvent {
  int64_t id = 0;    // assigned by the store, increasing; the query cursor
  int64_t time = 0;  // microseconds since the epoch
  std::string org_id;
  std::string service;     // "ldap", "directory"
  std::string event_type;  // "ldap_bind", "user_create", "group_member_add", ...
  bool success = true;
  std::string actor_type;  // "user" (an LDAP DN), "api_key", "cli", "system"
  std::string actor;       // the DN, key id or name; never a secret
  std::string client_ip;
  std::string target_type;  // "user", "group", "ldap_directory", "api_key", "org"
  std::string target_id;
  std::string detail_json;  // a JSON object: reason, tls, changed fields {"f": {"old","new"}}
};

struct AuditQuery {
  std::string org_id;                 // empty: every org (operators only)
  int64_t start_time = 0;             // inclusive
  int64_t end_time = 0;               // exclusive; 0: now
  std::vector<std::string> services;  // empty: all
  std::string search_term;            // substring of actor, target, type or detail
  int64_t after_id = 0;               // cursor: events with a smaller id (newest first)
  size_t limit = 100;
};

// The provisioning outbox (issue 5). A job names what to bring up to date in one application:
// a user, a group, the whole application (after an association or settings change), or a full
// sync that also re-sends everything. There is at most one job per (application, kind, object):
// a change to an object that already has a pending job bumps its generation instead, so the
// job, when it runs, pushes the newest state, and objects are delivered in order.
enum class ScimJobKind { kUser, kGroup, kApp, kSync };
std::string_view ScimJobKindName(ScimJobKind kind);  // "user", "group", "app", "sync"
std::optional<ScimJobKind> ParseScimJobKind(std::string_view name);

struct ScimJob {
  int64_t id = 0;
  std::string app_id;
  ScimJobKind kind = ScimJobKind::kUser;
  std::string object_id;  // the user or group id; the application id for kApp and kSync
  int64_t generation = 0;
  int64_t attempts = 0;      // failed deliveries so far
  int64_t next_attempt = 0;  // microseconds; due when <= now
  std::string last_error;
  bool dead = false;  // failed for good (a 4xx that will not heal): kept for the status page
  int64_t created = 0;
};

// What skydir knows it has put into an application: the target's id for one user or group
// and the last state pushed there (a JSON document), so that updates send only differences
// and a restart never creates a second copy.
struct ScimLink {
  std::string app_id;
  MemberKind kind = MemberKind::kUser;
  std::string local_id;
  std::string remote_id;
  std::string pushed;   // the last JSON sent; empty forces the next reconcile to send again
  bool active = true;   // users: whether the target's account was last left active
  int64_t updated = 0;
};

// The application's provisioning health: kError after repeated failures, until one succeeds.
struct ScimHealth {
  std::string app_id;
  bool error = false;
  int64_t consecutive_failures = 0;
  int64_t last_success = 0;
  int64_t last_failure = 0;
  std::string last_error;
};

struct ScimCounts {
  int64_t pending_jobs = 0;
  int64_t failed_jobs = 0;       // dead
  int64_t users = 0;             // users provisioned and active in the target
  int64_t inactive_users = 0;    // deactivated in the target
  int64_t groups = 0;
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // Makes every write of this transaction durable. After Commit() the object is spent.
  virtual Status Commit() = 0;

  // Organizations. InsertOrg also creates the org's LDAP directory.
  virtual Status InsertOrg(const directory::Organization& org) = 0;
  virtual Status UpdateOrg(const directory::Organization& org) = 0;
  virtual Status DeleteOrg(std::string_view org_id) = 0;  // and everything in it
  virtual Result<directory::Organization> GetOrg(std::string_view org_id) = 0;
  virtual Result<std::vector<directory::Organization>> ListOrgs() = 0;

  // Users. Duplicate username or email within an org: kEntryAlreadyExists.
  virtual Status InsertUser(const directory::User& user) = 0;
  virtual Status UpdateUser(const directory::User& user) = 0;
  // Also removes the user from every group and from the LDAP directory.
  virtual Status DeleteUser(std::string_view org_id, std::string_view user_id) = 0;
  virtual Result<directory::User> GetUser(std::string_view org_id, std::string_view user_id) = 0;
  virtual Result<directory::User> FindUserByUsername(std::string_view org_id,
                                                     std::string_view username) = 0;
  virtual Result<directory::User> FindUserByEmail(std::string_view org_id,
                                                  std::string_view email) = 0;
  virtual Result<std::vector<directory::User>> ListUsers(std::string_view org_id) = 0;

  // Groups. The member lists of Insert/UpdateGroup are ignored: membership changes only
  // through Add/RemoveMember. Duplicate name within an org: kEntryAlreadyExists.
  virtual Status InsertGroup(const directory::Group& group) = 0;
  virtual Status UpdateGroup(const directory::Group& group) = 0;
  // Also removes the group from its parents and from the LDAP directory.
  virtual Status DeleteGroup(std::string_view org_id, std::string_view group_id) = 0;
  virtual Result<directory::Group> GetGroup(std::string_view org_id,
                                            std::string_view group_id) = 0;
  virtual Result<directory::Group> FindGroupByName(std::string_view org_id,
                                                   std::string_view name) = 0;
  virtual Result<std::vector<directory::Group>> ListGroups(std::string_view org_id) = 0;
  // Adding an existing member or removing a missing one succeeds and changes nothing.
  virtual Status AddMember(std::string_view org_id, std::string_view group_id, MemberKind kind,
                           std::string_view member_id) = 0;
  virtual Status RemoveMember(std::string_view org_id, std::string_view group_id,
                              MemberKind kind, std::string_view member_id) = 0;

  // The org's LDAP directory and its associations.
  virtual Result<directory::LdapDirectory> GetLdapDirectory(std::string_view org_id) = 0;
  virtual Status SetLdapAssociation(std::string_view org_id, MemberKind kind,
                                    std::string_view id, bool connected) = 0;

  // Next unix id (uidNumber/gidNumber) for the org, at least `min`; ids are never handed out
  // twice within an org, even after the object that had one is deleted. kUnavailable past max.
  virtual Result<uint32_t> AllocateUnixId(std::string_view org_id, uint32_t min,
                                          uint32_t max) = 0;
  // Records that `id` is used (given explicitly), so allocation never hands it out later.
  virtual Status ReserveUnixId(std::string_view org_id, uint32_t id) = 0;

  // The last `limit` password hashes a user had, newest first.
  virtual Status AddPasswordHistory(std::string_view org_id, std::string_view user_id,
                                    std::string_view hash) = 0;
  virtual Result<std::vector<std::string>> PasswordHistory(std::string_view org_id,
                                                           std::string_view user_id,
                                                           uint32_t limit) = 0;

  // Administrator API keys.
  virtual Status InsertApiKey(const directory::ApiKey& key) = 0;
  virtual Status DeleteApiKey(std::string_view key_id) = 0;
  virtual Result<directory::ApiKey> GetApiKey(std::string_view key_id) = 0;
  // Keys of one org; with an empty org_id, the operator keys.
  virtual Result<std::vector<directory::ApiKey>> ListApiKeys(std::string_view org_id) = 0;
  virtual Status TouchApiKey(std::string_view key_id, int64_t when) = 0;  // no change log row

  // Applications (issue 5). Every user or group change row of an org also enqueues a kUser or
  // kGroup job for each of its active applications, in the same transaction. Insert, Update,
  // Delete and SetApplicationGroup enqueue a kApp job. Update ignores group_ids and makes
  // every pending job of the application due again (new settings deserve a fresh try).
  virtual Status InsertApplication(const directory::Application& app) = 0;
  virtual Status UpdateApplication(const directory::Application& app) = 0;
  virtual Status DeleteApplication(std::string_view org_id, std::string_view app_id) = 0;
  virtual Result<directory::Application> GetApplication(std::string_view org_id,
                                                        std::string_view app_id) = 0;
  // The org's applications; with an empty org_id, every org's.
  virtual Result<std::vector<directory::Application>> ListApplications(
      std::string_view org_id) = 0;
  // Associating an associated group (or removing a missing one) succeeds and changes nothing.
  virtual Status SetApplicationGroup(std::string_view org_id, std::string_view app_id,
                                     std::string_view group_id, bool associated) = 0;

  // The outbox. Enqueue bumps a pending job (reviving a dead one).
  virtual Status EnqueueScimJob(std::string_view app_id, ScimJobKind kind,
                                std::string_view object_id) = 0;
  // Live jobs of `app_id` due at `now`, oldest first.
  virtual Result<std::vector<ScimJob>> DueScimJobs(std::string_view app_id, int64_t now,
                                                   size_t limit) = 0;
  // Applications with a live job due at `now`.
  virtual Result<std::vector<std::string>> AppsWithDueScimJobs(int64_t now) = 0;
  // The earliest next_attempt of a live job (0: none), to know how long to sleep.
  virtual Result<int64_t> NextScimJobTime() = 0;
  // Done: deletes the job unless it was bumped since it was read (then it runs again).
  virtual Status CompleteScimJob(const ScimJob& job) = 0;
  // Failed for now: counts the attempt and schedules the next one.
  virtual Status RetryScimJob(const ScimJob& job, int64_t next_attempt,
                              std::string_view error) = 0;
  // Failed for good, unless bumped since it was read.
  virtual Status FailScimJob(const ScimJob& job, std::string_view error) = 0;
  virtual Result<std::vector<ScimJob>> FailedScimJobs(std::string_view app_id, size_t limit) = 0;

  virtual Result<std::vector<ScimLink>> ListScimLinks(std::string_view app_id) = 0;
  virtual Status PutScimLink(const ScimLink& link) = 0;
  virtual Status DeleteScimLink(std::string_view app_id, MemberKind kind,
                                std::string_view local_id) = 0;
  // Empties every link's `pushed`, so the next reconcile sends everything again (full sync).
  virtual Status ForgetScimPushes(std::string_view app_id) = 0;

  virtual Result<ScimHealth> GetScimHealth(std::string_view app_id) = 0;
  virtual Status PutScimHealth(const ScimHealth& health) = 0;
  virtual Result<ScimCounts> CountScim(std::string_view app_id) = 0;

  // Records an admin change in the same transaction as the change itself.
  virtual Status AppendAuditEvent(const AuditEvent& event) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // A write transaction (serialized with other writers, also across processes).
  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;

  // One consistent read of an org for building its snapshot.
  virtual Result<directory::OrgData> LoadOrg(std::string_view org_id) = 0;
  virtual Result<std::vector<std::string>> ListOrgIds() = 0;
  // The users of `org_id` with these ids, in one consistent read (ids not found are left out).
  virtual Result<std::vector<directory::User>> LoadUsers(std::string_view org_id,
                                                         const std::vector<std::string>& ids) = 0;

  // Changes with seq > `after`, oldest first, at most `limit`.
  virtual Result<std::vector<Change>> ChangesSince(int64_t after, size_t limit) = 0;
  virtual Result<int64_t> LatestChangeSeq() = 0;

  // The audit trail. Append writes a batch in its own transaction (binds are recorded in
  // batches off the bind path); Query returns the newest events first.
  virtual Status AppendAuditEvents(const std::vector<AuditEvent>& events) = 0;
  virtual Result<std::vector<AuditEvent>> QueryAuditEvents(const AuditQuery& query) = 0;
  // Deletes events older than `before`; returns how many.
  virtual Result<int64_t> PruneAuditEvents(int64_t before) = 0;
};

}  // namespace skydir::store
