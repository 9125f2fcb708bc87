#include "app/serve.h"

#include <sys/stat.h>

#include <iostream>

#include "api/api.h"
#include "app/config.h"
#include "app/demo.h"
#include "common/log.h"
#include "common/metrics.h"
#include "dit/registry.h"
#include "http/api_key_auth.h"
#include "http/dispatcher.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "http/session_store.h"
#include "net/blocking_pool.h"
#include "net/runtime.h"
#include "net/tls_context.h"
#include "net/tls_material.h"
#include "server/ldap_server.h"
#include "scim/provisioner.h"
#include "service/admin.h"
#include "service/applications.h"
#include "service/audit_log.h"
#include "service/credential_cache.h"
#include "service/ldap_service.h"
#include "service/password_hasher.h"
#include "service/secret_box.h"
#include "service/snapshot_follower.h"
#include "store/sqlite/sqlite_store.h"
#include "web/console_routes.h"

namespace skydir::app {
namespace {

int Fail(const std::string& message) {
  std::cerr << "skydir: error: " << message << "\n";
  return 1;
}

}  // namespace

int RunServe(const Settings& settings, const ServeOptions& options) {
  LogLevel level;
  if (ParseLogLevel(settings.log_level, &level)) SetLogLevel(level);
  ::mkdir(settings.data_dir.c_str(), 0700);

  auto store = store::sqlite::SqliteStore::Open(settings.data_dir + "/skydir.db");
  if (!store.ok()) return Fail("cannot open the store: " + store.status().message());
  PasswordHasher hasher(settings.password);
  service::Admin admin(**store, hasher, settings);

  std::optional<DemoInfo> demo;
  if (options.demo) {
    auto d = EnsureDemo(admin, settings.data_dir);
    if (!d.ok()) return Fail("cannot create the demo directory: " + d.status().message());
    demo = *d;
  }

  auto tls_files = net::EnsureTlsMaterial(settings.data_dir, settings.tls);
  if (!tls_files.ok()) return Fail(tls_files.status().message());
  auto tls = net::MakeServerTlsContext(*tls_files, settings.tls);
  if (!tls.ok()) return Fail(tls.status().message());

  dit::Registry registry;
  dit::SnapshotOptions snapshot_options;
  snapshot_options.suffix = settings.ldap.suffix;
  service::SnapshotFollower follower(
      **store, registry, snapshot_options, settings.snapshot_poll_millis,
      settings.snapshot_files ? settings.data_dir + "/snapshots" : std::string());
  if (Status s = follower.LoadAll(); !s.ok()) return Fail("cannot load the directory: " + s.ToString());
  service::AuditLogOptions audit_options;
  audit_options.retention_days = settings.audit_retention_days;
  service::AuditLog audit(**store, audit_options);
  audit.Start();
  auto secret_box = service::SecretBox::LoadOrCreate(SecretKeyFile(settings));
  if (!secret_box.ok()) return Fail(secret_box.status().message());
  service::Applications applications(**store, *secret_box, settings.provisioning);
  scim::Provisioner provisioner(**store, applications, settings.provisioning, &audit);
  CredentialCache cache(settings.password);
  service::LdapService ldap(settings, registry, follower, hasher, cache, admin, **store, &audit);

  net::RuntimeOptions runtime_options;
  runtime_options.io_threads = settings.io_threads;
  net::Runtime runtime(runtime_options);
  net::BlockingPoolOptions pool_options;
  pool_options.name = "blocking";
  pool_options.threads = std::max<uint32_t>(settings.password.hash_threads, 1);
  net::BlockingPool pool(pool_options);

  server::ServerContext ctx{settings, ldap, pool, *tls, runtime.sessions()};
  server::LdapServer ldap_server(ctx, runtime);
  if (Status s = ldap_server.Listen(); !s.ok()) return Fail(s.message());
  ldap_server.Start();

  // The admin REST API: handlers run on their own pool so API load never starves LDAP binds.
  net::BlockingPoolOptions http_pool_options;
  http_pool_options.name = "http";
  http_pool_options.threads = settings.http.worker_threads;
  http_pool_options.max_queue = settings.http.max_queued_requests;
  net::BlockingPool http_pool(http_pool_options);
  http::ApiKeyAuthenticator api_keys(
      [&admin](std::string_view secret) { return admin.AuthenticateApiKey(secret); },
      settings.http);
  http::RateLimiter rate_limiter(settings.http.rate_limit_per_second,
                                 settings.http.rate_limit_burst);
  http::Router router;
  http::AddHealthRoutes(router, [&runtime] { return !runtime.Stopping(); });
  // Admin console sessions live in memory: a restart signs everyone out.
  http::SessionStore sessions(std::chrono::seconds(settings.http.session_idle_seconds),
                              settings.http.max_sessions);
  sessions.SetValidator([&admin](const http::ConsoleSession& s) {
    return service::MayUseConsole(admin.GetUser(s.org_id, s.user_id));
  });
  api::ApiContext api_context{admin,
                              [&follower, &provisioner] {
                                provisioner.Wake();
                                return follower.CatchUp();
                              },
                              &api_keys, &audit, &applications, &provisioner};
  api_context.ldap = &ldap;
  api_context.sessions = &sessions;
  api_context.endpoint = {settings.ldap.suffix, ldap_server.plain_port(), ldap_server.tls_port(),
                          tls_files->ca_file};
  api::AddApiRoutes(router, api_context);
  web::AddConsoleAssetRoutes(router);
  http::HttpMetrics http_metrics;
  http::Dispatcher dispatcher(router, api_keys, rate_limiter, &sessions);
  http::HttpServer http_server(settings.http, dispatcher, http_pool, *tls, runtime,
                               &http_metrics);
  http::AddMetricsRoute(router, [&http_metrics, &http_server] {
    return http_metrics.Render() + http_server.RenderConnectionMetrics() +
           metrics::Registry::Default().Render();
  });
  if (Status s = http_server.Listen(); !s.ok()) return Fail(s.message());
  http_server.Start();
  follower.Start();
  provisioner.Start();

  LogInfo("server.started", {{"ldap_port", int64_t{ldap_server.plain_port()}},
                             {"ldaps_port", int64_t{ldap_server.tls_port()}},
                             {"http_port", int64_t{http_server.plain_port()}},
                             {"https_port", int64_t{http_server.tls_port()}},
                             {"orgs", static_cast<int64_t>(registry.All().size())},
                             {"entries", static_cast<int64_t>(registry.EntryCount())},
                             {"ca_file", tls_files->ca_file}});
  std::cout << "skydir is serving LDAP on port " << ldap_server.plain_port()
            << " (StartTLS) and LDAPS on port " << ldap_server.tls_port() << "\n";
  if (http_server.plain_port() != 0 || http_server.tls_port() != 0) {
    std::cout << "skydir is serving the admin API on HTTP port " << http_server.plain_port()
              << " and HTTPS port " << http_server.tls_port() << "\n";
    std::cout << "The admin console is at "
              << (http_server.plain_port() != 0
                      ? "http://localhost:" + std::to_string(http_server.plain_port())
                      : "https://localhost:" + std::to_string(http_server.tls_port()))
              << "/\n";
  }
  if (!tls_files->ca_file.empty()) {
    std::cout << "Clients should trust the CA certificate " << tls_files->ca_file << "\n";
  }
  if (demo) {
    std::cout << DemoInstructions(*demo, settings, tls_files->ca_file, ldap_server.plain_port(),
                                  ldap_server.tls_port(), http_server.plain_port());
  }
  std::cout << "Press Ctrl-C to stop." << std::endl;

  runtime.Run();
  follower.Stop();
  if (Status s = follower.SaveAll(); !s.ok()) {
    LogWarn("snapshot.save_failed", {{"error", s.ToString()}});
  }
  http_pool.Stop();
  provisioner.Stop();
  pool.Stop();
  audit.Stop();
  LogInfo("server.stopped");
  return 0;
}

}  // namespace skydir::app
