// One LDAP entry as served from a snapshot: its DN, its attributes in canonical spelling and
// order, and the pre-encoded BER of its user attributes (encoded once per snapshot build and
// reused by every search that asks for all user attributes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dit/schema.h"

namespace skydir::dit {

enum class EntryKind : uint8_t { kOrg, kUsersOu, kUser, kGroup };

struct AttributeValues {
  Attr attr;
  std::vector<std::string> values;
};

struct Entry {
  EntryKind kind = EntryKind::kUser;
  std::string dn;   // as returned; member/memberOf values are byte-identical copies of it
  std::string ndn;  // normalized (ldap::NormalizeDn), for lookups
  std::vector<AttributeValues> attributes;  // user attributes then operational ones
  // BER of the PartialAttributeList holding every user attribute (RFC 4511 §4.5.2).
  std::string encoded_user_attributes;
  std::string model_id;  // the user's or group's id; empty for the org and ou entries

  // Users only: what Bind needs.
  std::string password_hash;
  bool can_bind = false;          // activated, connected, not locked by policy
  bool binding_user = false;      // "Enable as LDAP Bind DN": may search the org
  int64_t locked_until = 0;       // 0, or the time an automatic lockout ends

  const AttributeValues* Find(Attr attr) const;
};

// Encodes PartialAttributeList for the given attributes (all values; or types only).
std::string EncodeAttributeList(const std::vector<const AttributeValues*>& attrs,
                                bool types_only);

}  // namespace skydir::dit
