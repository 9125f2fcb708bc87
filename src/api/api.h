// The admin REST API in JumpCloud's shape (issue 4 §3): /api/systemusers (v1), /api/v2/usergroups,
// members and membership, /api/v2/ldapservers and associations, /api/organizations,
// /api/v2/apikeys, and /api/openapi.json. docs/api.md is the reference; openapi.cc the
// machine-readable copy, kept in step with these routes by openapi_test.cc.
//
// Every handler runs on a blocking-pool thread (http/dispatcher.h), turns the request into ONE
// Admin call per write (one transaction; the exceptions are listed in docs/api.md), then calls
// `publish` so that LDAP serves the change by the time the API answers.
#pragma once

#include <functional>

#include "common/status.h"
#include "http/api_key_auth.h"
#include "http/router.h"
#include "http/session_store.h"
#include "service/admin.h"
#include "scim/provisioner.h"
#include "service/applications.h"
#include "service/audit_log.h"
#include "service/ldap_service.h"

namespace skydir::api {

// Where LDAP clients connect, for the console's LDAP page (ldap_api.cc).
struct LdapEndpoint {
  std::string suffix = "dc=jumpcloud,dc=com";
  uint16_t port = 0;      // LDAP with StartTLS; 0 when off
  uint16_t tls_port = 0;  // LDAPS; 0 when off
  std::string ca_file;    // the CA certificate clients should trust; empty when unknown
};

struct ApiContext {
  service::Admin& admin;
  // Publishes committed writes to the LDAP snapshots (SnapshotFollower::CatchUp); may be empty.
  std::function<Status()> publish;
  // Told about revoked keys so that its cache forgets them; may be null.
  http::ApiKeyAuthenticator* api_keys = nullptr;
  // The audit trail behind /insights/directory/v1/events; null: the route answers 503.
  service::AuditLog* audit = nullptr;
  // Applications and their SCIM provisioning; null: the /applications routes are absent.
  service::Applications* applications = nullptr;
  scim::Provisioner* provisioner = nullptr;
  // The console's sign-in and sessions (console_api.cc); when either is null the session
  // routes answer 503.
  service::LdapService* ldap = nullptr;
  http::SessionStore* sessions = nullptr;
  LdapEndpoint endpoint = {};
};

// Adds every API route. REQUIRES: ctx outlives the router.
void AddApiRoutes(http::Router& router, ApiContext& ctx);

// Route groups, one per file.
void AddUserRoutes(http::Router& router, ApiContext& ctx);   // users_api.cc
void AddGroupRoutes(http::Router& router, ApiContext& ctx);  // groups_api.cc
void AddLdapRoutes(http::Router& router, ApiContext& ctx);   // ldap_api.cc
void AddOrgRoutes(http::Router& router, ApiContext& ctx);    // org_api.cc
void AddInsightsRoutes(http::Router& router, ApiContext& ctx);  // insights_api.cc
void AddApplicationRoutes(http::Router& router, ApiContext& ctx);  // applications_api.cc
void AddConsoleRoutes(http::Router& router, ApiContext& ctx);   // console_api.cc
void AddOpenApiRoute(http::Router& router);                  // openapi.cc

// After a successful write: publishes it (logging, not failing, if that does not work).
void Publish(const ApiContext& ctx);

}  // namespace skydir::api
