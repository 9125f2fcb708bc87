#include "app/config.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <sstream>
#include <string_view>
#include <utility>

#include <toml.hpp>

#include "common/log.h"

extern char** environ;

namespace skydir::app {
namespace {

enum class Type { kString, kUint, kBool, kList };

// Extra checks on a value beyond its type.
enum class Check { kNone, kListen, kLogLevel, kTlsVersion, kNonEmpty, kAbsolutePath };

struct Spec {
  const char* key;
  Type type;
  void* (*field)(Settings&);
  const char* doc;
  uint32_t min = 0;
  uint32_t max = UINT32_MAX;
  Check check = Check::kNone;
  bool secret = false;
};

#define SKYDIR_FIELD(member) [](Settings& s) -> void* { return &s.member; }

constexpr uint32_t kKiB = 1024;
constexpr uint32_t kMiB = 1024 * 1024;
constexpr uint32_t kDay = 86400;

// THE list of settings. Adding a member to settings.h means adding its row here.
const Spec kSpecs[] = {
    {"data_dir", Type::kString, SKYDIR_FIELD(data_dir), "directory for the database and TLS files",
     0, 0, Check::kNonEmpty},
    {"log_level", Type::kString, SKYDIR_FIELD(log_level), "debug, info, warn, error or off", 0, 0,
     Check::kLogLevel},
    {"io_threads", Type::kUint, SKYDIR_FIELD(io_threads), "I/O threads; 0: one per core", 0, 1024},
    {"audit_retention_days", Type::kUint, SKYDIR_FIELD(audit_retention_days),
     "days audit events are kept; 0: forever"},
    {"snapshot_poll_millis", Type::kUint, SKYDIR_FIELD(snapshot_poll_millis),
     "how often the change log is followed", 10, 60000},
    {"snapshot_files", Type::kBool, SKYDIR_FIELD(snapshot_files),
     "save org snapshots in data_dir/snapshots; a restart loads them instead of rebuilding"},
    {"ldap.listen", Type::kString, SKYDIR_FIELD(ldap.listen),
     "host:port for LDAP with StartTLS; empty disables", 0, 0, Check::kListen},
    {"ldap.listen_tls", Type::kString, SKYDIR_FIELD(ldap.listen_tls),
     "host:port for LDAPS; empty disables", 0, 0, Check::kListen},
    {"ldap.suffix", Type::kString, SKYDIR_FIELD(ldap.suffix), "base DN above the orgs", 0, 0,
     Check::kNonEmpty},
    {"ldap.require_tls_for_bind", Type::kBool, SKYDIR_FIELD(ldap.require_tls_for_bind),
     "refuse password binds without TLS"},
    {"ldap.max_pdu_bytes", Type::kUint, SKYDIR_FIELD(ldap.max_pdu_bytes),
     "largest LDAP message after a bind", 4 * kKiB, 256 * kMiB},
    {"ldap.max_pdu_bytes_anonymous", Type::kUint, SKYDIR_FIELD(ldap.max_pdu_bytes_anonymous),
     "largest LDAP message before a bind", kKiB, 16 * kMiB},
    {"ldap.max_ber_depth", Type::kUint, SKYDIR_FIELD(ldap.max_ber_depth),
     "nesting of constructed BER elements", 8, 1024},
    {"ldap.max_filter_depth", Type::kUint, SKYDIR_FIELD(ldap.max_filter_depth),
     "nesting of and/or/not in a filter", 2, 256},
    {"ldap.max_filter_terms", Type::kUint, SKYDIR_FIELD(ldap.max_filter_terms),
     "filter nodes in one search", 1, 1000000},
    {"ldap.max_requested_attributes", Type::kUint, SKYDIR_FIELD(ldap.max_requested_attributes),
     "attributes one search may ask for", 1, 100000},
    {"ldap.max_connections", Type::kUint, SKYDIR_FIELD(ldap.max_connections),
     "open LDAP connections", 1, 10000000},
    {"ldap.max_connections_per_ip", Type::kUint, SKYDIR_FIELD(ldap.max_connections_per_ip),
     "open LDAP connections from one address", 1, 10000000},
    {"ldap.idle_timeout_seconds", Type::kUint, SKYDIR_FIELD(ldap.idle_timeout_seconds),
     "close idle connections after", 1, 7 * kDay},
    {"ldap.unauthenticated_timeout_seconds", Type::kUint,
     SKYDIR_FIELD(ldap.unauthenticated_timeout_seconds), "close connections that never bind after",
     1, kDay},
    {"ldap.pdu_read_timeout_seconds", Type::kUint, SKYDIR_FIELD(ldap.pdu_read_timeout_seconds),
     "time from a message's first byte to its last", 1, 3600},
    {"ldap.max_write_buffer_bytes", Type::kUint, SKYDIR_FIELD(ldap.max_write_buffer_bytes),
     "results held per connection before a search waits for the client to read", 16 * kKiB,
     1024 * kMiB},
    {"ldap.write_timeout_seconds", Type::kUint, SKYDIR_FIELD(ldap.write_timeout_seconds),
     "drop a client that reads none of its results for this long", 1, 3600},
    {"ldap.max_page_size", Type::kUint, SKYDIR_FIELD(ldap.max_page_size),
     "largest page of a paged search", 1, 10000000},
    {"ldap.max_paged_searches_per_connection", Type::kUint,
     SKYDIR_FIELD(ldap.max_paged_searches_per_connection), "paged searches open per connection", 1,
     10000},
    {"ldap.size_limit", Type::kUint, SKYDIR_FIELD(ldap.size_limit),
     "entries per unpaged search; 0: unlimited"},
    {"ldap.time_limit_seconds", Type::kUint, SKYDIR_FIELD(ldap.time_limit_seconds),
     "upper bound on any search", 1, kDay},
    {"ldap.max_failed_binds_per_ip", Type::kUint, SKYDIR_FIELD(ldap.max_failed_binds_per_ip),
     "failed binds per client IP per window before its binds are refused; 0: off"},
    {"ldap.failed_bind_window_seconds", Type::kUint,
     SKYDIR_FIELD(ldap.failed_bind_window_seconds), "window for the per-IP failed-bind limit", 1,
     kDay},
    {"tls.cert_file", Type::kString, SKYDIR_FIELD(tls.cert_file),
     "PEM certificate chain; empty: self-signed in <data_dir>/tls/"},
    {"tls.key_file", Type::kString, SKYDIR_FIELD(tls.key_file), "PEM private key"},
    {"tls.extra_sans", Type::kList, SKYDIR_FIELD(tls.extra_sans),
     "extra DNS names/IPs for the self-signed certificate"},
    {"tls.min_version", Type::kString, SKYDIR_FIELD(tls.min_version), "1.2 or 1.3", 0, 0,
     Check::kTlsVersion},
    {"http.listen", Type::kString, SKYDIR_FIELD(http.listen), "host:port for HTTP; empty disables",
     0, 0, Check::kListen},
    {"http.listen_tls", Type::kString, SKYDIR_FIELD(http.listen_tls),
     "host:port for HTTPS; empty disables", 0, 0, Check::kListen},
    {"http.max_body_bytes", Type::kUint, SKYDIR_FIELD(http.max_body_bytes),
     "largest request body", kKiB, 1024 * kMiB},
    {"http.max_header_bytes", Type::kUint, SKYDIR_FIELD(http.max_header_bytes),
     "largest request header", kKiB, 16 * kMiB},
    {"http.request_timeout_seconds", Type::kUint, SKYDIR_FIELD(http.request_timeout_seconds),
     "time to receive and answer a request", 1, 3600},
    {"http.idle_timeout_seconds", Type::kUint, SKYDIR_FIELD(http.idle_timeout_seconds),
     "keep-alive: close a connection idle for", 1, kDay},
    {"http.max_connections", Type::kUint, SKYDIR_FIELD(http.max_connections),
     "open HTTP connections", 1, 10000000},
    {"http.max_connections_per_ip", Type::kUint, SKYDIR_FIELD(http.max_connections_per_ip),
     "open HTTP connections from one address", 1, 10000000},
    {"http.worker_threads", Type::kUint, SKYDIR_FIELD(http.worker_threads),
     "threads that run API requests", 1, 256},
    {"http.max_queued_requests", Type::kUint, SKYDIR_FIELD(http.max_queued_requests),
     "API requests waiting for a thread before 503", 1, 1000000},
    {"http.rate_limit_per_second", Type::kUint, SKYDIR_FIELD(http.rate_limit_per_second),
     "API requests per second per key; 0: unlimited", 0, 1000000},
    {"http.rate_limit_burst", Type::kUint, SKYDIR_FIELD(http.rate_limit_burst),
     "API requests a key may send at once", 1, 1000000},
    {"http.api_key_cache_seconds", Type::kUint, SKYDIR_FIELD(http.api_key_cache_seconds),
     "how long a verified API key is cached; 0 disables", 0, 3600},
    {"http.api_key_cache_max_entries", Type::kUint, SKYDIR_FIELD(http.api_key_cache_max_entries),
     "verified API keys cached", 0, 10000000},
    {"http.session_idle_seconds", Type::kUint, SKYDIR_FIELD(http.session_idle_seconds),
     "admin console sessions end after this long without a request", 60, 7 * 24 * 3600},
    {"http.max_sessions", Type::kUint, SKYDIR_FIELD(http.max_sessions),
     "admin console sessions kept in memory; the least recently used goes first", 1, 10000000},
    {"password.argon2_ops_limit", Type::kUint, SKYDIR_FIELD(password.argon2_ops_limit),
     "Argon2id passes", 1, 64},
    {"password.argon2_mem_limit_kib", Type::kUint, SKYDIR_FIELD(password.argon2_mem_limit_kib),
     "Argon2id memory in KiB", 8, 1024 * kKiB},
    {"password.cache_max_entries", Type::kUint, SKYDIR_FIELD(password.cache_max_entries),
     "verified-credential cache size; 0 disables"},
    {"password.cache_ttl_seconds", Type::kUint, SKYDIR_FIELD(password.cache_ttl_seconds),
     "verified-credential cache lifetime", 0, kDay},
    {"password.hash_threads", Type::kUint, SKYDIR_FIELD(password.hash_threads),
     "threads that hash and verify passwords", 1, 256},
    {"directory.unix_id_min", Type::kUint, SKYDIR_FIELD(directory.unix_id_min),
     "first automatically allocated uidNumber/gidNumber", 1},
    {"directory.unix_id_max", Type::kUint, SKYDIR_FIELD(directory.unix_id_max),
     "last automatically allocated uidNumber/gidNumber", 1},
    {"directory.default_shell", Type::kString, SKYDIR_FIELD(directory.default_shell),
     "login shell of new users", 0, 0, Check::kAbsolutePath},
    {"directory.home_prefix", Type::kString, SKYDIR_FIELD(directory.home_prefix),
     "home directory of new users is this + username", 0, 0, Check::kAbsolutePath},
    {"provisioning.secret_key_file", Type::kString, SKYDIR_FIELD(provisioning.secret_key_file),
     "key that seals SCIM tokens; empty: <data_dir>/secret.key"},
    {"provisioning.poll_millis", Type::kUint, SKYDIR_FIELD(provisioning.poll_millis),
     "how often due provisioning jobs are looked for", 10, 60000},
    {"provisioning.batch_size", Type::kUint, SKYDIR_FIELD(provisioning.batch_size),
     "provisioning jobs taken at once per application", 1, 10000},
    {"provisioning.request_timeout_seconds", Type::kUint,
     SKYDIR_FIELD(provisioning.request_timeout_seconds), "timeout of one SCIM request", 1, 600},
    {"provisioning.retry_base_millis", Type::kUint, SKYDIR_FIELD(provisioning.retry_base_millis),
     "first retry delay; doubles per attempt, with jitter", 10, 3600000},
    {"provisioning.retry_max_seconds", Type::kUint, SKYDIR_FIELD(provisioning.retry_max_seconds),
     "longest delay between attempts", 1, 86400},
    {"provisioning.error_after_failures", Type::kUint,
     SKYDIR_FIELD(provisioning.error_after_failures),
     "consecutive failed requests that mark an application 'error'", 1, 1000},
    {"provisioning.max_concurrency", Type::kUint, SKYDIR_FIELD(provisioning.max_concurrency),
     "upper bound on any application's SCIM requests in flight", 1, 256},
    {"provisioning.allow_http", Type::kBool, SKYDIR_FIELD(provisioning.allow_http),
     "allow http:// SCIM URLs to non-loopback hosts"},
};

#undef SKYDIR_FIELD

const Spec* FindSpec(std::string_view key) {
  for (const Spec& spec : kSpecs) {
    if (key == spec.key) return &spec;
  }
  return nullptr;
}

std::string EnvName(std::string_view key) {
  std::string out = "SKYDIR_";
  for (char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

std::string TypeName(Type type) {
  switch (type) {
    case Type::kString: return "string";
    case Type::kUint: return "integer";
    case Type::kBool: return "boolean";
    case Type::kList: return "list of strings";
  }
  return "";
}

bool ValidListen(std::string_view text) {
  if (text.empty()) return true;
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value > 65535) return false;
  if (host.front() == '[') return host.back() == ']' && host.size() > 2;
  return host.find(':') == std::string_view::npos;
}

// The problem with a string value, or empty.
std::string CheckString(const Spec& spec, const std::string& value) {
  switch (spec.check) {
    case Check::kNone: return "";
    case Check::kNonEmpty: return value.empty() ? "must not be empty" : "";
    case Check::kListen:
      return ValidListen(value) ? "" : "must be host:port (e.g. 0.0.0.0:3389) or empty, got '" +
                                           value + "'";
    case Check::kLogLevel: {
      LogLevel level;
      return ParseLogLevel(value, &level)
                 ? ""
                 : "must be debug, info, warn, error or off, got '" + value + "'";
    }
    case Check::kTlsVersion:
      return value == "1.2" || value == "1.3" ? "" : "must be \"1.2\" or \"1.3\", got '" + value + "'";
    case Check::kAbsolutePath:
      return !value.empty() && value.front() == '/' ? "" : "must be an absolute path, got '" +
                                                              value + "'";
  }
  return "";
}

std::string RangeMessage(const Spec& spec) {
  return "must be an integer from " + std::to_string(spec.min) + " to " + std::to_string(spec.max);
}

// Stores an integer after the range check; returns the problem or empty.
std::string SetUint(const Spec& spec, Settings& s, int64_t value) {
  if (value < spec.min || value > spec.max) return RangeMessage(spec);
  *static_cast<uint32_t*>(spec.field(s)) = static_cast<uint32_t>(value);
  return "";
}

std::string SetString(const Spec& spec, Settings& s, const std::string& value) {
  std::string problem = CheckString(spec, value);
  if (!problem.empty()) return problem;
  *static_cast<std::string*>(spec.field(s)) = value;
  return "";
}

// Parses text from the environment or a flag. Returns the problem or empty.
std::string SetFromText(const Spec& spec, Settings& s, const std::string& text) {
  switch (spec.type) {
    case Type::kString: return SetString(spec, s, text);
    case Type::kUint: {
      if (text.empty() || text.size() > 10 ||
          !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return RangeMessage(spec) + ", got '" + text + "'";
      }
      std::string problem = SetUint(spec, s, std::stoll(text));
      return problem.empty() ? "" : problem + ", got '" + text + "'";
    }
    case Type::kBool: {
      std::string v;
      for (char c : text) v.push_back(static_cast<char>(std::tolower(c)));
      bool* field = static_cast<bool*>(spec.field(s));
      if (v == "true" || v == "1" || v == "yes" || v == "on") {
        *field = true;
      } else if (v == "false" || v == "0" || v == "no" || v == "off") {
        *field = false;
      } else {
        return "must be true or false, got '" + text + "'";
      }
      return "";
    }
    case Type::kList: {
      std::vector<std::string> items;
      std::stringstream in(text);
      std::string item;
      while (std::getline(in, item, ',')) {
        if (!item.empty()) items.push_back(item);
      }
      *static_cast<std::vector<std::string>*>(spec.field(s)) = std::move(items);
      return "";
    }
  }
  return "";
}

// Sets a setting from a TOML value. Returns the problem or empty.
std::string SetFromToml(const Spec& spec, Settings& s, const toml::value& v) {
  auto article = [](const std::string& noun) {
    return std::string(noun.find_first_of("aeiou") == 0 ? "an " : "a ") + noun;
  };
  std::string wrong_type =
      "must be " + article(TypeName(spec.type)) + ", not " + article(toml::stringize(v.type()));
  switch (spec.type) {
    case Type::kString:
      if (!v.is_string()) return wrong_type;
      return SetString(spec, s, v.as_string().str);
    case Type::kUint:
      if (!v.is_integer()) return wrong_type;
      return SetUint(spec, s, v.as_integer());
    case Type::kBool:
      if (!v.is_boolean()) return wrong_type;
      *static_cast<bool*>(spec.field(s)) = v.as_boolean();
      return "";
    case Type::kList: {
      if (!v.is_array()) return wrong_type;
      std::vector<std::string> items;
      for (const toml::value& item : v.as_array()) {
        if (!item.is_string()) return wrong_type;
        items.push_back(item.as_string().str);
      }
      *static_cast<std::vector<std::string>*>(spec.field(s)) = std::move(items);
      return "";
    }
  }
  return "";
}

struct LocatedError {
  uint32_t line;
  std::string text;
};

void LoadFile(const std::string& path, Settings& s, std::vector<std::string>& errors) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const toml::syntax_error& e) {
    // toml11 formats the location itself ("[error] ... --> file\n | line ...").
    std::string what = e.what();
    std::string where = path + ":" + std::to_string(e.location().line());
    size_t newline = what.find('\n');
    std::string first = what.substr(0, newline);
    if (first.rfind("[error] ", 0) == 0) first = first.substr(8);
    errors.push_back(where + ": syntax error: " + first);
    return;
  } catch (const std::exception& e) {
    errors.push_back(path + ": cannot read the configuration file: " + e.what());
    return;
  }
  std::vector<LocatedError> found;
  auto visit = [&](const std::string& key, const toml::value& v) {
    uint32_t line = v.location().line();
    const Spec* spec = FindSpec(key);
    if (spec == nullptr) {
      found.push_back({line, path + ":" + std::to_string(line) + ": unknown key '" + key + "'"});
      return;
    }
    std::string problem = SetFromToml(*spec, s, v);
    if (!problem.empty()) {
      found.push_back({line, path + ":" + std::to_string(line) + ": " + key + ": " + problem});
    }
  };
  for (const auto& [name, value] : root.as_table()) {
    bool is_section = value.is_table();
    if (!is_section) {
      visit(name, value);
      continue;
    }
    for (const auto& [key, inner] : value.as_table()) visit(name + "." + key, inner);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const LocatedError& a, const LocatedError& b) { return a.line < b.line; });
  for (auto& e : found) errors.push_back(std::move(e.text));
}

