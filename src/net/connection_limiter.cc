#include "net/connection_limiter.h"

#include <mutex>
#include <unordered_map>

#include "common/log.h"

namespace skydir::net {
namespace {

using Address = ConnectionLimiter::Address;

Address Normalize(const Address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

// Remembered rejected addresses before stale ones are pruned.
constexpr size_t kMaxLogEntries = 4096;

}  // namespace

struct ConnectionLimiter::Slot::State {
  struct LogEntry {
    Clock::time_point last;
    uint64_t suppressed = 0;
  };

  std::string name;
  ConnectionLimits limits;
  std::function<Clock::time_point()> now;

  mutable std::mutex mu;
  uint64_t active = 0;
  uint64_t rejected_total = 0;
  uint64_t rejected_per_ip = 0;
  std::unordered_map<Address, uint32_t> per_ip;
  std::unordered_map<Address, LogEntry> logged;

  // Under `mu`: whether this rejection is logged now; sets *suppressed to the rejections not
  // logged since the last line for `client`.
  bool ShouldLog(const Address& client, uint64_t* suppressed) {
    Clock::time_point t = now();
    if (logged.size() >= kMaxLogEntries) {
      std::erase_if(logged,
                    [&](const auto& kv) { return t - kv.second.last >= limits.log_interval; });
    }
    auto [it, fresh] = logged.try_emplace(client, LogEntry{t, 0});
    if (fresh) {
      *suppressed = 0;
      return true;
    }
    if (t - it->second.last < limits.log_interval) {
      ++it->second.suppressed;
      return false;
    }
    *suppressed = it->second.suppressed;
    it->second = LogEntry{t, 0};
    return true;
  }
};

ConnectionLimiter::Slot::Slot(std::shared_ptr<State> state, Address address)
    : state_(std::move(state)), address_(std::move(address)) {}

ConnectionLimiter::Slot& ConnectionLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    state_ = std::move(other.state_);
    address_ = other.address_;
  }
  return *this;
}

ConnectionLimiter::Slot::~Slot() { Release(); }

void ConnectionLimiter::Slot::Release() {
  if (!state_) return;
  {
    std::lock_guard lock(state_->mu);
    --state_->active;
    auto it = state_->per_ip.find(address_);
    if (it != state_->per_ip.end() && --it->second == 0) state_->per_ip.erase(it);
  }
  state_.reset();
}

ConnectionLimiter::ConnectionLimiter(std::string name, ConnectionLimits limits,
                                     std::function<Clock::time_point()> now)
    : state_(std::make_shared<Slot::State>()) {
  state_->name = std::move(name);
  state_->limits = limits;
  state_->now = now ? std::move(now) : [] { return Clock::now(); };
}

std::optional<ConnectionLimiter::Slot> ConnectionLimiter::TryAcquire(const Address& client) {
  Address address = Normalize(client);
  const char* reason = nullptr;
  uint64_t suppressed = 0;
  bool log = false;
  {
    std::lock_guard lock(state_->mu);
    const ConnectionLimits& limits = state_->limits;
    uint32_t& mine = state_->per_ip[address];  // erased again below when unused
    if (limits.max_total != 0 && state_->active >= limits.max_total) {
      ++state_->rejected_total;
      reason = "max_connections";
    } else if (limits.max_per_ip != 0 && mine >= limits.max_per_ip) {
      ++state_->rejected_per_ip;
      reason = "max_connections_per_ip";
    } else {
      ++mine;
      ++state_->active;
      return Slot(state_, address);
    }
    if (mine == 0) state_->per_ip.erase(address);
    log = state_->ShouldLog(address, &suppressed);
  }
  if (log) {
    std::string ip = address.to_string();
    LogWarn("net.connection_rejected", {{"listener", state_->name},
                                        {"client_ip", ip},
                                        {"reason", std::string_view(reason)},
                                        {"suppressed", static_cast<int64_t>(suppressed)}});
  }
  return std::nullopt;
}

ConnectionStats ConnectionLimiter::Stats() const {
  std::lock_guard lock(state_->mu);
  return ConnectionStats{state_->active, state_->rejected_total, state_->rejected_per_ip};
}

uint32_t ConnectionLimiter::ActiveFor(const Address& client) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->per_ip.find(Normalize(client));
  return it == state_->per_ip.end() ? 0 : it->second;
}

}  // namespace skydir::net
