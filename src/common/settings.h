// Every tunable of the server in one plain struct, with its default. Loaded by app/config
// (TOML file, then SKYDIR_* environment variables, then command-line flags) and handed down;
// lower layers read only the part they need.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace skydir {

struct LdapSettings {
  std::string listen = "0.0.0.0:3389";       // plain LDAP with StartTLS; empty disables
  std::string listen_tls = "0.0.0.0:3636";   // LDAPS; empty disables
  std::string suffix = "dc=jumpcloud,dc=com";
  // Refuse simple binds with a password on a connection that is not TLS-protected
  // (confidentialityRequired). Off by default: JumpCloud serves 389 in clear text too.
  bool require_tls_for_bind = false;
  uint32_t max_pdu_bytes = 4 * 1024 * 1024;       // after a successful bind
  uint32_t max_pdu_bytes_anonymous = 64 * 1024;   // before any successful bind
  uint32_t max_ber_depth = 64;                    // nesting of constructed BER elements
  uint32_t max_filter_depth = 32;                 // nesting of and/or/not
  uint32_t max_filter_terms = 1024;               // all filter nodes of one search
  uint32_t max_requested_attributes = 256;
  uint32_t max_connections = 4096;
  uint32_t max_connections_per_ip = 512;
  // Operations on one connection are answered one at a time and the next request is not read
  // before the answer is written, so there is no "outstanding operations" limit to set: a
  // pipelining client waits in its own TCP buffers (docs/decisions.md).
  uint32_t idle_timeout_seconds = 900;
  uint32_t unauthenticated_timeout_seconds = 60;
  uint32_t pdu_read_timeout_seconds = 30;         // from a PDU's first byte to its last
  // Results held for one connection before the search waits for the client to read them.
  uint32_t max_write_buffer_bytes = 256 * 1024;
  uint32_t write_timeout_seconds = 60;  // a client that reads nothing for this long is dropped
  uint32_t max_page_size = 10000;
  uint32_t max_paged_searches_per_connection = 16;
  // Server-side cap on entries returned to a non-paged search; 0 means unlimited (JumpCloud's
  // behaviour, needed by sync tools that abort on sizeLimitExceeded).
  uint32_t size_limit = 0;
  uint32_t time_limit_seconds = 3600;  // upper bound on any search, whatever the client asks
  // Per-IP throttling of failed binds: past this many failures in the window, binds from that
  // address fail at once (invalidCredentials) without checking the password. 0 disables.
  uint32_t max_failed_binds_per_ip = 100;
  uint32_t failed_bind_window_seconds = 60;
};

struct TlsSettings {
  std::string cert_file;  // empty: generate a self-signed CA and server cert in <data>/tls/
  std::string key_file;
  std::vector<std::string> extra_sans;
  std::string min_version = "1.2";
};

struct HttpSettings {
  std::string listen = "0.0.0.0:8080";
  std::string listen_tls;  // HTTPS; empty disables
  uint32_t max_body_bytes = 1024 * 1024;
  uint32_t max_header_bytes = 16 * 1024;
  uint32_t request_timeout_seconds = 30;   // to receive the rest of a request and answer it
  uint32_t idle_timeout_seconds = 60;      // keep-alive: wait for the next request
  uint32_t max_connections = 1024;
  uint32_t max_connections_per_ip = 256;
  uint32_t worker_threads = 4;             // the pool that runs API handlers (SQL, Argon2id)
  uint32_t max_queued_requests = 256;      // API requests waiting for a worker before 503
  uint32_t rate_limit_per_second = 50;     // per API key; 0 disables the limit
  uint32_t rate_limit_burst = 100;         // requests a key may send at once
  uint32_t api_key_cache_seconds = 10;     // verified API keys kept in memory; 0 disables
  uint32_t api_key_cache_max_entries = 10000;
  uint32_t session_idle_seconds = 1800;    // console sessions end after this long unused
  uint32_t max_sessions = 10000;           // console sessions kept in memory at once
};

struct PasswordSettings {
  // Argon2id cost (libsodium crypto_pwhash); defaults are OWASP's 2023 minimum (m=19 MiB, t=2).
  uint32_t argon2_ops_limit = 2;
  uint32_t argon2_mem_limit_kib = 19 * 1024;
  uint32_t cache_max_entries = 100000;
  uint32_t cache_ttl_seconds = 600;
  uint32_t hash_threads = 2;  // the bounded pool that runs hashing off the I/O threads
};

struct DirectorySettings {
  uint32_t unix_id_min = 5000;  // first automatically allocated uidNumber/gidNumber
  uint32_t unix_id_max = 2000000000;
  std::string default_shell = "/bin/bash";
  std::string home_prefix = "/home/";
};

// Outbound SCIM provisioning (issue 5).
struct ProvisioningSettings {
  // 32 random bytes that seal applications' SCIM tokens; empty: <data_dir>/secret.key, made
  // on first start. Losing it means re-entering every token.
  std::string secret_key_file;
  uint32_t poll_millis = 500;          // how often due jobs are looked for
  uint32_t batch_size = 256;           // jobs taken at once per application
  uint32_t request_timeout_seconds = 30;
  uint32_t retry_base_millis = 1000;   // first retry delay; doubles per attempt, with jitter
  uint32_t retry_max_seconds = 300;    // longest delay between attempts
  uint32_t error_after_failures = 5;   // consecutive failed requests that mark an app `error`
  uint32_t max_concurrency = 32;       // upper bound on an application's concurrency
  // Plain http:// SCIM URLs are refused unless the host is a loopback address or this is on.
  bool allow_http = false;
};

struct Settings {
  std::string data_dir = "./skydir-data";
  std::string log_level = "info";
  uint32_t io_threads = 0;  // 0: one per core
  uint32_t snapshot_poll_millis = 200;  // how often the change log is followed
  bool snapshot_files = true;  // save snapshots under <data_dir>/snapshots for fast restarts
  uint32_t audit_retention_days = 90;   // audit events older than this are deleted; 0: keep
  LdapSettings ldap;
  TlsSettings tls;
  HttpSettings http;
  PasswordSettings password;
  DirectorySettings directory;
  ProvisioningSettings provisioning;
};

}  // namespace skydir
