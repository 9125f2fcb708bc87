#include "app/cli_json.h"

// Boost.JSON's implementation, compiled once into the skydir binary (the app links no
// Boost::json library). Remove this include if the binary ever links Boost::json.
#include <boost/json/src.hpp>

#include <algorithm>
#include <iostream>

#include "common/time.h"

namespace skydir::app {
namespace {

boost::json::value Time(int64_t micros) {
  if (micros == 0) return nullptr;
  return boost::json::string(FormatRfc3339(micros));
}

boost::json::array Strings(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

}  // namespace

boost::json::object OrgJson(const directory::Organization& org) {
  const directory::PasswordPolicy& p = org.settings.password;
  return {
      {"id", org.id},
      {"name", org.name},
      {"created", Time(org.created)},
      {"updated", Time(org.updated)},
      {"ldap_self_search", org.settings.ldap_self_search},
      {"password_policy",
       {{"min_length", p.min_length},
        {"require_upper", p.require_upper},
        {"require_lower", p.require_lower},
        {"require_digit", p.require_digit},
        {"require_symbol", p.require_symbol},
        {"history", p.history},
        {"max_age_days", p.max_age_days},
        {"expiration_action",
         directory::LdapPolicyActionName(org.settings.password_expiration_action)}}},
      {"lockout_policy",
       {{"enabled", org.settings.lockout.enabled},
        {"max_failures", org.settings.lockout.max_failures},
        {"window_seconds", org.settings.lockout.window_seconds},
        {"unlock_after_seconds", org.settings.lockout.unlock_after_seconds},
        {"action", directory::LdapPolicyActionName(org.settings.user_lockout_action)}}},
  };
}

boost::json::object UserJson(const directory::User& u) {
  boost::json::object attributes;
  for (const auto& [name, value] : u.attributes) attributes[name] = value;
  return {
      {"id", u.id},
      {"org_id", u.org_id},
      {"username", u.username},
      {"email", u.email},
      {"first_name", u.first_name},
      {"last_name", u.last_name},
      {"display_name", u.display_name},
      {"description", u.description},
      {"state", std::string(directory::UserStateName(u.state))},
      {"has_password", !u.password_hash.empty()},
      {"account_locked", u.account_locked},
      {"ldap_binding_user", u.ldap_binding_user},
      {"admin", u.admin},
      {"unix_uid", u.unix_uid},
      {"unix_guid", u.unix_guid},
      {"home_directory", u.home_directory},
      {"login_shell", u.login_shell},
      {"phone", u.phone},
      {"mobile", u.mobile},
      {"title", u.title},
      {"department", u.department},
      {"employee_number", u.employee_number},
      {"external_id", u.external_id},
      {"attributes", std::move(attributes)},
      {"created", Time(u.created)},
      {"updated", Time(u.updated)},
      {"password_changed", Time(u.password_changed)},
  };
}

boost::json::object GroupJson(const directory::Group& g) {
  return {
      {"id", g.id},
      {"org_id", g.org_id},
      {"name", g.name},
      {"description", g.description},
      {"gid", g.gid},
      {"member_users", Strings(g.member_users)},
      {"member_groups", Strings(g.member_groups)},
      {"created", Time(g.created)},
      {"updated", Time(g.updated)},
  };
}

boost::json::object ApiKeyJson(const directory::ApiKey& k) {
  return {
      {"id", k.id},
      {"org_id", k.org_id.empty() ? boost::json::value(nullptr) : boost::json::value(k.org_id)},
      {"name", k.name},
      {"role", std::string(directory::ApiKeyRoleName(k.role))},
      {"created", Time(k.created)},
      {"last_used", Time(k.last_used)},
  };
}

boost::json::object ImportReportJson(const service::ImportReport& r) {
  boost::json::object skipped;
  int64_t skipped_total = 0;
  for (const auto& [reason, count] : r.skipped) {
    skipped[reason] = count;
    skipped_total += count;
  }
  auto problems = [](const std::vector<service::ImportProblem>& list) {
    boost::json::array out;
    for (const auto& p : list) out.push_back({{"line", p.line}, {"dn", p.dn}, {"reason", p.reason}});
    return out;
  };
  return {
      {"entries", r.entries},
      {"users_created", r.users_created},
      {"users_updated", r.users_updated},
      {"users_unchanged", r.users_unchanged},
      {"groups_created", r.groups_created},
      {"groups_updated", r.groups_updated},
      {"groups_unchanged", r.groups_unchanged},
      {"memberships_added", r.memberships_added},
      {"skipped", skipped_total},
      {"skipped_by_reason", std::move(skipped)},
      {"refused", problems(r.refused)},
      {"warnings", problems(r.warnings)},
  };
}

void PrintJson(const boost::json::value& value) {
  std::cout << boost::json::serialize(value) << "\n";
}

void PrintFields(const boost::json::object& object) {
  size_t width = 0;
  for (const auto& field : object) width = std::max(width, field.key().size());
  for (const auto& field : object) {
    const boost::json::value& v = field.value();
    if (v.is_null() || v.is_object()) continue;
    if (v.is_string() && v.get_string().empty()) continue;
    std::string text;
    if (v.is_string()) {
      text = std::string(v.get_string());
    } else if (v.is_array()) {
      for (const auto& item : v.get_array()) {
        if (!text.empty()) text += ", ";
        text += item.is_string() ? std::string(item.get_string()) : boost::json::serialize(item);
      }
      if (text.empty()) continue;
    } else {
      text = boost::json::serialize(v);
    }
    std::cout << std::string(field.key()) << ":" << std::string(width + 2 - field.key().size(), ' ')
              << text << "\n";
  }
}

}  // namespace skydir::app
