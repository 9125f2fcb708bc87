// The current snapshot of every org. Readers get a shared_ptr and keep using it however long
// they like; writers publish a new snapshot for one org. Reads take no lock that a writer holds
// for more than a pointer swap.
#pragma once

#include <atomic>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dit/snapshot.h"

namespace skydir::dit {

class Registry {
 public:
  Registry();

  // The org's snapshot, or nullptr when the org is unknown.
  std::shared_ptr<const Snapshot> Get(std::string_view org_id) const;
  void Publish(std::shared_ptr<const Snapshot> snapshot);
  void Remove(std::string_view org_id);
  std::vector<std::shared_ptr<const Snapshot>> All() const;
  size_t EntryCount() const;

 private:
  using Map = std::unordered_map<std::string, std::shared_ptr<const Snapshot>>;
  // Copy-on-write: the map is immutable once published; writers serialize on write_mu_.
  std::atomic<std::shared_ptr<const Map>> map_;
  std::mutex write_mu_;
};

}  // namespace skydir::dit
