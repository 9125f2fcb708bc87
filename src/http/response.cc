#include "http/response.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "http/status_map.h"

namespace skydir::http {

std::string_view Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

Response JsonResponse(const boost::json::value& value, HttpStatus status) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(value);
  return r;
}

Response TextResponse(std::string body, HttpStatus status, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response NoContent() {
  Response r;
  r.status = HttpStatus::no_content;
  r.content_type.clear();
  return r;
}

Response ErrorResponse(HttpStatus status, std::string_view message) {
  boost::json::object body;
  body["message"] = message;
  body["error"] = ReasonFor(status);
  return JsonResponse(body, status);
}

Response ErrorResponse(const skydir::Status& status) {
  Response r = ErrorResponse(HttpStatusFor(status.code()), status.message());
  if (status.code() == Code::kBusy) r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace skydir::http
