// Outbound SCIM 2.0 provisioning (issue 5, DESIGN §3 "outbound work is durable").
//
// What is provisioned into an application: the activated users that are members, directly or
// through nested groups, of a user group associated with it. A user no longer covered is
// deactivated (active:false) or deleted, as the application's `deprovision` says. With group
// management on, each associated group that has provisioned members is pushed too (created or
// adopted by displayName, renamed, members added and removed, deleted when the group is deleted
// or disassociated).
//
// How: every change writes jobs into the store's outbox in its own transaction (store.h). The
// provisioner takes due jobs per application in batches and brings each object up to date in
// the target, level-triggered: a job carries no payload, it compares the directory now with
// what the links say was pushed last, and sends only the difference. Remote ids are stored in
// links, and a user or group is looked up by userName/displayName before it is created, so a
// kill -9 at any moment followed by a restart never creates a second copy.
//
// Failures: a connection error, 408, 429, 5xx, 401 or 403 is retried with exponential backoff
// and jitter (Retry-After honoured) and pauses the whole application until then; repeated
// failures mark it `error` until a request succeeds. Other 4xx answers will not heal: the job
// is recorded as failed (with the target's message) and revived by the next change of the
// object or of the application's settings.
//
// Thread-safety: Start/Stop/Wake from any thread; RunDue, Test and StatusOf may be called from
// any thread (RunDue calls are serialized internally). All calls block (SQL, HTTP).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/settings.h"
#include "common/status.h"
#include "directory/model.h"
#include "service/applications.h"
#include "service/audit_log.h"
#include "store/store.h"

namespace skydir::scim {

class ScimHttp;

// One step of Test Connection, with the target's answer.
struct TestStep {
  std::string name;    // e.g. "create test user"
  std::string method;  // "GET", "POST", ...
  std::string path;    // relative to the base URL
  long status = 0;     // HTTP status; 0: no answer
  bool ok = false;
  std::string detail;  // what the target said, or what was concluded
};

struct TestReport {
  bool ok = false;
  std::vector<TestStep> steps;
};

struct AppStatus {
  std::string state;  // "active", "error" or "inactive"
  store::ScimHealth health;
  store::ScimCounts counts;
  std::vector<store::ScimJob> errors;  // jobs that failed (for good or for now), newest first
};

class Provisioner {
 public:
  // Not owned; all must outlive the Provisioner. `audit` may be null.
  Provisioner(store::Store& store, const service::Applications& apps,
              const ProvisioningSettings& settings, service::AuditLog* audit);
  ~Provisioner();

  void Start();
  void Stop();
  // Look for due jobs now rather than at the next poll (after a write).
  void Wake();

  // Works through the due jobs of every active application once (until none is due, a failure
  // pauses the application, or Stop). Returns the first store failure.
  Status RunDue();

  // Test Connection: creates a test user and a test group in the target, then removes both,
  // reporting each step. Does not touch the outbox or the links.
  TestReport Test(const directory::Application& app);

  Result<AppStatus> StatusOf(const directory::Application& app);

 private:
  struct Clients;
  // One batch of `app`'s due jobs; false when there was nothing to do or the app is paused.
  Result<bool> RunBatch(const directory::Application& app);
  Clients& ClientsFor(const directory::Application& app, const std::string& token);
  void Loop();

  store::Store& store_;
  const service::Applications& apps_;
  const ProvisioningSettings& settings_;
  service::AuditLog* audit_;

  std::mutex run_mu_;  // one RunDue at a time
  std::map<std::string, std::unique_ptr<Clients>> clients_;  // by app id; guarded by run_mu_
  std::map<std::string, int64_t> paused_until_;             // by app id; guarded by run_mu_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> stop_requested_{false};  // read by workers between requests
  bool woken_ = false;     // guarded by mu_
  std::thread thread_;
};

}  // namespace skydir::scim
