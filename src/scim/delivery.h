// Delivery of provisioning jobs to one SCIM application (used by Provisioner, provisioner.h):
// who should be in the application (Coverage), one job's result (Outcome), and Batch, which
// brings one user or group up to date in the target. Internal to the scim library.
//
// Thread-safety: a Batch is read-only while its workers run (User and Group are const and may
// run concurrently, each worker with its own ScimHttp); Apply runs between phases.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/metrics.h"
#include "directory/model.h"
#include "scim/http_client.h"
#include "store/store.h"

namespace skydir::scim {

inline constexpr int64_t kMicrosPerMilli = 1000;
inline constexpr int64_t kMicrosPerSecond = 1000000;

// How a target's answer is taken: done, gone, worth retrying, bad credentials, or refused for
// good.
enum class Verdict { kOk, kNotFound, kRetry, kAuth, kRefused };

// The counters of requests sent (by method and status class) and of jobs finished (by result).
metrics::Counter* RequestCounter(std::string_view method, const HttpReply& reply);
metrics::Counter* JobCounter(std::string_view result);

// `text` as a JSON object; empty when it is empty or not an object.
boost::json::object ParseObject(const std::string& text);

// --- Who should be in the application --------------------------------------------------------

struct Coverage {
  std::unordered_map<std::string, const directory::User*> users;
  std::unordered_map<std::string, const directory::Group*> groups;
  std::unordered_set<std::string> covered;  // user ids
  // Associated group id -> its activated users, directly or through nested groups, sorted.
  std::map<std::string, std::vector<std::string>> effective;
};

Coverage ComputeCoverage(const directory::OrgData& org, const directory::Application& app);

// --- One job's result ------------------------------------------------------------------------

struct Outcome {
  enum class Result { kDone, kRetry, kFailed, kSkipped };
  const store::ScimJob* job = nullptr;
  Result result = Result::kSkipped;
  std::string error;
  int64_t retry_after_micros = -1;  // from Retry-After; -1: use backoff
  bool auth_failure = false;
  int requests_ok = 0;
  std::optional<store::ScimLink> put_link;
  bool delete_link = false;
  bool membership_changed = false;  // a user's presence in the target changed
  std::string old_remote_id;        // the user's remote id before (for group member updates)
  std::vector<store::AuditEvent> events;
};

// Everything a batch's workers share, read-only while they run.
class Batch {
 public:
  Batch(const directory::Application& app, const Coverage& coverage,
        std::unordered_map<std::string, store::ScimLink> user_links,
        std::unordered_map<std::string, store::ScimLink> group_links, bool patch)
      : app_(app), coverage_(coverage), user_links_(std::move(user_links)),
        group_links_(std::move(group_links)), patch_(patch) {}

  Outcome User(ScimHttp& http, const store::ScimJob& job) const;
  Outcome Group(ScimHttp& http, const store::ScimJob& job) const;

  // Folds finished user outcomes into the links that group pushes read.
  void Apply(const Outcome& o) {
    if (o.delete_link) user_links_.erase(o.job->object_id);
    if (o.put_link) user_links_[o.job->object_id] = *o.put_link;
  }
  const std::unordered_map<std::string, store::ScimLink>& user_links() const { return user_links_; }
  const std::unordered_map<std::string, store::ScimLink>& group_links() const { return group_links_; }

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
                     const boost::json::object& before, const boost::json::object& after) const;
  // Reads the target's copy of user `remote_id` into `out` (`gone` when it has none). False
  // (with `o` failed) when the read failed.
  bool Fetch(ScimHttp& http, Outcome& o, const std::string& remote_id, boost::json::object& out,
             bool& gone) const;
  // The remote id of the resource whose `attribute` is `value` (lookup before create).
  std::optional<std::string> Lookup(ScimHttp& http, Outcome& o, std::string_view resource,
                                    std::string_view attribute, const std::string& value,
                                    bool* failed) const;

  const directory::Application& app_;
  const Coverage& coverage_;
  std::unordered_map<std::string, store::ScimLink> user_links_;
  std::unordered_map<std::string, store::ScimLink> group_links_;
  const bool patch_;
};

}  // namespace skydir::scim
