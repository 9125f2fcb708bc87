#include "http/dispatcher.h"

#include "service/actor.h"

#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <exception>

#include "common/log.h"
#include "http/metrics.h"

namespace skydir::http {

namespace bhttp = boost::beast::http;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool TakesBody(Verb v) { return v == Verb::post || v == Verb::put || v == Verb::patch; }

}  // namespace

bool IsJsonContentType(std::string_view content_type) {
  std::string type = Lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "application/json") return true;
  return type.rfind("application/", 0) == 0 && type.size() > 5 &&
         type.compare(type.size() - 5, 5, "+json") == 0;
}

Dispatcher::Dispatcher(const Router& router, ApiKeyAuthenticator& auth, RateLimiter& limiter,
                       SessionStore* sessions)
    : router_(router), auth_(auth), limiter_(limiter), sessions_(sessions) {}

std::variant<Response, Call> Dispatcher::Prepare(const WireRequest& wire, std::string client_ip,
                                                 std::string* route_label, bool tls) const {
  if (route_label != nullptr) *route_label = kUnmatchedRoute;
  auto url = boost::urls::parse_origin_form(std::string_view(wire.target()));
  if (!url) return ErrorResponse(HttpStatus::bad_request, "invalid request target");
  Call call;
  Request& req = call.request;
  req.method = wire.method();
  req.client_ip = std::move(client_ip);
  req.tls = tls;
  req.path = std::string(url->path());
  for (auto param : url->params()) req.query.emplace_back(param.key, param.value);

  Router::Match match = router_.Find(req.method, req.path);
  if (match.outcome == Router::Outcome::kNotFound) {
    return ErrorResponse(HttpStatus::not_found, "no such resource: " + req.path);
  }
  if (match.outcome == Router::Outcome::kMethodNotAllowed) {
    Response r =
        ErrorResponse(HttpStatus::method_not_allowed,
                      std::string(bhttp::to_string(req.method)) + " is not allowed on " + req.path);
    r.headers.emplace_back("Allow", Router::AllowHeader(match.allowed));
    return r;
  }
  call.route = match.route;
  if (route_label != nullptr) *route_label = call.route->pattern;
  req.params = std::move(match.params);

  const std::string& body = wire.body();
  if (!body.empty() && TakesBody(req.method)) {
    auto content_type = wire.find(bhttp::field::content_type);
    if (content_type == wire.end() || !IsJsonContentType(content_type->value())) {
      return ErrorResponse(HttpStatus::unsupported_media_type,
                           "Content-Type: request bodies must be application/json");
    }
    boost::system::error_code ec;
    req.body = boost::json::parse(body, ec);
    if (ec)
      return ErrorResponse(HttpStatus::bad_request, "body: invalid JSON (" + ec.message() + ")");
    req.has_body = true;
  }

  if (call.route->options.inline_handler && !call.route->options.authenticated) {
    if (auto etag = wire.find(bhttp::field::if_none_match); etag != wire.end()) {
      req.if_none_match = etag->value();
    }
    return call.route->handler(req);
  }
  if (auto key = wire.find(kApiKeyHeader); key != wire.end()) call.api_key = key->value();
  if (auto org = wire.find(kOrgIdHeader); org != wire.end()) call.org_header = org->value();
  if (auto cookie = wire.find(bhttp::field::cookie); cookie != wire.end()) {
    call.session_id = CookieValue(cookie->value(), kSessionCookie);
  }
  if (auto csrf = wire.find(kCsrfHeader); csrf != wire.end()) call.csrf_token = csrf->value();
  return call;
}