void CheckTogether(const Settings& s, std::vector<std::string>& errors) {
  if (s.directory.unix_id_min > s.directory.unix_id_max) {
    errors.push_back("directory.unix_id_min (" + std::to_string(s.directory.unix_id_min) +
                     ") must not be above directory.unix_id_max (" +
                     std::to_string(s.directory.unix_id_max) + ")");
  }
  if (s.tls.cert_file.empty() != s.tls.key_file.empty()) {
    errors.push_back("tls.cert_file and tls.key_file must be given together");
  }
  if (s.ldap.max_pdu_bytes_anonymous > s.ldap.max_pdu_bytes) {
    errors.push_back("ldap.max_pdu_bytes_anonymous must not be above ldap.max_pdu_bytes");
  }
}

std::string ValueText(const Spec& spec, Settings& s) {
  if (spec.secret) return "\"<hidden>\"";
  switch (spec.type) {
    case Type::kString: {
      std::string out;
      AppendJsonString(out, *static_cast<std::string*>(spec.field(s)));
      return out;
    }
    case Type::kUint: return std::to_string(*static_cast<uint32_t*>(spec.field(s)));
    case Type::kBool: return *static_cast<bool*>(spec.field(s)) ? "true" : "false";
    case Type::kList: {
      std::string out = "[";
      for (const std::string& item : *static_cast<std::vector<std::string>*>(spec.field(s))) {
        if (out.size() > 1) out += ", ";
        AppendJsonString(out, item);
      }
      return out + "]";
    }
  }
  return "";
}

}  // namespace

