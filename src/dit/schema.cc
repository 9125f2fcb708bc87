#include "dit/schema.h"

#include <array>
#include <charconv>

#include "dit/normalize.h"
#include "ldap/dn.h"

namespace skydir::dit {
namespace {

using S = Syntax;
using U = Usage;

// RFC 4519 / RFC 2307 / RFC 2798 / RFC 4530 OIDs; jumpcloud-specific ones are not needed.
const std::array<AttributeType, static_cast<size_t>(Attr::kCount)>& Table() {
  static const std::array<AttributeType, static_cast<size_t>(Attr::kCount)> kTable = {{
      {Attr::kObjectClass, "objectClass", "2.5.4.0", S::kOid, U::kUser, false, {}},
      {Attr::kUid, "uid", "0.9.2342.19200300.100.1.1", S::kCaseIgnore, U::kUser, true,
       {"userid"}},
      {Attr::kCn, "cn", "2.5.4.3", S::kCaseIgnore, U::kUser, false, {"commonName"}},
      {Attr::kSn, "sn", "2.5.4.4", S::kCaseIgnore, U::kUser, true, {"surname"}},
      {Attr::kGivenName, "givenName", "2.5.4.42", S::kCaseIgnore, U::kUser, true, {"gn"}},
      {Attr::kDisplayName, "displayName", "2.16.840.1.113730.3.1.241", S::kCaseIgnore, U::kUser,
       true, {}},
      {Attr::kMail, "mail", "0.9.2342.19200300.100.1.3", S::kCaseIgnore, U::kUser, true,
       {"rfc822Mailbox", "email", "emailAddress"}},
      {Attr::kUidNumber, "uidNumber", "1.3.6.1.1.1.1.0", S::kInteger, U::kUser, true, {}},
      {Attr::kGidNumber, "gidNumber", "1.3.6.1.1.1.1.1", S::kInteger, U::kUser, true, {}},
      {Attr::kHomeDirectory, "homeDirectory", "1.3.6.1.1.1.1.3", S::kCaseExact, U::kUser, true,
       {}},
      {Attr::kLoginShell, "loginShell", "1.3.6.1.1.1.1.4", S::kCaseExact, U::kUser, true, {}},
      {Attr::kDescription, "description", "2.5.4.13", S::kCaseIgnore, U::kUser, false, {}},
      {Attr::kTelephoneNumber, "telephoneNumber", "2.5.4.20", S::kCaseIgnore, U::kUser, false,
       {}},
      {Attr::kMobile, "mobile", "0.9.2342.19200300.100.1.41", S::kCaseIgnore, U::kUser, false,
       {"mobileTelephoneNumber"}},
      {Attr::kTitle, "title", "2.5.4.12", S::kCaseIgnore, U::kUser, false, {}},
      {Attr::kDepartmentNumber, "departmentNumber", "2.16.840.1.113730.3.1.2", S::kCaseIgnore,
       U::kUser, false, {}},
      {Attr::kEmployeeNumber, "employeeNumber", "2.16.840.1.113730.3.1.3", S::kCaseIgnore,
       U::kUser, true, {}},
      {Attr::kMemberOf, "memberOf", "1.2.840.113556.1.2.102", S::kDn, U::kUser, false, {}},
      {Attr::kMember, "member", "2.5.4.31", S::kDn, U::kUser, false, {}},
      {Attr::kMemberUid, "memberUid", "1.3.6.1.1.1.1.12", S::kCaseExact, U::kUser, false, {}},
      {Attr::kOu, "ou", "2.5.4.11", S::kCaseIgnore, U::kUser, false, {"organizationalUnitName"}},
      {Attr::kO, "o", "2.5.4.10", S::kCaseIgnore, U::kUser, false, {"organizationName"}},
      {Attr::kEntryUuid, "entryUUID", "1.3.6.1.1.16.4", S::kCaseExact, U::kOperational, true, {}},
      {Attr::kCreateTimestamp, "createTimestamp", "2.5.18.1", S::kGeneralizedTime,
       U::kOperational, true, {}},
      {Attr::kModifyTimestamp, "modifyTimestamp", "2.5.18.2", S::kGeneralizedTime,
       U::kOperational, true, {}},
      {Attr::kPwdChangedTime, "pwdChangedTime", "1.3.6.1.4.1.42.2.27.8.1.16", S::kGeneralizedTime,
       U::kOperational, true, {}},
      {Attr::kEntryDn, "entryDN", "1.3.6.1.1.20", S::kDn, U::kOperational, true, {}},
      {Attr::kSubschemaSubentry, "subschemaSubentry", "2.5.18.10", S::kDn, U::kOperational, true,
       {}},
      {Attr::kHasSubordinates, "hasSubordinates", "2.5.18.9", S::kCaseIgnore, U::kOperational,
       true, {}},
      {Attr::kUserPassword, "userPassword", "2.5.4.35", S::kCaseExact, U::kUser, false, {}},
      // The root DSE's attributes are operational in RFC 4512, but served as user attributes
      // so that a plain `ldapsearch -b "" -s base` shows what the server supports.
      {Attr::kNamingContexts, "namingContexts", "1.3.6.1.4.1.1466.101.120.5", S::kDn, U::kUser,
       false, {}},
      {Attr::kSupportedControl, "supportedControl", "1.3.6.1.4.1.1466.101.120.13", S::kOid,
       U::kUser, false, {}},
      {Attr::kSupportedExtension, "supportedExtension", "1.3.6.1.4.1.1466.101.120.7", S::kOid,
       U::kUser, false, {}},
      {Attr::kSupportedFeatures, "supportedFeatures", "1.3.6.1.4.1.4203.1.3.5", S::kOid,
       U::kUser, false, {}},
      {Attr::kSupportedLdapVersion, "supportedLDAPVersion", "1.3.6.1.4.1.1466.101.120.15",
       S::kInteger, U::kUser, false, {}},
      {Attr::kSupportedSaslMechanisms, "supportedSASLMechanisms", "1.3.6.1.4.1.1466.101.120.14",
       S::kCaseIgnore, U::kUser, false, {}},
      {Attr::kVendorName, "vendorName", "1.3.6.1.1.4", S::kCaseExact, U::kUser, true, {}},
      {Attr::kVendorVersion, "vendorVersion", "1.3.6.1.1.5", S::kCaseExact, U::kUser, true, {}},
      {Attr::kAttributeTypes, "attributeTypes", "2.5.21.5", S::kCaseExact, U::kUser, false, {}},
      {Attr::kObjectClasses, "objectClasses", "2.5.21.6", S::kCaseExact, U::kUser, false, {}},
  }};
  return kTable;
}

}  // namespace

const AttributeType& TypeOf(Attr attr) { return Table()[static_cast<size_t>(attr)]; }

std::optional<Attr> LookupAttribute(std::string_view description) {
  std::string_view name = description.substr(0, description.find(';'));
  for (const AttributeType& t : Table()) {
    if (EqualsIgnoreCase(name, t.name) || name == t.oid) return t.id;
    for (std::string_view alias : t.aliases) {
      if (EqualsIgnoreCase(name, alias)) return t.id;
    }
  }
  return std::nullopt;
}

std::optional<std::string> NormalizeValue(Attr attr, std::string_view value) {
  switch (TypeOf(attr).syntax) {
    case Syntax::kCaseIgnore:
    case Syntax::kOid:
      return FoldCaseAndSpace(value);
    case Syntax::kCaseExact:
      return SqueezeSpace(value);
    case Syntax::kDn: {
      auto dn = ldap::NormalizeDn(value);
      if (!dn.ok()) return std::nullopt;
      return std::move(dn).value();
    }
    case Syntax::kInteger:
      return CanonicalInteger(value);
    case Syntax::kGeneralizedTime:
      return std::string(value);
  }
  return std::nullopt;
}

}  // namespace skydir::dit
