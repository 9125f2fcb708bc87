#include "dit/selection.h"

#include <algorithm>

#include "ber/writer.h"

namespace skydir::dit {

Selection Selection::FromRequest(const std::vector<std::string>& attributes, bool types_only) {
  Selection s;
  s.types_only = types_only;
  if (attributes.empty()) return s;
  s.all_user = false;
  for (const std::string& a : attributes) {
    if (a == "*") {
      s.all_user = true;
    } else if (a == "+") {
      s.all_operational = true;
    } else if (a == "1.1") {
      continue;
    } else if (auto attr = LookupAttribute(a)) {
      if (std::find(s.named.begin(), s.named.end(), *attr) == s.named.end()) {
        s.named.push_back(*attr);
      }
    }
  }
  return s;
}

bool Selection::Includes(Attr attr) const {
  if (attr == Attr::kUserPassword) return false;  // never returned
  Usage usage = TypeOf(attr).usage;
  if (usage == Usage::kUser && all_user) return true;
  if (usage == Usage::kOperational && all_operational) return true;
  return std::find(named.begin(), named.end(), attr) != named.end();
}

void AppendSelectedAttributes(const Entry& entry, const Selection& selection, std::string* out) {
  if (selection.all_user && !selection.all_operational && selection.named.empty() &&
      !selection.types_only) {
    out->append(entry.encoded_user_attributes());
    return;
  }
  ber::Writer writer(out);
  const size_t list = writer.Begin(ber::kTagSequence);
  for (EncodedAttribute a : entry.attributes()) {
    if (!selection.Includes(a.attr)) continue;
    if (!selection.types_only) {
      writer.AddRaw(a.tlv);
      continue;
    }
    const size_t attribute = writer.Begin(ber::kTagSequence);
    writer.AddOctetString(TypeOf(a.attr).name);
    writer.End(writer.Begin(ber::kTagSet));
    writer.End(attribute);
  }
  writer.End(list);
}

}  // namespace skydir::dit