LoadedSettings LoadSettings(const std::string& config_path,
                            const std::map<std::string, std::string>& env,
                            const std::vector<FlagOverride>& flags) {
  LoadedSettings out;
  out.config_path = config_path;
  if (out.config_path.empty()) {
    if (auto it = env.find("SKYDIR_CONFIG"); it != env.end()) out.config_path = it->second;
  }
  if (!out.config_path.empty()) LoadFile(out.config_path, out.settings, out.errors);
  for (const Spec& spec : kSpecs) {
    std::string name = EnvName(spec.key);
    auto it = env.find(name);
    if (it == env.end()) continue;
    std::string problem = SetFromText(spec, out.settings, it->second);
    if (!problem.empty()) out.errors.push_back(name + ": " + problem);
  }
  for (const FlagOverride& flag : flags) {
    const Spec* spec = FindSpec(flag.key);
    if (spec == nullptr) {
      out.errors.push_back(flag.flag + ": no setting named '" + flag.key + "'");
      continue;
    }
    std::string problem = SetFromText(*spec, out.settings, flag.value);
    if (!problem.empty()) out.errors.push_back(flag.flag + ": " + problem);
  }
  CheckTogether(out.settings, out.errors);
  return out;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** p = environ; p != nullptr && *p != nullptr; ++p) {
    std::string_view entry(*p);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

std::vector<std::string> UnknownEnvironment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> unknown;
  for (const auto& entry : env) {
    const std::string& name = entry.first;  // not a structured binding: clang 14 cannot capture one
    if (name.rfind("SKYDIR_", 0) != 0 || name == "SKYDIR_CONFIG") continue;
    bool known = std::any_of(std::begin(kSpecs), std::end(kSpecs),
                             [&](const Spec& spec) { return EnvName(spec.key) == name; });
    if (!known) unknown.push_back(name);
  }
  return unknown;
}

