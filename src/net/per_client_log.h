// Keeps a flood from flooding the log: the first event from a client is logged, then at most one
// per interval, carrying the count of events left out since the previous line.
//
// Keys are whatever identifies "one client" to the caller (an address, or an address and the
// limit it hit). Memory is bounded: past kMaxKeys keys, stale ones are dropped, and if none is
// stale all are (a flood from that many addresses is then logged once more per address).
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace skydir::net {

class PerClientLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxKeys = 4096;

  // `now` is for tests; defaults to Clock::now.
  explicit PerClientLog(std::chrono::seconds interval, std::function<Clock::time_point()> now = {});

  // Whether an event from `key` is to be logged now; if so, *suppressed is the number of its
  // events not logged since its previous line.
  bool ShouldLog(std::string_view key, uint64_t* suppressed);

 private:
  struct Entry {
    Clock::time_point last;
    uint64_t suppressed = 0;
  };

  const std::chrono::seconds interval_;
  const std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace skydir::net
