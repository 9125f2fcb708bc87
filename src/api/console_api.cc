// /api/console/session: the admin console's sign-in, session and sign-out (issue 8). The
// session cookie then authorizes every /api route exactly as an org admin API key would
// (http/dispatcher.cc); docs/console.md describes the flow.
#include <boost/json/object.hpp>
#include <optional>

#include "api/api.h"
#include "api/body.h"
#include "common/time.h"

namespace skydir::api {

namespace json = boost::json;
using http::ErrorResponse;
using http::JsonResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

// Secure only over HTTPS: a browser drops a Secure cookie set over plain HTTP.
std::string SessionCookie(std::string_view id, bool tls, bool expire) {
  std::string c = std::string(http::kSessionCookie) + "=" + std::string(id) +
                  "; Path=/; HttpOnly; SameSite=Strict";
  if (tls) c += "; Secure";
  if (expire) c += "; Max-Age=0";
  return c;
}

json::object SessionJson(const directory::User& user, const directory::Organization& org,
                         std::string_view csrf, std::chrono::seconds idle) {
  json::object u;
  u["id"] = user.id;
  u["username"] = user.username;
  u["email"] = user.email;
  u["firstname"] = user.first_name;
  u["lastname"] = user.last_name;
  json::object out;
  out["user"] = std::move(u);
  out["organization"] = json::object{{"id", org.id}, {"displayName", org.name}};
  out["csrfToken"] = csrf;
  out["idleTimeoutSeconds"] = idle.count();
  return out;
}

void RecordSignOut(ApiContext& ctx, const Request& req) {
  if (ctx.audit == nullptr) return;
  store::AuditEvent e;
  e.time = NowMicros();
  e.org_id = req.principal.org_id;
  e.service = "directory";
  e.event_type = "admin_logout";
  e.success = true;
  e.actor_type = "user";
  e.actor = req.principal.username;
  e.client_ip = req.client_ip;
  e.target_type = "user";
  e.target_id = req.principal.user_id;
  e.detail_json = "{\"via\":\"console\"}";
  ctx.audit->Record(std::move(e));
}

// The refusal when `req` cannot act on a console session, or nullopt.
std::optional<Response> RequireSession(const ApiContext& ctx, const Request& req) {
  if (ctx.sessions == nullptr) {
    return ErrorResponse(Status(Code::kUnavailable, "the admin console is not enabled"));
  }
  if (req.principal.session_id.empty()) {
    return ErrorResponse(http::HttpStatus::not_found,
                         "no console session: this request was made with an API key");
  }
  return std::nullopt;
}

Response SignIn(ApiContext& ctx, const Request& req) {
  if (ctx.ldap == nullptr || ctx.sessions == nullptr) {
    return ErrorResponse(Status(Code::kUnavailable, "the admin console is not enabled"));
  }
  auto body = BodyObject(req.body, req.has_body, {"organization", "username", "password"});
  if (!body.ok()) return ErrorResponse(body.status());
  auto org = RequireString(**body, "organization");
  if (!org.ok()) return ErrorResponse(org.status());
  auto username = RequireString(**body, "username");
  if (!username.ok()) return ErrorResponse(username.status());
  auto password = RequireString(**body, "password");
  if (!password.ok()) return ErrorResponse(password.status());
  if (org->empty()) return ErrorResponse(InvalidArgument("organization: is required"));
  if (username->empty()) return ErrorResponse(InvalidArgument("username: is required"));
  if (password->empty()) return ErrorResponse(InvalidArgument("password: is required"));
  auto user = ctx.ldap->SignInAdmin(*org, *username, *password, {req.client_ip, req.tls});
  if (!user.ok()) return ErrorResponse(user.status());
  auto organization = ctx.admin.GetOrg(user->org_id);
  if (!organization.ok()) return ErrorResponse(organization.status());
  http::ConsoleSession session;
  session.org_id = user->org_id;
  session.user_id = user->id;
  session.username = user->username;
  std::string id = ctx.sessions->Create(session);
  auto created = ctx.sessions->Touch(id);
  if (!created) return ErrorResponse(Status(Code::kUnavailable, "session store full"));
  Response r =
      JsonResponse(SessionJson(*user, *organization, created->csrf_token, ctx.sessions->idle()));
  r.headers.emplace_back("Set-Cookie", SessionCookie(id, req.tls, false));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// The signed-in administrator and the CSRF token, for a page that was reloaded.
Response Current(ApiContext& ctx, const Request& req) {
  if (auto refused = RequireSession(ctx, req)) return std::move(*refused);
  auto session = ctx.sessions->Touch(req.principal.session_id);
  if (!session) return ErrorResponse(http::HttpStatus::unauthorized, "sign in again");
  auto user = ctx.admin.GetUser(req.principal.org_id, req.principal.user_id);
  auto org = ctx.admin.GetOrg(req.principal.org_id);
  if (!service::MayUseConsole(user) || !org.ok()) {
    ctx.sessions->Destroy(req.principal.session_id);
    return ErrorResponse(http::HttpStatus::unauthorized,
                         "this account may no longer sign in to the console");
  }
  Response r = JsonResponse(SessionJson(*user, *org, session->csrf_token, ctx.sessions->idle()));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response SignOut(ApiContext& ctx, const Request& req) {
  if (auto refused = RequireSession(ctx, req)) return std::move(*refused);
  ctx.sessions->Destroy(req.principal.session_id);
  RecordSignOut(ctx, req);
  Response r = http::NoContent();
  r.headers.emplace_back("Set-Cookie", SessionCookie("", req.tls, true));
  return r;
}

}  // namespace

void AddConsoleRoutes(http::Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  http::RouteOptions open;
  open.authenticated = false;
  router.Add(
      Verb::post, "/api/console/session", [c](const Request& r) { return SignIn(*c, r); }, open);
  router.Add(Verb::get, "/api/console/session", [c](const Request& r) { return Current(*c, r); });
  router.Add(Verb::delete_, "/api/console/session",
             [c](const Request& r) { return SignOut(*c, r); });
}

}  // namespace skydir::api
