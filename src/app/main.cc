// `skydir`: the server (`skydir serve`) and the operator's command line (DESIGN §6).
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli.h"
#include "common/log.h"
#include "service/actor.h"

namespace {

// Changes made with the command line are audited as the operating-system user who ran it.
skydir::service::Actor CliActor() {
  std::string name;
  if (const passwd* pw = getpwuid(getuid()); pw != nullptr && pw->pw_name != nullptr) {
    name = pw->pw_name;
  } else {
    name = "uid " + std::to_string(getuid());
  }
  return {"cli", name, ""};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace skydir::app;
  skydir::service::ScopedActor actor(CliActor());
  // Operator commands print their own results; the JSON log (audit lines included) only speaks
  // up for warnings. `skydir serve` sets the configured level.
  skydir::SetLogLevel(skydir::LogLevel::kWarn);
  Context ctx;
  Action action;
  CLI::App app{"skydir: a self-hostable multi-tenant cloud directory (JumpCloud-compatible LDAP)",
               "skydir"};
  app.add_option("--data-dir", ctx.data_dir,
                 "data directory (default ./skydir-data, or data_dir from config/SKYDIR_DATA_DIR)");
  app.add_option("--config", ctx.config_path, "TOML configuration file (or SKYDIR_CONFIG)");
  app.add_flag("--json", ctx.json, "print results as JSON");
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);

  AddServeCommands(app, ctx, action);
  AddOrgCommands(app, ctx, action);
  AddUserCommands(app, ctx, action);
  AddGroupCommands(app, ctx, action);
  AddLdapCommands(app, ctx, action);
  AddAppCommands(app, ctx, action);
  AddApiKeyCommands(app, ctx, action);
  AddImportExportCommands(app, ctx, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    return UsageError(message + " (see skydir --help)");
  }
  if (!action) return UsageError("a subcommand is required (see skydir --help)");
  try {
    return action();
  } catch (const std::exception& e) {
    return Fail(std::string("unexpected failure: ") + e.what());
  }
}
