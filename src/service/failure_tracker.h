// Counts failed binds per key (a user id, or a client IP) inside a sliding time window, for
// account lockout and per-IP throttling (issue #6, "brute force"). In memory and per process:
// each node of a cluster counts on its own, so the effective threshold is at most N × nodes.
//
// Thread-safe. Bounded: beyond max_keys the key whose window started first is forgotten.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace skydir::service {

class FailureTracker {
 public:
  explicit FailureTracker(size_t max_keys = 100000) : max_keys_(max_keys) {}

  // Records a failure at `now` (microseconds) and returns the failures of `key` within the
  // last `window` microseconds, this one included.
  uint32_t Fail(std::string_view key, int64_t now, int64_t window);
  // Failures of `key` within the window, without recording one.
  uint32_t Count(std::string_view key, int64_t now, int64_t window) const;
  void Reset(std::string_view key);

 private:
  struct Entry {
    int64_t window_start = 0;
    uint32_t count = 0;
  };
  void EvictOne();

  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace skydir::service
