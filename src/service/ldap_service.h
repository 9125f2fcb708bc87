// The LDAP use cases (DESIGN §2): bind, search, compare, who am I, password modify, answered
// from the in-memory snapshots with JumpCloud's access rules. Knows nothing of BER or sockets:
// the server decodes requests, calls these, and encodes the answers.
//
// Thread-safety: all methods may be called concurrently. Bind and ModifyPassword block
// (password hashing, SQL) and must run on a blocking pool, never on an I/O thread; Search,
// Compare and WhoAmI only read snapshots and are cheap enough for I/O threads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/settings.h"
#include "common/status.h"
#include "dit/registry.h"
#include "dit/selection.h"
#include "ldap/message.h"
#include "service/admin.h"
#include "service/audit_log.h"
#include "service/credential_cache.h"
#include "service/failure_tracker.h"
#include "service/password_hasher.h"
#include "service/snapshot_follower.h"

namespace skydir::service {

struct ClientInfo {
  std::string ip;
  bool tls = false;
};

// Who a connection is bound as. Default: anonymous.
struct Principal {
  std::string dn;  // as the server serves it; empty when anonymous
  std::string org_id;
  std::string user_id;
  bool binding_user = false;

  bool authenticated() const { return !dn.empty(); }
};

// The entries a search found, valid while `keep_alive` is held.
struct SearchOutcome {
  Status status;                 // success, or the LDAP result code to answer with
  std::string matched_dn;        // for noSuchObject
  std::shared_ptr<const void> keep_alive;
  std::vector<const dit::Entry*> entries;
};

// Why `user` may not use the admin console at `now` (locked, not active, not an
// administrator), or nullopt when it may.
std::optional<std::string> ConsoleRefusal(const directory::User& user, int64_t now);
// True when `user` was found and may use the console now (for open sessions).
bool MayUseConsole(const Result<directory::User>& user);

class LdapService {
 public:
  // REQUIRES: every reference outlives the service.
  LdapService(const Settings& settings, dit::Registry& registry, SnapshotFollower& follower,
              PasswordHasher& hasher, CredentialCache& cache, Admin& admin,
              store::Store& store, AuditLog* audit = nullptr);

  // Simple bind (RFC 4513 §5.1). On failure the code is invalidCredentials whatever the reason
  // (unknown DN, wrong password, locked, not connected), so accounts cannot be enumerated; the
  // real reason goes to the audit trail (binds naming an org that exists are recorded).
  Result<Principal> Bind(std::string_view dn, std::string_view password,
                         const ClientInfo& client);

  // Runs the search up to selecting entries; attribute selection and paging are the caller's.
  // `deadline` bounds the work (timeLimitExceeded past it).
  SearchOutcome Search(const Principal& who, const ldap::SearchRequest& request,
                       std::chrono::steady_clock::time_point deadline);

  // compareTrue / compareFalse, or an error code.
  Status Compare(const Principal& who, const ldap::CompareRequest& request);

  // RFC 4532 authzId: "dn:<dn>" or "" for anonymous.
  std::string WhoAmI(const Principal& who) const { return who.dn.empty() ? "" : "dn:" + who.dn; }

  // RFC 3062: an authenticated user changes their own password, giving the old one.
  Status ModifyPassword(const Principal& who, std::optional<std::string> user_identity,
                        std::optional<std::string> old_password,
                        std::optional<std::string> new_password);

  // Console sign-in (issue 8): the org's user `username` with the admin flag, checked like a
  // bind: the same hash verification and upgrade, the same per-IP throttling, and a wrong
  // password counts toward the same account lockout. Works for administrators who are not
  // connected to LDAP (it reads the store, not the snapshot). Every failure is
  // kInvalidCredentials with one message; the real reason goes to the audit trail as an
  // `admin_login_attempt` event. Blocks (SQL, hashing).
  Result<directory::User> SignInAdmin(std::string_view org, std::string_view username,
                                      std::string_view password, const ClientInfo& client);

  const dit::Entry& root_dse() const { return root_dse_; }

 private:
  // What a bind attempt touched, for the audit trail.
  struct BindAttempt {
    std::string org_id;
    std::string user_id;
    std::string reason;  // why it failed, never shown to the client
  };
  Result<Principal> Authenticate(std::string_view dn, std::string_view password,
                                 const ClientInfo& client, BindAttempt* attempt);
  // The org id named by a normalized DN under the suffix, or nullopt.
  std::optional<std::string> OrgOfNdn(std::string_view ndn) const;
  bool MaySearch(const Principal& who, const dit::Snapshot& snapshot) const;
  // Counts a wrong password against the org's lockout policy; locks the account (and records
  // it in the audit trail) when the threshold is reached. Blocks (SQL).
  void CountFailure(const std::string& org_id, const directory::LockoutPolicy& policy,
                    const std::string& user_id, int64_t locked_until, int64_t now);
  // Whether `password` matches `stored_hash` (through the verified-credential cache); a
  // verified legacy or weaker hash is upgraded.
  bool VerifyPassword(const std::string& org_id, const std::string& user_id,
                      const std::string& stored_hash, std::string_view password);
  // SignInAdmin without the audit record; `reason` receives why it failed.
  Result<directory::User> CheckAdmin(std::string_view org, std::string_view username,
                                     std::string_view password, const ClientInfo& client,
                                     std::string* org_id, std::string* reason);
  // Replaces a verified legacy or weaker hash with Argon2id (DESIGN §3).
  void UpgradeHash(const std::string& org_id, const std::string& user_id,
                   const std::string& old_hash, std::string_view password);

  const Settings& settings_;
  dit::Registry& registry_;
  SnapshotFollower& follower_;
  PasswordHasher& hasher_;
  CredentialCache& cache_;
  Admin& admin_;
  store::Store& store_;
  AuditLog* audit_;  // null: binds are not audited (tests)
  FailureTracker user_failures_;  // wrong passwords per user id, for lockout
  FailureTracker ip_failures_;    // failed binds per client IP, for throttling
  std::string suffix_ndn_;
  size_t suffix_rdns_ = 0;
  dit::Entry root_dse_;
  dit::Entry subschema_;
  std::string dummy_hash_;  // verified against on unknown DNs so failures take equal time
};

}  // namespace skydir::service
