// `skydir serve --demo`: a sample org created once per data directory, with its credentials
// kept in <data-dir>/demo.txt (mode 0600) so later starts can print the same commands.
#pragma once

#include <string>

#include "common/settings.h"
#include "common/status.h"
#include "service/admin.h"

namespace skydir::app {

struct DemoInfo {
  std::string org_id;
  std::string service_username;
  std::string service_password;
  std::string user_password;  // every sample user's password
  std::string api_key;
};

// Creates the demo org on first call; afterwards reads it back. Blocking (SQL, hashing).
Result<DemoInfo> EnsureDemo(service::Admin& admin, const std::string& data_dir);

// The ready-to-paste commands for a running server.
std::string DemoInstructions(const DemoInfo& demo, const Settings& settings,
                             const std::string& ca_file, uint16_t ldap_port, uint16_t ldaps_port,
                             uint16_t http_port);

}  // namespace skydir::app