std::string DescribeSettings(const Settings& settings) {
  Settings copy = settings;
  std::string out;
  std::string section;
  for (const Spec& spec : kSpecs) {
    std::string_view key = spec.key;
    size_t dot = key.find('.');
    std::string this_section = dot == std::string_view::npos ? "" : std::string(key.substr(0, dot));
    if (this_section != section) {
      section = this_section;
      out += "\n[" + section + "]\n";
    }
    out += std::string(dot == std::string_view::npos ? key : key.substr(dot + 1)) + " = " +
           ValueText(spec, copy) + "\n";
  }
  return out;
}

std::string SettingsReference() {
  Settings defaults;
  std::string out =
      "| key | environment | type | default | meaning |\n|---|---|---|---|---|\n";
  for (const Spec& spec : kSpecs) {
    std::string range;
    if (spec.type == Type::kUint && (spec.min != 0 || spec.max != UINT32_MAX)) {
      range = " (" + std::to_string(spec.min) + "–" + std::to_string(spec.max) + ")";
    }
    out += std::string("| `") + spec.key + "` | `" + EnvName(spec.key) + "` | " +
           TypeName(spec.type) + range + " | `" + ValueText(spec, defaults) + "` | " + spec.doc +
           " |\n";
  }
  return out;
}

std::string SecretKeyFile(const Settings& settings) {
  return settings.provisioning.secret_key_file.empty() ? settings.data_dir + "/secret.key"
                                                       : settings.provisioning.secret_key_file;
}

}  // namespace skydir::app
