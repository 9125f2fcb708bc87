// What a request handler answers: a status, a body and extra headers. Handlers build these
// with the helpers below and never write protocol bytes; the session turns a Response into
// HTTP/1.1 on the wire (http_session.cc).
//
// Every failure body is JSON {"message": "...", "error": "..."}: `message` says what went wrong
// for a person (naming the field when a field is at fault), `error` is the status's reason
// phrase ("Bad Request"), stable for programs.
#pragma once

// Beast's headers need std::ostream complete (boost/core string_view, Boost 1.81).
#include <boost/beast/http/status.hpp>
#include <boost/json/value.hpp>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace skydir::http {

using HttpStatus = boost::beast::http::status;

struct Response {
  HttpStatus status = HttpStatus::ok;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order

  // The value of an extra header, or empty.
  std::string_view Header(std::string_view name) const;
};

// `value` serialized as the body.
Response JsonResponse(const boost::json::value& value, HttpStatus status = HttpStatus::ok);
// A plain-text body (health checks, metrics).
Response TextResponse(std::string body, HttpStatus status = HttpStatus::ok,
                      std::string content_type = "text/plain; charset=utf-8");
// 204 without a body.
Response NoContent();
// The JSON error body for `status`.
Response ErrorResponse(HttpStatus status, std::string_view message);
// A failed service Status as its HTTP error (HttpStatusFor). REQUIRES: !status.ok().
Response ErrorResponse(const Status& status);

}  // namespace skydir::http
