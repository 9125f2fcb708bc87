// `skydir group add|list|show|add-member|remove-member|delete` and
// `skydir ldap connect|disconnect|show`.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli.h"
#include "app/cli_json.h"

namespace skydir::app {
namespace {

using directory::Group;
using store::MemberKind;

struct GroupArgs {
  std::string org;
  std::string group;
  std::string description;
  uint32_t gid = 0;
  std::string member_user;   // --user
  std::string member_group;  // --group
  CLI::App* cmd = nullptr;

  bool Given(const std::string& flag) const { return cmd->count(flag) > 0; }
};

// Resolves ORG (and GROUP when `group` is not null); prints and returns false on failure.
bool Resolve(service::Admin& admin, const GroupArgs& a, std::string* org_id, Group* group,
             int* code) {
  auto org = admin.ResolveOrg(a.org);
  if (!org.ok()) {
    *code = Fail(org.status());
    return false;
  }
  *org_id = org->id;
  if (group == nullptr) return true;
  auto found = admin.ResolveGroup(org->id, a.group);
  if (!found.ok()) {
    *code = Fail(found.status());
    return false;
  }
  *group = std::move(found).value();
  return true;
}

// The member named by exactly one of --user / --group: its kind, id and a printable name.
struct Member {
  MemberKind kind;
  std::string id;
  std::string label;
};

Result<Member> ResolveMember(service::Admin& admin, const std::string& org_id,
                             const GroupArgs& a) {
  bool user = a.Given("--user"), group = a.Given("--group");
  if (user == group) return Status(Code::kProtocolError, "give exactly one of --user or --group");
  if (user) {
    SKYDIR_ASSIGN_OR_RETURN(auto u, admin.ResolveUser(org_id, a.member_user));
    return Member{MemberKind::kUser, u.id, "user " + u.username};
  }
  SKYDIR_ASSIGN_OR_RETURN(auto g, admin.ResolveGroup(org_id, a.member_group));
  return Member{MemberKind::kGroup, g.id, "group " + g.name};
}

int FailMember(const Status& status) {
  return status.code() == Code::kProtocolError ? UsageError(status.message()) : Fail(status);
}

void PrintGroup(Context& ctx, const Group& group, const char* verb) {
  if (ctx.json) {
    PrintJson(GroupJson(group));
  } else {
    std::cout << "group " << group.name << " " << verb << " (id " << group.id << ", gid "
              << group.gid << ")\n";
  }
}

int Add(Context& ctx, const GroupArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, nullptr, &code)) return code;
  service::GroupInput input{a.group, a.description, std::nullopt};
  if (a.Given("--gid-number")) input.gid = a.gid;
  auto group = admin->CreateGroup(org_id, input);
  if (!group.ok()) return Fail(group.status());
  PrintGroup(ctx, *group, "created");
  return 0;
}

int List(Context& ctx, const GroupArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, nullptr, &code)) return code;
  auto groups = admin->ListGroups(org_id);
  if (!groups.ok()) return Fail(groups.status());
  if (ctx.json) {
    boost::json::array out;
    for (const Group& g : *groups) out.push_back(GroupJson(g));
    PrintJson(out);
    return 0;
  }
  for (const Group& g : *groups) {
    std::cout << g.id << "  " << g.name << "  gid " << g.gid << "  " << g.member_users.size()
              << " users, " << g.member_groups.size() << " groups\n";
  }
  return 0;
}

int Show(Context& ctx, const GroupArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  Group group;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, &group, &code)) return code;
  if (ctx.json) {
    PrintJson(GroupJson(group));
  } else {
    PrintFields(GroupJson(group));
  }
  return 0;
}

int Membership(Context& ctx, const GroupArgs& a, bool add) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  Group group;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, &group, &code)) return code;
  auto member = ResolveMember(*admin, org_id, a);
  if (!member.ok()) return FailMember(member.status());
  Status done = add ? admin->AddMember(org_id, group.id, member->kind, member->id)
                    : admin->RemoveMember(org_id, group.id, member->kind, member->id);
  if (!done.ok()) return Fail(done);
  if (ctx.json) {
    auto updated = admin->GetGroup(org_id, group.id);
    if (!updated.ok()) return Fail(updated.status());
    PrintJson(GroupJson(*updated));
  } else {
    std::cout << member->label << (add ? " added to" : " removed from") << " group " << group.name
              << "\n";
  }
  return 0;
}

int AddMember(Context& ctx, const GroupArgs& a) { return Membership(ctx, a, true); }
int RemoveMember(Context& ctx, const GroupArgs& a) { return Membership(ctx, a, false); }

