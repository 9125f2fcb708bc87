// Parses the input as a DN. Whatever parses must print and normalize stably, and the
// string helpers must agree with the parsed structure.
#include <string>
#include <string_view>

#include "fuzz_entry.h"
#include "ldap/dn.h"

using namespace skydir::ldap;  // NOLINT: fuzz target, not a header

SKYDIR_FUZZ_ENTRY(dn) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)EscapeDnValue(text);
  auto dn = ParseDn(text);
  if (!dn.ok()) {
    FUZZ_CHECK(dn.status().code() == skydir::Code::kInvalidDnSyntax);
    return 0;
  }
  const std::string printed = dn->ToString();
  auto reparsed = ParseDn(printed, DnLimits{.max_length = 1 << 20, .max_rdns = 64});
  FUZZ_CHECK(reparsed.ok());
  FUZZ_CHECK(reparsed->ToString() == printed);

  const std::string norm = dn->Normalized();
  auto renorm = NormalizeDn(norm, DnLimits{.max_length = 1 << 20, .max_rdns = 64});
  FUZZ_CHECK(renorm.ok());
  FUZZ_CHECK(*renorm == norm);
  FUZZ_CHECK(RdnCount(norm) == dn->size());
  FUZZ_CHECK(IsDescendantOrSelf(norm, ParentDn(norm)));
  FUZZ_CHECK(IsDescendantOrSelf(norm, norm));
  if (!dn->empty()) {
    FUZZ_CHECK(dn->Parent().Normalized() == ParentDn(norm));
    FUZZ_CHECK(FirstRdn(norm).size() <= norm.size());
  }
  return 0;
}
