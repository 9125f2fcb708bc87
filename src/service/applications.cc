#include "service/applications.h"

#include "common/ids.h"
#include "common/time.h"
#include "directory/rules.h"
#include "service/admin_internal.h"
#include "service/audit_log.h"

namespace skydir::service {

using directory::Application;
using internal::Audit;
using internal::InTransaction;
using internal::InTransactionStatus;
using internal::RequireOrg;

namespace {

constexpr size_t kMaxName = 256;
constexpr size_t kMaxUrl = 2048;
constexpr size_t kMaxToken = 8192;

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host.substr(0, 4) == "127.";
}

// {"changes": {...}} of the settings an administrator sees (never the token itself).
std::string AppChanges(const Application& before, const Application& after, bool token_changed) {
  std::string out = "{\"changes\":{";
  bool first = true;
  auto field = [&](std::string_view name, const std::string& old_value,
                   const std::string& new_value) {
    if (old_value == new_value) return;
    out += (first ? "" : ",") + std::string("\"") + std::string(name) + "\":" +
           JsonObject({{"old", old_value}, {"new", new_value}});
    first = false;
  };
  auto flag = [](bool b) { return std::string(b ? "true" : "false"); };
  field("name", before.name, after.name);
  field("active", before.id.empty() ? "" : flag(before.active), flag(after.active));
  field("base_url", before.scim.base_url, after.scim.base_url);
  field("test_user_email", before.scim.test_user_email, after.scim.test_user_email);
  field("group_management", before.id.empty() ? "" : flag(before.scim.group_management),
        flag(after.scim.group_management));
  field("deprovision",
        before.id.empty() ? "" : std::string(directory::DeprovisionName(before.scim.deprovision)),
        std::string(directory::DeprovisionName(after.scim.deprovision)));
  field("concurrency", before.id.empty() ? "" : std::to_string(before.scim.concurrency),
        std::to_string(after.scim.concurrency));
  if (token_changed) field("token", "", "(changed)");
  return out + "}}";
}

}  // namespace

Applications::Applications(store::Store& store, const SecretBox& box,
                           const ProvisioningSettings& settings)
    : store_(store), box_(box), settings_(settings) {}

Result<std::string> Applications::CheckBaseUrl(std::string_view url, bool allow_http) {
  if (url.size() > kMaxUrl) return InvalidArgument("base_url: longer than 2048 characters");
  std::string_view rest;
  bool https = false;
  if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
    https = true;
  } else if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else {
    return InvalidArgument("base_url: must start with https://");
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' ||
        c == '`' || c == '{' || c == '}' || c == '^' || c == '|' || c == '?' || c == '#') {
      return InvalidArgument("base_url: must be a URL without spaces, query or fragment");
    }
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("base_url: must not carry credentials (use token)");
  }
  std::string_view host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return InvalidArgument("base_url: has no host");
  if (!https && !allow_http && !IsLoopbackHost(host)) {
    return InvalidArgument(
        "base_url: must use https:// (plain http is allowed only to loopback addresses unless "
        "provisioning.allow_http is on)");
  }
  std::string out(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

Status Applications::Apply(const ApplicationInput& input, Application& app) const {
  if (input.name) {
    if (input.name->empty() || input.name->size() > kMaxName) {
      return InvalidArgument("name: must be 1 to 256 characters");
    }
    app.name = *input.name;
  }
  if (input.active) app.active = *input.active;
  if (input.base_url) {
    SKYDIR_ASSIGN_OR_RETURN(app.scim.base_url, CheckBaseUrl(*input.base_url, settings_.allow_http));
  }
  if (input.token) {
    if (input.token->empty() || input.token->size() > kMaxToken) {
      return InvalidArgument("token: must be 1 to 8192 characters");
    }
    for (char c : *input.token) {
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) {
        return InvalidArgument("token: must be printable ASCII without spaces");
      }
    }
    app.scim.sealed_token = box_.Seal(*input.token);
  }
  if (input.test_user_email) {
    if (!input.test_user_email->empty()) {
      Status s = directory::ValidateEmail(*input.test_user_email);
      if (!s.ok()) return InvalidArgument("test_user_email: " + s.message());
    }
    app.scim.test_user_email = *input.test_user_email;
  }
  if (input.group_management) app.scim.group_management = *input.group_management;
  if (input.deprovision) app.scim.deprovision = *input.deprovision;
  if (input.concurrency) {
    if (*input.concurrency < 1 || *input.concurrency > settings_.max_concurrency) {
      return InvalidArgument("concurrency: must be 1 to " +
                             std::to_string(settings_.max_concurrency));
    }
    app.scim.concurrency = *input.concurrency;
  }
  return Status::Ok();
}

