#include "fixture.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <algorithm>
#include <random>

namespace skydir::bench {

std::string UserUid(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "u%07d", n);
  return buf;
}

std::string UsersDn() { return std::string("ou=Users,o=") + kOrgId + ",dc=jumpcloud,dc=com"; }

static std::string Hex24(uint64_t n, char prefix) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c%023llx", prefix, static_cast<unsigned long long>(n));
  return buf;
}

directory::OrgData MakeOrg(int users, int groups, int max_members) {
  directory::OrgData d;
  const int64_t t = int64_t{1700000000} * 1000000;
  d.org.id = kOrgId;
  d.org.name = "bench";
  d.org.created = t;
  d.ldap.org_id = kOrgId;
  static const char* kTitles[] = {"Engineer", "Manager", "Director", "Analyst", "Designer"};
  for (int i = 1; i <= users; ++i) {
    directory::User u;
    u.id = Hex24(i, 'a');
    u.org_id = kOrgId;
    u.username = UserUid(i);
    u.email = u.username + "@bench.example";
    u.first_name = "Grace";
    u.last_name = "Hopper";
    u.display_name = "Grace Hopper";
    u.state = directory::UserState::kActivated;
    u.unix_uid = u.unix_guid = 10000 + i;
    u.home_directory = "/home/" + u.username;
    u.login_shell = "/bin/bash";
    u.title = kTitles[i % 5];
    u.department = "D" + std::to_string(i % 100);
    u.password_hash = "{SSHA}x";
    u.created = u.updated = t;
    d.ldap.user_ids.push_back(u.id);
    d.users.push_back(std::move(u));
  }
  std::mt19937 rng(7);
  for (int g = 1; g <= groups; ++g) {
    directory::Group gr;
    gr.id = Hex24(g, 'b');
    gr.org_id = kOrgId;
    gr.name = "grp" + std::to_string(g);
    gr.gid = 20000 + g;
    gr.created = gr.updated = t;
    int n = std::uniform_int_distribution<int>(1, std::min(max_members, users))(rng);
    for (int k = 0; k < n; ++k) {
      gr.member_users.push_back(d.users[rng() % users].id);
    }
    std::sort(gr.member_users.begin(), gr.member_users.end());
    gr.member_users.erase(std::unique(gr.member_users.begin(), gr.member_users.end()),
                             gr.member_users.end());
    d.ldap.group_ids.push_back(gr.id);
    d.groups.push_back(std::move(gr));
  }
  return d;
}

std::shared_ptr<const dit::Snapshot> SharedSnapshot(int users, int groups) {
  static std::mutex mu;
  static std::map<std::pair<int, int>, std::shared_ptr<const dit::Snapshot>> cache;
  std::lock_guard lock(mu);
  auto& s = cache[{users, groups}];
  if (!s) s = dit::Snapshot::Build(MakeOrg(users, groups, 500), {}, int64_t{1700000100} * 1000000);
  return s;
}

}  // namespace skydir::bench
