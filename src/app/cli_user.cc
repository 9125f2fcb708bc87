// `skydir user add|list|show|set|set-password|suspend|delete`.
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "app/cli.h"
#include "app/cli_json.h"

namespace skydir::app {
namespace {

using directory::User;

// The text flags that map one-to-one onto a UserFields member.
struct TextFlag {
  const char* flag;
  std::optional<std::string> service::UserFields::*field;
  const char* help;
};

const TextFlag kTextFlags[] = {
    {"--email", &service::UserFields::email, "email address (unique in the org)"},
    {"--first-name", &service::UserFields::first_name, "first name (LDAP givenName)"},
    {"--last-name", &service::UserFields::last_name, "last name (LDAP sn)"},
    {"--display-name", &service::UserFields::display_name, "display name (default First Last)"},
    {"--description", &service::UserFields::description, "description"},
    {"--home", &service::UserFields::home_directory, "home directory (default /home/USERNAME)"},
    {"--shell", &service::UserFields::login_shell, "login shell (default /bin/bash)"},
    {"--phone", &service::UserFields::phone, "telephone number"},
    {"--mobile", &service::UserFields::mobile, "mobile number"},
    {"--title", &service::UserFields::title, "job title"},
    {"--department", &service::UserFields::department, "department (LDAP departmentNumber)"},
    {"--employee-number", &service::UserFields::employee_number, "employee number"},
    {"--external-id", &service::UserFields::external_id, "id in an external system"},
};

// Everything `user add` and `user set` accept, bound to CLI11 and turned into UserFields after
// parsing (a flag that was not given leaves its field unset).
struct UserArgs {
  std::string org;
  std::string user;  // add: the username; others: id or username
  std::map<std::string, std::string> text;
  uint32_t uid = 0, gid = 0;
  std::string new_username;
  std::string password;
  bool password_stdin = false;
  bool ldap_binding = false, no_ldap_binding = false;
  bool admin = false, no_admin = false;
  bool activate = false, suspend = false, unlock = false;
  CLI::App* cmd = nullptr;

  bool Given(const std::string& flag) const { return cmd->count(flag) > 0; }

  // Returns the exit code of a usage error, or 0.
  int Fill(service::UserFields& f) const {
    for (const TextFlag& t : kTextFlags) {
      if (Given(t.flag)) f.*(t.field) = text.at(t.flag);
    }
    if (Given("--uid-number")) f.unix_uid = uid;
    if (Given("--gid-number")) f.unix_guid = gid;
    if (ldap_binding && no_ldap_binding) {
      return UsageError("--ldap-binding and --no-ldap-binding exclude each other");
    }
    if (admin && no_admin) return UsageError("--admin and --no-admin exclude each other");
    if (ldap_binding || no_ldap_binding) f.ldap_binding_user = ldap_binding;
    if (admin || no_admin) f.admin = admin;
    return 0;
  }
};

void AddFieldFlags(CLI::App* cmd, UserArgs& a, bool negations) {
  a.cmd = cmd;
  for (const TextFlag& t : kTextFlags) cmd->add_option(t.flag, a.text[t.flag], t.help);
  cmd->add_option("--uid-number", a.uid, "unix uidNumber (default: allocated)");
  cmd->add_option("--gid-number", a.gid, "unix gidNumber (default: the uidNumber)");
  cmd->add_flag("--ldap-binding", a.ldap_binding, "may bind to LDAP and search its org");
  cmd->add_flag("--admin", a.admin, "may sign in to the admin console");
  if (negations) {
    cmd->add_flag("--no-ldap-binding", a.no_ldap_binding, "no longer an LDAP binding user");
    cmd->add_flag("--no-admin", a.no_admin, "no longer an administrator");
  }
}

void PrintUser(Context& ctx, const User& user, const char* verb) {
  if (ctx.json) {
    PrintJson(UserJson(user));
  } else if (verb != nullptr) {
    std::cout << "user " << user.username << " " << verb << " (id " << user.id << ", "
              << directory::UserStateName(user.state) << ")\n";
  } else {
    PrintFields(UserJson(user));
  }
}

// Resolves ORG and USER; prints and returns false on failure.
bool Resolve(service::Admin& admin, const UserArgs& a, std::string* org_id, User* user,
             int* code) {
  auto org = admin.ResolveOrg(a.org);
  if (!org.ok()) {
    *code = Fail(org.status());
    return false;
  }
  *org_id = org->id;
  if (user == nullptr) return true;
  auto found = admin.ResolveUser(org->id, a.user);
  if (!found.ok()) {
    *code = Fail(found.status());
    return false;
  }
  *user = std::move(found).value();
  return true;
}

// Applies `change` to the user named by the arguments and prints the result with `verb`.
int ChangeUser(Context& ctx, const UserArgs& a, const char* verb,
               const std::function<Result<User>(service::Admin&, const std::string&,
                                                 const User&)>& change) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  User user;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, &user, &code)) return code;
  auto updated = change(*admin, org_id, user);
  if (!updated.ok()) return Fail(updated.status());
  PrintUser(ctx, *updated, verb);
  return 0;
}

int Add(Context& ctx, const UserArgs& a) {
  service::UserInput input;
  if (int code = a.Fill(input); code != 0) return code;
  input.username = a.user;
  if (a.password_stdin && a.Given("--password")) {
    return UsageError("--password and --password-stdin exclude each other");
  }
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, nullptr, &code)) return code;
  if (a.Given("--password")) input.password = a.password;
  if (a.password_stdin) {
    auto password = ReadPasswordFromStdin();
    if (!password.ok()) return Fail(password.status());
    input.password = *password;
  }
  auto user = admin->CreateUser(org_id, input);
  if (!user.ok()) return Fail(user.status());
  PrintUser(ctx, *user, "created");
  return 0;
}

