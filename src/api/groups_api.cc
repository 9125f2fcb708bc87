// /api/v2/usergroups, their members and membership, and /api/v2/users/{id}/memberof.
#include <deque>
#include <map>
#include <set>

#include "api/api.h"
#include "api/api_util.h"
#include "api/group_json.h"
#include "api/list_query.h"

namespace skydir::api {

namespace json = boost::json;
using directory::Group;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

Response List(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV2, GroupJsonFields(), {"name", "description"});
  if (!query.ok()) return ErrorResponse(query.status());
  auto groups = ctx.admin.ListGroups(req.principal.org_id);
  if (!groups.ok()) return ErrorResponse(groups.status());
  std::vector<json::object> items;
  for (const auto& g : *groups) items.push_back(GroupToJson(g));
  return V2Page(std::move(items), *query);
}

Response Create(ApiContext& ctx, const Request& req) {
  auto input = ParseGroupCreate(req.body, req.has_body);
  if (!input.ok()) return ErrorResponse(input.status());
  auto group = ctx.admin.CreateGroup(req.principal.org_id, *input);
  if (!group.ok()) return ErrorResponse(group.status());
  Publish(ctx);
  return JsonResponse(GroupToJson(*group), http::HttpStatus::created);
}

Response Get(ApiContext& ctx, const Request& req) {
  auto group = ctx.admin.GetGroup(req.principal.org_id, req.Param("id"));
  if (!group.ok()) return ErrorResponse(group.status());
  return JsonResponse(GroupToJson(*group));
}

// PUT replaces name and description; PATCH changes the members present.
Response Update(ApiContext& ctx, const Request& req, bool replace) {
  service::GroupPatch patch;
  if (replace) {
    auto input = ParseGroupCreate(req.body, req.has_body);
    if (!input.ok()) return ErrorResponse(input.status());
    patch.name = input->name;
    patch.description = input->description;
    patch.gid = input->gid;
  } else {
    auto parsed = ParseGroupPatch(req.body, req.has_body);
    if (!parsed.ok()) return ErrorResponse(parsed.status());
    patch = std::move(parsed).value();
  }
  auto group = ctx.admin.UpdateGroup(req.principal.org_id, req.Param("id"), patch);
  if (!group.ok()) return ErrorResponse(group.status());
  Publish(ctx);
  return JsonResponse(GroupToJson(*group));
}

Response Delete(ApiContext& ctx, const Request& req) {
  auto group = ctx.admin.GetGroup(req.principal.org_id, req.Param("id"));
  if (!group.ok()) return ErrorResponse(group.status());
  Status s = ctx.admin.DeleteGroup(req.principal.org_id, group->id);
  if (!s.ok()) return ErrorResponse(s);
  Publish(ctx);
  return JsonResponse(GroupToJson(*group));
}

Response Members(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV2, {});
  if (!query.ok()) return ErrorResponse(query.status());
  auto group = ctx.admin.GetGroup(req.principal.org_id, req.Param("id"));
  if (!group.ok()) return ErrorResponse(group.status());
  std::vector<json::object> items;
  for (const auto& id : group->member_users) items.push_back(GraphConnection(id, "user"));
  for (const auto& id : group->member_groups) items.push_back(GraphConnection(id, "user_group"));
  return V2Page(std::move(items), *query);
}

Response ChangeMembers(ApiContext& ctx, const Request& req) {
  auto op = ParseGraphOp(req);
  if (!op.ok()) return ErrorResponse(op.status());
  const std::string& org = req.principal.org_id;
  Status s = op->add ? ctx.admin.AddMember(org, req.Param("id"), op->kind, op->id)
                     : ctx.admin.RemoveMember(org, req.Param("id"), op->kind, op->id);
  if (!s.ok()) return ErrorResponse(s);
  Publish(ctx);
  return http::NoContent();
}

using Path = json::array;  // GraphConnections from the start to the object

json::object WithPaths(std::string_view id, std::string_view type, Path path) {
  json::object o;
  o["id"] = id;
  o["type"] = type;
  json::array paths;
  paths.push_back(std::move(path));
  o["paths"] = std::move(paths);
  o["compiledAttributes"] = json::object();
  return o;
}

