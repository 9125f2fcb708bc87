#include "api/api_util.h"

#include "api/body.h"
#include "common/log.h"

namespace skydir::api {

namespace json = boost::json;

http::Response V2List(std::vector<json::object> page, size_t total) {
  json::array out;
  for (auto& item : page) out.push_back(std::move(item));
  http::Response r = http::JsonResponse(out);
  r.headers.emplace_back("x-total-count", std::to_string(total));
  return r;
}

http::Response V1Page(std::vector<json::object> items, const ListQuery& query) {
  size_t total = 0;
  json::array results;
  for (auto& item : ApplyListQuery(std::move(items), query, &total)) {
    results.push_back(std::move(item));
  }
  return http::JsonResponse(json::object{{"totalCount", total}, {"results", std::move(results)}});
}

http::Response V2Page(std::vector<json::object> items, const ListQuery& query) {
  size_t total = 0;
  auto page = ApplyListQuery(std::move(items), query, &total);
  return V2List(std::move(page), total);
}

json::object GraphConnection(std::string_view id, std::string_view type) {
  json::object to;
  to["attributes"] = json::object();
  to["id"] = id;
  to["type"] = type;
  json::object edge;
  edge["attributes"] = json::object();
  edge["to"] = std::move(to);
  return edge;
}

Result<store::MemberKind> ParseGraphType(std::string_view field, std::string_view type) {
  if (type == "user") return store::MemberKind::kUser;
  if (type == "user_group") return store::MemberKind::kGroup;
  return InvalidArgument(std::string(field) + ": must be 'user' or 'user_group'");
}

std::string_view GraphTypeName(store::MemberKind kind) {
  return kind == store::MemberKind::kUser ? "user" : "user_group";
}

Result<GraphOp> ParseGraphOp(const http::Request& request) {
  if (!request.has_body) return InvalidArgument("body: {\"op\", \"type\", \"id\"} is required");
  SKYDIR_ASSIGN_OR_RETURN(const json::object* o,
                          BodyObject(request.body, true, {"op", "type", "id", "attributes"}));
  GraphOp op;
  SKYDIR_ASSIGN_OR_RETURN(std::string verb, RequireString(*o, "op"));
  if (verb != "add" && verb != "remove") return InvalidArgument("op: must be 'add' or 'remove'");
  op.add = verb == "add";
  SKYDIR_ASSIGN_OR_RETURN(std::string type, RequireString(*o, "type"));
  SKYDIR_ASSIGN_OR_RETURN(op.kind, ParseGraphType("type", type));
  SKYDIR_ASSIGN_OR_RETURN(op.id, RequireString(*o, "id"));
  return op;
}

void Publish(const ApiContext& ctx) {
  if (!ctx.publish) return;
  Status s = ctx.publish();
  if (!s.ok()) LogWarn("api.publish_failed", {{"error", s.message()}});
}

void AddApiRoutes(http::Router& router, ApiContext& ctx) {
  AddUserRoutes(router, ctx);
  AddGroupRoutes(router, ctx);
  AddLdapRoutes(router, ctx);
  AddOrgRoutes(router, ctx);
  AddInsightsRoutes(router, ctx);
  AddApplicationRoutes(router, ctx);
  AddConsoleRoutes(router, ctx);
  AddOpenApiRoute(router);
}

}  // namespace skydir::api
