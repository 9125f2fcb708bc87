// Admin console sessions (issue 8): a random id in an HttpOnly cookie, kept server-side in
// memory, with a per-session CSRF token that the page sends back in x-csrf-token on every
// request that changes something.
//
// A session ends when it has been idle for `idle` (http.session_idle_seconds), on sign-out, or
// when the process restarts (sessions are not stored; administrators sign in again). At most
// `max_sessions` live at once; beyond that the least recently used one is dropped. Ids and
// tokens are 32 random bytes in hex and are never logged.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace skydir::http {

inline constexpr std::string_view kSessionCookie = "skydir_session";
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

struct ConsoleSession {
  std::string org_id;
  std::string user_id;
  std::string username;
  std::string csrf_token;
};

class SessionStore {
 public:
  using Clock = std::chrono::steady_clock;

  // `now` is for tests; defaults to Clock::now.
  SessionStore(std::chrono::seconds idle, size_t max_sessions,
               std::function<Clock::time_point()> now = {});

  // Whether the session's administrator may still use the console (not deleted, suspended,
  // locked or stripped of the flag). May block (SQL): called on a pool thread per request.
  using Validator = std::function<bool(const ConsoleSession&)>;

  // Set during setup, before requests arrive; without one every live session is valid.
  void SetValidator(Validator validator) { validator_ = std::move(validator); }
  // Runs the validator; ends the session `id` when it fails.
  bool StillAllowed(std::string_view id, const ConsoleSession& session);

  // A new session; returns its id (the cookie value).
  std::string Create(ConsoleSession session);
  // The live session `id` names, which counts as activity; nullopt when unknown or expired.
  std::optional<ConsoleSession> Touch(std::string_view id);
  void Destroy(std::string_view id);
  size_t size() const;
  std::chrono::seconds idle() const { return idle_; }

 private:
  struct Entry {
    ConsoleSession session;
    Clock::time_point last_used;
  };
  void EvictLocked(Clock::time_point now);

  std::chrono::seconds idle_;
  size_t max_sessions_;
  std::function<Clock::time_point()> now_;
  Validator validator_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> sessions_;  // guarded by mu_
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
std::string CookieValue(std::string_view header, std::string_view name);
// Compares two secrets in time independent of where they differ.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace skydir::http
