// `skydir serve [flags]` and `skydir check-config`.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli.h"
#include "app/cli_json.h"
#include "app/serve.h"

namespace skydir::app {
namespace {

// A serve flag that sets one setting.
struct ServeFlag {
  const char* flag;
  const char* key;
  const char* help;
};

const ServeFlag kServeFlags[] = {
    {"--ldap", "ldap.listen", "host:port for LDAP with StartTLS (\"\" disables)"},
    {"--ldaps", "ldap.listen_tls", "host:port for LDAPS (\"\" disables)"},
    {"--http", "http.listen", "host:port for HTTP (\"\" disables)"},
    {"--https", "http.listen_tls", "host:port for HTTPS"},
    {"--suffix", "ldap.suffix", "LDAP base DN above the orgs (default dc=jumpcloud,dc=com)"},
    {"--tls-cert", "tls.cert_file", "PEM certificate chain (default: self-signed)"},
    {"--tls-key", "tls.key_file", "PEM private key"},
    {"--log-level", "log_level", "debug, info, warn, error or off"},
};

struct ServeArgs {
  std::vector<std::string> values = std::vector<std::string>(std::size(kServeFlags));
  std::vector<std::string> sans;
  bool demo = false;
  CLI::App* cmd = nullptr;
};

int Serve(Context& ctx, const ServeArgs& a) {
  for (size_t i = 0; i < std::size(kServeFlags); ++i) {
    if (a.cmd->count(kServeFlags[i].flag) > 0) {
      ctx.overrides.push_back({kServeFlags[i].key, a.values[i], kServeFlags[i].flag});
    }
  }
  if (!a.sans.empty()) {
    std::string joined;
    for (const auto& san : a.sans) joined += (joined.empty() ? "" : ",") + san;
    ctx.overrides.push_back({"tls.extra_sans", joined, "--tls-san"});
  }
  const Settings* settings = ctx.LoadConfig();
  if (settings == nullptr) return 1;
  return RunServe(*settings, ServeOptions{a.demo});
}

int CheckConfig(Context& ctx, bool reference) {
  if (reference) {
    std::cout << SettingsReference();
    return 0;
  }
  auto env = ProcessEnvironment();
  std::vector<FlagOverride> flags;
  if (!ctx.data_dir.empty()) flags.push_back({"data_dir", ctx.data_dir, "--data-dir"});
  LoadedSettings loaded = LoadSettings(ctx.config_path, env, flags);
  if (ctx.json) {
    boost::json::array errors;
    for (const auto& e : loaded.errors) errors.emplace_back(e);
    PrintJson({{"ok", loaded.errors.empty()}, {"errors", errors}});
    return loaded.errors.empty() ? 0 : 1;
  }
  for (const std::string& name : UnknownEnvironment(env)) {
    std::cerr << "skydir: warning: " << name << " is not a setting (ignored)\n";
  }
  if (!loaded.errors.empty()) {
    for (const auto& e : loaded.errors) Fail(e);
    return 1;
  }
  std::cout << "configuration ok"
            << (loaded.config_path.empty() ? " (no file; defaults, environment and flags)"
                                           : " (" + loaded.config_path + ")")
            << "\n"
            << DescribeSettings(loaded.settings);
  return 0;
}

}  // namespace

void AddServeCommands(CLI::App& app, Context& ctx, Action& action) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* serve = app.add_subcommand("serve", "run the LDAP and HTTP servers");
  a->cmd = serve;
  for (size_t i = 0; i < std::size(kServeFlags); ++i) {
    serve->add_option(kServeFlags[i].flag, a->values[i], kServeFlags[i].help);
  }
  serve->add_option("--tls-san", a->sans, "extra name or IP for the self-signed certificate")
      ->allow_extra_args(false);
  serve->add_flag("--demo", a->demo, "create a demo org with sample users and print how to try it");
  serve->callback([&ctx, &action, a] { action = [&ctx, a] { return Serve(ctx, *a); }; });

  auto reference = std::make_shared<bool>(false);
  CLI::App* check = app.add_subcommand(
      "check-config", "validate the configuration (file, SKYDIR_* environment, flags)");
  check->add_flag("--reference", *reference, "print every setting as a Markdown table");
  check->callback([&ctx, &action, reference] {
    action = [&ctx, reference] { return CheckConfig(ctx, *reference); };
  });
}

}  // namespace skydir::app
