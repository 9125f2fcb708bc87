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
#include "service/admin.h"
#include "scim/provisioner.h"
#include "service/applications.h"
#include "service/audit_log.h"

namespace skydir::api {

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
void AddOpenApiRoute(http::Router& router);                  // openapi.cc

// After a successful write: publishes it (logging, not failing, if that does not work).
void Publish(const ApiContext& ctx);

}  // namespace skydir::api
