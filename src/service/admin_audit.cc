// Audit events for administrative changes, written in the change's own transaction.
#include "common/log.h"
#include "common/time.h"
#include "service/actor.h"
#include "service/admin_internal.h"

namespace skydir::service {
namespace {

thread_local const Actor* t_actor = nullptr;

void AddChange(std::string& out, std::string_view field, std::string_view before,
               std::string_view after) {
  if (before == after) return;
  if (out.back() != '{') out += ',';
  AppendJsonString(out, field);
  out += ":{\"old\":";
  AppendJsonString(out, before);
  out += ",\"new\":";
  AppendJsonString(out, after);
  out += '}';
}

}  // namespace

const Actor& CurrentActor() {
  static const Actor kSystem;
  return t_actor != nullptr ? *t_actor : kSystem;
}

ScopedActor::ScopedActor(Actor actor) : actor_(std::move(actor)), previous_(t_actor) {
  t_actor = &actor_;
}

ScopedActor::~ScopedActor() { t_actor = previous_; }

namespace internal {

Status Audit(store::Transaction& txn, std::string_view org_id, std::string_view event_type,
             std::string_view target_type, std::string_view target_id, std::string detail_json) {
  const Actor& actor = CurrentActor();
  store::AuditEvent e;
  e.time = NowMicros();
  e.org_id = std::string(org_id);
  e.service = "directory";
  e.event_type = std::string(event_type);
  e.actor_type = actor.type;
  e.actor = actor.id;
  e.client_ip = actor.client_ip;
  e.target_type = std::string(target_type);
  e.target_id = std::string(target_id);
  e.detail_json = detail_json.empty() ? "{}" : std::move(detail_json);
  LogInfo("audit", {{"org", e.org_id}, {"service", e.service}, {"type", e.event_type},
                    {"actor", e.actor}, {"target", e.target_id}, {"detail", e.detail_json}});
  return txn.AppendAuditEvent(e);
}

std::string UserChanges(const directory::User& a, const directory::User& b) {
  std::string out = "{\"changes\":{";
  AddChange(out, "username", a.username, b.username);
  AddChange(out, "email", a.email, b.email);
  AddChange(out, "firstname", a.first_name, b.first_name);
  AddChange(out, "lastname", a.last_name, b.last_name);
  AddChange(out, "displayname", a.display_name, b.display_name);
  AddChange(out, "description", a.description, b.description);
  AddChange(out, "state", directory::UserStateName(a.state), directory::UserStateName(b.state));
  AddChange(out, "account_locked", a.account_locked ? "true" : "false",
            b.account_locked ? "true" : "false");
  AddChange(out, "ldap_binding_user", a.ldap_binding_user ? "true" : "false",
            b.ldap_binding_user ? "true" : "false");
  AddChange(out, "admin", a.admin ? "true" : "false", b.admin ? "true" : "false");
  AddChange(out, "unix_uid", std::to_string(a.unix_uid), std::to_string(b.unix_uid));
  AddChange(out, "unix_guid", std::to_string(a.unix_guid), std::to_string(b.unix_guid));
  AddChange(out, "home_directory", a.home_directory, b.home_directory);
  AddChange(out, "login_shell", a.login_shell, b.login_shell);
  AddChange(out, "phone", a.phone, b.phone);
  AddChange(out, "mobile", a.mobile, b.mobile);
  AddChange(out, "title", a.title, b.title);
  AddChange(out, "department", a.department, b.department);
  AddChange(out, "employee_number", a.employee_number, b.employee_number);
  AddChange(out, "external_id", a.external_id, b.external_id);
  // The hashes themselves are secrets: say only that the password changed.
  AddChange(out, "password", a.password_hash.empty() ? "" : "(set)",
            a.password_hash == b.password_hash ? (a.password_hash.empty() ? "" : "(set)")
                                               : "(changed)");
  return out + "}}";
}

std::string GroupChanges(const directory::Group& a, const directory::Group& b) {
  std::string out = "{\"changes\":{";
  AddChange(out, "name", a.name, b.name);
  AddChange(out, "description", a.description, b.description);
  AddChange(out, "gid", std::to_string(a.gid), std::to_string(b.gid));
  return out + "}}";
}

}  // namespace internal
}  // namespace skydir::service
