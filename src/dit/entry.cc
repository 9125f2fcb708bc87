#include "dit/entry.h"

#include "ldap/message.h"

namespace skydir::dit {

const AttributeValues* Entry::Find(Attr attr) const {
  for (const AttributeValues& a : attributes) {
    if (a.attr == attr) return &a;
  }
  return nullptr;
}

std::string EncodeAttributeList(const std::vector<const AttributeValues*>& attrs,
                                bool types_only) {
  std::string out;
  ldap::AttributeListEncoder encoder(&out, types_only);
  for (const AttributeValues* a : attrs) encoder.Add(TypeOf(a->attr).name, a->values);
  encoder.Finish();
  return out;
}

}  // namespace skydir::dit
