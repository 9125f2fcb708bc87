#include "service/ldap_service.h"

#include <cctype>

#include "common/ids.h"
#include "common/log.h"
#include "common/time.h"
#include "dit/filter_eval.h"
#include "dit/special_entries.h"
#include "ldap/controls.h"
#include "ldap/dn.h"

namespace skydir::service {
namespace {

constexpr std::string_view kVersion = "0.1.0";

dit::Scope ToScope(ldap::SearchScope s) {
  switch (s) {
    case ldap::SearchScope::kBaseObject: return dit::Scope::kBase;
    case ldap::SearchScope::kSingleLevel: return dit::Scope::kOneLevel;
    case ldap::SearchScope::kWholeSubtree: return dit::Scope::kSubtree;
  }
  return dit::Scope::kBase;
}

Status InvalidCredentials() { return Status(Code::kInvalidCredentials, "invalid credentials"); }

}  // namespace

std::optional<std::string> ConsoleRefusal(const directory::User& user, int64_t now) {
  if (user.account_locked && (user.locked_until == 0 || user.locked_until > now)) {
    return "account locked";
  }
  if (user.state != directory::UserState::kActivated) return "account not active";
  if (!user.admin) return "not an administrator";
  return std::nullopt;
}

bool MayUseConsole(const Result<directory::User>& user) {
  return user.ok() && !ConsoleRefusal(*user, NowMicros());
}

LdapService::LdapService(const Settings& settings, dit::Registry& registry,
                         SnapshotFollower& follower, PasswordHasher& hasher,
                         CredentialCache& cache, Admin& admin, store::Store& store,
                         AuditLog* audit)
    : settings_(settings), registry_(registry), follower_(follower), hasher_(hasher),
      cache_(cache), admin_(admin), store_(store), audit_(audit) {
  auto suffix = ldap::ParseDn(settings.ldap.suffix);
  if (suffix.ok()) suffix_rdns_ = suffix->rdns.size();
  auto ndn = ldap::NormalizeDn(settings.ldap.suffix);
  suffix_ndn_ = ndn.ok() ? *ndn : settings.ldap.suffix;
  dit::ServerFeatures features;
  features.suffix = settings.ldap.suffix;
  features.vendor_version = std::string(kVersion);
  features.controls = {std::string(ldap::kPagedResultsOid)};
  features.extensions = {std::string(ldap::kStartTlsOid), std::string(ldap::kWhoAmIOid),
                         std::string(ldap::kPasswordModifyOid)};
  root_dse_ = dit::BuildRootDse(features);
  subschema_ = dit::BuildSubschema();
  auto dummy = hasher_.Hash(HexEncode(RandomBytes(16)));
  dummy_hash_ = dummy.ok() ? *dummy : "";
}

std::optional<std::string> LdapService::OrgOfNdn(std::string_view ndn) const {
  auto dn = ldap::ParseDn(ndn);
  if (!dn.ok() || dn->rdns.size() <= suffix_rdns_) return std::nullopt;
  if (!ldap::IsDescendantOrSelf(ndn, suffix_ndn_)) return std::nullopt;
  const auto& org_rdn = dn->rdns[dn->rdns.size() - suffix_rdns_ - 1];
  if (org_rdn.size() != 1 || org_rdn[0].type != "o") return std::nullopt;
  return org_rdn[0].value;
}

bool LdapService::MaySearch(const Principal& who, const dit::Snapshot& snapshot) const {
  return who.binding_user || snapshot.settings().ldap_self_search;
}

Result<Principal> LdapService::Bind(std::string_view dn, std::string_view password,
                                    const ClientInfo& client) {
  BindAttempt attempt;
  Result<Principal> result = Authenticate(dn, password, client, &attempt);
  if (!result.ok() && attempt.reason.empty()) attempt.reason = result.status().message();
  // Every bind reaches the JSON log: through the audit trail when it names an org, directly
  // otherwise (there is no tenant to file it under).
  if (attempt.org_id.empty() || audit_ == nullptr) {
    LogInfo("ldap.bind", {{"dn", dn},
                          {"outcome", result.ok() ? std::string_view("success")
                                                  : std::string_view(attempt.reason)},
                          {"code", CodeName(result.status().code())},
                          {"client_ip", client.ip},
                          {"tls", client.tls}});
  } else {
    store::AuditEvent e;
    e.org_id = attempt.org_id;
    e.service = "ldap";
    e.event_type = "ldap_bind";
    e.success = result.ok();
    e.actor_type = "user";
    e.actor = std::string(dn);
    e.client_ip = client.ip;
    e.target_type = "user";
    e.target_id = attempt.user_id;
    e.detail_json = JsonObject({{"outcome", result.ok() ? "success" : attempt.reason},
                                {"tls", client.tls ? "true" : "false"}});
    audit_->Record(std::move(e));
  }
  return result;
}

Result<Principal> LdapService::Authenticate(std::string_view dn, std::string_view password,
                                            const ClientInfo& client, BindAttempt* attempt) {
  if (dn.empty() && password.empty()) {
    return Status(Code::kInappropriateAuthentication, "anonymous bind disallowed");
  }
  if (password.empty()) {
    // RFC 4513 §5.1.2: an unauthenticated bind must not pass for a successful one.
    return Status(Code::kUnwillingToPerform, "unauthenticated bind (DN with no password) disallowed");
  }
  if (settings_.ldap.require_tls_for_bind && !client.tls) {
    return Status(Code::kConfidentialityRequired, "TLS is required to bind with a password");
  }
  auto ndn = ldap::NormalizeDn(dn);
  if (!ndn.ok()) return Status(Code::kInvalidDnSyntax, "invalid DN syntax");
  std::shared_ptr<const dit::Snapshot> snap;
  const dit::Entry* entry = nullptr;
  if (auto org = OrgOfNdn(*ndn)) {
    snap = registry_.Get(*org);
    if (snap) attempt->org_id = *org;
    if (snap) {
      auto idx = snap->FindByNdn(*ndn);
      if (idx && snap->entry(*idx).kind == dit::EntryKind::kUser) entry = &snap->entry(*idx);
    }
  }
  const int64_t now = NowMicros();
  const int64_t ip_window = int64_t{settings_.ldap.failed_bind_window_seconds} * 1000000;
  const uint32_t ip_limit = settings_.ldap.max_failed_binds_per_ip;
  if (ip_limit > 0 && ip_failures_.Count(client.ip, now, ip_window) >= ip_limit) {
    // Throttled addresses are refused before any hashing: the same answer for every account.
    attempt->reason = "client address throttled after repeated failures";
    return InvalidCredentials();
  }
  if (entry == nullptr || entry->password_hash().empty()) {
    hasher_.Verify(dummy_hash_, password);  // same cost as a real check
    attempt->reason = entry == nullptr ? "unknown DN" : "no password set";
    ip_failures_.Fail(client.ip, now, ip_window);
    return InvalidCredentials();
  }
  const std::string user_id(entry->model_id());
  attempt->user_id = user_id;
  bool ok = VerifyPassword(snap->org_id(), user_id, std::string(entry->password_hash()), password);
  if (!ok || !entry->can_bind) {
    attempt->reason = !ok ? "wrong password" : "not allowed to bind (locked or expired)";
    ip_failures_.Fail(client.ip, now, ip_window);
    if (!ok) {
      CountFailure(snap->org_id(), snap->settings().lockout, user_id, entry->locked_until,
                   now);
    }
    return InvalidCredentials();
  }
  user_failures_.Reset(user_id);
  Principal p;
  p.dn = entry->dn();
  p.org_id = snap->org_id();
  p.user_id = user_id;
  p.binding_user = entry->binding_user;
  return p;
}

bool LdapService::VerifyPassword(const std::string& org_id, const std::string& user_id,
                                 const std::string& stored_hash, std::string_view password) {
  if (cache_.Check(user_id, stored_hash, password)) return true;
  VerifyResult v = hasher_.Verify(stored_hash, password);
  if (!v.ok) return false;
  cache_.Remember(user_id, stored_hash, password);
  if (v.needs_rehash) UpgradeHash(org_id, user_id, stored_hash, password);
  return true;
}

void LdapService::CountFailure(const std::string& org_id, const directory::LockoutPolicy& policy,
                               const std::string& user_id, int64_t locked_until, int64_t now) {
  if (!policy.enabled || policy.max_failures == 0) return;
  if (locked_until > now) return;  // already locked
  uint32_t failures = user_failures_.Fail(user_id, now, int64_t{policy.window_seconds} * 1000000);
  if (failures < policy.max_failures) return;
  auto txn = store_.Begin();
  if (!txn.ok()) return;
  auto user = (*txn)->GetUser(org_id, user_id);
  if (!user.ok() || (user->account_locked && user->locked_until == 0)) return;
  user->account_locked = true;
  user->locked_until =
      policy.unlock_after_seconds > 0 ? now + int64_t{policy.unlock_after_seconds} * 1000000 : 0;
  store::AuditEvent e;
  e.time = now;
  e.org_id = org_id;
  e.service = "ldap";
  e.event_type = "user_lockout";
  e.success = true;
  e.actor_type = "system";
  e.target_type = "user";
  e.target_id = user->id;
  e.detail_json = "{\"failures\":" + std::to_string(failures) + ",\"locked_until\":\"" +
                  (user->locked_until ? FormatRfc3339(user->locked_until) : "manual unlock") +
                  "\"}";
  if (!(*txn)->UpdateUser(*user).ok() || !(*txn)->AppendAuditEvent(e).ok() ||
      !(*txn)->Commit().ok()) {
    return;
  }
  LogWarn("ldap.user_locked", {{"org", e.org_id}, {"user", e.target_id}});
  user_failures_.Reset(user_id);
  cache_.Invalidate(user_id);
  (void)follower_.Refresh(org_id);
}

Result<directory::User> LdapService::SignInAdmin(std::string_view org, std::string_view username,
                                                 std::string_view password,
                                                 const ClientInfo& client) {
  std::string org_id, reason;
  Result<directory::User> result = CheckAdmin(org, username, password, client, &org_id, &reason);
  if (org_id.empty() || audit_ == nullptr) {
    LogInfo("console.sign_in",
            {{"org", org},
             {"username", username},
             {"outcome", result.ok() ? std::string_view("success") : std::string_view(reason)},
             {"client_ip", client.ip}});
  } else {
    store::AuditEvent e;
    e.org_id = org_id;
    e.service = "directory";
    e.event_type = "admin_login_attempt";  // JumpCloud's name for console sign-ins
    e.success = result.ok();
    e.actor_type = "user";
    e.actor = std::string(username);
    e.client_ip = client.ip;
    e.target_type = "user";
    e.target_id = result.ok() ? result->id : "";
    e.detail_json = JsonObject({{"outcome", result.ok() ? "success" : reason},
                                {"via", "console"},
                                {"tls", client.tls ? "true" : "false"}});
    audit_->Record(std::move(e));
  }
  return result;
}

Result<directory::User> LdapService::CheckAdmin(std::string_view org, std::string_view username,
                                                std::string_view password, const ClientInfo& client,
                                                std::string* org_id, std::string* reason) {
  const int64_t now = NowMicros();
  const int64_t ip_window = int64_t{settings_.ldap.failed_bind_window_seconds} * 1000000;
  const uint32_t ip_limit = settings_.ldap.max_failed_binds_per_ip;
  auto refuse = [&](std::string why) {
    *reason = std::move(why);
    ip_failures_.Fail(client.ip, now, ip_window);
    return Status(Code::kInvalidCredentials,
                  "wrong organization, username or password, or the account may not sign in");
  };
  if (ip_limit > 0 && ip_failures_.Count(client.ip, now, ip_window) >= ip_limit) {
    *reason = "client address throttled after repeated failures";
    return Status(Code::kInvalidCredentials, "too many failed attempts; try again later");
  }
  auto organization = admin_.ResolveOrg(org);
  std::optional<directory::User> user;
  if (organization.ok()) {
    *org_id = organization->id;
    // By username only (ResolveUser also takes ids); usernames are lowercase.
    std::string name(username);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto found = admin_.ResolveUser(organization->id, name);
    if (found.ok() && found->username == name) user = std::move(*found);
  }
  if (!user || user->password_hash.empty()) {
    hasher_.Verify(dummy_hash_, password);  // same cost as a real check
    return refuse(!organization.ok() ? "unknown organization"
                  : !user            ? "unknown user"
                                     : "no password set");
  }
  const int64_t locked_until = user->account_locked ? user->locked_until : 0;
  if (!VerifyPassword(*org_id, user->id, user->password_hash, password)) {
    CountFailure(*org_id, organization->settings.lockout, user->id, locked_until, now);
    return refuse("wrong password");
  }
  if (auto why = ConsoleRefusal(*user, now)) return refuse(*why);
  user_failures_.Reset(user->id);
  return *std::move(user);
}

void LdapService::UpgradeHash(const std::string& org_id, const std::string& user_id,
                              const std::string& old_hash, std::string_view password) {
  auto fresh = hasher_.Hash(password);
  if (!fresh.ok()) return;
  auto txn = store_.Begin();
  if (!txn.ok()) return;
  auto user = (*txn)->GetUser(org_id, user_id);
  // Only replace what was verified: a concurrent password change wins.
  if (!user.ok() || user->password_hash != old_hash) return;
  user->password_hash = *fresh;
  if ((*txn)->UpdateUser(*user).ok() && (*txn)->Commit().ok()) {
    // The next bind will see the new hash: remember it so that bind does not pay Argon2id.
    cache_.Remember(user_id, *fresh, password);
    LogInfo("ldap.password_rehashed", {{"org", org_id}, {"user", user_id}});
  }
}

SearchOutcome LdapService::Search(const Principal& who, const ldap::SearchRequest& request,
                                  std::chrono::steady_clock::time_point deadline) {
  SearchOutcome out;
  auto ndn = ldap::NormalizeDn(request.base);
  if (!ndn.ok()) {
    out.status = Status(Code::kInvalidDnSyntax, "invalid base DN");
    return out;
  }
  // The root DSE and the subschema entry are readable by anyone (RFC 4512 §5.1).
  if (ndn->empty() || *ndn == subschema_.ndn()) {
    const dit::Entry& special = ndn->empty() ? root_dse_ : subschema_;
    if (request.scope == ldap::SearchScope::kBaseObject) {
      out.entries.push_back(&special);
    }
    return out;
  }
  if (!who.authenticated()) {
    out.status = Status(Code::kInsufficientAccessRights, "a successful bind is required");
    return out;
  }
  auto snap = registry_.Get(who.org_id);
  if (!snap) {
    out.status = Status(Code::kNoSuchObject, "no such object");
    return out;
  }
  uint32_t base = 0;
  dit::Scope scope = ToScope(request.scope);
  if (*ndn == suffix_ndn_) {
    // The suffix holds every org; a tenant sees only its own subtree under it.
    if (scope == dit::Scope::kBase) {
      out.status = Status(Code::kNoSuchObject, "no such object");
      return out;
    }
    base = dit::kOrgEntry;
    if (scope == dit::Scope::kOneLevel) scope = dit::Scope::kBase;
  } else {
    auto org = OrgOfNdn(*ndn);
    auto idx = org && *org == who.org_id ? snap->FindByNdn(*ndn) : std::nullopt;
    if (!idx) {
      out.status = Status(Code::kNoSuchObject, "no such object");
      if (org && *org == who.org_id && ldap::IsDescendantOrSelf(*ndn, snap->entry(dit::kUsersOuEntry).ndn())) {
        out.matched_dn = snap->entry(dit::kUsersOuEntry).dn();
      }
      return out;
    }
    base = *idx;
  }
  out.keep_alive = snap;
  if (!MaySearch(who, *snap)) return out;  // success, no entries (JumpCloud's rule)
  dit::CompiledFilter filter(request.filter, *snap);
  if (std::chrono::steady_clock::now() > deadline) {
    out.status = Status(Code::kTimeLimitExceeded, "time limit exceeded");
    return out;
  }
  for (uint32_t i : dit::FindMatching(*snap, base, scope, filter)) {
    out.entries.push_back(&snap->entry(i));
  }
  return out;
}

Status LdapService::Compare(const Principal& who, const ldap::CompareRequest& request) {
  if (!who.authenticated()) {
    return Status(Code::kInsufficientAccessRights, "a successful bind is required");
  }
  auto ndn = ldap::NormalizeDn(request.entry);
  if (!ndn.ok()) return Status(Code::kInvalidDnSyntax, "invalid DN");
  auto snap = registry_.Get(who.org_id);
  auto org = OrgOfNdn(*ndn);
  std::optional<uint32_t> idx;
  if (snap && org && *org == who.org_id) idx = snap->FindByNdn(*ndn);
  if (!idx) return Status(Code::kNoSuchObject, "no such object");
  if (!MaySearch(who, *snap) && snap->entry(*idx).dn() != who.dn) {
    return Status(Code::kNoSuchObject, "no such object");
  }
  auto attr = dit::LookupAttribute(request.attribute);
  if (!attr) return Status(Code::kUndefinedAttributeType, "unknown attribute type");
  if (*attr == dit::Attr::kUserPassword) {
    return Status(Code::kInsufficientAccessRights, "userPassword cannot be compared");
  }
  ldap::Filter f;
  f.kind = ldap::FilterKind::kEqual;
  f.attribute = request.attribute;
  f.value = request.value;
  dit::CompiledFilter filter(f, *snap);
  if (!snap->entry(*idx).Find(*attr)) {
    return Status(Code::kNoSuchAttribute, "the entry has no such attribute");
  }
  return filter.Matches(*idx) ? Status(Code::kCompareTrue, "")
                              : Status(Code::kCompareFalse, "");
}

Status LdapService::ModifyPassword(const Principal& who, std::optional<std::string> identity,
                                   std::optional<std::string> old_password,
                                   std::optional<std::string> new_password) {
  if (!who.authenticated()) {
    return Status(Code::kUnwillingToPerform, "bind before changing a password");
  }
  if (identity && !identity->empty()) {
    auto a = ldap::NormalizeDn(*identity);
    auto b = ldap::NormalizeDn(who.dn);
    if (!a.ok() || !b.ok() || *a != *b) {
      return Status(Code::kInsufficientAccessRights, "users may change only their own password");
    }
  }
  if (!old_password || old_password->empty()) {
    return Status(Code::kUnwillingToPerform, "the old password is required");
  }
  if (!new_password || new_password->empty()) {
    return Status(Code::kUnwillingToPerform, "a new password is required");
  }
  auto user = admin_.GetUser(who.org_id, who.user_id);
  if (!user.ok()) return Status(Code::kNoSuchObject, "no such user");
  if (!hasher_.Verify(user->password_hash, *old_password).ok) {
    return Status(Code::kInvalidCredentials, "the old password is wrong");
  }
  auto changed = admin_.SetPassword(who.org_id, who.user_id, *new_password);
  if (!changed.ok()) {
    return Status(Code::kConstraintViolation, changed.status().message());
  }
  cache_.Invalidate(who.user_id);
  return follower_.Refresh(who.org_id);
}

}  // namespace skydir::service
