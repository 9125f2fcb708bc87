// /api/organizations (the caller's org) and /api/v2/apikeys (skydir's own: JumpCloud manages
// keys in its console).
#include "api/api.h"
#include "api/api_util.h"
#include "api/body.h"
#include "api/list_query.h"
#include "common/time.h"

namespace skydir::api {

namespace json = boost::json;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

json::object OrgJson(const directory::Organization& org) {
  json::object o;
  o["_id"] = org.id;
  o["id"] = org.id;
  o["displayName"] = org.name;
  o["created"] = FormatRfc3339(org.created);
  return o;
}

// JumpCloud's v1 list of organizations the key may act on: its own org, or for an operator
// key without x-org-id, every org.
Response Organizations(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV1, {"_id", "id", "displayName", "created"});
  if (!query.ok()) return ErrorResponse(query.status());
  std::vector<json::object> items;
  if (req.principal.org_id.empty()) {
    auto orgs = ctx.admin.ListOrgs();
    if (!orgs.ok()) return ErrorResponse(orgs.status());
    for (const auto& org : *orgs) items.push_back(OrgJson(org));
  } else {
    auto org = ctx.admin.GetOrg(req.principal.org_id);
    if (!org.ok()) return ErrorResponse(org.status());
    items.push_back(OrgJson(*org));
  }
  return V1Page(std::move(items), *query);
}

json::object KeyJson(const directory::ApiKey& key) {
  json::object o;
  o["id"] = key.id;
  o["name"] = key.name;
  o["role"] = directory::ApiKeyRoleName(key.role);
  o["created"] = FormatRfc3339(key.created);
  o["last_used"] =
      key.last_used == 0 ? json::value(nullptr) : json::value(FormatRfc3339(key.last_used));
  return o;
}

Response ListKeys(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV2, {"id", "name", "role", "created", "last_used"});
  if (!query.ok()) return ErrorResponse(query.status());
  auto keys = ctx.admin.ListApiKeys(req.principal.org_id);
  if (!keys.ok()) return ErrorResponse(keys.status());
  std::vector<json::object> items;
  for (const auto& key : *keys) items.push_back(KeyJson(key));
  return V2Page(std::move(items), *query);
}

Response CreateKey(ApiContext& ctx, const Request& req) {
  auto body = BodyObject(req.body, req.has_body, {"name", "role"});
  if (!body.ok()) return ErrorResponse(body.status());
  auto name = RequireString(**body, "name");
  if (!name.ok()) return ErrorResponse(name.status());
  std::optional<std::string> role_name;
  if (Status s = ReadString(**body, "role", role_name); !s.ok()) return ErrorResponse(s);
  directory::ApiKeyRole role = directory::ApiKeyRole::kAdmin;
  if (role_name) {
    auto parsed = directory::ParseApiKeyRole(*role_name);
    if (!parsed || *parsed == directory::ApiKeyRole::kOperator) {
      return ErrorResponse(InvalidArgument("role: must be 'admin' or 'read-only'"));
    }
    role = *parsed;
  }
  auto created = ctx.admin.CreateApiKey(req.principal.org_id, *name, role);
  if (!created.ok()) return ErrorResponse(created.status());
  json::object out = KeyJson(created->key);
  out["secret"] = created->secret;  // shown once, never stored
  return JsonResponse(out, http::HttpStatus::created);
}

Response RevokeKey(ApiContext& ctx, const Request& req) {
  Status s = ctx.admin.RevokeApiKey(req.principal.org_id, req.Param("id"));
  if (!s.ok()) return ErrorResponse(s);
  if (ctx.api_keys != nullptr) ctx.api_keys->Forget(req.Param("id"));
  return http::NoContent();
}

}  // namespace

void AddOrgRoutes(http::Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  http::RouteOptions any_org;
  any_org.needs_org = false;
  router.Add(
      Verb::get, "/api/organizations", [c](const Request& r) { return Organizations(*c, r); },
      any_org);
  router.Add(Verb::get, "/api/v2/apikeys", [c](const Request& r) { return ListKeys(*c, r); });
  router.Add(Verb::post, "/api/v2/apikeys", [c](const Request& r) { return CreateKey(*c, r); });
  router.Add(Verb::delete_, "/api/v2/apikeys/{id}",
             [c](const Request& r) { return RevokeKey(*c, r); });
}

}  // namespace skydir::api
