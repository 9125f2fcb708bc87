// /api/applications (JumpCloud's v1 shape) with SCIM settings, and the v2 routes around them:
// associations with user groups, Test Connection, a full sync and the provisioning status.
#include <algorithm>

#include "api/api.h"
#include "api/api_util.h"
#include "api/body.h"
#include "api/list_query.h"
#include "common/time.h"

namespace skydir::api {

namespace json = boost::json;
using directory::Application;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

json::value Time(int64_t micros) {
  if (micros == 0) return nullptr;
  return json::string(FormatRfc3339(micros));
}

json::object AppJson(const Application& app) {
  json::object scim;
  scim["base_url"] = app.scim.base_url;
  scim["token_set"] = !app.scim.sealed_token.empty();  // the token itself is never shown
  scim["test_user_email"] = app.scim.test_user_email;
  scim["group_management"] = app.scim.group_management;
  scim["deprovision"] = directory::DeprovisionName(app.scim.deprovision);
  scim["concurrency"] = app.scim.concurrency;
  json::object o;
  o["id"] = app.id;
  o["_id"] = app.id;
  o["name"] = app.name;
  o["displayName"] = app.name;
  o["active"] = app.active;
  o["scim"] = std::move(scim);
  o["created"] = Time(app.created);
  o["updated"] = Time(app.updated);
  return o;
}

Result<service::ApplicationInput> ParseInput(const Request& req) {
  SKYDIR_ASSIGN_OR_RETURN(const json::object* o,
                          BodyObject(req.body, req.has_body, {"id", "name", "active", "scim"}));
  service::ApplicationInput in;
  SKYDIR_RETURN_IF_ERROR(ReadString(*o, "name", in.name));
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "active", in.active));
  const json::value* scim = o->if_contains("scim");
  if (scim != nullptr && !scim->is_null()) {
    if (!scim->is_object()) return InvalidArgument("scim: must be an object");
    const json::object& s = scim->as_object();
    SKYDIR_RETURN_IF_ERROR(CheckKnownFields(s, "scim",
                                            {"base_url", "token", "token_set", "test_user_email",
                                             "group_management", "deprovision", "concurrency"}));
    auto prefixed = [](Status st) {
      return st.ok() ? st : Status(st.code(), "scim." + st.message());
    };
    SKYDIR_RETURN_IF_ERROR(prefixed(ReadString(s, "base_url", in.base_url)));
    SKYDIR_RETURN_IF_ERROR(prefixed(ReadString(s, "token", in.token)));
    SKYDIR_RETURN_IF_ERROR(prefixed(ReadString(s, "test_user_email", in.test_user_email)));
    SKYDIR_RETURN_IF_ERROR(prefixed(ReadBool(s, "group_management", in.group_management)));
    SKYDIR_RETURN_IF_ERROR(prefixed(ReadUint32(s, "concurrency", in.concurrency)));
    std::optional<std::string> deprovision;
    SKYDIR_RETURN_IF_ERROR(prefixed(ReadString(s, "deprovision", deprovision)));
    if (deprovision) {
      in.deprovision = directory::ParseDeprovision(*deprovision);
      if (!in.deprovision) {
        return InvalidArgument("scim.deprovision: must be 'deactivate' or 'delete'");
      }
    }
  }
  return in;
}

// Errors of the service name fields without the "scim." prefix the body uses.
Response Refused(const Status& s) {
  for (std::string_view field : {"base_url", "token", "test_user_email", "concurrency"}) {
    if (s.message().rfind(std::string(field) + ":", 0) == 0) {
      return ErrorResponse(Status(s.code(), "scim." + s.message()));
    }
  }
  return ErrorResponse(s);
}

Response List(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV1, {"id", "name", "displayName", "active"});
  if (!query.ok()) return ErrorResponse(query.status());
  auto apps = ctx.applications->List(req.principal.org_id);
  if (!apps.ok()) return ErrorResponse(apps.status());
  std::vector<json::object> items;
  for (const Application& a : *apps) items.push_back(AppJson(a));
  return V1Page(std::move(items), *query);
}

Response Create(ApiContext& ctx, const Request& req) {
  auto input = ParseInput(req);
  if (!input.ok()) return ErrorResponse(input.status());
  auto app = ctx.applications->Create(req.principal.org_id, *input);
  if (!app.ok()) return Refused(app.status());
  Publish(ctx);
  return JsonResponse(AppJson(*app), http::HttpStatus::created);
}

Response Get(ApiContext& ctx, const Request& req) {
  auto app = ctx.applications->Get(req.principal.org_id, req.Param("id"));
  if (!app.ok()) return ErrorResponse(app.status());
  return JsonResponse(AppJson(*app));
}

Response Put(ApiContext& ctx, const Request& req) {
  auto input = ParseInput(req);
  if (!input.ok()) return ErrorResponse(input.status());
  auto app = ctx.applications->Update(req.principal.org_id, req.Param("id"), *input);
  if (!app.ok()) return Refused(app.status());
  Publish(ctx);
  return JsonResponse(AppJson(*app));
}

Response Delete(ApiContext& ctx, const Request& req) {
  auto app = ctx.applications->Get(req.principal.org_id, req.Param("id"));
  if (!app.ok()) return ErrorResponse(app.status());
  if (Status s = ctx.applications->Delete(req.principal.org_id, app->id); !s.ok()) {
    return ErrorResponse(s);
  }
  return JsonResponse(AppJson(*app));
}

