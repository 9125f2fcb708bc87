// Entries that live outside any org: the root DSE (RFC 4512 §5.1) and cn=Subschema (§4.2),
// both readable without a bind.
#pragma once

#include <string>
#include <vector>

#include "dit/entry.h"

namespace skydir::dit {

struct ServerFeatures {
  std::string suffix;
  std::string vendor_version;
  std::vector<std::string> controls;    // OIDs
  std::vector<std::string> extensions;  // OIDs
};

Entry BuildRootDse(const ServerFeatures& features);
Entry BuildSubschema();

}  // namespace skydir::dit
