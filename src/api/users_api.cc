// /api/systemusers and /api/systemusers/{id} (JumpCloud API v1).
#include <boost/json/object.hpp>

#include "api/api.h"
#include "api/api_util.h"
#include "api/list_query.h"
#include "api/user_json.h"
#include "directory/rules.h"

namespace skydir::api {

namespace json = boost::json;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

// Where a row of the key table came from (never a user field, so never sorted on or returned).
constexpr std::string_view kRowIndex = "#row";

Response List(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV1, UserJsonFields(),
                              {"username", "email", "firstname", "lastname", "displayname"});
  if (!query.ok()) return ErrorResponse(query.status());
  auto users = ctx.admin.ListUsers(req.principal.org_id);
  if (!users.ok()) return ErrorResponse(users.status());
  // Filter, search and sort on only the fields they read, then render the page: building the
  // whole JSON of 100,000 users per request is what made large orgs slow.
  const std::vector<std::string> key_fields = query->KeyFields();
  ListQuery keys_query = *query;
  keys_query.fields.clear();
  std::vector<json::object> keys;
  keys.reserve(users->size());
  for (size_t i = 0; i < users->size(); ++i) {
    json::object key = UserFieldsToJson((*users)[i], key_fields);
    key[kRowIndex] = i;
    keys.push_back(std::move(key));
  }
  size_t total = 0;
  json::array results;
  for (const json::object& key : ApplyListQuery(std::move(keys), keys_query, &total)) {
    const auto& user = (*users)[key.at(kRowIndex).to_number<size_t>()];
    results.push_back(ProjectFields(UserToJson(user), query->fields));
  }
  return JsonResponse(json::object{{"totalCount", total}, {"results", std::move(results)}});
}

Response Create(ApiContext& ctx, const Request& req) {
  auto input = ParseUserCreate(req.body, req.has_body);
  if (!input.ok()) return ErrorResponse(input.status());
  auto user = ctx.admin.CreateUser(req.principal.org_id, *input);
  if (!user.ok()) return ErrorResponse(user.status());
  Publish(ctx);
  return JsonResponse(UserToJson(*user));
}

Response Get(ApiContext& ctx, const Request& req) {
  auto user = ctx.admin.GetUser(req.principal.org_id, req.Param("id"));
  if (!user.ok()) return ErrorResponse(user.status());
  return JsonResponse(UserToJson(*user));
}

// Partial update: fields, state and password in one UpdateUser transaction, so a refused
// password (policy, history) leaves the user unchanged.
Response Put(ApiContext& ctx, const Request& req) {
  const std::string& org = req.principal.org_id;
  const std::string& id = req.Param("id");
  auto update = ParseUserUpdate(req.body, req.has_body);
  if (!update.ok()) return ErrorResponse(update.status());
  auto current = ctx.admin.GetUser(org, id);
  if (!current.ok()) return ErrorResponse(current.status());
  if (Status s = ResolveStateChange(*current, *update); !s.ok()) return ErrorResponse(s);
  if (!update->HasFieldChanges() && !update->password) return JsonResponse(UserToJson(*current));
  service::UserPatch patch = update->patch;
  patch.password = update->password;
  auto result = ctx.admin.UpdateUser(org, id, patch);
  if (!result.ok()) return ErrorResponse(result.status());
  Publish(ctx);
  return JsonResponse(UserToJson(*result));
}

Response Delete(ApiContext& ctx, const Request& req) {
  auto user = ctx.admin.GetUser(req.principal.org_id, req.Param("id"));
  if (!user.ok()) return ErrorResponse(user.status());
  Status s = ctx.admin.DeleteUser(req.principal.org_id, user->id);
  if (!s.ok()) return ErrorResponse(s);
  Publish(ctx);
  return JsonResponse(UserToJson(*user));
}

}  // namespace

void AddUserRoutes(http::Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  router.Add(Verb::get, "/api/systemusers", [c](const Request& r) { return List(*c, r); });
  router.Add(Verb::post, "/api/systemusers", [c](const Request& r) { return Create(*c, r); });
  router.Add(Verb::get, "/api/systemusers/{id}", [c](const Request& r) { return Get(*c, r); });
  router.Add(Verb::put, "/api/systemusers/{id}", [c](const Request& r) { return Put(*c, r); });
  router.Add(Verb::delete_, "/api/systemusers/{id}",
             [c](const Request& r) { return Delete(*c, r); });
}

}  // namespace skydir::api
