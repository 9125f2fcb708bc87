// Routes: (method, path pattern) → handler. Patterns are literal segments and `{name}`
// parameters ("/api/v2/usergroups/{id}/members"); a parameter matches one non-empty segment.
// A trailing slash on the request path is ignored. Literal segments win over parameters when
// both match.
//
// Find() tells apart "no such path" (404) and "path exists, wrong method" (405, with the
// methods that would work for the Allow header).
//
// Thread-safety: Add() during setup only; Find() from any thread afterwards.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace skydir::http {

// Handlers run on a blocking-pool thread (they call the service layer) unless
// RouteOptions::inline_handler is set, in which case they run on the I/O thread and must not
// block.
using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  bool authenticated = true;    // needs x-api-key
  bool inline_handler = false;  // cheap, non-blocking: run on the I/O thread
  bool needs_org = true;        // an operator key must name an org with x-org-id
};

struct Route {
  Verb method;
  std::string pattern;
  std::vector<std::string> segments;  // "{id}" kept as written
  Handler handler;
  RouteOptions options;
};

class Router {
 public:
  enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
  struct Match {
    Outcome outcome = Outcome::kNotFound;
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<Verb> allowed;  // for kMethodNotAllowed, in registration order
  };

  // REQUIRES: pattern starts with '/'; (method, pattern) not registered yet.
  void Add(Verb method, std::string pattern, Handler handler, RouteOptions options = {});
  Match Find(Verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

  // "GET, POST" for an Allow header.
  static std::string AllowHeader(const std::vector<Verb>& verbs);

 private:
  // How well `route` matches `parts`: -1 no match, else the number of literal segments.
  static int Score(const Route& route, const std::vector<std::string_view>& parts);

  std::vector<Route> routes_;
};

// Splits a path into its segments, dropping empty ones from a trailing slash.
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace skydir::http
