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

enum class ChangeKind { kOrg, kUser, kGroup, kLdap, kApiKey };
std::string_view ChangeKindName(ChangeKind kind);  // "org", "user", "group", "ldap", "apikey"
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
