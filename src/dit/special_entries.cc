#include "dit/special_entries.h"

#include "ldap/dn.h"

namespace skydir::dit {
namespace {

using Names = std::initializer_list<std::string_view>;

Entry Seal(EntryWriter&& e, std::string_view dn) {
  auto ndn = ldap::NormalizeDn(dn);
  const std::string normalized = ndn.ok() ? *ndn : std::string(dn);
  return std::move(e).Finish({.dn = dn, .ndn = normalized});
}

}  // namespace

Entry BuildRootDse(const ServerFeatures& f) {
  EntryWriter e(EntryKind::kOrg);
  e.AddAll(Attr::kObjectClass, Names{"top", "extensibleObject"});
  e.Add(Attr::kNamingContexts, f.suffix);
  e.Add(Attr::kSubschemaSubentry, "cn=Subschema");
  e.Add(Attr::kSupportedLdapVersion, "3");
  e.AddAll(Attr::kSupportedControl, f.controls);
  e.AddAll(Attr::kSupportedExtension, f.extensions);
  // RFC 4526 absolute true/false filters and RFC 3673 "+" are understood.
  e.Add(Attr::kSupportedFeatures, "1.3.6.1.4.1.4203.1.5.1");
  e.Add(Attr::kVendorName, "skydir");
  e.Add(Attr::kVendorVersion, f.vendor_version);
  return Seal(std::move(e), "");
}

Entry BuildSubschema() {
  EntryWriter e(EntryKind::kOrg);
  e.AddAll(Attr::kObjectClass, Names{"top", "subentry", "subschema", "extensibleObject"});
  e.Add(Attr::kCn, "Subschema");
  e.AddAll(Attr::kAttributeTypes, AttributeTypeDescriptions());
  e.AddAll(Attr::kObjectClasses, ObjectClassDescriptions());
  return Seal(std::move(e), "cn=Subschema");
}

}  // namespace skydir::dit
