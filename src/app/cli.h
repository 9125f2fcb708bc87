// The `skydir` command line: shared context and output helpers for the cli_*.cc files, each of
// which registers one group of subcommands.
//
// Shape of every subcommand: CLI11 parses (usage errors exit 2), the subcommand's callback
// stores an Action, and main() runs it. An Action opens what it needs through the Context,
// performs ONE admin use case where it writes (so a failure writes nothing), prints the result
// as text or, with --json, as one JSON document on stdout, and returns the exit code. Errors are
// one line on stderr, "skydir: error: <message>", exit 1.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/config.h"
#include "common/status.h"
#include "scim/provisioner.h"
#include "service/admin.h"
#include "service/applications.h"
#include "service/password_hasher.h"
#include "store/store.h"

namespace skydir::app {

using Action = std::function<int()>;

class Context {
 public:
  // Global options, bound to the top-level app.
  std::string data_dir;     // --data-dir; empty: from config/env, default ./skydir-data
  std::string config_path;  // --config
  bool json = false;        // --json
  // Setting overrides from subcommand flags (serve), applied after --data-dir.
  std::vector<FlagOverride> overrides;

  // Loads the settings (config file, SKYDIR_* environment, flags). On errors prints each on
  // stderr and returns nullptr.
  const Settings* LoadConfig();
  // LoadConfig, then opens <data_dir>/skydir.db (creating data_dir 0700 if missing) and builds
  // the Admin. On failure prints the error and returns nullptr.
  service::Admin* OpenAdmin();
  // OpenAdmin, then the applications (with the key that seals SCIM tokens) and a provisioner
  // for Test Connection and status. On failure prints the error and returns nullptr.
  service::Applications* OpenApplications();
  scim::Provisioner* provisioner() { return provisioner_.get(); }
  const LoadedSettings& loaded() const { return loaded_; }

 private:
  bool loaded_ok_ = false;
  LoadedSettings loaded_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<service::Admin> admin_;
  std::unique_ptr<service::SecretBox> secret_box_;
  std::unique_ptr<service::Applications> applications_;
  std::unique_ptr<scim::Provisioner> provisioner_;
};

// Prints "skydir: error: <message>" on stderr and returns 1.
int Fail(const Status& status);
int Fail(const std::string& message);
// The same for a usage error; returns 2.
int UsageError(const std::string& message);

// Reads one password line from stdin (without its line end); kConstraintViolation when empty.
Result<std::string> ReadPasswordFromStdin();

// Subcommand groups; each adds its subcommands to `app` and stores the chosen one in `action`.
void AddOrgCommands(CLI::App& app, Context& ctx, Action& action);
void AddApiKeyCommands(CLI::App& app, Context& ctx, Action& action);
void AddUserCommands(CLI::App& app, Context& ctx, Action& action);
void AddGroupCommands(CLI::App& app, Context& ctx, Action& action);
void AddLdapCommands(CLI::App& app, Context& ctx, Action& action);
void AddImportExportCommands(CLI::App& app, Context& ctx, Action& action);
void AddServeCommands(CLI::App& app, Context& ctx, Action& action);
void AddAppCommands(CLI::App& app, Context& ctx, Action& action);  // cli_app.cc

}  // namespace skydir::app