std::optional<Response> Dispatcher::AuthorizeSession(Call& call) const {
  auto session = sessions_->Touch(call.session_id);
  if (!session) {
    return ErrorResponse(HttpStatus::unauthorized,
                         "your console session has ended (signed out or idle); sign in again");
  }
  // Suspending, locking or deleting an administrator, or removing the flag, ends their
  // sessions at their next request.
  if (!sessions_->StillAllowed(call.session_id, *session)) {
    return ErrorResponse(HttpStatus::unauthorized,
                         "this account may no longer sign in to the console");
  }
  // SameSite=Strict keeps the cookie off cross-site requests; the token is the second guard,
  // and the one that matters for browsers that ignore SameSite.
  const Verb m = call.request.method;
  if (m != Verb::get && m != Verb::head && !SecretsEqual(call.csrf_token, session->csrf_token)) {
    return ErrorResponse(HttpStatus::forbidden,
                         "x-csrf-token: missing or wrong; reload the console page");
  }
  if (uint32_t wait = limiter_.Take("user:" + session->user_id); wait > 0) {
    Response r = ErrorResponse(HttpStatus::too_many_requests,
                               "rate limit exceeded; retry in " + std::to_string(wait) + "s");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  if (!call.org_header.empty() && call.org_header != session->org_id) {
    return ErrorResponse(HttpStatus::forbidden,
                         "x-org-id: this session belongs to another organization");
  }
  Principal& p = call.request.principal;
  p.user_id = session->user_id;
  p.username = session->username;
  p.session_id = call.session_id;
  p.org_id = session->org_id;
  p.role = directory::ApiKeyRole::kAdmin;
  p.operator_key = false;
  return std::nullopt;
}

std::optional<Response> Dispatcher::Authorize(Call& call) const {
  if (call.api_key.empty() && !call.session_id.empty() && sessions_ != nullptr) {
    return AuthorizeSession(call);
  }
  if (call.api_key.empty()) {
    return ErrorResponse(HttpStatus::unauthorized, "x-api-key: an API key is required");
  }
  auto key = auth_.Authenticate(call.api_key);
  if (!key.ok()) return ErrorResponse(HttpStatus::unauthorized, "x-api-key: invalid API key");
  if (uint32_t wait = limiter_.Take(key->id); wait > 0) {
    Response r = ErrorResponse(
        HttpStatus::too_many_requests,
        "rate limit exceeded for this API key; retry in " + std::to_string(wait) + "s");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  Principal& p = call.request.principal;
  p.key_id = key->id;
  p.role = key->role;
  p.operator_key = key->org_id.empty();
  if (p.operator_key) {
    if (call.org_header.empty() && call.route->options.needs_org) {
      return ErrorResponse(HttpStatus::bad_request,
                           "x-org-id: an operator key must name the organization to act on");
    }
    p.org_id = call.org_header;
  } else {
    if (!call.org_header.empty() && call.org_header != key->org_id) {
      return ErrorResponse(HttpStatus::forbidden,
                           "x-org-id: this API key belongs to another organization");
    }
    p.org_id = key->org_id;
  }
  if (p.role == directory::ApiKeyRole::kReadOnly && call.request.method != Verb::get) {
    return ErrorResponse(HttpStatus::forbidden, "this API key is read-only");
  }
  return std::nullopt;
}

Response Dispatcher::Execute(Call& call) const {
  if (call.route->options.authenticated) {
    if (auto refused = Authorize(call)) return std::move(*refused);
  }
  // Changes made by this request are audited as the key or administrator that made them, from
  // its address.
  const Principal& p = call.request.principal;
  service::ScopedActor actor(!p.user_id.empty()
                                 ? service::Actor{"user", p.username, call.request.client_ip}
                                 : service::Actor{p.key_id.empty() ? "system" : "api_key", p.key_id,
                                                  call.request.client_ip});
  try {
    return call.route->handler(call.request);
  } catch (const std::exception& e) {
    LogError("http.handler_failed", {{"route", call.route->pattern}, {"what", e.what()}});
  } catch (...) {
    LogError("http.handler_failed", {{"route", call.route->pattern}});
  }
  return ErrorResponse(HttpStatus::internal_server_error, "internal error");
}

}  // namespace skydir::http
