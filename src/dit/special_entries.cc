#include "dit/special_entries.h"

#include "ldap/dn.h"

namespace skydir::dit {
namespace {

Entry Seal(EntryDraft& e) {
  auto ndn = ldap::NormalizeDn(e.dn);
  e.ndn = ndn.ok() ? *ndn : e.dn;
  return Entry(e);
}

}  // namespace

Entry BuildRootDse(const ServerFeatures& f) {
  EntryDraft e;
  e.kind = EntryKind::kOrg;
  e.dn = "";
  e.attributes.push_back({Attr::kObjectClass, {"top", "extensibleObject"}});
  e.attributes.push_back({Attr::kNamingContexts, {f.suffix}});
  e.attributes.push_back({Attr::kSubschemaSubentry, {"cn=Subschema"}});
  e.attributes.push_back({Attr::kSupportedLdapVersion, {"3"}});
  e.attributes.push_back({Attr::kSupportedControl, f.controls});
  e.attributes.push_back({Attr::kSupportedExtension, f.extensions});
  // RFC 4526 absolute true/false filters and RFC 3673 "+" are understood.
  e.attributes.push_back({Attr::kSupportedFeatures, {"1.3.6.1.4.1.4203.1.5.1"}});
  e.attributes.push_back({Attr::kVendorName, {"skydir"}});
  e.attributes.push_back({Attr::kVendorVersion, {f.vendor_version}});
  return Seal(e);
}

Entry BuildSubschema() {
  EntryDraft e;
  e.kind = EntryKind::kOrg;
  e.dn = "cn=Subschema";
  e.attributes.push_back({Attr::kObjectClass, {"top", "subentry", "subschema",
                                               "extensibleObject"}});
  e.attributes.push_back({Attr::kCn, {"Subschema"}});
  e.attributes.push_back({Attr::kAttributeTypes, AttributeTypeDescriptions()});
  e.attributes.push_back({Attr::kObjectClasses, ObjectClassDescriptions()});
  return Seal(e);
}

}  // namespace skydir::dit
