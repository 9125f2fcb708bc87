// POST /insights/directory/v1/events: the audit trail in the shape of JumpCloud's Directory
// Insights API (newest first; the cursor of the next page in the X-Search_after header).
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/api.h"
#include "api/body.h"
#include "common/time.h"

namespace skydir::api {

namespace json = boost::json;
using http::ErrorResponse;
using http::Request;
using http::Response;
using http::Verb;

namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 10000;
// Exact-match search terms are applied after the store's query; this many rows are read at
// most to fill one page.
constexpr size_t kMaxScanned = 100000;

json::object EventJson(const store::AuditEvent& e) {
  json::object o;
  o["id"] = std::to_string(e.id);
  o["timestamp"] = FormatRfc3339Micros(e.time);
  o["service"] = e.service;
  o["event_type"] = e.event_type;
  o["success"] = e.success;
  o["client_ip"] = e.client_ip;
  o["organization"] = e.org_id;
  o["initiated_by"] = json::object{{"type", e.actor_type}, {"id", e.actor}};
  o["resource"] = json::object{{"type", e.target_type}, {"id", e.target_id}};
  boost::system::error_code ec;
  json::value detail = json::parse(e.detail_json, ec);
  o["detail"] = ec ? json::value(json::object{}) : std::move(detail);
  return o;
}

// The value of `field` in an event, for {"and": {...}} terms.
std::optional<std::string> FieldOf(const store::AuditEvent& e, std::string_view field) {
  if (field == "event_type") return e.event_type;
  if (field == "service") return e.service;
  if (field == "success") return e.success ? "true" : "false";
  if (field == "client_ip") return e.client_ip;
  if (field == "initiated_by.id" || field == "initiated_by.username") return e.actor;
  if (field == "initiated_by.type") return e.actor_type;
  if (field == "resource.id") return e.target_id;
  if (field == "resource.type") return e.target_type;
  return std::nullopt;
}

std::string ScalarText(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return json::serialize(v);
}

Result<int64_t> ReadTime(const json::object& body, std::string_view name, bool required) {
  auto it = body.find(name);
  if (it == body.end()) {
    if (required) return InvalidArgument(std::string(name) + ": is required (RFC 3339)");
    return int64_t{0};
  }
  if (!it->value().is_string()) return InvalidArgument(std::string(name) + ": must be a string");
  auto t = ParseRfc3339(it->value().as_string());
  if (!t) return InvalidArgument(std::string(name) + ": must be an RFC 3339 date-time");
  return *t;
}

Response Events(ApiContext& ctx, const Request& req) {
  if (ctx.audit == nullptr) {
    return ErrorResponse(Status(Code::kUnavailable, "the audit trail is not available"));
  }
  auto body = BodyObject(req.body, req.has_body,
                         {"service", "start_time", "end_time", "limit", "sort", "search_after",
                          "search_term", "fields"});
  if (!body.ok()) return ErrorResponse(body.status());
  const json::object& b = **body;
  store::AuditQuery q;
  q.org_id = req.principal.org_id;
  auto start = ReadTime(b, "start_time", true);
  if (!start.ok()) return ErrorResponse(start.status());
  q.start_time = *start;
  auto end = ReadTime(b, "end_time", false);
  if (!end.ok()) return ErrorResponse(end.status());
  q.end_time = *end;
  auto services = b.find("service");
  if (services == b.end() || !services->value().is_array()) {
    return ErrorResponse(InvalidArgument("service: is required, an array such as [\"all\"]"));
  }
  for (const json::value& s : services->value().as_array()) {
    if (!s.is_string()) return ErrorResponse(InvalidArgument("service: must hold strings"));
    std::string name(s.as_string());
    if (name == "all") {
      q.services.clear();
      break;
    }
    if (name != "ldap" && name != "directory" && name != "scim") {
      return ErrorResponse(InvalidArgument("service: unknown service '" + name +
                                           "' (all, ldap, directory, scim)"));
    }
    q.services.push_back(name);
  }
  size_t limit = kDefaultLimit;
  if (auto it = b.find("limit"); it != b.end()) {
    if (!it->value().is_int64() || it->value().as_int64() < 1 ||
        it->value().as_int64() > static_cast<int64_t>(kMaxLimit)) {
      return ErrorResponse(InvalidArgument("limit: must be an integer from 1 to 10000"));
    }
    limit = static_cast<size_t>(it->value().as_int64());
  }
  if (auto it = b.find("sort"); it != b.end()) {
    if (!it->value().is_string() || it->value().as_string() != "DESC") {
      return ErrorResponse(InvalidArgument("sort: only \"DESC\" (newest first) is supported"));
    }
  }
  if (auto it = b.find("search_after"); it != b.end()) {
    const json::value& v = it->value();
    std::optional<int64_t> id;
    if (v.is_array() && !v.as_array().empty()) {
      const json::value& last = v.as_array().back();
      if (last.is_int64()) id = last.as_int64();
      if (last.is_string()) {
        try {
          id = std::stoll(std::string(last.as_string()));
        } catch (...) {
        }
      }
    }
    if (!id || *id <= 0) {
      return ErrorResponse(InvalidArgument("search_after: must be the X-Search_after of a page"));
    }
    q.after_id = *id;
  }
  std::vector<std::pair<std::string, std::string>> exact;
  if (auto it = b.find("search_term"); it != b.end()) {
    const json::value& v = it->value();
    if (v.is_string()) {
      q.search_term = std::string(v.as_string());
    } else if (v.is_object() && v.as_object().size() == 1 && v.as_object().contains("and") &&
               v.as_object().at("and").is_object()) {
      for (const auto& [field, value] : v.as_object().at("and").as_object()) {
        store::AuditEvent probe;
        if (!FieldOf(probe, field)) {
          return ErrorResponse(InvalidArgument("search_term: unknown field '" +
                                               std::string(field) + "'"));
        }
        exact.emplace_back(std::string(field), ScalarText(value));
      }
    } else {
      return ErrorResponse(InvalidArgument(
          "search_term: must be a string or {\"and\": {field: value, ...}}"));
    }
  }
  // Read pages from the store until `limit` events pass the exact terms.
  json::array out;
  int64_t last_id = 0;
  size_t scanned = 0;
  q.limit = exact.empty() ? limit : std::max(limit, size_t{1000});
  while (out.size() < limit && scanned < kMaxScanned) {
    auto events = ctx.audit->Query(q);
    if (!events.ok()) return ErrorResponse(events.status());
    for (const store::AuditEvent& e : *events) {
      bool pass = true;
      for (const auto& [field, value] : exact) pass = pass && FieldOf(e, field) == value;
      if (pass) {
        out.push_back(EventJson(e));
        last_id = e.id;
        if (out.size() == limit) break;
      }
    }
    scanned += events->size();
    if (events->size() < q.limit || out.size() == limit) break;
    q.after_id = events->back().id;
  }
  Response r = http::JsonResponse(out);
  if (last_id != 0) r.headers.emplace_back("X-Search_after", "[" + std::to_string(last_id) + "]");
  return r;
}

}  // namespace

void AddInsightsRoutes(http::Router& router, ApiContext& ctx) {
  ApiContext* c = &ctx;
  router.Add(Verb::post, "/insights/directory/v1/events",
             [c](const Request& r) { return Events(*c, r); });
}

}  // namespace skydir::api