Response Associations(ApiContext& ctx, const Request& req) {
  auto targets = req.Query("targets");
  if (!targets || *targets != "user_group") {
    return ErrorResponse(InvalidArgument("targets: must be 'user_group'"));
  }
  auto query = ParseListQuery(req, Dialect::kV2, {});
  if (!query.ok()) return ErrorResponse(query.status());
  auto app = ctx.applications->Get(req.principal.org_id, req.Param("id"));
  if (!app.ok()) return ErrorResponse(app.status());
  std::vector<json::object> items;
  for (const std::string& id : app->group_ids) items.push_back(GraphConnection(id, "user_group"));
  return V2Page(std::move(items), *query);
}

Response ChangeAssociations(ApiContext& ctx, const Request& req) {
  auto op = ParseGraphOp(req);
  if (!op.ok()) return ErrorResponse(op.status());
  if (op->kind != store::MemberKind::kGroup) {
    return ErrorResponse(InvalidArgument("type: applications are associated with 'user_group'"));
  }
  Status s = ctx.applications->SetGroup(req.principal.org_id, req.Param("id"), op->id, op->add);
  if (!s.ok()) return ErrorResponse(s);
  Publish(ctx);
  return http::NoContent();
}

Response Test(ApiContext& ctx, const Request& req) {
  auto app = ctx.applications->Get(req.principal.org_id, req.Param("id"));
  if (!app.ok()) return ErrorResponse(app.status());
  scim::TestReport report = ctx.provisioner->Test(*app);
  json::array steps;
  for (const scim::TestStep& s : report.steps) {
    steps.push_back(json::object{{"step", s.name},   {"method", s.method}, {"path", s.path},
                                 {"status", s.status}, {"ok", s.ok},       {"detail", s.detail}});
  }
  return JsonResponse(json::object{{"ok", report.ok}, {"steps", std::move(steps)}});
}

Response Sync(ApiContext& ctx, const Request& req) {
  Status s = ctx.applications->RequestSync(req.principal.org_id, req.Param("id"));
  if (!s.ok()) return ErrorResponse(s);
  Publish(ctx);
  return JsonResponse(json::object{{"queued", true}}, http::HttpStatus::accepted);
}

Response StatusOf(ApiContext& ctx, const Request& req) {
  auto app = ctx.applications->Get(req.principal.org_id, req.Param("id"));
  if (!app.ok()) return ErrorResponse(app.status());
  auto status = ctx.provisioner->StatusOf(*app);
  if (!status.ok()) return ErrorResponse(status.status());
  json::array errors;
  for (const store::ScimJob& j : status->errors) {
    // The object's name, when it still exists (a deleted user's job names only its id).
    std::string name;
    if (j.kind == store::ScimJobKind::kUser) {
      if (auto u = ctx.admin.GetUser(req.principal.org_id, j.object_id); u.ok()) name = u->username;
    } else if (j.kind == store::ScimJobKind::kGroup) {
      if (auto g = ctx.admin.GetGroup(req.principal.org_id, j.object_id); g.ok()) name = g->name;
    }
    errors.push_back(json::object{{"type", store::ScimJobKindName(j.kind)},
                                  {"id", j.object_id},
                                  {"name", name},
                                  {"attempts", j.attempts},
                                  {"error", j.last_error},
                                  {"retrying", !j.dead},
                                  {"next_attempt", j.dead ? json::value(nullptr)
                                                          : Time(j.next_attempt)}});
  }
  json::object o;
  o["state"] = status->state;
  o["last_success"] = Time(status->health.last_success);
  o["last_failure"] = Time(status->health.last_failure);
  o["last_error"] = status->health.last_error;
  o["consecutive_failures"] = status->health.consecutive_failures;
  o["pending_jobs"] = status->counts.pending_jobs;
  o["failed_jobs"] = status->counts.failed_jobs;
  o["provisioned_users"] = status->counts.users;
  o["deactivated_users"] = status->counts.inactive_users;
  o["provisioned_groups"] = status->counts.groups;
  o["errors"] = std::move(errors);
  return JsonResponse(o);
}

}  // namespace

void AddApplicationRoutes(http::Router& router, ApiContext& ctx) {
  if (ctx.applications == nullptr || ctx.provisioner == nullptr) return;
  ApiContext* c = &ctx;
  const std::string v1 = "/api/applications";
  const std::string v2 = "/api/v2/applications/{id}";
  router.Add(Verb::get, v1, [c](const Request& r) { return List(*c, r); });
  router.Add(Verb::post, v1, [c](const Request& r) { return Create(*c, r); });
  router.Add(Verb::get, v1 + "/{id}", [c](const Request& r) { return Get(*c, r); });
  router.Add(Verb::put, v1 + "/{id}", [c](const Request& r) { return Put(*c, r); });
  router.Add(Verb::delete_, v1 + "/{id}", [c](const Request& r) { return Delete(*c, r); });
  router.Add(Verb::get, v2 + "/associations", [c](const Request& r) { return Associations(*c, r); });
  router.Add(Verb::post, v2 + "/associations",
             [c](const Request& r) { return ChangeAssociations(*c, r); });
  router.Add(Verb::post, v2 + "/scim/test", [c](const Request& r) { return Test(*c, r); });
  router.Add(Verb::post, v2 + "/scim/sync", [c](const Request& r) { return Sync(*c, r); });
  router.Add(Verb::get, v2 + "/scim/status", [c](const Request& r) { return StatusOf(*c, r); });
}

}  // namespace skydir::api
