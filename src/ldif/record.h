// One LDIF record as the reader yields it and the writer takes it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace skydir::ldif {

struct LdifRecord {
  int64_t line = 0;  // 1-based line of the record's "dn:" line in its input (0 when built by hand)
  std::string dn;    // raw, decoded from base64 when written as "dn::"; not validated as a DN
  // Empty for a content record; "add" for a change record "changetype: add" (whose attributes
  // are those of the entry to add). The reader refuses every other change type.
  std::string changetype;
  // In input order, names as written (options such as ";binary" kept), values raw bytes.
  std::vector<std::pair<std::string, std::string>> attributes;

  bool operator==(const LdifRecord&) const = default;
};

}  // namespace skydir::ldif
