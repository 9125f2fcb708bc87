#include "scim/provisioner.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/ids.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"
#include "scim/http_client.h"
#include "scim/resources.h"

namespace skydir::scim {

namespace json = boost::json;
using directory::Application;
using directory::Group;
using directory::User;
using store::MemberKind;
using store::ScimJob;
using store::ScimJobKind;
using store::ScimLink;

namespace {

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kConfigRefreshMicros = 600 * kMicrosPerSecond;

// --- Talking to the target -------------------------------------------------------------------

enum class Verdict { kOk, kNotFound, kRetry, kAuth, kRefused };

Verdict Classify(const HttpReply& reply) {
  const long s = reply.status;
  if (s >= 200 && s < 300) return Verdict::kOk;
  if (s == 404) return Verdict::kNotFound;
  if (s == 401 || s == 403) return Verdict::kAuth;
  if (s == 0 || s == 408 || s == 425 || s == 429 || s >= 500) return Verdict::kRetry;
  return Verdict::kRefused;
}

metrics::Counter* RequestCounter(std::string_view method, const HttpReply& reply) {
  static metrics::Family* family = metrics::Registry::Default().Register(
      "skydir_scim_requests_total", "SCIM requests sent to applications, by method and answer",
      metrics::Kind::kCounter, {"method", "status"});
  std::string status = reply.status == 0 ? "error" : std::to_string(reply.status / 100) + "xx";
  return family->CounterFor({std::string(method), status});
}

metrics::Counter* JobCounter(std::string_view result) {
  static metrics::Family* family = metrics::Registry::Default().Register(
      "skydir_scim_jobs_total", "Provisioning jobs finished, by result", metrics::Kind::kCounter,
      {"result"});
  return family->CounterFor({std::string(result)});
}

// "POST /Users: 400 email invalid" for logs, job errors and the status page.
std::string Describe(std::string_view method, std::string_view path, const HttpReply& reply) {
  std::string where = std::string(method) + " " + std::string(path.substr(0, path.find('?')));
  if (reply.status == 0) return where + ": " + reply.error;
  std::string detail = ErrorDetail(reply.body);
  return where + ": " + std::to_string(reply.status) + (detail.empty() ? "" : " " + detail);
}

// Seconds of a Retry-After header (delay-seconds form); nullopt otherwise.
std::optional<int64_t> RetryAfterSeconds(const std::string& header) {
  if (header.empty() || header.size() > 9) return std::nullopt;
  int64_t seconds = 0;
  for (char c : header) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

json::object ParseObject(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

// --- Who should be in the application --------------------------------------------------------

struct Coverage {
  std::unordered_map<std::string, const User*> users;
  std::unordered_map<std::string, const Group*> groups;
  std::unordered_set<std::string> covered;  // user ids
  // Associated group id -> its activated users, directly or through nested groups, sorted.
  std::map<std::string, std::vector<std::string>> effective;
};

Coverage ComputeCoverage(const directory::OrgData& org, const Application& app) {
  Coverage c;
  for (const User& u : org.users) c.users[u.id] = &u;
  for (const Group& g : org.groups) c.groups[g.id] = &g;
  for (const std::string& root : app.group_ids) {
    if (!c.groups.contains(root)) continue;
    std::set<std::string> members;
    std::unordered_set<std::string> seen{root};
    std::vector<const Group*> stack{c.groups[root]};
    while (!stack.empty()) {
      const Group* g = stack.back();
      stack.pop_back();
      for (const std::string& uid : g->member_users) {
        auto it = c.users.find(uid);
        if (it != c.users.end() && it->second->state == directory::UserState::kActivated) {
          members.insert(uid);
        }
      }
      for (const std::string& child : g->member_groups) {
        auto it = c.groups.find(child);
        if (it != c.groups.end() && seen.insert(child).second) stack.push_back(it->second);
      }
    }
    c.covered.insert(members.begin(), members.end());
    c.effective[root] = std::vector<std::string>(members.begin(), members.end());
  }
  return c;
}

// --- One job's result ------------------------------------------------------------------------

struct Outcome {
  enum class Result { kDone, kRetry, kFailed, kSkipped };
  const ScimJob* job = nullptr;
  Result result = Result::kSkipped;
  std::string error;
  int64_t retry_after_micros = -1;  // from Retry-After; -1: use backoff
  bool auth_failure = false;
  int requests_ok = 0;
  std::optional<ScimLink> put_link;
  bool delete_link = false;
  bool membership_changed = false;  // a user's presence in the target changed
  std::string old_remote_id;        // the user's remote id before (for group member updates)
  std::vector<store::AuditEvent> events;
};

}  // namespace

// The HTTP clients of one application (one per concurrent request), and what its
// /ServiceProviderConfig said.
struct Provisioner::Clients {
  int64_t app_updated = 0;
  std::vector<std::unique_ptr<ScimHttp>> http;
  bool patch_supported = true;
  int64_t config_checked = 0;
};

namespace {

// Everything a batch's workers share, read-only while they run.
class Batch {
 public:
  Batch(const Application& app, const Coverage& coverage,
        std::unordered_map<std::string, ScimLink> user_links,
        std::unordered_map<std::string, ScimLink> group_links, bool patch)
      : app_(app), coverage_(coverage), user_links_(std::move(user_links)),
        group_links_(std::move(group_links)), patch_(patch) {}

  Outcome User(ScimHttp& http, const ScimJob& job) const;
  Outcome Group(ScimHttp& http, const ScimJob& job) const;

  // Folds finished user outcomes into the links that group pushes read.
  void Apply(const Outcome& o) {
    if (o.delete_link) user_links_.erase(o.job->object_id);
    if (o.put_link) user_links_[o.job->object_id] = *o.put_link;
  }
  const std::unordered_map<std::string, ScimLink>& user_links() const { return user_links_; }
  const std::unordered_map<std::string, ScimLink>& group_links() const { return group_links_; }

 private:
  // Sends one request; counts it, and turns a failure into the outcome's verdict.
  HttpReply Send(ScimHttp& http, Outcome& o, std::string_view method, const std::string& path,
                 const std::string& body = {}) const;
  // Marks `o` failed from `reply` (retry, auth or refused) with a description.
  Outcome& Fail(Outcome& o, std::string_view method, const std::string& path,
                const HttpReply& reply) const;
  void Event(Outcome& o, std::string_view type, std::string_view target_type,
             std::string_view remote_id, long status) const;
  // Brings the target's copy `remote_id` to `after` (PATCH with the differences from `before`,
  // or PUT where PATCH is not supported). kNotFound when the target no longer has it.
  Verdict UpdateUser(ScimHttp& http, Outcome& o, const std::string& remote_id,
                     const json::object& before, const json::object& after) const;
  // Reads the target's copy of user `remote_id` into `out` (`gone` when it has none). False
  // (with `o` failed) when the read failed.
  bool Fetch(ScimHttp& http, Outcome& o, const std::string& remote_id, json::object& out,
             bool& gone) const;
  // The remote id of the resource whose `attribute` is `value` (lookup before create).
  std::optional<std::string> Lookup(ScimHttp& http, Outcome& o, std::string_view resource,
                                    std::string_view attribute, const std::string& value,
                                    bool* failed) const;

  const Application& app_;
  const Coverage& coverage_;
  std::unordered_map<std::string, ScimLink> user_links_;
  std::unordered_map<std::string, ScimLink> group_links_;
  const bool patch_;
};

HttpReply Batch::Send(ScimHttp& http, Outcome& o, std::string_view method,
                      const std::string& path, const std::string& body) const {
  HttpReply reply = http.Send(method, path, body);
  RequestCounter(method, reply)->Add();
  if (reply.status >= 200 && reply.status < 300) ++o.requests_ok;
  return reply;
}

Outcome& Batch::Fail(Outcome& o, std::string_view method, const std::string& path,
                     const HttpReply& reply) const {
  o.error = Describe(method, path, reply);
  switch (Classify(reply)) {
    case Verdict::kAuth:
      o.auth_failure = true;
      o.result = Outcome::Result::kRetry;
      break;
    case Verdict::kRetry:
      o.result = Outcome::Result::kRetry;
      if (auto seconds = RetryAfterSeconds(reply.retry_after)) {
        o.retry_after_micros = *seconds * kMicrosPerSecond;
      }
      break;
    default:
      o.result = Outcome::Result::kFailed;
      break;
  }
  return o;
}

void Batch::Event(Outcome& o, std::string_view type, std::string_view target_type,
                  std::string_view remote_id, long status) const {
  store::AuditEvent e;
  e.org_id = app_.org_id;
  e.service = "scim";
  e.event_type = std::string(type);
  e.success = true;
  e.actor_type = "system";
  e.actor = "provisioning";
  e.target_type = std::string(target_type);
  e.target_id = o.job->object_id;
  e.detail_json = json::serialize(json::object{{"application_id", app_.id},
                                               {"application", app_.name},
                                               {"remote_id", remote_id},
                                               {"status", status}});
  o.events.push_back(std::move(e));
}

std::optional<std::string> Batch::Lookup(ScimHttp& http, Outcome& o, std::string_view resource,
                                         std::string_view attribute, const std::string& value,
                                         bool* failed) const {
  const std::string path = "/" + std::string(resource) +
                           "?filter=" + http.Escape(EqFilter(attribute, value));
  HttpReply reply = Send(http, o, "GET", path);
  *failed = false;
  if (reply.status == 200) return FindListed(reply.body, attribute, value);
  // A target that cannot filter (400, 501) is simply asked to create; anything else is a failure.
  if (reply.status == 400 || reply.status == 501) return std::nullopt;
  Fail(o, "GET", path, reply);
  *failed = true;
  return std::nullopt;
}

bool Batch::Fetch(ScimHttp& http, Outcome& o, const std::string& remote_id, json::object& out,
                  bool& gone) const {
  const std::string path = "/Users/" + http.Escape(remote_id);
  HttpReply reply = Send(http, o, "GET", path);
  gone = reply.status == 404;
  if (gone) return true;
  if (reply.status != 200) {
    Fail(o, "GET", path, reply);
    return false;
  }
  out = ParseObject(reply.body);
  return true;
}

Verdict Batch::UpdateUser(ScimHttp& http, Outcome& o, const std::string& remote_id,
                          const json::object& before, const json::object& after) const {
  const std::string path = "/Users/" + http.Escape(remote_id);
  HttpReply reply;
  std::string_view method;
  if (patch_) {
    json::array ops = UserPatchOps(before, after);
    if (ops.empty()) return Verdict::kOk;
    method = "PATCH";
    reply = Send(http, o, method, path, json::serialize(PatchRequest(std::move(ops))));
  } else {
    json::object body = after;
    body["id"] = remote_id;
    method = "PUT";
    reply = Send(http, o, method, path, json::serialize(body));
  }
  Verdict v = Classify(reply);
  if (v != Verdict::kOk && v != Verdict::kNotFound) Fail(o, method, path, reply);
  return v;
}

Outcome Batch::User(ScimHttp& http, const ScimJob& job) const {
  Outcome o;
  o.job = &job;
  auto user_it = coverage_.users.find(job.object_id);
  const directory::User* user = user_it == coverage_.users.end() ? nullptr : user_it->second;
  auto link_it = user_links_.find(job.object_id);
  const ScimLink* link = link_it == user_links_.end() ? nullptr : &link_it->second;
  if (link) o.old_remote_id = link->remote_id;
  const bool wanted = user != nullptr && coverage_.covered.contains(job.object_id);

  if (!wanted) {
    o.result = Outcome::Result::kDone;
    if (link == nullptr) return o;
    const std::string path = "/Users/" + http.Escape(link->remote_id);
    if (app_.scim.deprovision == directory::Deprovision::kDelete) {
      HttpReply reply = Send(http, o, "DELETE", path);
      Verdict v = Classify(reply);
      if (v != Verdict::kOk && v != Verdict::kNotFound) return Fail(o, "DELETE", path, reply);
      o.delete_link = true;
      o.membership_changed = true;
      Event(o, "scim_user_delete", "user", link->remote_id, reply.status);
      return o;
    }
    // Already deactivated, unless a full sync forgot that (someone may have reactivated it).
    if (!link->active && !link->pushed.empty()) return o;
    json::object before = ParseObject(link->pushed);
    json::object after = before;
    if (after.empty() && user != nullptr) after = UserResource(*user, false);
    after["active"] = false;
    // PUT needs the whole resource; without one (never pushed), PATCH is the only way.
    HttpReply reply;
    std::string_view method = patch_ || after.size() <= 1 ? "PATCH" : "PUT";
    if (method == "PATCH") {
      json::array ops{json::object{{"op", "replace"}, {"path", "active"}, {"value", false}}};
      reply = Send(http, o, method, path, json::serialize(PatchRequest(std::move(ops))));
    } else {
      json::object body = after;
      body["id"] = link->remote_id;
      reply = Send(http, o, method, path, json::serialize(body));
    }
    const Verdict v = Classify(reply);
    if (v == Verdict::kNotFound) {  // already gone from the target
      o.delete_link = true;
      o.membership_changed = true;
      return o;
    }
    if (v != Verdict::kOk) return Fail(o, method, path, reply);
    ScimLink updated = *link;
    updated.active = false;
    updated.pushed = json::serialize(after);
    updated.updated = NowMicros();
    o.put_link = std::move(updated);
    o.membership_changed = true;
    Event(o, "scim_user_deactivate", "user", link->remote_id, reply.status);
    return o;
  }

  const json::object doc = UserResource(*user, true);
  const std::string text = json::serialize(doc);
  auto linked = [&](const std::string& remote_id, std::string_view event, long status) {
    ScimLink l{app_.id, MemberKind::kUser, job.object_id, remote_id, text, true, NowMicros()};
    o.membership_changed = link == nullptr || !link->active || link->remote_id != remote_id;
    o.put_link = std::move(l);
    o.result = Outcome::Result::kDone;
    Event(o, event, "user", remote_id, status);
    return o;
  };
  if (link != nullptr) {
    if (link->active && link->pushed == text) {
      o.result = Outcome::Result::kDone;
      return o;
    }
    json::object before = ParseObject(link->pushed);
    bool gone = false;
    if (before.empty() && !Fetch(http, o, link->remote_id, before, gone)) return o;
    Verdict v = gone ? Verdict::kNotFound : UpdateUser(http, o, link->remote_id, before, doc);
    if (v == Verdict::kOk) {
      return linked(link->remote_id, link->active ? "scim_user_update" : "scim_user_reactivate",
                    200);
    }
    if (v != Verdict::kNotFound) return o;
    o.error.clear();  // the target lost it: create it again below
  }
  bool failed = false;
  std::optional<std::string> existing = Lookup(http, o, "Users", "userName", user->email, &failed);
  if (failed) return o;
  if (existing) {
    json::object before;
    bool gone = false;
    if (!Fetch(http, o, *existing, before, gone)) return o;
    Verdict v = gone ? Verdict::kNotFound : UpdateUser(http, o, *existing, before, doc);
    if (v == Verdict::kOk) return linked(*existing, "scim_user_adopt", 200);
    if (v == Verdict::kNotFound) {
      o.result = Outcome::Result::kRetry;
      o.error = "PATCH /Users: 404 right after the lookup found it";
    }
    return o;
  }
  HttpReply reply = Send(http, o, "POST", "/Users", text);
  if (Classify(reply) != Verdict::kOk) return Fail(o, "POST", "/Users", reply);
  std::optional<std::string> id = ResourceId(reply.body);
  if (!id) {
    o.result = Outcome::Result::kFailed;
    o.error = "POST /Users: " + std::to_string(reply.status) + " without an id in the reply";
    return o;
  }
  return linked(*id, "scim_user_create", reply.status);
}

Outcome Batch::Group(ScimHttp& http, const ScimJob& job) const {
  Outcome o;
  o.job = &job;
  o.result = Outcome::Result::kDone;
  if (!app_.scim.group_management) return o;
  auto group_it = coverage_.groups.find(job.object_id);
  const directory::Group* group =
      group_it == coverage_.groups.end() ? nullptr : group_it->second;
  auto link_it = group_links_.find(job.object_id);
  const ScimLink* link = link_it == group_links_.end() ? nullptr : &link_it->second;
  auto effective = coverage_.effective.find(job.object_id);
  const bool associated = group != nullptr && effective != coverage_.effective.end();

  std::vector<GroupMember> members;
  if (associated) {
    for (const std::string& uid : effective->second) {
      auto l = user_links_.find(uid);
      if (l == user_links_.end() || !l->second.active) continue;
      members.push_back({l->second.remote_id, coverage_.users.at(uid)->email});
    }
  }
  if (!associated || (link == nullptr && members.empty())) {
    if (link == nullptr) return o;
    const std::string path = "/Groups/" + http.Escape(link->remote_id);
    HttpReply reply = Send(http, o, "DELETE", path);
    Verdict v = Classify(reply);
    if (v != Verdict::kOk && v != Verdict::kNotFound) return Fail(o, "DELETE", path, reply);
    o.delete_link = true;
    Event(o, "scim_group_delete", "group", link->remote_id, reply.status);
    return o;
  }

  const json::object doc = GroupResource(group->name, group->id, members);
  const std::string text = json::serialize(doc);
  auto linked = [&](const std::string& remote_id, std::string_view event, long status) {
    o.put_link = ScimLink{app_.id, MemberKind::kGroup, job.object_id, remote_id, text, true,
                          NowMicros()};
    o.result = Outcome::Result::kDone;
    Event(o, event, "group", remote_id, status);
    return o;
  };
  // Brings the remote group `remote_id` to `doc`: PATCH with member adds and removes from
  // `before` (all members replaced when `before` is unknown), or PUT.
  auto update = [&](const std::string& remote_id, const json::object& before) -> Verdict {
    const std::string path = "/Groups/" + http.Escape(remote_id);
    std::string_view method = patch_ ? "PATCH" : "PUT";
    std::string body;
    if (patch_) {
      json::array ops;
      const json::value* old_name = before.if_contains("displayName");
      if (old_name == nullptr || *old_name != doc.at("displayName")) {
        ops.push_back(json::object{{"op", "replace"}, {"path", "displayName"},
                                   {"value", doc.at("displayName")}});
      }
      const json::value* old_members = before.if_contains("members");
      if (old_members == nullptr || !old_members->is_array()) {
        ops.push_back(
            json::object{{"op", "replace"}, {"path", "members"}, {"value", doc.at("members")}});
      } else {
        std::set<std::string> had, has;
        for (const json::value& m : old_members->as_array()) {
          if (m.is_object() && m.as_object().contains("value")) {
            had.insert(std::string(m.as_object().at("value").as_string()));
          }
        }
        json::array added, removed;
        for (const json::value& m : doc.at("members").as_array()) {
          std::string value(m.as_object().at("value").as_string());
          has.insert(value);
          if (!had.contains(value)) added.push_back(m);
        }
        for (const std::string& value : had) {
          if (!has.contains(value)) removed.push_back(json::object{{"value", value}});
        }
        if (!added.empty()) {
          ops.push_back(json::object{{"op", "add"}, {"path", "members"}, {"value", added}});
        }
        if (!removed.empty()) {
          ops.push_back(json::object{{"op", "remove"}, {"path", "members"}, {"value", removed}});
        }
      }
      if (ops.empty()) return Verdict::kOk;
      body = json::serialize(PatchRequest(std::move(ops)));
    } else {
      json::object full = doc;
      full["id"] = remote_id;
      body = json::serialize(full);
    }
    HttpReply reply = Send(http, o, method, path, body);
    Verdict v = Classify(reply);
    if (v != Verdict::kOk && v != Verdict::kNotFound) Fail(o, method, path, reply);
    return v;
  };

  if (link != nullptr) {
    if (link->pushed == text) return o;
    Verdict v = update(link->remote_id, ParseObject(link->pushed));
    if (v == Verdict::kOk) return linked(link->remote_id, "scim_group_update", 200);
    if (v != Verdict::kNotFound) return o;
    o.error.clear();  // gone from the target: create it again
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool failed = false;
    std::optional<std::string> existing =
        Lookup(http, o, "Groups", "displayName", group->name, &failed);
    if (failed) return o;
    if (existing) {
      Verdict v = update(*existing, json::object{});
      if (v == Verdict::kOk) return linked(*existing, "scim_group_adopt", 200);
      if (v == Verdict::kNotFound) {
        o.result = Outcome::Result::kRetry;
        o.error = "group " + *existing + " vanished right after the lookup found it";
      }
      return o;
    }
    if (attempt == 1) break;
    HttpReply reply = Send(http, o, "POST", "/Groups", text);
    if (reply.status == 409) continue;  // created meanwhile, or the lookup missed it: look again
    if (Classify(reply) != Verdict::kOk) return Fail(o, "POST", "/Groups", reply);
    std::optional<std::string> id = ResourceId(reply.body);
    if (!id) {
      o.result = Outcome::Result::kFailed;
      o.error = "POST /Groups: " + std::to_string(reply.status) + " without an id in the reply";
      return o;
    }
    return linked(*id, "scim_group_create", reply.status);
  }
  o.result = Outcome::Result::kFailed;
  o.error = "POST /Groups: 409, and no group named '" + group->name + "' can be found to adopt";
  return o;
}

// Runs `fn(worker, index)` for every index in [0, count) on `workers` threads.
template <typename Fn>
void Parallel(size_t workers, size_t count, Fn&& fn) {
  std::atomic<size_t> next{0};
  auto run = [&](size_t worker) {
    for (size_t i = next++; i < count; i = next++) fn(worker, i);
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < std::min(workers, count); ++w) threads.emplace_back(run, w);
  run(0);
  for (std::thread& t : threads) t.join();
}

int64_t Jitter(int64_t micros) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> half(micros / 2, micros);
  return half(rng);
}

// Writes a chunk's results in one transaction: links, each job done, retried or failed, group
// jobs for memberships that changed, and the application's health; then records the audit
// events. Returns the time until which the application should pause (0: no pause).
Result<int64_t> CommitOutcomes(store::Store& store, const ProvisioningSettings& settings,
                               service::AuditLog* audit, const Application& app,
                               const Coverage& coverage, const Batch& batch,
                               std::vector<Outcome>& outcomes) {
  auto txn = store.Begin();
  if (!txn.ok()) return txn.status();
  store::Transaction& t = **txn;
  const int64_t now = NowMicros();
  int64_t pause = 0;
  int64_t requests_ok = 0, failures = 0;
  std::string last_error;
  std::set<std::string> touch_groups;
  std::vector<store::AuditEvent> events;
  for (Outcome& o : outcomes) {
    if (o.job == nullptr) continue;
    const ScimJob& job = *o.job;
    const MemberKind kind = job.kind == ScimJobKind::kUser ? MemberKind::kUser : MemberKind::kGroup;
    requests_ok += o.requests_ok;
    switch (o.result) {
      case Outcome::Result::kSkipped:
        continue;
      case Outcome::Result::kDone:
        if (o.delete_link) SKYDIR_RETURN_IF_ERROR(t.DeleteScimLink(app.id, kind, job.object_id));
        if (o.put_link) SKYDIR_RETURN_IF_ERROR(t.PutScimLink(*o.put_link));
        SKYDIR_RETURN_IF_ERROR(t.CompleteScimJob(job));
        JobCounter("done")->Add();
        if (kind == MemberKind::kUser && o.membership_changed && app.scim.group_management) {
          for (const auto& [group_id, members] : coverage.effective) {
            if (std::binary_search(members.begin(), members.end(), job.object_id)) {
              touch_groups.insert(group_id);
            }
          }
          if (!o.old_remote_id.empty()) {
            const std::string quoted = "\"" + o.old_remote_id + "\"";
            for (const auto& [group_id, link] : batch.group_links()) {
              if (link.pushed.find(quoted) != std::string::npos) touch_groups.insert(group_id);
            }
          }
        }
        break;
      case Outcome::Result::kRetry: {
        int64_t delay = o.retry_after_micros;
        if (delay < 0) {
          const int64_t max = int64_t{settings.retry_max_seconds} * kMicrosPerSecond;
          const int shift = static_cast<int>(std::min<int64_t>(job.attempts, 30));
          delay = Jitter(std::min(max, int64_t{settings.retry_base_millis} * kMicrosPerMilli
                                           << shift));
        }
        SKYDIR_RETURN_IF_ERROR(t.RetryScimJob(job, now + delay, o.error));
        pause = std::max(pause, now + delay);
        ++failures;
        last_error = o.error;
        JobCounter("retry")->Add();
        break;
      }
      case Outcome::Result::kFailed: {
        SKYDIR_RETURN_IF_ERROR(t.FailScimJob(job, o.error));
        last_error = o.error;
        JobCounter("failed")->Add();
        store::AuditEvent e;
        e.org_id = app.org_id;
        e.service = "scim";
        e.event_type = kind == MemberKind::kUser ? "scim_user_failed" : "scim_group_failed";
        e.success = false;
        e.actor_type = "system";
        e.actor = "provisioning";
        e.target_type = kind == MemberKind::kUser ? "user" : "group";
        e.target_id = job.object_id;
        e.detail_json = json::serialize(
            json::object{{"application_id", app.id}, {"application", app.name}, {"error", o.error}});
        events.push_back(std::move(e));
        break;
      }
    }
    for (store::AuditEvent& e : o.events) events.push_back(std::move(e));
  }
  for (const std::string& group_id : touch_groups) {
    SKYDIR_RETURN_IF_ERROR(t.EnqueueScimJob(app.id, ScimJobKind::kGroup, group_id));
  }
  SKYDIR_ASSIGN_OR_RETURN(store::ScimHealth health, t.GetScimHealth(app.id));
  const store::ScimHealth before = health;
  if (requests_ok > 0) {
    health.consecutive_failures = 0;
    health.error = false;
    health.last_success = now;
  }
  if (failures > 0 || !last_error.empty()) {
    health.last_failure = now;
    health.last_error = last_error;
  }
  if (failures > 0) {
    health.consecutive_failures += failures;
    health.error = health.consecutive_failures >= settings.error_after_failures;
  }
  if (health.error != before.error || health.last_success != before.last_success ||
      health.last_failure != before.last_failure) {
    SKYDIR_RETURN_IF_ERROR(t.PutScimHealth(health));
  }
  SKYDIR_RETURN_IF_ERROR(t.Commit());
  if (health.error != before.error) {
    if (health.error) {
      LogWarn("scim.application_error", {{"application", app.id}, {"error", health.last_error}});
    } else {
      LogInfo("scim.application_recovered", {{"application", app.id}});
    }
  }
  if (audit != nullptr) {
    for (store::AuditEvent& e : events) audit->Record(std::move(e));
  }
  return pause;
}

}  // namespace

Provisioner::Provisioner(store::Store& store, const service::Applications& apps,
                         const ProvisioningSettings& settings, service::AuditLog* audit)
    : store_(store), apps_(apps), settings_(settings), audit_(audit) {}

Provisioner::~Provisioner() { Stop(); }

void Provisioner::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  stop_requested_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Provisioner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_requested_ = true;  // a batch in progress stops after the requests in flight
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Provisioner::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Provisioner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Status s = RunDue();
    if (!s.ok()) LogWarn("scim.run_failed", {{"error", s.ToString()}});
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(settings_.poll_millis),
                 [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

Status Provisioner::RunDue() {
  std::lock_guard<std::mutex> run(run_mu_);
  std::vector<Application> apps;
  {
    auto txn = store_.Begin();
    if (!txn.ok()) return txn.status();
    SKYDIR_ASSIGN_OR_RETURN(std::vector<std::string> due, (*txn)->AppsWithDueScimJobs(NowMicros()));
    if (due.empty()) return Status::Ok();
    SKYDIR_ASSIGN_OR_RETURN(std::vector<Application> all, (*txn)->ListApplications(""));
    for (Application& app : all) {
      if (std::binary_search(due.begin(), due.end(), app.id)) apps.push_back(std::move(app));
    }
  }
  for (const Application& app : apps) {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return Status::Ok();
      }
      auto more = RunBatch(app);
      if (!more.ok()) return more.status();
      if (!*more) break;
    }
  }
  return Status::Ok();
}

Provisioner::Clients& Provisioner::ClientsFor(const Application& app, const std::string& token) {
  std::unique_ptr<Clients>& c = clients_[app.id];
  const size_t wanted = std::min<size_t>(app.scim.concurrency, settings_.max_concurrency);
  if (!c || c->app_updated != app.updated || c->http.size() != wanted) {
    c = std::make_unique<Clients>();
    c->app_updated = app.updated;
    for (size_t i = 0; i < std::max<size_t>(wanted, 1); ++i) {
      c->http.push_back(std::make_unique<ScimHttp>(app.scim.base_url, token,
                                                   settings_.request_timeout_seconds));
    }
  }
  const int64_t now = NowMicros();
  if (c->config_checked == 0 || now - c->config_checked > kConfigRefreshMicros) {
    // PATCH unless the target says it has none; a target without the endpoint gets PATCH.
    HttpReply reply = c->http[0]->Send("GET", "/ServiceProviderConfig");
    if (reply.status == 200) {
      json::object config = ParseObject(reply.body);
      const json::value* patch = config.if_contains("patch");
      if (patch != nullptr && patch->is_object()) {
        const json::value* supported = patch->as_object().if_contains("supported");
        c->patch_supported = supported == nullptr || !supported->is_bool() || supported->as_bool();
      }
    }
    if (reply.status != 0) c->config_checked = now;
  }
  return *c;
}

Result<bool> Provisioner::RunBatch(const Application& listed) {
  const int64_t now = NowMicros();
  if (auto p = paused_until_.find(listed.id); p != paused_until_.end() && p->second > now) {
    return false;
  }
  Application app;
  std::vector<ScimJob> jobs;
  std::unordered_map<std::string, ScimLink> user_links, group_links;
  {
    // The application is read with its jobs: an association committed with its job is seen
    // together with it.
    auto txn = store_.Begin();
    if (!txn.ok()) return txn.status();
    auto fresh = (*txn)->GetApplication(listed.org_id, listed.id);
    if (!fresh.ok()) {
      if (fresh.status().code() == Code::kNoSuchObject) return false;
      return fresh.status();
    }
    app = std::move(fresh).value();
    if (!app.active) return false;
    SKYDIR_ASSIGN_OR_RETURN(jobs, (*txn)->DueScimJobs(app.id, now, settings_.batch_size));
    if (jobs.empty()) return false;
    SKYDIR_ASSIGN_OR_RETURN(std::vector<ScimLink> links, (*txn)->ListScimLinks(app.id));
    for (ScimLink& l : links) {
      auto& map = l.kind == MemberKind::kUser ? user_links : group_links;
      std::string id = l.local_id;
      map.emplace(std::move(id), std::move(l));
    }
  }
  auto org = store_.LoadOrg(app.org_id);
  if (!org.ok()) return org.status();
  const Coverage coverage = ComputeCoverage(*org, app);

  // 1. Application-wide jobs become one job per object (a sync first forgets what was pushed).
  std::vector<const ScimJob*> expand, users, groups;
  for (const ScimJob& j : jobs) {
    if (j.kind == ScimJobKind::kApp || j.kind == ScimJobKind::kSync) expand.push_back(&j);
    if (j.kind == ScimJobKind::kUser) users.push_back(&j);
    if (j.kind == ScimJobKind::kGroup) groups.push_back(&j);
  }
  if (!expand.empty() || !groups.empty()) {
    auto txn = store_.Begin();
    if (!txn.ok()) return txn.status();
    std::set<std::string> user_ids, group_ids;
    if (!expand.empty()) {
      user_ids.insert(coverage.covered.begin(), coverage.covered.end());
      for (const auto& [id, l] : user_links) user_ids.insert(id);
      for (const auto& [id, members] : coverage.effective) group_ids.insert(id);
      for (const auto& [id, l] : group_links) group_ids.insert(id);
    } else {
      // Group changes may change who is covered: the users whose presence in the target no
      // longer matches get a job of their own.
      for (const auto& [id, user] : coverage.users) {
        auto l = user_links.find(id);
        const bool present = l != user_links.end() &&
                             (l->second.active ||
                              app.scim.deprovision == directory::Deprovision::kDelete);
        if (coverage.covered.contains(id) != present) user_ids.insert(id);
      }
      for (const auto& [id, l] : user_links) {
        if (!coverage.users.contains(id)) user_ids.insert(id);
      }
    }
    for (const ScimJob* j : expand) {
      if (j->kind == ScimJobKind::kSync) SKYDIR_RETURN_IF_ERROR((*txn)->ForgetScimPushes(app.id));
    }
    for (const std::string& id : user_ids) {
      SKYDIR_RETURN_IF_ERROR((*txn)->EnqueueScimJob(app.id, ScimJobKind::kUser, id));
    }
    for (const std::string& id : group_ids) {
      SKYDIR_RETURN_IF_ERROR((*txn)->EnqueueScimJob(app.id, ScimJobKind::kGroup, id));
    }
    for (const ScimJob* j : expand) SKYDIR_RETURN_IF_ERROR((*txn)->CompleteScimJob(*j));
    SKYDIR_RETURN_IF_ERROR((*txn)->Commit());
    if (!expand.empty()) return true;  // the new jobs run in the next batch, with fresh links
  }

  auto token = apps_.Token(app);
  if (!token.ok()) {
    paused_until_[app.id] = now + 60 * kMicrosPerSecond;
    LogWarn("scim.token_unreadable", {{"application", app.id}, {"error", token.status().message()}});
    return false;
  }
  Clients& clients = ClientsFor(app, *token);
  Batch batch(app, coverage, std::move(user_links), std::move(group_links),
              clients.patch_supported);

  // 2. Users, then groups (whose members are the users' remote ids), chunk by chunk; each
  //    chunk's results are committed together. A failure that is the target's (down, 429,
  //    5xx, credentials) stops the batch and pauses the application.
  std::atomic<int64_t> halted{0};
  int64_t pause_until = 0;
  bool any_progress = false;
  auto run_phase = [&](const std::vector<const ScimJob*>& phase, bool is_user) -> Status {
    const size_t workers = clients.http.size();
    const size_t chunk = std::max<size_t>(workers * 8, 16);
    for (size_t start = 0; start < phase.size() && halted.load() == 0 && !stop_requested_.load(); start += chunk) {
      const size_t count = std::min(chunk, phase.size() - start);
      std::vector<Outcome> outcomes(count);
      Parallel(workers, count, [&](size_t worker, size_t i) {
        const ScimJob& job = *phase[start + i];
        if (halted.load() != 0 || stop_requested_.load()) {
          outcomes[i].job = &job;
          return;  // kSkipped: stays due
        }
        outcomes[i] = is_user ? batch.User(*clients.http[worker], job)
                              : batch.Group(*clients.http[worker], job);
        if (outcomes[i].result == Outcome::Result::kRetry) halted = 1;
      });
      auto pause = CommitOutcomes(store_, settings_, audit_, app, coverage, batch, outcomes);
      if (!pause.ok()) return pause.status();
      pause_until = std::max(pause_until, *pause);
      for (const Outcome& o : outcomes) {
        if (is_user) batch.Apply(o);
        if (o.result == Outcome::Result::kDone || o.result == Outcome::Result::kFailed) {
          any_progress = true;
        }
      }
    }
    return Status::Ok();
  };
  SKYDIR_RETURN_IF_ERROR(run_phase(users, true));
  if (stop_requested_.load()) return false;
  if (halted.load() == 0) SKYDIR_RETURN_IF_ERROR(run_phase(groups, false));
  if (halted.load() != 0) {
    paused_until_[app.id] = pause_until;
    return false;
  }
  return any_progress;
}

TestReport Provisioner::Test(const Application& app) {
  TestReport report;
  auto token = apps_.Token(app);
  if (!token.ok()) {
    report.steps.push_back({"read token", "", "", 0, false,
                            "the stored token cannot be unsealed; enter it again"});
    return report;
  }
  // Each step waits at most 10 s: the test runs inside an API request.
  ScimHttp http(app.scim.base_url, *token, std::min(settings_.request_timeout_seconds, 10u));
  auto step = [&](std::string name, std::string_view method, const std::string& path,
                  const std::string& body, std::initializer_list<long> accepted) -> HttpReply {
    HttpReply reply = http.Send(method, path, body);
    RequestCounter(method, reply)->Add();
    TestStep s{std::move(name), std::string(method), path.substr(0, path.find('?')),
               reply.status, false, ""};
    s.ok = std::find(accepted.begin(), accepted.end(), reply.status) != accepted.end();
    if (!s.ok) s.detail = reply.status == 0 ? reply.error : ErrorDetail(reply.body);
    report.steps.push_back(std::move(s));
    return reply;
  };
  auto all_ok = [&] {
    return std::all_of(report.steps.begin(), report.steps.end(),
                       [](const TestStep& s) { return s.ok; });
  };

  HttpReply config = step("read ServiceProviderConfig", "GET", "/ServiceProviderConfig", "",
                          {200, 404});
  if (config.status == 404) {
    report.steps.back().detail = "not offered; PATCH is assumed";
  } else if (config.status == 200) {
    report.steps.back().detail = "offered";
  }
  if (!report.steps.back().ok) return report;

  const std::string email =
      app.scim.test_user_email.empty() ? "scim-test@skydir.invalid" : app.scim.test_user_email;
  HttpReply found = step("look up test user", "GET",
                         "/Users?filter=" + http.Escape(EqFilter("userName", email)), "", {200});
  if (!found.status || !report.steps.back().ok) return report;
  std::optional<std::string> existing = FindListed(found.body, "userName", email);
  std::string user_id;
  bool created_user = false;
  if (existing) {
    user_id = *existing;
    report.steps.back().detail = "exists (" + user_id + "); it is used and left in place";
  } else {
    report.steps.back().detail = "not found; a test user is created";
    directory::User test;
    test.id = "skydir-connection-test";
    test.username = "skydir-test";
    test.email = email;
    test.first_name = "skydir";
    test.last_name = "Test";
    test.display_name = "skydir connection test";
    HttpReply created = step("create test user", "POST", "/Users",
                             json::serialize(UserResource(test, true)), {200, 201});
    if (!report.steps.back().ok) return report;
    std::optional<std::string> id = ResourceId(created.body);
    if (!id) {
      report.steps.back().ok = false;
      report.steps.back().detail = "the reply carries no id";
      return report;
    }
    user_id = *id;
    created_user = true;
    report.steps.back().detail = "created " + user_id;
  }

  const std::string group_name = "skydir-test-" + NewId().substr(0, 8);
  HttpReply group = step("create test group", "POST", "/Groups",
                         json::serialize(GroupResource(group_name, "skydir-connection-test",
                                                       {{user_id, email}})),
                         {200, 201});
  if (report.steps.back().ok) {
    if (std::optional<std::string> gid = ResourceId(group.body)) {
      report.steps.back().detail = "created " + *gid + " with the test user as member";
      step("delete test group", "DELETE", "/Groups/" + http.Escape(*gid), "", {200, 204});
    } else {
      report.steps.back().ok = false;
      report.steps.back().detail = "the reply carries no id";
    }
  }
  if (created_user) {
    step("delete test user", "DELETE", "/Users/" + http.Escape(user_id), "", {200, 204});
    const long status = report.steps.back().status;
    if (status == 405 || status == 501) {
      report.steps.back().ok = true;
      report.steps.back().detail = "DELETE not supported; deactivating instead";
      json::array ops{json::object{{"op", "replace"}, {"path", "active"}, {"value", false}}};
      step("deactivate test user", "PATCH", "/Users/" + http.Escape(user_id),
           json::serialize(PatchRequest(std::move(ops))), {200, 204});
    }
  }
  report.ok = all_ok();
  return report;
}

Result<AppStatus> Provisioner::StatusOf(const Application& app) {
  auto txn = store_.Begin();
  if (!txn.ok()) return txn.status();
  AppStatus status;
  SKYDIR_ASSIGN_OR_RETURN(status.health, (*txn)->GetScimHealth(app.id));
  SKYDIR_ASSIGN_OR_RETURN(status.counts, (*txn)->CountScim(app.id));
  SKYDIR_ASSIGN_OR_RETURN(status.errors, (*txn)->FailedScimJobs(app.id, 20));
  status.state = !app.active ? "inactive" : status.health.error ? "error" : "active";
  return status;
}

}  // namespace skydir::scim
