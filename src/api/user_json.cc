#include "api/user_json.h"

#include <algorithm>
#include <boost/json/array.hpp>

#include "api/body.h"
#include "common/time.h"

namespace skydir::api {

namespace json = boost::json;
using directory::User;
using directory::UserState;

namespace {

constexpr std::string_view kWorkPhone = "work";
constexpr std::string_view kMobilePhone = "mobile";

std::string StateName(UserState state) {
  switch (state) {
    case UserState::kStaged:
      return "STAGED";
    case UserState::kActivated:
      return "ACTIVATED";
    case UserState::kSuspended:
      return "SUSPENDED";
  }
  return "";
}

// Fields common to create and update, read into `f`.
Status ReadUserFields(const json::object& o, service::UserFields& f) {
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "username", f.username));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "email", f.email));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "firstname", f.first_name));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "lastname", f.last_name));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "displayname", f.display_name));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "description", f.description));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "jobTitle", f.title));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "department", f.department));
  SKYDIR_RETURN_IF_ERROR(ReadString(o, "employeeIdentifier", f.employee_number));
  SKYDIR_RETURN_IF_ERROR(ReadBool(o, "ldap_binding_user", f.ldap_binding_user));
  SKYDIR_RETURN_IF_ERROR(ReadUint32(o, "unix_uid", f.unix_uid));
  SKYDIR_RETURN_IF_ERROR(ReadUint32(o, "unix_guid", f.unix_guid));
  if (auto it = o.find("phoneNumbers"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return InvalidArgument("phoneNumbers: must be an array");
    // The list replaces both numbers skydir keeps.
    f.phone = std::string();
    f.mobile = std::string();
    size_t i = 0;
    for (const json::value& item : it->value().get_array()) {
      std::string at = "phoneNumbers[" + std::to_string(i++) + "]";
      if (!item.is_object()) return InvalidArgument(at + ": must be an object");
      const json::object& phone = item.get_object();
      SKYDIR_RETURN_IF_ERROR(CheckKnownFields(phone, at, {"type", "number", "id"}));
      std::optional<std::string> type, number;
      SKYDIR_RETURN_IF_ERROR(ReadString(phone, "type", type));
      SKYDIR_RETURN_IF_ERROR(ReadString(phone, "number", number));
      if (!number) return InvalidArgument(at + ".number: is required");
      std::optional<std::string>* slot = nullptr;
      if (type == kWorkPhone) slot = &f.phone;
      if (type == kMobilePhone) slot = &f.mobile;
      if (slot == nullptr) return InvalidArgument(at + ".type: must be 'work' or 'mobile'");
      if (!(*slot)->empty()) return InvalidArgument(at + ".type: '" + *type + "' given twice");
      *slot = *number;
    }
  }
  if (auto it = o.find("attributes"); it != o.end() && !it->value().is_null()) {
    if (!it->value().is_array()) return InvalidArgument("attributes: must be an array");
    if (!it->value().get_array().empty()) {
      return InvalidArgument("attributes: custom attributes cannot be set through the API yet");
    }
  }
  return Status::Ok();
}

#define SKYDIR_USER_WRITABLE_FIELDS                                                       \
  "username", "email", "firstname", "lastname", "displayname", "description", "jobTitle", \
      "department", "employeeIdentifier", "ldap_binding_user", "unix_uid", "unix_guid",   \
      "phoneNumbers", "attributes", "password", "activated", "suspended", "account_locked"

}  // namespace

namespace {

using FieldGetter = json::value (*)(const User&);

// Every field of the JSON form of a user, in order, with how to compute it: one table so that
// a list can compute only the fields it filters and sorts on.
const std::vector<std::pair<std::string_view, FieldGetter>>& FieldTable() {
  static const std::vector<std::pair<std::string_view, FieldGetter>> kTable = {
      {"_id", [](const User& u) -> json::value { return json::string(u.id); }},
      {"id", [](const User& u) -> json::value { return json::string(u.id); }},
      {"username", [](const User& u) -> json::value { return json::string(u.username); }},
      {"email", [](const User& u) -> json::value { return json::string(u.email); }},
      {"firstname", [](const User& u) -> json::value { return json::string(u.first_name); }},
      {"lastname", [](const User& u) -> json::value { return json::string(u.last_name); }},
      {"displayname", [](const User& u) -> json::value { return json::string(u.display_name); }},
      {"description", [](const User& u) -> json::value { return json::string(u.description); }},
      {"ldap_binding_user", [](const User& u) -> json::value { return u.ldap_binding_user; }},
      {"activated",
       [](const User& u) -> json::value {
         return u.state == UserState::kActivated ||
                (u.state == UserState::kSuspended && !u.password_hash.empty());
       }},
      {"suspended", [](const User& u) -> json::value { return u.state == UserState::kSuspended; }},
      {"account_locked", [](const User& u) -> json::value { return u.account_locked; }},
      {"state", [](const User& u) -> json::value { return json::string(StateName(u.state)); }},
      {"unix_uid", [](const User& u) -> json::value { return u.unix_uid; }},
      {"unix_guid", [](const User& u) -> json::value { return u.unix_guid; }},
      {"jobTitle", [](const User& u) -> json::value { return json::string(u.title); }},
      {"department", [](const User& u) -> json::value { return json::string(u.department); }},
      {"employeeIdentifier",
       [](const User& u) -> json::value { return json::string(u.employee_number); }},
      {"phoneNumbers",
       [](const User& u) -> json::value {
         json::array phones;
         if (!u.phone.empty()) {
           phones.push_back(json::object{{"type", kWorkPhone}, {"number", u.phone}});
         }
         if (!u.mobile.empty()) {
           phones.push_back(json::object{{"type", kMobilePhone}, {"number", u.mobile}});
         }
         return phones;
       }},
      {"attributes",
       [](const User& u) -> json::value {
         json::array attributes;
         for (const auto& [name, value] : u.attributes) {
           attributes.push_back(json::object{{"name", name}, {"value", value}});
         }
         return attributes;
       }},
      {"created", [](const User& u) -> json::value { return json::string(FormatRfc3339(u.created)); }},
  };
  return kTable;
}

}  // namespace

