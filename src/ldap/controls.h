// Controls (RFC 4511 §4.1.11) and extended operations (§4.12) skydir understands: their OIDs
// and the BER of their values. Decoded values own their strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skydir::ldap {

// Controls.
inline constexpr std::string_view kPagedResultsOid = "1.2.840.113556.1.4.319";  // RFC 2696
inline constexpr std::string_view kSortRequestOid = "1.2.840.113556.1.4.473";   // RFC 2891
inline constexpr std::string_view kSortResponseOid = "1.2.840.113556.1.4.474";  // RFC 2891
inline constexpr std::string_view kManageDsaItOid = "2.16.840.1.113730.3.4.2";  // RFC 3296
// Extended operations.
inline constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";         // RFC 4511
inline constexpr std::string_view kWhoAmIOid = "1.3.6.1.4.1.4203.1.11.3";          // RFC 4532
inline constexpr std::string_view kPasswordModifyOid = "1.3.6.1.4.1.4203.1.11.1";  // RFC 3062
// Unsolicited notification (RFC 4511 §4.4.1).
inline constexpr std::string_view kNoticeOfDisconnectionOid = "1.3.6.1.4.1.1466.20036";

// realSearchControlValue ::= SEQUENCE { size INTEGER (0..maxInt), cookie OCTET STRING }
// (RFC 2696 §2). The same shape serves the request and the response.
struct PagedResultsValue {
  int32_t size = 0;    // request: page size; response: estimated total (0 if unknown)
  std::string cookie;  // empty on the first request and on the last response
};
Result<PagedResultsValue> DecodePagedResultsValue(std::string_view value);
std::string EncodePagedResultsValue(int32_t size, std::string_view cookie);

// SortKeyList ::= SEQUENCE OF SEQUENCE { attributeType AttributeDescription,
//   orderingRule [0] MatchingRuleId OPTIONAL, reverseOrder [1] BOOLEAN DEFAULT FALSE }
// (RFC 2891 §1.1). An empty list or more than max_keys keys fails.
struct SortKey {
  std::string attribute;
  std::optional<std::string> ordering_rule;
  bool reverse = false;
};
Result<std::vector<SortKey>> DecodeSortRequestValue(std::string_view value, size_t max_keys);
// SortResult ::= SEQUENCE { sortResult ENUMERATED, attributeType [0] OPTIONAL } (§1.2).
// sort_result is an LDAP result code (success, unwillingToPerform, noSuchAttribute, ...).
std::string EncodeSortResponseValue(Code sort_result,
                                    std::optional<std::string_view> attribute = std::nullopt);

// PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0]?, oldPasswd [1]?, newPasswd [2]? }
// (RFC 3062 §2). An absent request value means every field is absent.
struct PasswordModifyRequest {
  std::optional<std::string> user_identity;
  std::optional<std::string> old_password;
  std::optional<std::string> new_password;
};
Result<PasswordModifyRequest> DecodePasswordModifyValue(std::optional<std::string_view> value);
// PasswdModifyResponseValue ::= SEQUENCE { genPasswd [0] OCTET STRING OPTIONAL }. When the
// server generated no password the response carries no value at all (RFC 3062 §2); callers
// then pass std::nullopt as responseValue instead of calling this.
std::string EncodePasswordModifyResponseValue(std::optional<std::string_view> generated_password);

}  // namespace skydir::ldap
