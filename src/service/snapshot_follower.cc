#include "service/snapshot_follower.h"

#include <malloc.h>

#include <map>
#include <optional>

#include <algorithm>

#include <set>

#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"

namespace skydir::service {

namespace {

// Per-org series are not exported: labels would name tenants. The largest org stands for the
// distribution.
void RecordSnapshot(const dit::Registry& registry, double build_seconds) {
  static metrics::Registry& r = metrics::Registry::Default();
  static metrics::Gauge* orgs =
      r.Register("skydir_snapshot_orgs", "Organizations served from memory", metrics::Kind::kGauge)
          ->GaugeFor({});
  static metrics::Gauge* entries =
      r.Register("skydir_snapshot_entries", "LDAP entries in all org snapshots",
                 metrics::Kind::kGauge)
          ->GaugeFor({});
  static metrics::Histogram* build =
      r.Register("skydir_snapshot_build_seconds", "Time to load and build one org snapshot",
                 metrics::Kind::kHistogram, {}, metrics::LatencyBuckets())
          ->HistogramFor({});
  static metrics::Gauge* largest =
      r.Register("skydir_snapshot_largest_org_entries", "LDAP entries in the largest org",
                 metrics::Kind::kGauge)
          ->GaugeFor({});
  size_t total = 0, max = 0;
  auto all = registry.All();
  for (const auto& snap : all) {
    total += snap->size();
    max = std::max(max, snap->size());
  }
  orgs->Set(static_cast<int64_t>(all.size()));
  entries->Set(static_cast<int64_t>(total));
  largest->Set(static_cast<int64_t>(max));
  build->Observe(build_seconds);
}

}  // namespace

SnapshotFollower::SnapshotFollower(store::Store& store, dit::Registry& registry,
                                   dit::SnapshotOptions options, uint32_t poll_millis)
    : store_(store), registry_(registry), options_(std::move(options)),
      poll_millis_(poll_millis) {}

SnapshotFollower::~SnapshotFollower() { Stop(); }

Status SnapshotFollower::Refresh(std::string_view org_id) {
  int64_t started = NowMicros();
  {
    auto data = store_.LoadOrg(org_id);
    if (!data.ok()) {
      if (data.status().code() == Code::kNoSuchObject) {
        registry_.Remove(org_id);
        return Status::Ok();
      }
      return data.status();
    }
    const int64_t loaded = NowMicros();
    auto snapshot = dit::Snapshot::Build(std::move(*data), options_, loaded);
    LogDebug("snapshot.built", {{"org_id", org_id},
                                {"entries", static_cast<int64_t>(snapshot->size())},
                                {"load_ms", (loaded - started) / 1000},
                                {"build_ms", (NowMicros() - loaded) / 1000}});
    registry_.Publish(std::move(snapshot));
  }
  // A build leaves the rows it read and the snapshot it replaced as free heap that glibc
  // keeps; hand it back so the process holds what it serves (issue 7: RSS).
  malloc_trim(0);
  RecordSnapshot(registry_, (NowMicros() - started) / 1e6);
  return Status::Ok();
}

Status SnapshotFollower::LoadAll() {
  std::lock_guard<std::mutex> lock(mu_);
  // Read the log position first: a write racing with the load is then applied again by the
  // next CatchUp, never lost.
  SKYDIR_ASSIGN_OR_RETURN(int64_t seq, store_.LatestChangeSeq());
  SKYDIR_ASSIGN_OR_RETURN(std::vector<std::string> orgs, store_.ListOrgIds());
  for (const std::string& org : orgs) SKYDIR_RETURN_IF_ERROR(Refresh(org));
  applied_seq_ = seq;
  return Status::Ok();
}

Status SnapshotFollower::CatchUp() {
  std::lock_guard<std::mutex> lock(mu_);
  constexpr size_t kBatch = 10000;
  constexpr size_t kMaxPatchedUsers = 256;  // beyond this a rebuild is as cheap
  // Per dirty org: the users changed, or nullopt when something else changed (a rebuild).
  std::map<std::string, std::optional<std::set<std::string>>> dirty;
  int64_t seq = applied_seq_.load();
  for (;;) {
    SKYDIR_ASSIGN_OR_RETURN(std::vector<store::Change> changes, store_.ChangesSince(seq, kBatch));
    for (const store::Change& c : changes) {
      seq = c.seq;
      // API keys and applications are not part of the LDAP tree.
      if (c.kind == store::ChangeKind::kApiKey || c.kind == store::ChangeKind::kApplication) {
        continue;
      }
      auto [it, fresh] = dirty.try_emplace(c.org_id, std::set<std::string>{});
      if (c.kind != store::ChangeKind::kUser) {
        it->second.reset();
      } else if (it->second) {
        it->second->insert(c.object_id);
        if (it->second->size() > kMaxPatchedUsers) it->second.reset();
      }
    }
    if (changes.size() < kBatch) break;
  }
  // Automatic unlocks are due even without a write.
  int64_t now = NowMicros();
  for (const auto& snap : registry_.All()) {
    if (snap->refresh_at() != 0 && snap->refresh_at() <= now) dirty[snap->org_id()].reset();
  }
  for (const auto& [org, users] : dirty) {
    if (users && Patch(org, *users)) continue;
    SKYDIR_RETURN_IF_ERROR(Refresh(org));
  }
  applied_seq_ = seq;
  return Status::Ok();
}

bool SnapshotFollower::Patch(const std::string& org_id, const std::set<std::string>& user_ids) {
  int64_t started = NowMicros();
  std::shared_ptr<const dit::Snapshot> old = registry_.Get(org_id);
  if (!old) return false;
  auto users = store_.LoadUsers(org_id, std::vector<std::string>(user_ids.begin(), user_ids.end()));
  if (!users.ok() || users->size() != user_ids.size()) return false;  // deleted: rebuild
  std::shared_ptr<const dit::Snapshot> patched = dit::Snapshot::PatchUsers(*old, *users, NowMicros());
  if (!patched) return false;
  registry_.Publish(std::move(patched));
  RecordSnapshot(registry_, (NowMicros() - started) / 1e6);
  return true;
}

void SnapshotFollower::Start() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void SnapshotFollower::Stop() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SnapshotFollower::Loop() {
  // Large transient allocations (an API listing of every user, an import, a rebuild) leave free
  // heap that glibc keeps per thread arena; handing it back now and then keeps the process at
  // what it holds. A trim walks the free lists only, so every few seconds costs little.
  constexpr int64_t kTrimEveryMicros = 5 * 1000000;
  int64_t last_trim = NowMicros();
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(poll_millis_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Status s = CatchUp();
    if (!s.ok()) LogWarn("snapshot.follow_failed", {{"error", s.ToString()}});
    if (int64_t now = NowMicros(); now - last_trim >= kTrimEveryMicros) {
      malloc_trim(0);
      last_trim = NowMicros();
      LogDebug("memory.trimmed", {{"micros", last_trim - now}});
    }
    lock.lock();
  }
}

}  // namespace skydir::service
