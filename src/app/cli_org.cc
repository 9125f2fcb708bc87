// `skydir org create|list|show|set` and `skydir apikey create|list|revoke`.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "app/cli.h"
#include "app/cli_json.h"
#include "common/time.h"

namespace skydir::app {
namespace {

std::string Short(int64_t micros) { return micros == 0 ? "-" : FormatRfc3339(micros); }

int OrgCreate(Context& ctx, const std::string& name) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  auto created = admin->CreateOrg(name);
  if (!created.ok()) return Fail(created.status());
  if (ctx.json) {
    boost::json::object out = OrgJson(created->org);
    out["api_key"] = created->api_key.secret;
    out["api_key_id"] = created->api_key.key.id;
    PrintJson(out);
    return 0;
  }
  std::cout << "organization " << created->org.name << " created\n"
            << "id:      " << created->org.id << "\n"
            << "api key: " << created->api_key.secret << "\n"
            << "(the API key is shown only now: store it safely)\n";
  return 0;
}

int OrgList(Context& ctx) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  auto orgs = admin->ListOrgs();
  if (!orgs.ok()) return Fail(orgs.status());
  if (ctx.json) {
    boost::json::array out;
    for (const auto& org : *orgs) out.push_back(OrgJson(org));
    PrintJson(out);
    return 0;
  }
  for (const auto& org : *orgs) {
    std::cout << org.id << "  " << org.name << "  created " << Short(org.created) << "\n";
  }
  return 0;
}

int OrgShow(Context& ctx, const std::string& which) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  auto org = admin->ResolveOrg(which);
  if (!org.ok()) return Fail(org.status());
  if (ctx.json) {
    PrintJson(OrgJson(*org));
  } else {
    PrintFields(OrgJson(*org));
  }
  return 0;
}

// `skydir org set`: each option given changes one policy setting; the rest stay.
struct PolicyArgs {
  std::string org;
  std::optional<uint32_t> min_length, history, max_age_days;
  std::optional<bool> require_upper, require_lower, require_digit, require_symbol;
  std::optional<std::string> expiration_action, lockout_action;
  std::optional<bool> lockout, self_search;
  std::optional<uint32_t> max_failures, window_seconds, unlock_after_seconds;
};

int OrgSet(Context& ctx, const PolicyArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  auto org = admin->ResolveOrg(a.org);
  if (!org.ok()) return Fail(org.status());
  auto updated = admin->ModifyOrgSettings(org->id, [&a](directory::OrgSettings& s) {
    directory::PasswordPolicy& p = s.password;
    directory::LockoutPolicy& l = s.lockout;
    if (a.min_length) p.min_length = *a.min_length;
    if (a.require_upper) p.require_upper = *a.require_upper;
    if (a.require_lower) p.require_lower = *a.require_lower;
    if (a.require_digit) p.require_digit = *a.require_digit;
    if (a.require_symbol) p.require_symbol = *a.require_symbol;
    if (a.history) p.history = *a.history;
    if (a.max_age_days) p.max_age_days = *a.max_age_days;
    if (a.expiration_action) {
      s.password_expiration_action = *directory::ParseLdapPolicyAction(*a.expiration_action);
    }
    if (a.lockout) l.enabled = *a.lockout;
    if (a.max_failures) l.max_failures = *a.max_failures;
    if (a.window_seconds) l.window_seconds = *a.window_seconds;
    if (a.unlock_after_seconds) l.unlock_after_seconds = *a.unlock_after_seconds;
    if (a.lockout_action)
      s.user_lockout_action = *directory::ParseLdapPolicyAction(*a.lockout_action);
    if (a.self_search) s.ldap_self_search = *a.self_search;
    return Status::Ok();
  });
  if (!updated.ok()) return Fail(updated.status());
  if (ctx.json) {
    PrintJson(OrgJson(*updated));
  } else {
    PrintFields(OrgJson(*updated));
  }
  return 0;
}

struct ApiKeyArgs {
  std::vector<std::string> args;
  bool operator_key = false;
  std::string role = "admin";
};

// Splits "ORG REST" or, with --operator, "REST" into the org id ("" for operator keys) and the
// remaining argument. Returns false (after printing) when the count is wrong.
bool OrgAndArg(service::Admin& admin, const ApiKeyArgs& a, const char* what,
               std::string* org_id, std::string* rest, int* exit_code) {
  size_t want = a.operator_key ? 1 : 2;
  if (a.args.size() != want) {
    *exit_code = UsageError(std::string("expected ") +
                            (a.operator_key ? what : std::string("ORG ") + what) +
                            (a.operator_key ? " with --operator" : ""));
    return false;
  }
  *rest = a.args.back();
  if (a.operator_key) {
    org_id->clear();
    return true;
  }
  auto org = admin.ResolveOrg(a.args.front());
  if (!org.ok()) {
    *exit_code = Fail(org.status());
    return false;
  }
  *org_id = org->id;
  return true;
}

int ApiKeyCreate(Context& ctx, const ApiKeyArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id, name;
  int code = 0;
  if (!OrgAndArg(*admin, a, "NAME", &org_id, &name, &code)) return code;
  std::string role_name = a.operator_key && a.role == "admin" ? "operator" : a.role;
  auto role = directory::ParseApiKeyRole(role_name);
  if (!role) return UsageError("--role: must be admin, read-only or operator");
  auto key = admin->CreateApiKey(org_id, name, *role);
  if (!key.ok()) return Fail(key.status());
  if (ctx.json) {
    boost::json::object out = ApiKeyJson(key->key);
    out["api_key"] = key->secret;
    PrintJson(out);
    return 0;
  }
  std::cout << "API key " << key->key.name << " created (id " << key->key.id << ", role "
            << directory::ApiKeyRoleName(key->key.role) << ")\n"
            << "api key: " << key->secret << "\n"
            << "(the API key is shown only now: store it safely)\n";
  return 0;
}