json::object UserToJson(const User& u) {
  json::object o;
  for (const auto& [name, get] : FieldTable()) o[name] = get(u);
  return o;
}

json::object UserFieldsToJson(const User& u, const std::vector<std::string>& fields) {
  json::object o;
  for (const auto& [name, get] : FieldTable()) {
    if (std::find(fields.begin(), fields.end(), name) != fields.end()) o[name] = get(u);
  }
  return o;
}

const std::vector<std::string>& UserJsonFields() {
  static const std::vector<std::string> kFields = [] {
    std::vector<std::string> names;
    for (const auto& [name, get] : FieldTable()) names.emplace_back(name);
    return names;
  }();
  return kFields;
}

Result<service::UserInput> ParseUserCreate(const json::value& body, bool has_body) {
  SKYDIR_ASSIGN_OR_RETURN(const json::object* o,
                          BodyObject(body, has_body, {SKYDIR_USER_WRITABLE_FIELDS}));
  service::UserInput in;
  SKYDIR_RETURN_IF_ERROR(ReadUserFields(*o, in));
  SKYDIR_RETURN_IF_ERROR(ReadString(*o, "password", in.password));
  if (in.password && in.password->empty()) in.password.reset();
  std::optional<bool> activated, suspended, locked;
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "activated", activated));
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "suspended", suspended));
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "account_locked", locked));
  if (activated && *activated != in.password.has_value()) {
    return InvalidArgument(in.password ? "activated: a user created with a password is activated"
                                       : "activated: a user without a password is staged");
  }
  if (suspended == true) return InvalidArgument("suspended: a new user cannot be suspended");
  if (locked == true) return InvalidArgument("account_locked: a new user cannot be locked");
  return in;
}

bool UserUpdate::HasFieldChanges() const {
  const service::UserFields& f = patch;
  return f.username || f.email || f.first_name || f.last_name || f.display_name || f.description ||
         f.home_directory || f.login_shell || f.phone || f.mobile || f.title || f.department ||
         f.employee_number || f.external_id || f.ldap_binding_user || f.admin || f.unix_uid ||
         f.unix_guid || patch.state || patch.unlock;
}

Result<UserUpdate> ParseUserUpdate(const json::value& body, bool has_body) {
  SKYDIR_ASSIGN_OR_RETURN(const json::object* o,
                          BodyObject(body, has_body, {SKYDIR_USER_WRITABLE_FIELDS}));
  UserUpdate up;
  SKYDIR_RETURN_IF_ERROR(ReadUserFields(*o, up.patch));
  SKYDIR_RETURN_IF_ERROR(ReadString(*o, "password", up.password));
  if (up.password && up.password->empty()) return InvalidArgument("password: must not be empty");
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "activated", up.activated));
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "suspended", up.suspended));
  SKYDIR_RETURN_IF_ERROR(ReadBool(*o, "account_locked", up.account_locked));
  return up;
}

Status ResolveStateChange(const User& current, UserUpdate& up) {
  if (up.account_locked == true && !current.account_locked) {
    return InvalidArgument("account_locked: can only be cleared (false)");
  }
  if (up.account_locked == false && current.account_locked) up.patch.unlock = true;
  if (up.activated == false && current.state != UserState::kStaged) {
    return Status(Code::kUnwillingToPerform, "activated: a user cannot go back to staged");
  }
  if (up.suspended == true) {
    if (up.activated == true) {
      return InvalidArgument("suspended: cannot be true together with activated: true");
    }
    if (current.state != UserState::kSuspended) up.patch.state = UserState::kSuspended;
    return Status::Ok();
  }
  bool wants_active = (up.suspended == false && current.state == UserState::kSuspended) ||
                      (up.activated == true && current.state == UserState::kStaged);
  // A new password activates a staged user by itself (Admin::SetPassword).
  if (wants_active && !(up.password && current.state == UserState::kStaged)) {
    up.patch.state = UserState::kActivated;
  }
  return Status::Ok();
}

}  // namespace skydir::api
