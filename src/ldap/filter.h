// LDAP search filters (RFC 4511 §4.5.1.7): the decoded tree, its BER decoder and encoder, and
// the RFC 4515 string form (parse and print).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ber/writer.h"
#include "common/status.h"

namespace skydir::ldap {

enum class FilterKind {
  kAnd,             // [0] SET OF Filter
  kOr,              // [1]
  kNot,             // [2]
  kEqual,           // [3] AttributeValueAssertion
  kSubstrings,      // [4]
  kGreaterOrEqual,  // [5]
  kLessOrEqual,     // [6]
  kPresent,         // [7] AttributeDescription
  kApprox,          // [8]
  kExtensible,      // [9] MatchingRuleAssertion
};

struct Filter {
  FilterKind kind = FilterKind::kPresent;
  std::string attribute;         // as the client sent it (may be empty for kExtensible)
  std::string value;             // assertion value (raw bytes, unescaped)
  std::vector<Filter> children;  // kAnd, kOr: any number; kNot: exactly one

  // kSubstrings: initial*any*final; each part unescaped.
  std::optional<std::string> initial;
  std::vector<std::string> any;
  std::optional<std::string> final_part;

  // kExtensible.
  std::string matching_rule;  // OID or name; may be empty
  bool dn_attributes = false;
};

struct FilterLimits {
  uint32_t max_depth = 32;    // nesting of and/or/not
  uint32_t max_terms = 1024;  // total nodes
};

// Decodes a BER-encoded Filter (the bytes of exactly one complete TLV). Malformed input, a
// nesting deeper than limits.max_depth or more than limits.max_terms nodes fail with
// kProtocolError before the whole input is examined. An empty and/or is allowed (RFC 4526).
Result<Filter> DecodeFilter(std::string_view ber, const FilterLimits& limits);
// Encodes a filter as BER (one complete TLV). REQUIRES: the tree is well formed (kNot has one
// child; kExtensible has a rule or an attribute); recursion follows the tree's depth.
std::string EncodeFilter(const Filter& filter);
void AppendFilter(ber::Writer& writer, const Filter& filter);

// RFC 4515 string form, e.g. "(&(objectClass=person)(uid=j*))". A bare item without the outer
// parentheses ("uid=bob") is accepted, as ldapsearch does. Errors are kProtocolError.
Result<Filter> ParseFilter(std::string_view text, const FilterLimits& limits);
// Prints the RFC 4515 form, escaping * ( ) \ NUL and control characters as \XX.
std::string FilterToString(const Filter& filter);
// Number of nodes in the tree (what limits.max_terms counts).
size_t CountFilterTerms(const Filter& filter);

}  // namespace skydir::ldap
