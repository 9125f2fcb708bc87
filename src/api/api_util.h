// Small helpers shared by the endpoint files.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/api.h"
#include "api/list_query.h"
#include "http/response.h"

namespace skydir::api {

// A v2 list: the page as a JSON array, the total in x-total-count.
http::Response V2List(std::vector<boost::json::object> page, size_t total);
// Applies `query` to `items` and answers the page as a v1 list: {"totalCount", "results"}.
http::Response V1Page(std::vector<boost::json::object> items, const ListQuery& query);
// Applies `query` (filter, sort, skip, limit) to `items` and answers the page as a v2 list.
http::Response V2Page(std::vector<boost::json::object> items, const ListQuery& query);

// JumpCloud's graph edge: {"attributes": {}, "to": {"attributes": {}, "id", "type"}}.
boost::json::object GraphConnection(std::string_view id, std::string_view type);

// "user" | "user_group" → MemberKind; else kConstraintViolation naming `field`.
Result<store::MemberKind> ParseGraphType(std::string_view field, std::string_view type);
std::string_view GraphTypeName(store::MemberKind kind);  // "user" | "user_group"

// A {"op", "type", "id"[, "attributes"]} body.
struct GraphOp {
  bool add = true;
  store::MemberKind kind = store::MemberKind::kUser;
  std::string id;
};
Result<GraphOp> ParseGraphOp(const http::Request& request);

}  // namespace skydir::api
