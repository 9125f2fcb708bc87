#include "net/session_registry.h"

#include <vector>

namespace skydir::net {

struct SessionRegistry::Entry {
  std::function<void()> cancel;
  std::function<void()> drain;
  std::atomic<bool> drained{false};
  std::atomic<bool> cancelled{false};
};

SessionRegistry::Registration& SessionRegistry::Registration::operator=(
    Registration&& other) noexcept {
  if (this != &other) {
    Reset();
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

SessionRegistry::Registration::~Registration() { Reset(); }

void SessionRegistry::Registration::Reset() {
  if (registry_ != nullptr) std::exchange(registry_, nullptr)->Unregister(id_);
}

std::optional<SessionRegistry::Registration> SessionRegistry::Register(
    std::function<void()> cancel, std::function<void()> drain) {
  auto entry = std::make_shared<Entry>();
  entry->cancel = std::move(cancel);
  entry->drain = std::move(drain);
  std::lock_guard lock(mu_);
  if (draining_) return std::nullopt;
  uint64_t id = next_id_++;
  entries_.emplace(id, std::move(entry));
  return Registration(this, id);
}

void SessionRegistry::Unregister(uint64_t id) {
  std::shared_ptr<Entry> entry;  // released outside the lock: its callbacks may own anything
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  entry = std::move(it->second);
  entries_.erase(it);
}

void SessionRegistry::BeginDrain() {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(mu_);
    draining_ = true;
    for (auto& [id, entry] : entries_) entries.push_back(entry);
  }
  // Callbacks run unlocked: one may end its session, which unregisters.
  for (auto& entry : entries) {
    if (entry->drain && !entry->drained.exchange(true)) entry->drain();
  }
}

void SessionRegistry::CancelAll() {
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, entry] : entries_) entries.push_back(entry);
  }
  for (auto& entry : entries) {
    if (entry->cancel && !entry->cancelled.exchange(true)) entry->cancel();
  }
}

size_t SessionRegistry::Active() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace skydir::net
