// The request pipeline between the wire and the handlers, in two steps so that nothing blocks
// an I/O thread:
//
//   Prepare (I/O thread)  URL parsing, routing (404, 405 + Allow), 415 for a non-JSON body on
//                         POST/PUT/PATCH, JSON parsing (400); inline routes (/healthz) answer
//                         here.
//   Execute (pool thread) x-api-key authentication (401), or else the console session cookie
//                         (401 when unknown or idle too long; 403 for a non-GET request
//                         without the session's x-csrf-token), org selection: an operator key acts
//                         on the org named by x-org-id (400 without one), an org key may not
//                         name another org (403); read-only keys may only GET (403); the
//                         per-key rate limit (429 + Retry-After); then the handler. Exceptions
//                         a handler lets escape become 500 here and go no further.
//
// Thread-safety: const after construction except for the authenticator and rate limiter,
// which are thread-safe; Prepare and Execute may run concurrently for different requests.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>
#include <variant>

#include "http/api_key_auth.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "http/session_store.h"

namespace skydir::http {

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;

inline constexpr std::string_view kApiKeyHeader = "x-api-key";
inline constexpr std::string_view kOrgIdHeader = "x-org-id";

// A routed request waiting for Execute.
struct Call {
  const Route* route = nullptr;
  Request request;
  std::string api_key;     // the presented secret; never logged
  std::string org_header;  // x-org-id as sent
  std::string session_id;  // the console session cookie; never logged
  std::string csrf_token;  // x-csrf-token as sent
};

class Dispatcher {
 public:
  // REQUIRES: all of them outlive the dispatcher; the router is complete. Without `sessions`
  // only API keys authenticate.
  Dispatcher(const Router& router, ApiKeyAuthenticator& auth, RateLimiter& limiter,
             SessionStore* sessions = nullptr);

  // `route_label`, when given, receives the matched route's pattern (or kUnmatchedRoute) for
  // metrics. `tls`: the request arrived over HTTPS.
  std::variant<Response, Call> Prepare(const WireRequest& wire, std::string client_ip,
                                       std::string* route_label = nullptr, bool tls = false) const;
  Response Execute(Call& call) const;

 private:
  // Authenticates and fills call.request.principal; a Response when refused.
  std::optional<Response> Authorize(Call& call) const;
  // Authenticates by console session; fills the principal or answers the refusal.
  std::optional<Response> AuthorizeSession(Call& call) const;

  const Router& router_;
  ApiKeyAuthenticator& auth_;
  RateLimiter& limiter_;
  SessionStore* sessions_;
};

// True when `content_type` is application/json or a +json type (parameters ignored).
bool IsJsonContentType(std::string_view content_type);

}  // namespace skydir::http
