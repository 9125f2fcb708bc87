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

// The org's password and lockout policy in JumpCloud's settings.passwordPolicy shape;
// lockoutWindowSeconds is skydir's (JumpCloud counts failures per minute).
json::object PolicyJson(const directory::OrgSettings& s) {
  json::object p;
  p["minLength"] = s.password.min_length;
  p["needsUppercase"] = s.password.require_upper;
  p["needsLowercase"] = s.password.require_lower;
  p["needsNumeric"] = s.password.require_digit;
  p["needsSymbolic"] = s.password.require_symbol;
  p["maxHistory"] = s.password.history;
  p["passwordExpirationInDays"] = s.password.max_age_days;
  p["enableMaxLoginAttempts"] = s.lockout.enabled;
  p["maxLoginAttempts"] = s.lockout.max_failures;
  p["lockoutWindowSeconds"] = s.lockout.window_seconds;
  p["lockoutTimeInSeconds"] = s.lockout.unlock_after_seconds;
  return p;
}

json::object OrgWithSettingsJson(const directory::Organization& org) {
  json::object o = OrgJson(org);
  o["settings"] = json::object{{"passwordPolicy", PolicyJson(org.settings)}};
  return o;
}

Result<directory::Organization> RequireOwnOrg(ApiContext& ctx, const Request& req) {
  if (req.Param("id") != req.principal.org_id) {
    return NotFound("organization '" + req.Param("id") + "' not found");
  }
  return ctx.admin.GetOrg(req.principal.org_id);
}

Response GetOrganization(ApiContext& ctx, const Request& req) {
  auto org = RequireOwnOrg(ctx, req);
  if (!org.ok()) return ErrorResponse(org.status());
  return JsonResponse(OrgWithSettingsJson(*org));
}

// Reads `name` into `out` when present, within [min, max].
Status ReadBounded(const json::object& o, std::string_view name, uint32_t min, uint32_t max,
                   uint32_t& out) {
  std::optional<uint32_t> v;
  SKYDIR_RETURN_IF_ERROR(ReadUint32(o, name, v));
  if (!v) return Status::Ok();
  if (*v < min || *v > max) {
    return InvalidArgument("settings.passwordPolicy." + std::string(name) + ": must be from " +
                           std::to_string(min) + " to " + std::to_string(max));
  }
  out = *v;
  return Status::Ok();
}

Status ReadFlag(const json::object& o, std::string_view name, bool& out) {
  std::optional<bool> v;
  SKYDIR_RETURN_IF_ERROR(ReadBool(o, name, v));
  if (v) out = *v;
  return Status::Ok();
}

// Applies the members of a passwordPolicy object onto `s`; members not named stay.
Status ApplyPolicy(const json::object& p, directory::OrgSettings& s) {
  SKYDIR_RETURN_IF_ERROR(ReadBounded(p, "minLength", 1, 1024, s.password.min_length));
  SKYDIR_RETURN_IF_ERROR(ReadFlag(p, "needsUppercase", s.password.require_upper));
  SKYDIR_RETURN_IF_ERROR(ReadFlag(p, "needsLowercase", s.password.require_lower));
  SKYDIR_RETURN_IF_ERROR(ReadFlag(p, "needsNumeric", s.password.require_digit));
  SKYDIR_RETURN_IF_ERROR(ReadFlag(p, "needsSymbolic", s.password.require_symbol));
  SKYDIR_RETURN_IF_ERROR(ReadBounded(p, "maxHistory", 0, 64, s.password.history));
  SKYDIR_RETURN_IF_ERROR(
      ReadBounded(p, "passwordExpirationInDays", 0, 3650, s.password.max_age_days));
  SKYDIR_RETURN_IF_ERROR(ReadFlag(p, "enableMaxLoginAttempts", s.lockout.enabled));
  SKYDIR_RETURN_IF_ERROR(ReadBounded(p, "maxLoginAttempts", 1, 1000, s.lockout.max_failures));
  SKYDIR_RETURN_IF_ERROR(
      ReadBounded(p, "lockoutWindowSeconds", 1, 86400, s.lockout.window_seconds));
  SKYDIR_RETURN_IF_ERROR(
      ReadBounded(p, "lockoutTimeInSeconds", 0, 30 * 86400, s.lockout.unlock_after_seconds));
  return Status::Ok();
}

Response PutOrganization(ApiContext& ctx, const Request& req) {
  auto body = BodyObject(req.body, req.has_body, {"settings"});
  if (!body.ok()) return ErrorResponse(body.status());
  auto org = RequireOwnOrg(ctx, req);
  if (!org.ok()) return ErrorResponse(org.status());
  const json::value* settings = (*body)->if_contains("settings");
  if (settings == nullptr) return JsonResponse(OrgWithSettingsJson(*org));
  if (!settings->is_object()) return ErrorResponse(InvalidArgument("settings: must be an object"));
  if (Status s = CheckKnownFields(settings->as_object(), "settings", {"passwordPolicy"}); !s.ok()) {
    return ErrorResponse(s);
  }
  const json::value* policy = settings->as_object().if_contains("passwordPolicy");
  if (policy == nullptr) return JsonResponse(OrgWithSettingsJson(*org));
  if (!policy->is_object()) {
    return ErrorResponse(InvalidArgument("settings.passwordPolicy: must be an object"));
  }
  const json::object& p = policy->as_object();
  if (Status s = CheckKnownFields(
          p, "settings.passwordPolicy",
          {"minLength", "needsUppercase", "needsLowercase", "needsNumeric", "needsSymbolic",
           "maxHistory", "passwordExpirationInDays", "enableMaxLoginAttempts", "maxLoginAttempts",
           "lockoutWindowSeconds", "lockoutTimeInSeconds"});
      !s.ok()) {
    return ErrorResponse(s);
  }
  // Validated against a copy first so that the answer names the JSON field at fault.
  directory::OrgSettings trial = org->settings;
  if (Status s = ApplyPolicy(p, trial); !s.ok()) return ErrorResponse(s);
  auto updated = ctx.admin.ModifyOrgSettings(
      req.principal.org_id,
      [&p](directory::OrgSettings& current) { return ApplyPolicy(p, current); });
  if (!updated.ok()) return ErrorResponse(updated.status());
  Publish(ctx);
  return JsonResponse(OrgWithSettingsJson(*updated));
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
  router.Add(Verb::get, "/api/organizations/{id}",
             [c](const Request& r) { return GetOrganization(*c, r); });
  router.Add(Verb::put, "/api/organizations/{id}",
             [c](const Request& r) { return PutOrganization(*c, r); });
  router.Add(Verb::get, "/api/v2/apikeys", [c](const Request& r) { return ListKeys(*c, r); });
  router.Add(Verb::post, "/api/v2/apikeys", [c](const Request& r) { return CreateKey(*c, r); });
  router.Add(Verb::delete_, "/api/v2/apikeys/{id}",
             [c](const Request& r) { return RevokeKey(*c, r); });
}

}  // namespace skydir::api
