#include "service/failure_tracker.h"

namespace skydir::service {

// A fixed window that restarts when it has passed: simpler than a true sliding window and
// never lets more than 2N failures through in any span of one window.
uint32_t FailureTracker::Fail(std::string_view key, int64_t now, int64_t window) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) EvictOne();
    it = entries_.emplace(std::string(key), Entry{now, 0}).first;
  }
  Entry& e = it->second;
  if (now - e.window_start > window) e = Entry{now, 0};
  return ++e.count;
}

uint32_t FailureTracker::Count(std::string_view key, int64_t now, int64_t window) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || now - it->second.window_start > window) return 0;
  return it->second.count;
}

void FailureTracker::Reset(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(std::string(key));
}

void FailureTracker::EvictOne() {
  auto oldest = entries_.begin();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.window_start < oldest->second.window_start) oldest = it;
  }
  if (oldest != entries_.end()) entries_.erase(oldest);
}

}  // namespace skydir::service
