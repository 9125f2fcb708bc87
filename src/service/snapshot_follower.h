// Keeps the snapshot registry equal to the store: loads every org at start, then follows the
// change log (DESIGN §3) so that writes from this process, from the `skydir` command or from
// another node become visible over LDAP within one poll interval.
//
// Thread-safety: every method may be called from any thread. Refresh() blocks (SQL), so it is
// never called on an I/O thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"
#include "dit/registry.h"
#include "store/store.h"

namespace skydir::service {

class SnapshotFollower {
 public:
  // REQUIRES: store and registry outlive the follower.
  SnapshotFollower(store::Store& store, dit::Registry& registry, dit::SnapshotOptions options,
                   uint32_t poll_millis);
  ~SnapshotFollower();

  // Builds a snapshot for every org. Call once before serving.
  Status LoadAll();
  // Rebuilds one org's snapshot now (or removes it if the org is gone).
  Status Refresh(std::string_view org_id);
  // Applies every change committed so far, synchronously.
  Status CatchUp();

  // Starts the background thread that polls the change log; Stop() joins it.
  void Start();
  void Stop();

  int64_t applied_seq() const { return applied_seq_.load(); }

 private:
  void Loop();
  // Re-renders only these users' entries when that is all that changed (dit::Snapshot::
  // PatchUsers); false when the org needs a full Refresh.
  bool Patch(const std::string& org_id, const std::set<std::string>& user_ids);

  store::Store& store_;
  dit::Registry& registry_;
  dit::SnapshotOptions options_;
  uint32_t poll_millis_;
  std::atomic<int64_t> applied_seq_{0};
  std::mutex mu_;  // serializes CatchUp/Refresh so snapshots are published in order
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skydir::service