// Every user in the group, directly or through nested groups, with the shortest path.
Response Membership(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV2, {"id", "type"});
  if (!query.ok()) return ErrorResponse(query.status());
  auto groups = ctx.admin.ListGroups(req.principal.org_id);
  if (!groups.ok()) return ErrorResponse(groups.status());
  std::map<std::string_view, const Group*> by_id;
  for (const auto& g : *groups) by_id[g.id] = &g;
  auto start = by_id.find(req.Param("id"));
  if (start == by_id.end()) {
    return ErrorResponse(NotFound("group '" + req.Param("id") + "' not found"));
  }
  std::vector<json::object> users;
  std::set<std::string_view> seen_users, seen_groups{start->first};
  std::deque<std::pair<const Group*, Path>> queue{{start->second, Path()}};
  while (!queue.empty()) {
    auto [group, path] = std::move(queue.front());
    queue.pop_front();
    for (const auto& uid : group->member_users) {
      if (!seen_users.insert(uid).second) continue;
      Path to_user = path;
      to_user.push_back(GraphConnection(uid, "user"));
      users.push_back(WithPaths(uid, "user", std::move(to_user)));
    }
    for (const auto& gid : group->member_groups) {
      auto child = by_id.find(gid);
      if (child == by_id.end() || !seen_groups.insert(child->first).second) continue;
      Path to_group = path;
      to_group.push_back(GraphConnection(gid, "user_group"));
      queue.emplace_back(child->second, std::move(to_group));
    }
  }
  return V2Page(std::move(users), *query);
}

// Every group the user belongs to, directly or through nested groups.
Response MemberOf(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV2, {"id", "type"});
  if (!query.ok()) return ErrorResponse(query.status());
  const std::string& org = req.principal.org_id;
  auto user = ctx.admin.GetUser(org, req.Param("id"));
  if (!user.ok()) return ErrorResponse(user.status());
  auto groups = ctx.admin.ListGroups(org);
  if (!groups.ok()) return ErrorResponse(groups.status());
  std::map<std::string_view, std::vector<const Group*>> parents;  // member group → containers
  std::deque<std::pair<const Group*, Path>> queue;
  for (const auto& g : *groups) {
    for (const auto& child : g.member_groups) parents[child].push_back(&g);
    for (const auto& uid : g.member_users) {
      if (uid != user->id) continue;
      Path path;
      path.push_back(GraphConnection(g.id, "user_group"));
      queue.emplace_back(&g, std::move(path));
    }
  }
  std::vector<json::object> out;
  std::set<std::string_view> seen;
  while (!queue.empty()) {
    auto [group, path] = std::move(queue.front());
    queue.pop_front();
    if (!seen.insert(group->id).second) continue;
    out.push_back(WithPaths(group->id, "user_group", path));
    for (const Group* parent : parents[group->id]) {
      Path longer = path;
      longer.push_back(GraphConnection(parent->id, "user_group"));
      queue.emplace_back(parent, std::move(longer));
    }
  }
  return V2Page(std::move(out), *query);
}

}  // namespace

void AddGroupRoutes(http::Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  const std::string base = "/api/v2/usergroups";
  router.Add(Verb::get, base, [c](const Request& r) { return List(*c, r); });
  router.Add(Verb::post, base, [c](const Request& r) { return Create(*c, r); });
  router.Add(Verb::get, base + "/{id}", [c](const Request& r) { return Get(*c, r); });
  router.Add(Verb::put, base + "/{id}", [c](const Request& r) { return Update(*c, r, true); });
  router.Add(Verb::patch, base + "/{id}", [c](const Request& r) { return Update(*c, r, false); });
  router.Add(Verb::delete_, base + "/{id}", [c](const Request& r) { return Delete(*c, r); });
  router.Add(Verb::get, base + "/{id}/members", [c](const Request& r) { return Members(*c, r); });
  router.Add(Verb::post, base + "/{id}/members",
             [c](const Request& r) { return ChangeMembers(*c, r); });
  router.Add(Verb::get, base + "/{id}/membership",
             [c](const Request& r) { return Membership(*c, r); });
  router.Add(Verb::get, "/api/v2/users/{id}/memberof",
             [c](const Request& r) { return MemberOf(*c, r); });
}

}  // namespace skydir::api
