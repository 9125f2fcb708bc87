#include "dit/registry.h"

namespace skydir::dit {

Registry::Registry() : map_(std::make_shared<const Map>()) {}

std::shared_ptr<const Snapshot> Registry::Get(std::string_view org_id) const {
  std::shared_ptr<const Map> map = map_.load();
  auto it = map->find(std::string(org_id));
  return it == map->end() ? nullptr : it->second;
}

void Registry::Publish(std::shared_ptr<const Snapshot> snapshot) {
  std::lock_guard<std::mutex> lock(write_mu_);
  auto next = std::make_shared<Map>(*map_.load());
  (*next)[snapshot->org_id()] = std::move(snapshot);
  map_.store(std::move(next));
}

void Registry::Remove(std::string_view org_id) {
  std::lock_guard<std::mutex> lock(write_mu_);
  auto next = std::make_shared<Map>(*map_.load());
  next->erase(std::string(org_id));
  map_.store(std::move(next));
}

std::vector<std::shared_ptr<const Snapshot>> Registry::All() const {
  std::shared_ptr<const Map> map = map_.load();
  std::vector<std::shared_ptr<const Snapshot>> out;
  out.reserve(map->size());
  for (const auto& [id, snap] : *map) out.push_back(snap);
  return out;
}

size_t Registry::EntryCount() const {
  size_t n = 0;
  for (const auto& s : All()) n += s->size();
  return n;
}

}  // namespace skydir::dit
