#include "api/list_query.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>

namespace skydir::api {

namespace json = boost::json;

namespace {

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == ',') {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

Status CheckField(std::string_view param, const std::string& field,
                  const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), field) == known.end()) {
    return InvalidArgument(std::string(param) + ": unknown field '" + field + "'");
  }
  return Status::Ok();
}

Result<size_t> ParseCount(std::string_view param, const std::string& text) {
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return InvalidArgument(std::string(param) + ": must be a non-negative integer");
  }
  return value;
}

// The text a filter value is compared with.
std::string Comparable(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

// Orders JSON values of one field: numbers numerically, the rest by their text.
bool Less(const json::value* a, const json::value* b) {
  if (a == nullptr || b == nullptr) return a == nullptr && b != nullptr;
  if (a->is_number() && b->is_number()) return a->to_number<double>() < b->to_number<double>();
  if (a->is_string() && b->is_string()) return a->get_string() < b->get_string();  // no copies
  return Comparable(*a) < Comparable(*b);
}

std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool MatchesSearch(const json::object& item, const ListQuery& q) {
  for (const std::string& field : q.search_fields) {
    const json::value* v = item.if_contains(field);
    if (v != nullptr && v->is_string() &&
        Lowercase(v->get_string()).find(q.search) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

Result<ListQuery> ParseListQuery(const http::Request& request, Dialect dialect,
                                 const std::vector<std::string>& known,
                                 const std::vector<std::string>& search_fields) {
  ListQuery q;
  q.search_fields = search_fields;
  for (const auto& [name, value] : request.query) {
    if (name == "limit") {
      SKYDIR_ASSIGN_OR_RETURN(q.limit, ParseCount("limit", value));
      if (q.limit > kMaxListLimit) {
        return InvalidArgument("limit: at most " + std::to_string(kMaxListLimit));
      }
    } else if (name == "skip") {
      SKYDIR_ASSIGN_OR_RETURN(q.skip, ParseCount("skip", value));
    } else if (name == "sort") {
      for (std::string& key : SplitList(value)) {
        ListQuery::SortKey sort;
        sort.descending = key.front() == '-';
        sort.field = sort.descending ? key.substr(1) : key;
        SKYDIR_RETURN_IF_ERROR(CheckField("sort", sort.field, known));
        q.sort.push_back(std::move(sort));
      }
    } else if (name == "fields") {
      for (std::string& field : SplitList(value)) {
        SKYDIR_RETURN_IF_ERROR(CheckField("fields", field, known));
        q.fields.push_back(std::move(field));
      }
    } else if (name == "search") {
      if (search_fields.empty()) return InvalidArgument("search: this list cannot be searched");
      q.search = Lowercase(value);
    } else if (name == "filter") {
      if (value.empty()) continue;
      size_t first = value.find(':');
      size_t second = first == std::string::npos ? first : value.find(':', first + 1);
      if (second == std::string::npos) {
        return InvalidArgument("filter: must be field:operator:value, got '" + value + "'");
      }
      ListQuery::Filter filter;
      filter.field = value.substr(0, first);
      std::string op = value.substr(first + 1, second - first - 1);
      filter.value = value.substr(second + 1);
      SKYDIR_RETURN_IF_ERROR(CheckField("filter", filter.field, known));
      std::string eq = dialect == Dialect::kV1 ? "$eq" : "eq";
      std::string ne = dialect == Dialect::kV1 ? "$ne" : "ne";
      if (op != eq && op != ne) {
        return InvalidArgument("filter: operator '" + op + "' is not supported (use " + eq +
                               " or " + ne + ")");
      }
      filter.negate = op == ne;
      q.filters.push_back(std::move(filter));
    }
  }
  return q;
}

std::vector<json::object> ApplyListQuery(std::vector<json::object> items, const ListQuery& q,
                                         size_t* total) {
  std::erase_if(items, [&](const json::object& item) {
    if (!q.search.empty() && !MatchesSearch(item, q)) return true;
    for (const auto& f : q.filters) {
      const json::value* v = item.if_contains(f.field);
      bool equal = v != nullptr && Comparable(*v) == f.value;
      if (equal == f.negate) return true;
    }
    return false;
  });
  *total = items.size();
  if (!q.sort.empty()) {
    std::stable_sort(items.begin(), items.end(), [&](const json::object& a, const json::object& b) {
      for (const auto& key : q.sort) {
        const json::value* va = a.if_contains(key.field);
        const json::value* vb = b.if_contains(key.field);
        if (Less(va, vb)) return !key.descending;
        if (Less(vb, va)) return key.descending;
      }
      return false;
    });
  }
  std::vector<json::object> page;
  for (size_t i = q.skip; i < items.size() && page.size() < q.limit; ++i) {
    page.push_back(ProjectFields(std::move(items[i]), q.fields));
  }
  return page;
}

json::object ProjectFields(json::object item, const std::vector<std::string>& fields) {
  if (fields.empty()) return item;
  json::object projected;
  for (const char* always : {"_id", "id"}) {
    if (const json::value* v = item.if_contains(always)) projected[always] = *v;
  }
  for (const std::string& field : fields) {
    if (const json::value* v = item.if_contains(field)) projected[field] = *v;
  }
  return projected;
}

std::vector<std::string> ListQuery::KeyFields() const {
  std::vector<std::string> out;
  for (const Filter& f : filters) out.push_back(f.field);
  for (const SortKey& k : sort) out.push_back(k.field);
  if (!search.empty()) out.insert(out.end(), search_fields.begin(), search_fields.end());
  return out;
}

}  // namespace skydir::api
