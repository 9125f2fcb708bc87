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
#include "scim/delivery.h"
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

// The HTTP clients of one application (one per concurrent request), and what its
// /ServiceProviderConfig said.
struct Provisioner::Clients {
  int64_t app_updated = 0;
  std::vector<std::unique_ptr<ScimHttp>> http;
  bool patch_supported = true;
  int64_t config_checked = 0;
};

namespace {

constexpr int64_t kConfigRefreshMicros = 600 * kMicrosPerSecond;

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
