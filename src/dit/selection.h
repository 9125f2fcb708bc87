// Which attributes a search returns (RFC 4511 §4.5.1.8): none listed or "*" means all user
// attributes, "+" all operational ones (RFC 3673), "1.1" none, names pick single attributes.
#pragma once

#include <string>
#include <vector>

#include "dit/entry.h"

namespace skydir::dit {

struct Selection {
  bool all_user = true;
  bool all_operational = false;
  std::vector<Attr> named;  // resolved; unknown names are ignored
  bool types_only = false;

  static Selection FromRequest(const std::vector<std::string>& attributes, bool types_only);
  bool Includes(Attr attr) const;
};

// The PartialAttributeList of `entry` under `selection`; reuses the entry's cached encoding
// when the selection is exactly "all user attributes with values". Appends to *out.
void AppendSelectedAttributes(const Entry& entry, const Selection& selection, std::string* out);

}  // namespace skydir::dit