int Delete(Context& ctx, const GroupArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  Group group;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, &group, &code)) return code;
  Status deleted = admin->DeleteGroup(org_id, group.id);
  if (!deleted.ok()) return Fail(deleted);
  if (ctx.json) {
    PrintJson({{"id", group.id}, {"name", group.name}, {"deleted", true}});
  } else {
    std::cout << "group " << group.name << " deleted (id " << group.id << ")\n";
  }
  return 0;
}

int Ldap(Context& ctx, const GroupArgs& a, bool connect) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, nullptr, &code)) return code;
  auto member = ResolveMember(*admin, org_id, a);
  if (!member.ok()) return FailMember(member.status());
  Status done = connect ? admin->ConnectLdap(org_id, member->kind, member->id)
                        : admin->DisconnectLdap(org_id, member->kind, member->id);
  if (!done.ok()) return Fail(done);
  if (ctx.json) {
    PrintJson({{"kind", member->kind == MemberKind::kUser ? "user" : "group"},
               {"id", member->id},
               {"ldap_connected", connect}});
  } else {
    std::cout << member->label << (connect ? " connected to" : " disconnected from")
              << " the LDAP directory\n";
  }
  return 0;
}

int LdapConnect(Context& ctx, const GroupArgs& a) { return Ldap(ctx, a, true); }
int LdapDisconnect(Context& ctx, const GroupArgs& a) { return Ldap(ctx, a, false); }

int LdapShow(Context& ctx, const GroupArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  std::string org_id;
  int code = 0;
  if (!Resolve(*admin, a, &org_id, nullptr, &code)) return code;
  auto ldap = admin->GetLdapDirectory(org_id);
  if (!ldap.ok()) return Fail(ldap.status());
  boost::json::array users, groups;
  for (const auto& id : ldap->user_ids) users.emplace_back(id);
  for (const auto& id : ldap->group_ids) groups.emplace_back(id);
  boost::json::object out{{"id", ldap->id}, {"users", users}, {"groups", groups}};
  if (ctx.json) {
    PrintJson(out);
  } else {
    PrintFields(out);
  }
  return 0;
}

std::shared_ptr<GroupArgs> AddSub(CLI::App* parent, Context& ctx, Action& action,
                                  const char* name, const char* help, bool takes_group,
                                  bool takes_member, int (*run)(Context&, const GroupArgs&)) {
  auto a = std::make_shared<GroupArgs>();
  CLI::App* cmd = parent->add_subcommand(name, help);
  a->cmd = cmd;
  cmd->add_option("ORG", a->org, "organization id or name")->required();
  if (takes_group) cmd->add_option("GROUP", a->group, "group id or name")->required();
  if (takes_member) {
    cmd->add_option("--user", a->member_user, "a user, by id or username");
    cmd->add_option("--group", a->member_group, "a group, by id or name");
  }
  cmd->callback([&ctx, &action, a, run] { action = [&ctx, a, run] { return run(ctx, *a); }; });
  return a;
}

}  // namespace

void AddGroupCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* group = app.add_subcommand("group", "user groups of an organization")
                        ->require_subcommand(1);
  auto add = AddSub(group, ctx, action, "add", "create a group", false, false, Add);
  add->cmd->add_option("NAME", add->group, "group name")->required();
  add->cmd->add_option("--description", add->description, "description");
  add->cmd->add_option("--gid-number", add->gid, "posix gidNumber (default: allocated)");
  AddSub(group, ctx, action, "list", "list groups", false, false, List);
  AddSub(group, ctx, action, "show", "show a group and its members", true, false, Show);
  AddSub(group, ctx, action, "add-member", "add --user U or --group G to a group", true, true,
         AddMember);
  AddSub(group, ctx, action, "remove-member", "remove --user U or --group G from a group", true,
         true, RemoveMember);
  AddSub(group, ctx, action, "delete", "delete a group", true, false, Delete);
}

void AddLdapCommands(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* ldap = app.add_subcommand("ldap", "the organization's LDAP directory")
                       ->require_subcommand(1);
  AddSub(ldap, ctx, action, "connect", "connect --user U or --group G to LDAP", false, true,
         LdapConnect);
  AddSub(ldap, ctx, action, "disconnect", "disconnect --user U or --group G from LDAP", false,
         true, LdapDisconnect);
  AddSub(ldap, ctx, action, "show", "list what is connected to LDAP", false, false, LdapShow);
}

}  // namespace skydir::app
