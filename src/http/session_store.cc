#include "http/session_store.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "common/ids.h"

namespace skydir::http {

namespace {
constexpr size_t kSecretBytes = 32;
}

SessionStore::SessionStore(std::chrono::seconds idle, size_t max_sessions,
                           std::function<Clock::time_point()> now)
    : idle_(idle),
      max_sessions_(std::max<size_t>(max_sessions, 1)),
      now_(now ? std::move(now) : [] { return Clock::now(); }) {}

std::string SessionStore::Create(ConsoleSession session) {
  std::string id = HexEncode(RandomBytes(kSecretBytes));
  session.csrf_token = HexEncode(RandomBytes(kSecretBytes));
  std::lock_guard lock(mu_);
  Clock::time_point now = now_();
  if (sessions_.size() >= max_sessions_) EvictLocked(now);
  sessions_[id] = Entry{std::move(session), now};
  return id;
}

void SessionStore::EvictLocked(Clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& e) { return now - e.second.last_used >= idle_; });
  if (sessions_.size() < max_sessions_) return;
  auto oldest = std::min_element(
      sessions_.begin(), sessions_.end(),
      [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
  sessions_.erase(oldest);
}

std::optional<ConsoleSession> SessionStore::Touch(std::string_view id) {
  if (id.empty()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  Clock::time_point now = now_();
  if (now - it->second.last_used >= idle_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.session;
}

bool SessionStore::StillAllowed(std::string_view id, const ConsoleSession& session) {
  if (!validator_ || validator_(session)) return true;
  Destroy(id);
  return false;
}

void SessionStore::Destroy(std::string_view id) {
  std::lock_guard lock(mu_);
  sessions_.erase(std::string(id));
}

size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return std::string(value);
  }
  return {};
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace skydir::http
