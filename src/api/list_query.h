// List parameters of JumpCloud's list endpoints, applied to a resource's JSON objects:
//   limit   records to return, default 10, at most 100 (JumpCloud's contract)
//   skip    records to skip first
//   sort    fields separated by spaces or commas; "-field" sorts descending
//   fields  (v1) fields to return, separated by spaces or commas; _id and id always come
//   filter  "field:op:value", repeatable, all must hold. v1 spells operators $eq/$ne,
//           v2 eq/ne (other operators answer 400). Values compare as the field's JSON text:
//           strings as is, numbers in decimal, booleans as true/false.
//   search  (skydir) a case-insensitive substring of any of the resource's search fields, for
//           lists that have some (users: username, email, names); else 400.
// Every field named must be one of the resource's fields (else 400 naming the parameter).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"
#include "http/request.h"

namespace skydir::api {

inline constexpr size_t kDefaultListLimit = 10;
inline constexpr size_t kMaxListLimit = 100;

enum class Dialect { kV1, kV2 };

struct ListQuery {
  struct SortKey {
    std::string field;
    bool descending = false;
  };
  struct Filter {
    std::string field;
    bool negate = false;  // ne instead of eq
    std::string value;
  };
  size_t limit = kDefaultListLimit;
  size_t skip = 0;
  std::vector<SortKey> sort;
  std::vector<std::string> fields;  // empty: every field
  std::vector<Filter> filters;
  std::string search;                      // lowercased; empty: no search
  std::vector<std::string> search_fields;  // the fields `search` looks in

  // The fields filtering, searching and sorting read (not the ones returned).
  std::vector<std::string> KeyFields() const;
};

// Reads the list parameters of `request`; `known` are the resource's field names.
// `search_fields` (may be empty) are the fields the search parameter looks in.
Result<ListQuery> ParseListQuery(const http::Request& request, Dialect dialect,
                                 const std::vector<std::string>& known,
                                 const std::vector<std::string>& search_fields = {});

// `item` with only `fields` (plus _id and id); all of it when `fields` is empty.
boost::json::object ProjectFields(boost::json::object item, const std::vector<std::string>& fields);

// Filters, sorts, pages and projects `items`; *total gets the count after filtering.
std::vector<boost::json::object> ApplyListQuery(std::vector<boost::json::object> items,
                                                const ListQuery& query, size_t* total);

}  // namespace skydir::api
