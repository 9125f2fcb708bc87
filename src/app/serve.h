// `skydir serve`: runs the LDAP and HTTP servers until SIGINT/SIGTERM. Implemented in serve.cc.
#pragma once

#include "common/settings.h"

namespace skydir::app {

struct ServeOptions {
  // Create an org with sample users and groups (once) and print ready-to-paste ldapsearch
  // commands and an API key.
  bool demo = false;
};

// REQUIRES: `settings` passed LoadSettings without errors. Returns the process exit code.
int RunServe(const Settings& settings, const ServeOptions& options);

}  // namespace skydir::app
