// Wall-clock time in microseconds since the Unix epoch, and its text forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace skydir {

int64_t NowMicros();
inline int64_t NowSeconds() { return NowMicros() / 1000000; }

// "20240102030405Z" (RFC 4517 §3.3.13 GeneralizedTime, UTC, whole seconds).
std::string FormatGeneralizedTime(int64_t micros);
// Parses GeneralizedTime with optional minutes/seconds, fraction (`.` or `,`) and `Z` or
// +hhmm/-hhmm offset. Returns microseconds since the epoch, or nullopt when malformed.
std::optional<int64_t> ParseGeneralizedTime(std::string_view text);

// "2024-01-02T03:04:05.000000Z" and "2024-01-02T03:04:05Z" (RFC 3339, UTC).
std::string FormatRfc3339Micros(int64_t micros);
std::string FormatRfc3339(int64_t micros);
// Parses RFC 3339 date-times (with `Z` or an offset, optional fraction).
std::optional<int64_t> ParseRfc3339(std::string_view text);

}  // namespace skydir
