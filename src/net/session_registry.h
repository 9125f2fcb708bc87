// The live sessions of a server, so that shutdown can ask them to finish and then cut them off
// (DESIGN §3; the Beast examples' graceful shutdown).
//
// Thread-safe. A session registers when it starts and holds the Registration for its lifetime;
// the registry keeps only its callbacks, never the session itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace skydir::net {

class SessionRegistry {
 public:
  struct Entry;

  // Unregisters on destruction. Move-only.
  class Registration {
   public:
    Registration(Registration&& other) noexcept
        : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}
    Registration& operator=(Registration&& other) noexcept;
    ~Registration();

   private:
    friend class SessionRegistry;
    Registration(SessionRegistry* registry, uint64_t id) : registry_(registry), id_(id) {}
    void Reset();

    SessionRegistry* registry_ = nullptr;  // not owned; outlives every registration
    uint64_t id_ = 0;
  };

  SessionRegistry() = default;
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;
  // REQUIRES: no Registration is alive.
  ~SessionRegistry() = default;

  // Registers a session. `cancel` must end it promptly (close its socket, emit its cancellation
  // signal); `drain`, if set, is called once shutdown begins so an idle session can say goodbye
  // (LDAP Notice of Disconnection, RFC 4511 §4.4.1) and end by itself. Each is called at most
  // once, from a runtime thread that is not the session's strand, possibly just after the
  // session ended: capture weak handles and post to the session's strand. Returns nullopt once
  // shutdown has begun; the caller then closes the connection.
  std::optional<Registration> Register(std::function<void()> cancel,
                                       std::function<void()> drain = {});

  // Starts shutdown: refuses new registrations and calls every drain callback.
  void BeginDrain();
  // Calls every cancel callback not called yet.
  void CancelAll();

  size_t Active() const;
  bool Draining() const { return draining_.load(); }

 private:
  void Unregister(uint64_t id);

  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<Entry>> entries_;
  uint64_t next_id_ = 1;
  std::atomic<bool> draining_{false};
};

}  // namespace skydir::net
