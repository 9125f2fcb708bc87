// Keeps the snapshot registry equal to the store: loads every org at start, then follows the
// change log (DESIGN §3) so that writes from this process, from the `skydir` command or from
// another node become visible over LDAP within one poll interval.
//
// With a files directory, each org's snapshot is also saved there (dit/snapshot_file.h): at
// shutdown, and once after start for the orgs that start had to build. At the next start an
// org is served from its file when the change log proves the file shows the store as it is
// (the row at the file's log position is the one it recorded), and only the changes after
// that position are applied; any other file is ignored and the org rebuilt from the store.
//
// Thread-safety: every method may be called from any thread. Refresh() blocks (SQL), so it is
// never called on an I/O thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "dit/registry.h"
#include "dit/snapshot_file.h"
#include "store/store.h"

namespace skydir::service {

class SnapshotFollower {
 public:
  // REQUIRES: store and registry outlive the follower. `files_dir`: where snapshots are saved;
  // empty: never saved nor loaded.
  SnapshotFollower(store::Store& store, dit::Registry& registry, dit::SnapshotOptions options,
                   uint32_t poll_millis, std::string files_dir = "");
  ~SnapshotFollower();

  // Makes a snapshot for every org, from its saved file or from the store. Call once before
  // serving.
  Status LoadAll();
  // Saves every org whose snapshot changed since it was saved or loaded. The follower starts
  // one such save after start; call it again after Stop() at shutdown. Not concurrently with
  // itself.
  Status SaveAll();
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
  Status CatchUpLocked(const std::map<std::string, int64_t>* current_to);
  // The org's saved snapshot, when its file is whole and shows the store as of a position of
  // the change log at or before `latest_seq`; nullopt otherwise.
  std::optional<dit::SavedSnapshot> LoadSaved(const std::string& org_id, int64_t latest_seq);
  // How the change log reads at `seq`, to recognize the same log later.
  Result<dit::SnapshotStamp> StampAt(int64_t seq);
  std::string FileOf(std::string_view org_id) const;
  // Deletes the files of orgs not in `orgs` (deleted while the server was down).
  void RemoveFilesOfOtherOrgs(const std::vector<std::string>& orgs) const;
  // Re-renders only these users' entries when that is all that changed (dit::Snapshot::
  // PatchUsers); false when the org needs a full Refresh.
  bool Patch(const std::string& org_id, const std::set<std::string>& user_ids);

  store::Store& store_;
  dit::Registry& registry_;
  dit::SnapshotOptions options_;
  uint32_t poll_millis_;
  std::string files_dir_;
  std::atomic<int64_t> applied_seq_{0};
  std::mutex saved_mu_;
  std::map<std::string, std::weak_ptr<const dit::Snapshot>> saved_;  // what each file holds
  std::mutex mu_;  // serializes CatchUp/Refresh so snapshots are published in order
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
  std::thread saver_;  // the save after start (Loop)
};

}  // namespace skydir::service
