#include "net/connection_limiter.h"

#include <mutex>
#include <unordered_map>

#include "common/log.h"
#include "net/per_client_log.h"

namespace skydir::net {
namespace {

using Address = ConnectionLimiter::Address;

Address Normalize(const Address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

struct ConnectionLimiter::Slot::State {
  State(std::string name, ConnectionLimits limits, std::function<Clock::time_point()> now)
      : name(std::move(name)), limits(std::move(limits)), log(this->limits.log_interval, now) {}

  std::string name;
  ConnectionLimits limits;
  PerClientLog log;

  mutable std::mutex mu;
  uint64_t active = 0;
  uint64_t rejected_total = 0;
  uint64_t rejected_per_ip = 0;
  std::unordered_map<Address, uint32_t> per_ip;
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
    : state_(std::make_shared<Slot::State>(std::move(name), std::move(limits), std::move(now))) {}

std::optional<ConnectionLimiter::Slot> ConnectionLimiter::TryAcquire(const Address& client) {
  Address address = Normalize(client);
  const char* reason = nullptr;
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
  }
  if (state_->limits.on_reject) state_->limits.on_reject(reason);
  std::string ip = address.to_string();
  uint64_t suppressed = 0;
  if (state_->log.ShouldLog(ip, &suppressed)) {
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
