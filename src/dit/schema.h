// The attribute types skydir serves, with their canonical spelling, syntax and matching.
//
// Clients key attributes by the exact spelling the server returns (Infisical reads
// `givenName`, not `givenname`), so every attribute has one canonical name, and lookups by
// any case or alias (`commonName`, `surname`, `userid`, OIDs) resolve to it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skydir::dit {

// How values compare (RFC 4517 matching rules, reduced to what the served attributes need).
enum class Syntax {
  kCaseIgnore,       // directoryString/IA5String: caseIgnoreMatch, caseIgnoreOrderingMatch
  kCaseExact,        // caseExactMatch (entryUUID is kept lowercase, so this is safe)
  kDn,               // distinguishedNameMatch
  kInteger,          // integerMatch, integerOrderingMatch
  kGeneralizedTime,  // generalizedTimeMatch, generalizedTimeOrderingMatch
  kOid,              // objectIdentifierMatch (objectClass names, case-insensitive)
};

enum class Usage { kUser, kOperational };

// Index into the fixed attribute table; stable for the life of the process.
enum class Attr : uint8_t {
  kObjectClass,
  kUid,
  kCn,
  kSn,
  kGivenName,
  kDisplayName,
  kMail,
  kUidNumber,
  kGidNumber,
  kHomeDirectory,
  kLoginShell,
  kDescription,
  kTelephoneNumber,
  kMobile,
  kTitle,
  kDepartmentNumber,
  kEmployeeNumber,
  kMemberOf,
  kMember,
  kMemberUid,
  kOu,
  kO,
  kEntryUuid,
  kCreateTimestamp,
  kModifyTimestamp,
  kPwdChangedTime,
  kEntryDn,
  kSubschemaSubentry,
  kHasSubordinates,
  kUserPassword,  // known so filters on it are False rather than Undefined; never returned
  // Root DSE (RFC 4512 §5.1) and subschema (§4.2) attributes.
  kNamingContexts,
  kSupportedControl,
  kSupportedExtension,
  kSupportedFeatures,
  kSupportedLdapVersion,
  kSupportedSaslMechanisms,
  kVendorName,
  kVendorVersion,
  kAttributeTypes,
  kObjectClasses,
  kCount,
};

struct AttributeType {
  Attr id;
  std::string_view name;  // canonical spelling, returned to clients
  std::string_view oid;
  Syntax syntax;
  Usage usage;
  bool single_valued;
  std::vector<std::string_view> aliases;  // other names, any case
};

const AttributeType& TypeOf(Attr attr);

// Resolves a client-supplied attribute description (any case, alias, OID, or with
// `;options`, which are ignored) to a known type; nullopt for unknown types.
std::optional<Attr> LookupAttribute(std::string_view description);

// Normalizes a value for equality and indexing under the attribute's syntax:
// case folded, insignificant spaces squeezed, DNs normalized, integers canonical.
// nullopt when the value is invalid for the syntax (e.g. "abc" for an integer).
std::optional<std::string> NormalizeValue(Attr attr, std::string_view value);

// The object classes served, for the subschema entry.
struct ObjectClassDef {
  std::string_view name;
  std::string_view oid;
  std::string_view superior;
  std::string_view kind;  // "STRUCTURAL", "AUXILIARY", "ABSTRACT"
  std::vector<std::string_view> must;
  std::vector<std::string_view> may;
};
const std::vector<ObjectClassDef>& ObjectClasses();

// RFC 4512 §4.1 descriptions for cn=Subschema.
std::vector<std::string> AttributeTypeDescriptions();
std::vector<std::string> ObjectClassDescriptions();

}  // namespace skydir::dit
