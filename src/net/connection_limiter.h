// Admission control for one listener family (LDAP, HTTP): caps on concurrent connections in
// total and per client address, held by RAII slots.
//
// Thread-safe: TryAcquire, slot destruction and Stats may run on any thread concurrently.
// Slots share the limiter's state, so a slot may outlive the ConnectionLimiter object.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace skydir::net {

struct ConnectionLimits {
  uint32_t max_total = 4096;  // 0: unlimited
  uint32_t max_per_ip = 512;  // 0: unlimited
  // A rejected address is logged at most once per interval, with the count suppressed since.
  std::chrono::seconds log_interval{60};
  // Called on every refusal, outside the limiter's lock, with "max_connections" or
  // "max_connections_per_ip" (for metrics).
  std::function<void(std::string_view reason)> on_reject = nullptr;
};

struct ConnectionStats {
  uint64_t active = 0;
  uint64_t rejected_total = 0;   // refused because max_total was reached
  uint64_t rejected_per_ip = 0;  // refused because the client's max_per_ip was reached
};

class ConnectionLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Address = boost::asio::ip::address;

  // Holds one connection's place; releases it when destroyed. Move-only.
  class Slot {
   public:
    Slot(Slot&&) noexcept = default;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();

   private:
    friend class ConnectionLimiter;
    struct State;
    Slot(std::shared_ptr<State> state, Address address);
    void Release();

    std::shared_ptr<State> state_;
    Address address_;
  };

  // `name` labels log lines ("ldap", "http"). `now` is for tests; defaults to Clock::now.
  explicit ConnectionLimiter(std::string name, ConnectionLimits limits,
                             std::function<Clock::time_point()> now = {});

  // A slot for a new connection from `client`, or nullopt when a limit is reached (the caller
  // closes the socket). IPv4-mapped IPv6 addresses count as their IPv4 address.
  std::optional<Slot> TryAcquire(const Address& client);

  ConnectionStats Stats() const;
  // Connections currently held by `client`.
  uint32_t ActiveFor(const Address& client) const;

 private:
  std::shared_ptr<Slot::State> state_;
};

}  // namespace skydir::net
