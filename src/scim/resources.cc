#include "scim/resources.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <map>
#include <set>

namespace skydir::scim {

namespace json = boost::json;

namespace {

void SetIf(json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

// Path -> value of every attribute, one level of complex attributes flattened: "name.givenName",
// "<enterprise URN>:department". Multi-valued attributes stay whole.
std::map<std::string, json::value> Flatten(const json::object& resource) {
  std::map<std::string, json::value> out;
  for (const auto& [key, value] : resource) {
    if (key == "schemas" || key == "id" || key == "meta") continue;
    if (value.is_object()) {
      const bool extension = key.find(':') != json::string_view::npos;
      for (const auto& [sub, sub_value] : value.as_object()) {
        out[std::string(key) + (extension ? ":" : ".") + std::string(sub)] = sub_value;
      }
    } else {
      out[std::string(key)] = value;
    }
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<json::value> Parse(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace

json::object UserResource(const directory::User& user, bool active) {
  json::object o;
  json::array schemas{json::string(kUserSchema)};
  json::object enterprise;
  SetIf(enterprise, "department", user.department);
  SetIf(enterprise, "employeeNumber", user.employee_number);
  if (!enterprise.empty()) schemas.emplace_back(json::string(kEnterpriseSchema));
  o["schemas"] = std::move(schemas);
  o["userName"] = user.email;
  o["externalId"] = user.id;
  json::object name;
  SetIf(name, "givenName", user.first_name);
  SetIf(name, "familyName", user.last_name);
  if (!name.empty()) o["name"] = std::move(name);
  std::string display = user.display_name;
  if (display.empty()) {
    display = user.first_name + (user.first_name.empty() || user.last_name.empty() ? "" : " ") +
              user.last_name;
  }
  o["displayName"] = display.empty() ? user.username : display;
  o["emails"] = json::array{json::object{{"value", user.email}, {"type", "work"}, {"primary", true}}};
  o["active"] = active;
  SetIf(o, "title", user.title);
  json::array phones;
  if (!user.phone.empty()) phones.push_back(json::object{{"value", user.phone}, {"type", "work"}});
  if (!user.mobile.empty()) {
    phones.push_back(json::object{{"value", user.mobile}, {"type", "mobile"}});
  }
  if (!phones.empty()) o["phoneNumbers"] = std::move(phones);
  if (!enterprise.empty()) o[kEnterpriseSchema] = std::move(enterprise);
  return o;
}

json::object GroupResource(std::string_view display_name, std::string_view external_id,
                           const std::vector<GroupMember>& members) {
  json::object o;
  o["schemas"] = json::array{json::string(kGroupSchema)};
  o["displayName"] = display_name;
  o["externalId"] = external_id;
  std::vector<GroupMember> sorted = members;
  std::sort(sorted.begin(), sorted.end(),
            [](const GroupMember& a, const GroupMember& b) { return a.value < b.value; });
  json::array list;
  for (const GroupMember& m : sorted) {
    list.push_back(json::object{{"value", m.value}, {"display", m.display}});
  }
  o["members"] = std::move(list);
  return o;
}

json::array UserPatchOps(const json::object& before, const json::object& after) {
  std::map<std::string, json::value> old_values = Flatten(before);
  std::map<std::string, json::value> new_values = Flatten(after);
  json::array ops;
  for (const auto& [path, value] : new_values) {
    auto it = old_values.find(path);
    if (it != old_values.end() && it->second == value) continue;
    ops.push_back(json::object{{"op", "replace"}, {"path", path}, {"value", value}});
  }
  // Only what skydir manages is removed: a target's own attributes (groups, roles, meta) stay.
  static const std::set<std::string> kManaged = {
      "userName", "externalId", "name.givenName", "name.familyName", "displayName", "emails",
      "active", "title", "phoneNumbers", std::string(kEnterpriseSchema) + ":department",
      std::string(kEnterpriseSchema) + ":employeeNumber"};
  for (const auto& [path, value] : old_values) {
    if (!new_values.contains(path) && kManaged.contains(path)) {
      ops.push_back(json::object{{"op", "remove"}, {"path", path}});
    }
  }
  return ops;
}

json::object PatchRequest(json::array ops) {
  return json::object{{"schemas", json::array{json::string(kPatchSchema)}},
                      {"Operations", std::move(ops)}};
}

std::string EqFilter(std::string_view attribute, std::string_view value) {
  std::string out(attribute);
  out += " eq \"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

namespace {

std::optional<std::string> IdOf(const json::value& resource) {
  if (!resource.is_object()) return std::nullopt;
  const json::value* id = resource.as_object().if_contains("id");
  if (id == nullptr) return std::nullopt;
  if (id->is_string() && !id->as_string().empty()) return std::string(id->as_string());
  if (id->is_int64()) return std::to_string(id->as_int64());
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ResourceId(std::string_view body) {
  std::optional<json::value> v = Parse(body);
  return v ? IdOf(*v) : std::nullopt;
}

std::optional<std::string> FindListed(std::string_view body, std::string_view attribute,
                                      std::string_view value) {
  std::optional<json::value> v = Parse(body);
  if (!v || !v->is_object()) return std::nullopt;
  const json::value* resources = v->as_object().if_contains("Resources");
  if (resources == nullptr || !resources->is_array()) return std::nullopt;
  for (const json::value& r : resources->as_array()) {
    if (!r.is_object()) continue;
    const json::value* attr = r.as_object().if_contains(attribute);
    if (attr == nullptr || !attr->is_string()) continue;
    if (!EqualsIgnoreCase(attr->as_string(), value)) continue;
    if (auto id = IdOf(r)) return id;
  }
  return std::nullopt;
}

std::string ErrorDetail(std::string_view body) {
  std::optional<json::value> v = Parse(body);
  if (v && v->is_object()) {
    const json::object& o = v->as_object();
    std::string out;
    if (const json::value* d = o.if_contains("detail"); d != nullptr && d->is_string()) {
      out = d->as_string();
    }
    if (const json::value* t = o.if_contains("scimType"); t != nullptr && t->is_string()) {
      out += (out.empty() ? "" : " ") + std::string("(") + std::string(t->as_string()) + ")";
    }
    if (!out.empty()) return out.substr(0, 300);
  }
  std::string out;
  for (char c : body.substr(0, 300)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return out;
}

}  // namespace skydir::scim
