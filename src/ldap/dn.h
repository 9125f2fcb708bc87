// Distinguished names (RFC 4514): parsing, canonical printing, and the normalized form used to
// compare DNs the way clients expect (`UID=Bob , ou=Users,dc=JumpCloud,dc=com` equals
// `uid=bob,ou=users,dc=jumpcloud,dc=com`).
//
// Normalized form: types lowercased (numeric OIDs kept), values ASCII-lowercased with leading
// and trailing spaces removed and inner runs of spaces collapsed, the AVAs of a multi-valued RDN
// sorted, and values re-escaped canonically (EscapeDnValue). Two DNs are equal exactly when
// their normalized strings are byte-equal; the string helpers below work on that form.
// Invalid input fails with Code::kInvalidDnSyntax.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skydir::ldap {

struct DnLimits {
  size_t max_length = 8192;  // bytes of DN text
  size_t max_rdns = 64;      // also bounds the AVAs of one RDN
};

// attributeTypeAndValue; `value` is unescaped (raw bytes). A `#hex` value holding a BER string
// (OCTET STRING, UTF8String, PrintableString, IA5String) is stored as that string's contents.
struct Ava {
  std::string type;  // as written (keystring or numeric OID)
  std::string value;
};
using Rdn = std::vector<Ava>;

struct Dn {
  std::vector<Rdn> rdns;  // rdns[0] is the leftmost (most specific) RDN; empty for the root

  bool empty() const { return rdns.empty(); }
  size_t size() const { return rdns.size(); }
  // The DN without its first RDN (the root stays the root).
  Dn Parent() const;
  // RFC 4514 string with canonical escaping; types as written, values exact.
  std::string ToString() const;
  // The normalized comparison form (see the file comment).
  std::string Normalized() const;
};

Result<Dn> ParseDn(std::string_view text, const DnLimits& limits = {});
// ParseDn followed by Normalized().
Result<std::string> NormalizeDn(std::string_view text, const DnLimits& limits = {});

// Escapes one attribute value for a DN string (RFC 4514 §2.4): `, + " \ < > ;` get a
// backslash, as do a leading space or '#' and a trailing space; NUL becomes \00.
std::string EscapeDnValue(std::string_view value);

// Helpers on normalized DNs (as produced by Normalized / NormalizeDn).
// True when `dn` equals `base` or lies beneath it; every DN is beneath the empty root.
bool IsDescendantOrSelf(std::string_view dn, std::string_view base);
// The DN without its first RDN ("" for a one-RDN DN or the root). Points into `dn`.
std::string_view ParentDn(std::string_view dn);
// Number of RDNs.
size_t RdnCount(std::string_view dn);
// The first RDN, still escaped ("uid=bob" of "uid=bob,ou=users"). Points into `dn`.
std::string_view FirstRdn(std::string_view dn);

}  // namespace skydir::ldap
