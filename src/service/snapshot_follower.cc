#include "service/snapshot_follower.h"

#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"

namespace skydir::service {

namespace {

// Per-org series are not exported: labels would name tenants. The largest org stands for the
// distribution. `build_seconds`: the time of the build or patch just published, if any.
void RecordSnapshot(const dit::Registry& registry, std::optional<double> build_seconds) {
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
  if (build_seconds) build->Observe(*build_seconds);
}

}  // namespace

SnapshotFollower::SnapshotFollower(store::Store& store, dit::Registry& registry,
                                   dit::SnapshotOptions options, uint32_t poll_millis,
                                   std::string files_dir)
    : store_(store), registry_(registry), options_(std::move(options)),
      poll_millis_(poll_millis), files_dir_(std::move(files_dir)) {}

SnapshotFollower::~SnapshotFollower() { Stop(); }

Status SnapshotFollower::Refresh(std::string_view org_id) {
  int64_t started = NowMicros();
  {
    auto data = store_.LoadOrg(org_id);
    if (!data.ok()) {
      if (data.status().code() == Code::kNoSuchObject) {
        registry_.Remove(org_id);
        if (!files_dir_.empty()) ::unlink(FileOf(org_id).c_str());
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

std::string SnapshotFollower::FileOf(std::string_view org_id) const {
  return files_dir_ + "/" + std::string(org_id) + ".snap";
}

Result<dit::SnapshotStamp> SnapshotFollower::StampAt(int64_t seq) {
  if (seq == 0) return dit::SnapshotStamp{};
  SKYDIR_ASSIGN_OR_RETURN(std::vector<store::Change> changes, store_.ChangesSince(seq - 1, 1));
  if (changes.empty() || changes.front().seq != seq) {
    return Unavailable("the change log has no row " + std::to_string(seq));
  }
  const store::Change& c = changes.front();
  return dit::SnapshotStamp{seq, std::to_string(c.time) + " " + c.org_id + " " +
                                     std::string(store::ChangeKindName(c.kind)) + " " +
                                     c.object_id};
}

std::optional<dit::SavedSnapshot> SnapshotFollower::LoadSaved(const std::string& org_id,
                                                              int64_t latest_seq) {
  // Org ids are lower-case hex; a name of anything but letters and digits never becomes a path.
  const bool plain = std::all_of(org_id.begin(), org_id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
  });
  if (files_dir_.empty() || org_id.empty() || !plain) return std::nullopt;
  const int64_t started = NowMicros();
  const std::string path = FileOf(org_id);
  Result<dit::SavedSnapshot> saved = dit::ReadSnapshotFile(path, org_id, options_);
  if (!saved.ok()) {
    if (saved.status().code() != Code::kNoSuchObject) {
      LogWarn("snapshot.file_ignored", {{"org_id", org_id}, {"error", saved.status().message()}});
    }
    return std::nullopt;
  }
  Result<dit::SnapshotStamp> now = StampAt(saved->stamp.seq);
  if (saved->stamp.seq > latest_seq || !now.ok() || now->change != saved->stamp.change) {
    // A database restored from a backup or replaced: the file shows another history.
    LogWarn("snapshot.file_ignored",
            {{"org_id", org_id}, {"error", "the change log differs from the one it was saved at"}});
    return std::nullopt;
  }
  LogDebug("snapshot.read", {{"org_id", org_id},
                             {"entries", static_cast<int64_t>(saved->snapshot->size())},
                             {"read_ms", (NowMicros() - started) / 1000}});
  return std::move(*saved);
}

Status SnapshotFollower::LoadAll() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t started = NowMicros();
  // Read the log position first: a write racing with the load is then applied again by the
  // next CatchUp, never lost.
  SKYDIR_ASSIGN_OR_RETURN(int64_t seq, store_.LatestChangeSeq());
  SKYDIR_ASSIGN_OR_RETURN(std::vector<std::string> orgs, store_.ListOrgIds());
  std::map<std::string, int64_t> current_to;  // org → the log position its snapshot shows
  int64_t from = seq;
  int64_t from_files = 0;
  for (const std::string& org : orgs) {
    if (std::optional<dit::SavedSnapshot> saved = LoadSaved(org, seq)) {
      ++from_files;
      current_to[org] = saved->stamp.seq;
      from = std::min(from, saved->stamp.seq);
      {
        std::lock_guard<std::mutex> saved_lock(saved_mu_);
        saved_[org] = saved->snapshot;
      }
      registry_.Publish(std::move(saved->snapshot));
      continue;
    }
    SKYDIR_RETURN_IF_ERROR(Refresh(org));
    current_to[org] = seq;
  }
  RemoveFilesOfOtherOrgs(orgs);
  // The saved snapshots then take the changes made after them.
  applied_seq_ = from;
  SKYDIR_RETURN_IF_ERROR(CatchUpLocked(&current_to));
  RecordSnapshot(registry_, std::nullopt);  // orgs read from files were not counted yet
  malloc_trim(0);
  LogInfo("snapshot.loaded_all", {{"orgs", static_cast<int64_t>(orgs.size())},
                                  {"from_files", from_files},
                                  {"millis", (NowMicros() - started) / 1000}});
  return Status::Ok();
}

void SnapshotFollower::RemoveFilesOfOtherOrgs(const std::vector<std::string>& orgs) const {
  if (files_dir_.empty()) return;
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(files_dir_, error)) {
    const std::filesystem::path& path = file.path();
    const bool ours = path.extension() == ".snap" || path.extension() == ".tmp";
    if (ours && std::find(orgs.begin(), orgs.end(), path.stem().string()) == orgs.end()) {
      std::filesystem::remove(path, error);
    }
  }
}

Status SnapshotFollower::SaveAll() {
  if (files_dir_.empty()) return Status::Ok();
  ::mkdir(files_dir_.c_str(), 0700);
  std::vector<std::shared_ptr<const dit::Snapshot>> changed;
  int64_t seq = 0;
  {
    // Every snapshot shows at least the changes up to applied_seq_ while mu_ is held.
    std::lock_guard<std::mutex> lock(mu_);
    seq = applied_seq_.load();
    std::lock_guard<std::mutex> saved_lock(saved_mu_);
    for (std::shared_ptr<const dit::Snapshot>& snap : registry_.All()) {
      auto it = saved_.find(snap->org_id());
      if (it == saved_.end() || it->second.lock() != snap) changed.push_back(std::move(snap));
    }
  }
  if (changed.empty()) return Status::Ok();
  SKYDIR_ASSIGN_OR_RETURN(dit::SnapshotStamp stamp, StampAt(seq));
  for (const std::shared_ptr<const dit::Snapshot>& snap : changed) {
    const int64_t started = NowMicros();
    SKYDIR_RETURN_IF_ERROR(dit::WriteSnapshotFile(*snap, stamp, options_, FileOf(snap->org_id())));
    LogDebug("snapshot.saved", {{"org_id", snap->org_id()},
                                {"entries", static_cast<int64_t>(snap->size())},
                                {"write_ms", (NowMicros() - started) / 1000}});
    std::lock_guard<std::mutex> saved_lock(saved_mu_);
    saved_[snap->org_id()] = snap;
  }
  return Status::Ok();
}

Status SnapshotFollower::CatchUp() {
  std::lock_guard<std::mutex> lock(mu_);
  return CatchUpLocked(nullptr);
}

Status SnapshotFollower::CatchUpLocked(const std::map<std::string, int64_t>* current_to) {
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
      // A snapshot that already shows this change (one read from its file).
      if (current_to) {
        auto known = current_to->find(c.org_id);
        if (known != current_to->end() && c.seq <= known->second) continue;
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
  if (saver_.joinable()) saver_.join();  // assigned only by thread_, which has ended
}

void SnapshotFollower::Loop() {
  // Large transient allocations (an API listing of every user, an import, a rebuild) leave free
  // heap that glibc keeps per thread arena; handing it back now and then keeps the process at
  // what it holds. A trim walks the free lists only, so every few seconds costs little.
  constexpr int64_t kTrimEveryMicros = 5 * 1000000;
  int64_t last_trim = NowMicros();
  bool saved_since_start = false;
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(poll_millis_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Status s = CatchUp();
    if (!s.ok()) LogWarn("snapshot.follow_failed", {{"error", s.ToString()}});
    // Whatever start had to build is saved once, so that a crash does not cost the next start
    // a rebuild; later writes are saved at shutdown. On a thread of its own: writing a large
    // org takes seconds (2.3 s at 1,000,000 users), and following the log must not wait.
    if (!saved_since_start) {
      saved_since_start = true;
      saver_ = std::thread([this] {
        if (Status saved = SaveAll(); !saved.ok()) {
          LogWarn("snapshot.save_failed", {{"error", saved.ToString()}});
        }
      });
    }
    if (int64_t now = NowMicros(); now - last_trim >= kTrimEveryMicros) {
      malloc_trim(0);
      last_trim = NowMicros();
      LogDebug("memory.trimmed", {{"micros", last_trim - now}});
    }
    lock.lock();
  }
}

}  // namespace skydir::service
