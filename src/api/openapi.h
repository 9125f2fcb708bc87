// The OpenAPI 3.0 description of the HTTP API, served at /api/openapi.json. Written by hand as
// a table of operations (what a client needs to know) rather than derived from the router, so
// that openapi_test.cc can hold the two against each other: every route documented, every
// documented operation routed.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>
#include <vector>

namespace skydir::api {

struct DocumentedOperation {
  std::string_view method;  // "get", "post", ... (OpenAPI spelling)
  std::string_view path;    // "/api/systemusers/{id}"
  std::string_view summary;
  std::string_view request;   // component schema of the body, or empty
  std::string_view response;  // component schema of the answer, or empty (no body)
  int status = 200;           // the success status
  std::string_view list;      // "v1" (totalCount/results), "v2" (array + x-total-count) or ""
  bool authenticated = true;
};

const std::vector<DocumentedOperation>& DocumentedOperations();
// The whole document (built once).
const boost::json::object& OpenApiDocument();

}  // namespace skydir::api
