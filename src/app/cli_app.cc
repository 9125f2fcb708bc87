// `skydir app list|create|show|update|delete|associate|disassociate|test|sync|status`: the
// applications skydir provisions over SCIM (issue 5). Writes go through service::Applications;
// a running server delivers the jobs they queue.
#include <iostream>
#include <string>

#include "app/cli.h"
#include "app/cli_json.h"
#include "common/time.h"

namespace skydir::app {
namespace {

using directory::Application;

struct AppArgs {
  std::string org;
  std::string app;  // id or name
  std::string name;
  std::string url;
  bool token_stdin = false;
  std::string test_user_email;
  bool group_management = false;
  std::string deprovision;
  uint32_t concurrency = 0;
  bool active = true;
  std::string group;
  CLI::App* cmd = nullptr;

  bool Given(const std::string& flag) const {
    const CLI::Option* option = cmd->get_option_no_throw(flag);
    return option != nullptr && option->count() > 0;
  }
};

boost::json::object AppJson(const Application& app) {
  boost::json::array groups;
  for (const std::string& g : app.group_ids) groups.emplace_back(g);
  return {{"id", app.id},
          {"name", app.name},
          {"active", app.active},
          {"base_url", app.scim.base_url},
          {"token_set", !app.scim.sealed_token.empty()},
          {"test_user_email", app.scim.test_user_email},
          {"group_management", app.scim.group_management},
          {"deprovision", directory::DeprovisionName(app.scim.deprovision)},
          {"concurrency", app.scim.concurrency},
          {"groups", std::move(groups)}};
}

// The org and, unless `app` is null, the application named by id or name.
struct Resolved {
  service::Admin* admin = nullptr;
  service::Applications* apps = nullptr;
  std::string org_id;
  Application app;
};

Result<Resolved> Resolve(Context& ctx, const AppArgs& a, bool want_app) {
  Resolved r;
  r.apps = ctx.OpenApplications();
  if (r.apps == nullptr) return Status(Code::kOther, "");
  r.admin = ctx.OpenAdmin();
  SKYDIR_ASSIGN_OR_RETURN(auto org, r.admin->ResolveOrg(a.org));
  r.org_id = org.id;
  if (!want_app) return r;
  SKYDIR_ASSIGN_OR_RETURN(auto all, r.apps->List(r.org_id));
  for (Application& app : all) {
    if (app.id == a.app || app.name == a.app) {
      r.app = std::move(app);
      return r;
    }
  }
  return NotFound("application '" + a.app + "' not found");
}

int FailResolve(const Status& s) { return s.message().empty() ? 1 : Fail(s); }

Result<service::ApplicationInput> Input(const AppArgs& a) {
  service::ApplicationInput in;
  if (a.Given("--name")) in.name = a.name;
  if (a.Given("--url")) in.base_url = a.url;
  if (a.token_stdin) {
    SKYDIR_ASSIGN_OR_RETURN(std::string token, ReadPasswordFromStdin());
    in.token = token;
  }
  if (a.Given("--test-user-email")) in.test_user_email = a.test_user_email;
  if (a.Given("--group-management")) in.group_management = a.group_management;
  if (a.Given("--deprovision")) {
    in.deprovision = directory::ParseDeprovision(a.deprovision);
    if (!in.deprovision) return InvalidArgument("--deprovision: must be deactivate or delete");
  }
  if (a.Given("--concurrency")) in.concurrency = a.concurrency;
  if (a.Given("--active")) in.active = a.active;
  return in;
}

void Print(Context& ctx, const Application& app, const char* verb) {
  if (ctx.json) {
    PrintJson(AppJson(app));
  } else {
    std::cout << "application " << app.name << " " << verb << " (id " << app.id << ")\n";
  }
}

int Create(Context& ctx, AppArgs a) {
  auto r = Resolve(ctx, a, false);
  if (!r.ok()) return FailResolve(r.status());
  a.name = a.app;
  auto in = Input(a);
  if (!in.ok()) return Fail(in.status());
  in->name = a.app;
  auto app = r->apps->Create(r->org_id, *in);
  if (!app.ok()) return Fail(app.status());
  Print(ctx, *app, "created");
  return 0;
}

int Update(Context& ctx, const AppArgs& a) {
  auto r = Resolve(ctx, a, true);
  if (!r.ok()) return FailResolve(r.status());
  auto in = Input(a);
  if (!in.ok()) return Fail(in.status());
  auto app = r->apps->Update(r->org_id, r->app.id, *in);
  if (!app.ok()) return Fail(app.status());
  Print(ctx, *app, "updated");
  return 0;
}

int Status_(Context& ctx, const AppArgs& a, bool with_settings) {
  auto r = Resolve(ctx, a, true);
  if (!r.ok()) return FailResolve(r.status());
  auto status = ctx.provisioner()->StatusOf(r->app);
  if (!status.ok()) return Fail(status.status());
  boost::json::object out = with_settings ? AppJson(r->app) : boost::json::object{};
  out["state"] = status->state;
  out["pending_jobs"] = status->counts.pending_jobs;
  out["failed_jobs"] = status->counts.failed_jobs;
  out["provisioned_users"] = status->counts.users;
  out["deactivated_users"] = status->counts.inactive_users;
  out["provisioned_groups"] = status->counts.groups;
  out["last_success"] = status->health.last_success ? FormatRfc3339(status->health.last_success) : "";
  out["last_error"] = status->health.last_error;
  boost::json::array errors;
  for (const store::ScimJob& j : status->errors) {
    errors.emplace_back(std::string(store::ScimJobKindName(j.kind)) + " " + j.object_id + ": " +
                        j.last_error + (j.dead ? " (failed)" : " (retrying)"));
  }
  out["errors"] = std::move(errors);
  if (ctx.json) {
    PrintJson(out);
  } else {
    PrintFields(out);
  }
  return 0;
}

int Test(Context& ctx, const AppArgs& a) {
  auto r = Resolve(ctx, a, true);
  if (!r.ok()) return FailResolve(r.status());
  scim::TestReport report = ctx.provisioner()->Test(r->app);
  if (ctx.json) {
    boost::json::array steps;
    for (const scim::TestStep& s : report.steps) {
      steps.push_back({{"step", s.name}, {"method", s.method}, {"path", s.path},
                       {"status", s.status}, {"ok", s.ok}, {"detail", s.detail}});
    }
    PrintJson(boost::json::object{{"ok", report.ok}, {"steps", std::move(steps)}});
  } else {
    for (const scim::TestStep& s : report.steps) {
      std::cout << (s.ok ? "ok   " : "FAIL ") << s.name << ": " << s.method << " " << s.path
                << " -> " << (s.status ? std::to_string(s.status) : "no answer")
                << (s.detail.empty() ? "" : " (" + s.detail + ")") << "\n";
    }
    std::cout << (report.ok ? "connection works\n" : "connection test failed\n");
  }
  return report.ok ? 0 : 1;
}

}  // namespace

void AddAppCommands(CLI::App& app, Context& ctx, Action& action) {
  auto* cmd = app.add_subcommand("app", "Applications provisioned over SCIM 2.0")->require_subcommand(1);
  auto args = std::make_shared<AppArgs>();
  auto base = [&](const char* name, const char* help, bool with_app) {
    auto* sub = cmd->add_subcommand(name, help);
    sub->add_option("ORG", args->org, "organization id or name")->required();
    if (with_app) sub->add_option("APP", args->app, "application id or name")->required();
    return sub;
  };
  auto settings_flags = [&](CLI::App* sub) {
    sub->add_option("--url", args->url, "SCIM base URL (https://)");
    sub->add_flag("--token-stdin", args->token_stdin, "read the bearer token from stdin");
    sub->add_option("--test-user-email", args->test_user_email, "account Test Connection uses");
    sub->add_option("--group-management", args->group_management, "push groups (true/false)");
    sub->add_option("--deprovision", args->deprovision, "deactivate (default) or delete");
    sub->add_option("--concurrency", args->concurrency, "requests in flight at most");
    sub->add_option("--active", args->active, "provision (true) or pause (false)");
  };
  Context* c = &ctx;
  auto* list = base("list", "List the org's applications", false);
  list->callback([&action, c, args] {
    action = [c, args] {
      auto r = Resolve(*c, *args, false);
      if (!r.ok()) return FailResolve(r.status());
      auto apps = r->apps->List(r->org_id);
      if (!apps.ok()) return Fail(apps.status());
      boost::json::array out;
      for (const Application& a : *apps) {
        if (!c->json) std::cout << a.id << "  " << a.name << "  " << a.scim.base_url << "\n";
        out.push_back(AppJson(a));
      }
      if (c->json) PrintJson(out);
      return 0;
    };
  });
  auto* create = base("create", "Create an application (token from stdin)", true);
  create->get_option("APP")->description("the application's name");
  settings_flags(create);
  create->callback([&action, c, args, create] {
    args->cmd = create;
    action = [c, args] { return Create(*c, *args); };
  });
  auto* update = base("update", "Change an application's settings", true);
  update->add_option("--name", args->name, "new name");
  settings_flags(update);
  update->callback([&action, c, args, update] {
    args->cmd = update;
    action = [c, args] { return Update(*c, *args); };
  });
  auto* show = base("show", "An application's settings and provisioning status", true);
  show->callback([&action, c, args] { action = [c, args] { return Status_(*c, *args, true); }; });
  auto* status = base("status", "Provisioning status", true);
  status->callback([&action, c, args] { action = [c, args] { return Status_(*c, *args, false); }; });
  auto* del = base("delete", "Delete an application (the target is left as it is)", true);
  del->callback([&action, c, args] {
    action = [c, args] {
      auto r = Resolve(*c, *args, true);
      if (!r.ok()) return FailResolve(r.status());
      if (Status s = r->apps->Delete(r->org_id, r->app.id); !s.ok()) return Fail(s);
      Print(*c, r->app, "deleted");
      return 0;
    };
  });
  for (bool associate : {true, false}) {
    auto* sub = base(associate ? "associate" : "disassociate",
                     associate ? "Provision a user group's members" : "Stop provisioning a group",
                     true);
    sub->add_option("GROUP", args->group, "user group id or name")->required();
    sub->callback([&action, c, args, associate] {
      action = [c, args, associate] {
        auto r = Resolve(*c, *args, true);
        if (!r.ok()) return FailResolve(r.status());
        auto group = r->admin->ResolveGroup(r->org_id, args->group);
        if (!group.ok()) return Fail(group.status());
        if (Status s = r->apps->SetGroup(r->org_id, r->app.id, group->id, associate); !s.ok()) {
          return Fail(s);
        }
        if (!c->json) {
          std::cout << "group " << group->name << (associate ? " associated with " : " removed from ")
                    << r->app.name << "\n";
        }
        return 0;
      };
    });
  }
  auto* test = base("test", "Test Connection: create and remove a test user and group", true);
  test->callback([&action, c, args] { action = [c, args] { return Test(*c, *args); }; });
  auto* sync = base("sync", "Queue a full reconcile (delivered by the running server)", true);
  sync->callback([&action, c, args] {
    action = [c, args] {
      auto r = Resolve(*c, *args, true);
      if (!r.ok()) return FailResolve(r.status());
      if (Status s = r->apps->RequestSync(r->org_id, r->app.id); !s.ok()) return Fail(s);
      if (!c->json) std::cout << "full sync of " << r->app.name << " queued\n";
      return 0;
    };
  });
}

}  // namespace skydir::app
