#include "service/ldif_entry.h"

#include <cctype>

#include "service/admin_internal.h"

namespace skydir::service {

using internal::Lower;

LdifEntry::LdifEntry(const std::vector<std::pair<std::string, std::string>>& attributes) {
  for (const auto& [name, value] : attributes) {
    std::string key = Lower(name);
    if (key == "objectclass") classes_.insert(Lower(value));
    values_[std::move(key)].push_back(value);
  }
}

std::optional<std::string> LdifEntry::First(std::string_view name) const {
  auto it = values_.find(Lower(name));
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

const std::vector<std::string>& LdifEntry::All(std::string_view name) const {
  static const std::vector<std::string> kNone;
  auto it = values_.find(Lower(name));
  return it == values_.end() ? kNone : it->second;
}

std::optional<uint32_t> ParseUint32(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(value);
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> FirstRdn(std::string_view dn) {
  size_t eq = dn.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  std::string type = Lower(Trim(dn.substr(0, eq)));
  if (type.empty()) return std::nullopt;
  std::string value;
  size_t i = eq + 1;
  while (i < dn.size() && dn[i] == ' ') ++i;
  size_t trailing_spaces = 0;
  for (; i < dn.size(); ++i) {
    char c = dn[i];
    if (c == ',' || c == '+' || c == ';') break;
    if (c == '\\' && i + 1 < dn.size()) {
      int hi = HexValue(dn[i + 1]);
      int lo = i + 2 < dn.size() ? HexValue(dn[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        value.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
      } else {
        value.push_back(dn[++i]);
      }
      trailing_spaces = 0;
      continue;
    }
    value.push_back(c);
    trailing_spaces = c == ' ' ? trailing_spaces + 1 : 0;
  }
  value.resize(value.size() - trailing_spaces);
  return std::make_pair(std::move(type), std::move(value));
}

std::string NormalizeDnForMatch(std::string_view dn) {
  std::string out;
  out.reserve(dn.size());
  bool escaped = false;
  for (size_t i = 0; i < dn.size(); ++i) {
    char c = dn[i];
    if (!escaped && c == ' ') {
      // Drop spaces next to separators; keep those inside values.
      size_t j = i;
      while (j < dn.size() && dn[j] == ' ') ++j;
      bool before_separator = j == dn.size() || dn[j] == ',' || dn[j] == '=' || dn[j] == '+';
      bool after_separator = out.empty() || out.back() == ',' || out.back() == '=' ||
                             out.back() == '+';
      if (!before_separator && !after_separator) out.append(j - i, ' ');
      i = j - 1;
      continue;
    }
    escaped = !escaped && c == '\\';
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace skydir::service