int ApiKeyList(Context& ctx, const ApiKeyArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  if (!a.operator_key) {
    if (a.args.size() != 1) return UsageError("expected ORG, or --operator");
    auto org = admin->ResolveOrg(a.args.front());
    if (!org.ok()) return Fail(org.status());
    org_id = org->id;
  } else if (!a.args.empty()) {
    return UsageError("no ORG with --operator");
  }
  auto keys = admin->ListApiKeys(org_id);
  if (!keys.ok()) return Fail(keys.status());
  if (ctx.json) {
    boost::json::array out;
    for (const auto& key : *keys) out.push_back(ApiKeyJson(key));
    PrintJson(out);
    return 0;
  }
  for (const auto& key : *keys) {
    std::cout << key.id << "  " << key.name << "  " << directory::ApiKeyRoleName(key.role)
              << "  created " << Short(key.created) << "  last used " << Short(key.last_used)
              << "\n";
  }
  return 0;
}

int ApiKeyRevoke(Context& ctx, const ApiKeyArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id, key_id;
  int code = 0;
  if (!OrgAndArg(*admin, a, "KEY_ID", &org_id, &key_id, &code)) return code;
  Status revoked = admin->RevokeApiKey(org_id, key_id);
  if (!revoked.ok()) return Fail(revoked);
  if (ctx.json) {
    PrintJson({{"id", key_id}, {"revoked", true}});
  } else {
    std::cout << "API key " << key_id << " revoked\n";
  }
  return 0;
}

}  // namespace

void AddOrgCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* org = app.add_subcommand("org", "organizations")->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  CLI::App* create = org->add_subcommand("create", "create an organization and its first API key");
  create->add_option("NAME", *name, "organization name")->required();
  create->callback([&ctx, &action, name] { action = [&ctx, name] { return OrgCreate(ctx, *name); }; });

  CLI::App* list = org->add_subcommand("list", "list organizations");
  list->callback([&ctx, &action] { action = [&ctx] { return OrgList(ctx); }; });

  auto which = std::make_shared<std::string>();
  CLI::App* show = org->add_subcommand("show", "show an organization and its settings");
  show->add_option("ORG", *which, "organization id or name")->required();
  show->callback([&ctx, &action, which] { action = [&ctx, which] { return OrgShow(ctx, *which); }; });

  auto p = std::make_shared<PolicyArgs>();
  CLI::App* set =
      org->add_subcommand("set", "change an organization's password and lockout policy");
  set->add_option("ORG", p->org, "organization id or name")->required();
  set->add_option("--password-min-length", p->min_length, "shortest password accepted");
  set->add_option("--password-require-upper", p->require_upper, "true: an uppercase letter");
  set->add_option("--password-require-lower", p->require_lower, "true: a lowercase letter");
  set->add_option("--password-require-digit", p->require_digit, "true: a digit");
  set->add_option("--password-require-symbol", p->require_symbol, "true: a symbol");
  set->add_option("--password-history", p->history, "previous passwords that may not be reused");
  set->add_option("--password-max-age-days", p->max_age_days, "password lifetime; 0: no expiry");
  set->add_option("--password-expiration-action", p->expiration_action,
                  "expired passwords: disable (cannot bind) or remove (hidden from LDAP)")
      ->check(CLI::IsMember({"disable", "remove"}));
  set->add_option("--lockout", p->lockout, "true: lock accounts after failed binds");
  set->add_option("--lockout-max-failures", p->max_failures, "failed binds before a lockout");
  set->add_option("--lockout-window-seconds", p->window_seconds, "window counting failures");
  set->add_option("--lockout-unlock-after-seconds", p->unlock_after_seconds,
                  "automatic unlock; 0: an administrator unlocks");
  set->add_option("--lockout-action", p->lockout_action,
                  "locked accounts: disable (cannot bind) or remove (hidden from LDAP)")
      ->check(CLI::IsMember({"disable", "remove"}));
  set->add_option("--ldap-self-search", p->self_search, "true: non-binding users may search");
  set->callback([&ctx, &action, p] { action = [&ctx, p] { return OrgSet(ctx, *p); }; });
}

void AddApiKeyCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* apikey = app.add_subcommand("apikey", "administrator API keys")->require_subcommand(1);
  struct Sub {
    const char* name;
    const char* help;
    const char* args_help;
    int (*run)(Context&, const ApiKeyArgs&);
  };
  for (Sub sub : {Sub{"create", "create an API key (shown once)", "ORG NAME, or NAME with --operator",
                      ApiKeyCreate},
                  Sub{"list", "list API keys", "ORG, or nothing with --operator", ApiKeyList},
                  Sub{"revoke", "revoke an API key", "ORG KEY_ID, or KEY_ID with --operator",
                      ApiKeyRevoke}}) {
    auto a = std::make_shared<ApiKeyArgs>();
    CLI::App* cmd = apikey->add_subcommand(sub.name, sub.help);
    cmd->add_option("ARGS", a->args, sub.args_help);
    cmd->add_flag("--operator", a->operator_key, "an operator key, valid for every org");
    if (std::string(sub.name) == "create") {
      cmd->add_option("--role", a->role, "admin (default), read-only, or operator")
          ->check(CLI::IsMember({"admin", "read-only", "operator"}));
    }
    auto run = sub.run;
    cmd->callback([&ctx, &action, a, run] { action = [&ctx, a, run] { return run(ctx, *a); }; });
  }
}

}  // namespace skydir::app
