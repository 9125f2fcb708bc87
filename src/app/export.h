// `skydir export ORG_ID`: writes an org's users and groups as LDIF (RFC 2849) in the DIT layout
// of DESIGN §2. Implemented in export.cc.
#pragma once

#include <ostream>
#include <string>

#include "common/settings.h"

namespace skydir::app {

// Writes to `out`; errors go to stderr as one "skydir: error: ..." line. Returns the exit code
// (0, or 1 for an unknown org or a store failure).
int RunExport(const Settings& settings, const std::string& org_id, std::ostream& out);

}  // namespace skydir::app
