// /api/v2/ldapservers (one per org: the org's LDAP directory), its settings and associations,
// and the ldap_server associations of users and user groups.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "api/api.h"
#include "api/api_util.h"
#include "api/body.h"
#include "api/list_query.h"

namespace skydir::api {

namespace json = boost::json;
using directory::LdapPolicyAction;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

json::object LdapServerJson(const directory::LdapDirectory& ldap,
                            const directory::Organization& org) {
  json::object o;
  o["id"] = ldap.id;
  o["name"] = org.name;
  o["userLockoutAction"] = directory::LdapPolicyActionName(org.settings.user_lockout_action);
  o["userPasswordExpirationAction"] =
      directory::LdapPolicyActionName(org.settings.password_expiration_action);
  return o;
}

// The org's directory when `id` names it; kNoSuchObject otherwise.
Result<directory::LdapDirectory> RequireLdap(ApiContext& ctx, const Request& req) {
  auto ldap = ctx.admin.GetLdapDirectory(req.principal.org_id);
  if (!ldap.ok()) return ldap.status();
  if (ldap->id != req.Param("id")) {
    return NotFound("LDAP server '" + req.Param("id") + "' not found");
  }
  return ldap;
}

Response List(ApiContext& ctx, const Request& req) {
  auto query = ParseListQuery(req, Dialect::kV2,
                              {"id", "name", "userLockoutAction", "userPasswordExpirationAction"});
  if (!query.ok()) return ErrorResponse(query.status());
  auto ldap = ctx.admin.GetLdapDirectory(req.principal.org_id);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  auto org = ctx.admin.GetOrg(req.principal.org_id);
  if (!org.ok()) return ErrorResponse(org.status());
  return V2Page({LdapServerJson(*ldap, *org)}, *query);
}

Response Get(ApiContext& ctx, const Request& req) {
  auto ldap = RequireLdap(ctx, req);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  auto org = ctx.admin.GetOrg(req.principal.org_id);
  if (!org.ok()) return ErrorResponse(org.status());
  return JsonResponse(LdapServerJson(*ldap, *org));
}

Status ReadAction(const json::object& o, std::string_view name, LdapPolicyAction& out) {
  std::optional<std::string> text;
  SKYDIR_RETURN_IF_ERROR(ReadString(o, name, text));
  if (!text) return Status::Ok();
  auto action = directory::ParseLdapPolicyAction(*text);
  if (!action) return InvalidArgument(std::string(name) + ": must be 'disable' or 'remove'");
  out = *action;
  return Status::Ok();
}

Response Patch(ApiContext& ctx, const Request& req) {
  auto body = BodyObject(req.body, req.has_body,
                         {"id", "name", "userLockoutAction", "userPasswordExpirationAction"});
  if (!body.ok()) return ErrorResponse(body.status());
  const json::object& o = **body;
  auto ldap = RequireLdap(ctx, req);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  auto org = ctx.admin.GetOrg(req.principal.org_id);
  if (!org.ok()) return ErrorResponse(org.status());
  std::optional<std::string> id, name;
  if (Status s = ReadString(o, "id", id); !s.ok()) return ErrorResponse(s);
  if (id && *id != ldap->id) return ErrorResponse(InvalidArgument("id: does not match the URL"));
  if (Status s = ReadString(o, "name", name); !s.ok()) return ErrorResponse(s);
  if (name && *name != org->name) {
    return ErrorResponse(InvalidArgument("name: the LDAP server is named after its org"));
  }
  directory::OrgSettings settings = org->settings;
  if (Status s = ReadAction(o, "userLockoutAction", settings.user_lockout_action); !s.ok()) {
    return ErrorResponse(s);
  }
  if (Status s = ReadAction(o, "userPasswordExpirationAction", settings.password_expiration_action);
      !s.ok()) {
    return ErrorResponse(s);
  }
  // Only the actions named in the body change, read and written in one transaction.
  const bool lockout = o.contains("userLockoutAction");
  const bool expiration = o.contains("userPasswordExpirationAction");
  auto updated = ctx.admin.ModifyOrgSettings(req.principal.org_id,
                                             [&](directory::OrgSettings& current) {
                                               if (lockout) {
                                                 current.user_lockout_action =
                                                     settings.user_lockout_action;
                                               }
                                               if (expiration) {
                                                 current.password_expiration_action =
                                                     settings.password_expiration_action;
                                               }
                                               return Status::Ok();
                                             });
  if (!updated.ok()) return ErrorResponse(updated.status());
  Publish(ctx);
  return JsonResponse(LdapServerJson(*ldap, *updated));
}

// ?targets= of an association listing, which must be one of `allowed`.
Result<std::string> Targets(const Request& req, std::initializer_list<std::string_view> allowed) {
  auto targets = req.Query("targets");
  if (!targets || targets->empty()) return InvalidArgument("targets: is required");
  if (std::find(allowed.begin(), allowed.end(), *targets) == allowed.end()) {
    std::string list;
    for (std::string_view a : allowed)
      list += (list.empty() ? "'" : " or '") + std::string(a) + "'";
    return InvalidArgument("targets: must be " + list);
  }
  return *targets;
}

Response Associations(ApiContext& ctx, const Request& req) {
  auto targets = Targets(req, {"user", "user_group"});
  if (!targets.ok()) return ErrorResponse(targets.status());
  auto query = ParseListQuery(req, Dialect::kV2, {});
  if (!query.ok()) return ErrorResponse(query.status());
  auto ldap = RequireLdap(ctx, req);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  const auto& ids = *targets == "user" ? ldap->user_ids : ldap->group_ids;
  std::vector<json::object> items;
  for (const auto& id : ids) items.push_back(GraphConnection(id, *targets));
  return V2Page(std::move(items), *query);
}

Response ChangeAssociations(ApiContext& ctx, const Request& req) {
  auto op = ParseGraphOp(req);
  if (!op.ok()) return ErrorResponse(op.status());
  auto ldap = RequireLdap(ctx, req);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  const std::string& org = req.principal.org_id;
  Status s = op->add ? ctx.admin.ConnectLdap(org, op->kind, op->id)
                     : ctx.admin.DisconnectLdap(org, op->kind, op->id);
  if (!s.ok()) return ErrorResponse(s);
  Publish(ctx);
  return http::NoContent();
}

// GET /api/v2/{users|usergroups}/{id}/associations?targets=ldap_server.
Response ObjectAssociations(ApiContext& ctx, const Request& req, store::MemberKind kind) {
  auto targets = Targets(req, {"ldap_server"});
  if (!targets.ok()) return ErrorResponse(targets.status());
  auto query = ParseListQuery(req, Dialect::kV2, {});
  if (!query.ok()) return ErrorResponse(query.status());
  const std::string& org = req.principal.org_id;
  const std::string& id = req.Param("id");
  Status exists = kind == store::MemberKind::kUser ? ctx.admin.GetUser(org, id).status()
                                                   : ctx.admin.GetGroup(org, id).status();
  if (!exists.ok()) return ErrorResponse(exists);
  auto ldap = ctx.admin.GetLdapDirectory(org);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  const auto& ids = kind == store::MemberKind::kUser ? ldap->user_ids : ldap->group_ids;
  std::vector<json::object> items;
  if (std::binary_search(ids.begin(), ids.end(), id)) {
    items.push_back(GraphConnection(ldap->id, "ldap_server"));
  }
  return V2Page(std::move(items), *query);
}

// What an application needs to connect (the console's LDAP page): skydir's own route.
Response Connection(ApiContext& ctx, const Request& req) {
  auto ldap = RequireLdap(ctx, req);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  const LdapEndpoint& ep = ctx.endpoint;
  const std::string& org = req.principal.org_id;
  std::string org_dn = "o=" + org + "," + ep.suffix;
  std::string base_dn = "ou=Users," + org_dn;
  json::object o;
  o["orgId"] = org;
  o["orgDn"] = org_dn;
  o["baseDn"] = base_dn;
  o["bindDnPattern"] = "uid=<username>," + base_dn;
  o["ldapPort"] = ep.port;
  o["ldapsPort"] = ep.tls_port;
  o["startTls"] = ep.port != 0;
  o["caCertificate"] = !ep.ca_file.empty();
  return JsonResponse(o);
}

// The CA certificate LDAPS and StartTLS clients should trust, as a PEM download.
Response CaCertificate(ApiContext& ctx, const Request& req) {
  auto ldap = RequireLdap(ctx, req);
  if (!ldap.ok()) return ErrorResponse(ldap.status());
  if (ctx.endpoint.ca_file.empty()) {
    return ErrorResponse(NotFound("no CA certificate: this server uses an operator's certificate"));
  }
  std::ifstream in(ctx.endpoint.ca_file, std::ios::binary);
  std::ostringstream pem;
  pem << in.rdbuf();
  if (!in || pem.str().empty()) {
    return ErrorResponse(Status(Code::kUnavailable, "the CA certificate cannot be read"));
  }
  Response r = http::TextResponse(pem.str(), http::HttpStatus::ok, "application/x-pem-file");
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"skydir-ca.pem\"");
  return r;
}

}  // namespace

void AddLdapRoutes(http::Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  const std::string base = "/api/v2/ldapservers";
  router.Add(Verb::get, base, [c](const Request& r) { return List(*c, r); });
  router.Add(Verb::get, base + "/{id}", [c](const Request& r) { return Get(*c, r); });
  router.Add(Verb::patch, base + "/{id}", [c](const Request& r) { return Patch(*c, r); });
  router.Add(Verb::get, base + "/{id}/connection",
             [c](const Request& r) { return Connection(*c, r); });
  router.Add(Verb::get, base + "/{id}/cacert",
             [c](const Request& r) { return CaCertificate(*c, r); });
  router.Add(Verb::get, base + "/{id}/associations",
             [c](const Request& r) { return Associations(*c, r); });
  router.Add(Verb::post, base + "/{id}/associations",
             [c](const Request& r) { return ChangeAssociations(*c, r); });
  router.Add(Verb::get, "/api/v2/users/{id}/associations",
             [c](const Request& r) { return ObjectAssociations(*c, r, store::MemberKind::kUser); });
  router.Add(Verb::get, "/api/v2/usergroups/{id}/associations", [c](const Request& r) {
    return ObjectAssociations(*c, r, store::MemberKind::kGroup);
  });
}

}  // namespace skydir::api
