#include "net/per_client_log.h"

namespace skydir::net {

PerClientLog::PerClientLog(std::chrono::seconds interval, std::function<Clock::time_point()> now)
    : interval_(interval), now_(now ? std::move(now) : [] { return Clock::now(); }) {}

bool PerClientLog::ShouldLog(std::string_view key, uint64_t* suppressed) {
  const Clock::time_point t = now_();
  std::lock_guard lock(mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxKeys) {
      std::erase_if(entries_, [&](const auto& kv) { return t - kv.second.last >= interval_; });
      if (entries_.size() >= kMaxKeys) entries_.clear();
    }
    entries_.emplace(std::string(key), Entry{t, 0});
    *suppressed = 0;
    return true;
  }
  if (t - it->second.last < interval_) {
    ++it->second.suppressed;
    return false;
  }
  *suppressed = it->second.suppressed;
  it->second = Entry{t, 0};
  return true;
}

}  // namespace skydir::net
