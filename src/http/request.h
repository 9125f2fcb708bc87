// A request as handlers see it: parsed, authenticated, with its path parameters and query.
// Built by the Dispatcher; handlers receive it read-only and answer a Response.
#pragma once

// Beast's headers need std::ostream complete (boost/core string_view, Boost 1.81).
#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "directory/model.h"

namespace skydir::http {

using Verb = boost::beast::http::verb;

// Who is calling: the API key, or the administrator signed in to the console, and the org
// it acts on.
struct Principal {
  std::string key_id;      // empty for a console session
  std::string user_id;     // the console administrator; empty for an API key
  std::string username;    // ... and their username, as audit events name them
  std::string session_id;  // the console session's cookie value; never logged
  std::string org_id;  // the effective org: the key's own, or x-org-id for an operator key
  directory::ApiKeyRole role = directory::ApiKeyRole::kAdmin;
  bool operator_key = false;
};

struct Request {
  Verb method = Verb::get;
  std::string path;                                        // percent-decoded, without the query
  std::map<std::string, std::string> params;               // {name} segments of the route pattern
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  boost::json::value body;                                 // null when the request has no body
  bool has_body = false;
  Principal principal;  // empty for unauthenticated routes
  std::string client_ip;
  bool tls = false;           // arrived over HTTPS
  std::string if_none_match;  // the If-None-Match header, for static assets

  // The first value of query parameter `name`.
  std::optional<std::string> Query(std::string_view name) const {
    for (const auto& [k, v] : query) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
  // The path parameter `name` (empty if the route has none by that name).
  const std::string& Param(const std::string& name) const {
    static const std::string kEmpty;
    auto it = params.find(name);
    return it == params.end() ? kEmpty : it->second;
  }
};

}  // namespace skydir::http
