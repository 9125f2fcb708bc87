#include "common/time.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace skydir {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool DaysInMonthOk(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  int max = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

struct Parts {
  int year, month, day, hour, minute, second, micro;
};

Parts Split(int64_t micros) {
  int64_t secs = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
  int micro = static_cast<int>(micros - secs * 1000000);
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micro};
}

// Parses a fraction starting at s[pos] (after '.' or ','): digits scaled to microseconds.
size_t ReadFraction(std::string_view s, size_t pos, int64_t* micros) {
  int64_t value = 0;
  int digits = 0;
  size_t i = pos;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (digits < 6) {
      value = value * 10 + (s[i] - '0');
      ++digits;
    }
    ++i;
  }
  if (i == pos) return 0;
  while (digits < 6) {
    value *= 10;
    ++digits;
  }
  *micros = value;
  return i - pos;
}

}  // namespace

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatGeneralizedTime(int64_t micros) {
  Parts p = Split(micros);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02dZ", p.year, p.month, p.day, p.hour,
                p.minute, p.second);
  return buf;
}

std::string FormatRfc3339Micros(int64_t micros) {
  Parts p = Split(micros);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", p.year, p.month, p.day,
                p.hour, p.minute, p.second, p.micro);
  return buf;
}

std::string FormatRfc3339(int64_t micros) {
  Parts p = Split(micros);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", p.year, p.month, p.day,
                p.hour, p.minute, p.second);
  return buf;
}

std::optional<int64_t> ParseGeneralizedTime(std::string_view s) {
  int y, mo, d, h, mi = 0, sec = 0;
  if (!ReadDigits(s, 0, 4, &y) || !ReadDigits(s, 4, 2, &mo) || !ReadDigits(s, 6, 2, &d) ||
      !ReadDigits(s, 8, 2, &h)) {
    return std::nullopt;
  }
  size_t pos = 10;
  if (ReadDigits(s, pos, 2, &mi)) {
    pos += 2;
    if (ReadDigits(s, pos, 2, &sec)) pos += 2;
  }
  int64_t frac = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    size_t n = ReadFraction(s, pos + 1, &frac);
    if (n == 0) return std::nullopt;
    pos += 1 + n;
  }
  if (!DaysInMonthOk(y, mo, d) || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om = 0;
    if (!ReadDigits(s, pos + 1, 2, &oh)) return std::nullopt;
    size_t len = 3;
    if (ReadDigits(s, pos + 3, 2, &om)) len = 5;
    if (oh > 23 || om > 59) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += len;
  } else {
    return std::nullopt;  // RFC 4517 requires a zone for ordering to be well defined.
  }
  if (pos != s.size()) return std::nullopt;
  int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return secs * 1000000 + frac;
}

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !ReadDigits(s, 0, 4, &y) || s[4] != '-' || !ReadDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !ReadDigits(s, 11, 2, &h) || s[13] != ':' || !ReadDigits(s, 14, 2, &mi) || s[16] != ':' ||
      !ReadDigits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t n = ReadFraction(s, pos + 1, &frac);
    if (n == 0) return std::nullopt;
    pos += 1 + n;
  }
  if (!DaysInMonthOk(y, mo, d) || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, &oh) || !ReadDigits(s, pos + 4, 2, &om)) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return secs * 1000000 + frac;
}

}  // namespace skydir