int List(Context& ctx, const UserArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, nullptr, &code)) return code;
  auto users = admin->ListUsers(org_id);
  if (!users.ok()) return Fail(users.status());
  if (ctx.json) {
    boost::json::array out;
    for (const User& u : *users) out.push_back(UserJson(u));
    PrintJson(out);
    return 0;
  }
  for (const User& u : *users) {
    std::cout << u.id << "  " << u.username << "  " << u.email << "  "
              << directory::UserStateName(u.state) << (u.account_locked ? " locked" : "")
              << (u.ldap_binding_user ? " ldap-binding" : "") << "\n";
  }
  return 0;
}

int Show(Context& ctx, const UserArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  User user;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, &user, &code)) return code;
  auto groups = admin->ListGroups(org_id);
  if (!groups.ok()) return Fail(groups.status());
  auto ldap = admin->GetLdapDirectory(org_id);
  if (!ldap.ok()) return Fail(ldap.status());
  boost::json::object out = UserJson(user);
  boost::json::array member_of;
  for (const auto& g : *groups) {
    if (std::find(g.member_users.begin(), g.member_users.end(), user.id) != g.member_users.end()) {
      member_of.emplace_back(g.name);
    }
  }
  out["groups"] = std::move(member_of);
  out["ldap_connected"] = std::find(ldap->user_ids.begin(), ldap->user_ids.end(), user.id) !=
                          ldap->user_ids.end();
  if (ctx.json) {
    PrintJson(out);
  } else {
    PrintFields(out);
  }
  return 0;
}

int Set(Context& ctx, const UserArgs& a) {
  service::UserPatch patch;
  if (int code = a.Fill(patch); code != 0) return code;
  if (a.Given("--username")) patch.username = a.new_username;
  if (a.activate + a.suspend > 1) return UsageError("--activate and --suspend exclude each other");
  if (a.activate) patch.state = directory::UserState::kActivated;
  if (a.suspend) patch.state = directory::UserState::kSuspended;
  patch.unlock = a.unlock;
  return ChangeUser(ctx, a, "updated", [&](service::Admin& admin, const std::string& org,
                                           const User& user) {
    return admin.UpdateUser(org, user.id, patch);
  });
}

int SetPassword(Context& ctx, const UserArgs& a) {
  return ChangeUser(ctx, a, "password set", [&](service::Admin& admin, const std::string& org,
                                                const User& user) -> Result<User> {
    std::string password = a.password;
    if (!a.Given("--password")) {
      SKYDIR_ASSIGN_OR_RETURN(password, ReadPasswordFromStdin());
    }
    return admin.SetPassword(org, user.id, password);
  });
}

int Suspend(Context& ctx, const UserArgs& a) {
  return ChangeUser(ctx, a, "suspended",
                    [](service::Admin& admin, const std::string& org, const User& user) {
                      return admin.SuspendUser(org, user.id);
                    });
}

int Delete(Context& ctx, const UserArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  User user;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, &user, &code)) return code;
  Status deleted = admin->DeleteUser(org_id, user.id);
  if (!deleted.ok()) return Fail(deleted);
  if (ctx.json) {
    PrintJson({{"id", user.id}, {"username", user.username}, {"deleted", true}});
  } else {
    std::cout << "user " << user.username << " deleted (id " << user.id << ")\n";
  }
  return 0;
}

// Adds a subcommand taking ORG and, when `user_help` is set, USER.
std::shared_ptr<UserArgs> AddSub(CLI::App* parent, Context& ctx, Action& action,
                                 const char* name, const char* help, const char* user_help,
                                 int (*run)(Context&, const UserArgs&)) {
  auto a = std::make_shared<UserArgs>();
  CLI::App* cmd = parent->add_subcommand(name, help);
  a->cmd = cmd;
  cmd->add_option("ORG", a->org, "organization id or name")->required();
  if (user_help != nullptr) cmd->add_option("USER", a->user, user_help)->required();
  cmd->callback([&ctx, &action, a, run] { action = [&ctx, a, run] { return run(ctx, *a); }; });
  return a;
}

}  // namespace

void AddUserCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* user = app.add_subcommand("user", "users of an organization")->require_subcommand(1);
  constexpr const char* kUser = "user id or username";

  auto add = AddSub(user, ctx, action, "add", "create a user (staged without a password)",
                    "username", Add);
  AddFieldFlags(add->cmd, *add, false);
  add->cmd->get_option("--email")->required();
  add->cmd->add_option("--password", add->password, "password (activates the user)");
  add->cmd->add_flag("--password-stdin", add->password_stdin, "read the password from stdin");

  AddSub(user, ctx, action, "list", "list users", nullptr, List);
  AddSub(user, ctx, action, "show", "show a user, its groups and LDAP connection", kUser, Show);

  auto set = AddSub(user, ctx, action, "set", "change a user's fields or state", kUser, Set);
  AddFieldFlags(set->cmd, *set, true);
  set->cmd->add_option("--username", set->new_username, "rename the user");
  set->cmd->add_flag("--activate", set->activate, "activate (needs a password)");
  set->cmd->add_flag("--suspend", set->suspend, "suspend");
  set->cmd->add_flag("--unlock", set->unlock, "clear a lockout");

  auto pw = AddSub(user, ctx, action, "set-password",
                   "set a password (from --password or one line on stdin); activates a staged user",
                   kUser, SetPassword);
  pw->cmd->add_option("--password", pw->password, "the password (visible in ps; prefer stdin)");

  AddSub(user, ctx, action, "suspend", "suspend a user", kUser, Suspend);
  AddSub(user, ctx, action, "delete", "delete a user", kUser, Delete);
}

}  // namespace skydir::app