Result<Application> Applications::Create(std::string_view org_id, const ApplicationInput& input) {
  if (!input.name) return InvalidArgument("name: is required");
  if (!input.base_url) return InvalidArgument("base_url: is required");
  if (!input.token) return InvalidArgument("token: is required");
  Application app;
  app.id = NewId();
  app.org_id = std::string(org_id);
  app.scim.concurrency = std::min<uint32_t>(4, settings_.max_concurrency);
  SKYDIR_RETURN_IF_ERROR(Apply(input, app));
  app.created = app.updated = NowMicros();
  return InTransaction<Application>(store_, [&](store::Transaction& txn) -> Result<Application> {
    SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
    SKYDIR_RETURN_IF_ERROR(txn.InsertApplication(app));
    SKYDIR_RETURN_IF_ERROR(Audit(txn, org_id, "application_create", "application", app.id,
                                 AppChanges(Application{}, app, true)));
    return app;
  });
}

Result<Application> Applications::Update(std::string_view org_id, std::string_view app_id,
                                         const ApplicationInput& input) {
  return InTransaction<Application>(store_, [&](store::Transaction& txn) -> Result<Application> {
    SKYDIR_ASSIGN_OR_RETURN(Application app, txn.GetApplication(org_id, app_id));
    const Application before = app;
    SKYDIR_RETURN_IF_ERROR(Apply(input, app));
    app.updated = NowMicros();
    SKYDIR_RETURN_IF_ERROR(txn.UpdateApplication(app));
    SKYDIR_RETURN_IF_ERROR(Audit(txn, org_id, "application_update", "application", app.id,
                                 AppChanges(before, app, input.token.has_value())));
    return app;
  });
}

Status Applications::Delete(std::string_view org_id, std::string_view app_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(txn.DeleteApplication(org_id, app_id));
    return Audit(txn, org_id, "application_delete", "application", app_id);
  });
}

Result<Application> Applications::Get(std::string_view org_id, std::string_view app_id) {
  return InTransaction<Application>(store_, [&](store::Transaction& txn) {
    return txn.GetApplication(org_id, app_id);
  });
}

Result<std::vector<Application>> Applications::List(std::string_view org_id) {
  return InTransaction<std::vector<Application>>(
      store_, [&](store::Transaction& txn) -> Result<std::vector<Application>> {
        SKYDIR_RETURN_IF_ERROR(RequireOrg(txn, org_id).status());
        return txn.ListApplications(org_id);
      });
}

Status Applications::SetGroup(std::string_view org_id, std::string_view app_id,
                              std::string_view group_id, bool associated) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(txn.SetApplicationGroup(org_id, app_id, group_id, associated));
    return Audit(txn, org_id, associated ? "application_group_add" : "application_group_remove",
                 "application", app_id, JsonObject({{"group_id", group_id}}));
  });
}

Status Applications::RequestSync(std::string_view org_id, std::string_view app_id) {
  return InTransactionStatus(store_, [&](store::Transaction& txn) -> Status {
    SKYDIR_RETURN_IF_ERROR(txn.GetApplication(org_id, app_id).status());
    SKYDIR_RETURN_IF_ERROR(txn.EnqueueScimJob(app_id, store::ScimJobKind::kSync, app_id));
    return Audit(txn, org_id, "application_sync", "application", app_id);
  });
}

Result<std::string> Applications::Token(const Application& app) const {
  return box_.Open(app.scim.sealed_token);
}

}  // namespace skydir::service
