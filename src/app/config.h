// Loading Settings (common/settings.h) from, in increasing precedence: the defaults, a TOML
// file, SKYDIR_* environment variables, and command-line flags.
//
// Every setting is one row of a single table (config.cc), which gives its TOML key
// ("ldap.listen": key "listen" in section [ldap]; top-level keys have no section), its
// environment variable (SKYDIR_ + the key in upper case with '.' -> '_': SKYDIR_LDAP_LISTEN),
// its type, its allowed range and its documentation; so file keys, variable names and
// SettingsReference() cannot drift apart.
//
// Values: strings; integers (TOML integers; in the environment and flags, decimal digits);
// booleans (TOML booleans; elsewhere true/false/1/0/yes/no/on/off); lists of strings (TOML
// arrays; elsewhere comma-separated).
//
// Errors are collected, not stopped at: unknown keys, wrong types and out-of-range values, each
// located as "<file>:<line>: <key>: <problem>", "<VARIABLE>: <problem>" or "--flag: <problem>".
// Environment variables starting with SKYDIR_ that name no setting are ignored (the test
// harness and the config path, SKYDIR_CONFIG, share the prefix); UnknownEnvironment() lists
// them so check-config can warn.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/settings.h"

namespace skydir::app {

// A value given on the command line for the setting `key` ("ldap.listen"); `flag` names the
// flag in error messages ("--ldap").
struct FlagOverride {
  std::string key;
  std::string value;
  std::string flag;
};

struct LoadedSettings {
  Settings settings;
  std::vector<std::string> errors;  // empty when the configuration is valid
  std::string config_path;          // the file that was read, if any
};

// `config_path` empty: the file named by SKYDIR_CONFIG in `env`, or no file at all.
LoadedSettings LoadSettings(const std::string& config_path,
                            const std::map<std::string, std::string>& env,
                            const std::vector<FlagOverride>& flags);

// The process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();

// SKYDIR_* variables in `env` that are not settings (nor SKYDIR_CONFIG).
std::vector<std::string> UnknownEnvironment(const std::map<std::string, std::string>& env);

// "key = value" lines of the effective settings, TOML-shaped; secrets shown as "<hidden>".
std::string DescribeSettings(const Settings& settings);

// A Markdown table of every setting: key, environment variable, type, default, meaning.
std::string SettingsReference();

// The file holding the key that seals SCIM tokens: provisioning.secret_key_file, or
// <data_dir>/secret.key.
std::string SecretKeyFile(const Settings& settings);

}  // namespace skydir::app
