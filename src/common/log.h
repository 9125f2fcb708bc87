// Structured logging: one JSON object per line on stderr (or a file), safe from any thread.
//
// Usage: LogInfo("ldap.bind", {{"dn", dn}, {"outcome", "success"}});
// Secrets are never passed here; callers log ids and outcomes, not passwords or keys.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace skydir {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

// A field value: text, integer or boolean.
using LogValue = std::variant<std::string_view, int64_t, bool>;
using LogField = std::pair<std::string_view, LogValue>;

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug", "info", "warn", "error", "off".
bool ParseLogLevel(std::string_view text, LogLevel* level);
// Sends log lines to `fd` (default 2). Not owned.
void SetLogFd(int fd);

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
inline void LogDebug(std::string_view e, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kDebug, e, f);
}
inline void LogInfo(std::string_view e, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, e, f);
}
inline void LogWarn(std::string_view e, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarn, e, f);
}
inline void LogError(std::string_view e, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, e, f);
}

// Appends `s` to `out` as a JSON string literal (with quotes), escaping per RFC 8259 §7.
// Invalid UTF-8 bytes are replaced by U+FFFD so every line stays valid JSON.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace skydir
