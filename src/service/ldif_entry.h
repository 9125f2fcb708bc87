// Reading an LDIF record the way the importer needs it: attributes by name ignoring case, the
// object classes, numbers, and the first RDN of a DN. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skydir::service {

class LdifEntry {
 public:
  // `attributes` as the LDIF reader returns them: (name, value) in file order.
  explicit LdifEntry(const std::vector<std::pair<std::string, std::string>>& attributes);

  // The first value of `name` (ignoring case), or nullopt.
  std::optional<std::string> First(std::string_view name) const;
  // Every value of `name`, in file order.
  const std::vector<std::string>& All(std::string_view name) const;
  // Lowercased objectClass values.
  const std::set<std::string>& object_classes() const { return classes_; }
  bool HasClass(std::string_view lowercase_class) const {
    return classes_.count(std::string(lowercase_class)) > 0;
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;  // key: lowercased name
  std::set<std::string> classes_;
};

// Parses a decimal uint32 (no sign, no spaces); nullopt when `text` is anything else.
std::optional<uint32_t> ParseUint32(std::string_view text);

// The attribute type (lowercased) and value (unescaped per RFC 4514 §2.4) of a DN's first RDN,
// or nullopt when the DN has no "type=value" at its start. A multi-valued RDN gives its first
// part.
std::optional<std::pair<std::string, std::string>> FirstRdn(std::string_view dn);

// A DN in a form where equal DNs compare equal: lowercased, spaces around ',', '=' and '+'
// removed. Good enough to match member values against the DNs of the same file.
std::string NormalizeDnForMatch(std::string_view dn);

}  // namespace skydir::service
