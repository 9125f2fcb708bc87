#include "app/demo.h"

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

#include "common/ids.h"

namespace skydir::app {
namespace {

constexpr std::string_view kDemoAdmin = "alice";

struct SampleUser {
  const char* username;
  const char* first;
  const char* last;
  const char* title;
  const char* department;
};

constexpr SampleUser kUsers[] = {
    {"alice", "Alice", "Anderson", "Staff Engineer", "Engineering"},
    {"bob", "Bob", "Brown", "Engineer", "Engineering"},
    {"carol", "Carol", "Clark", "Engineering Manager", "Engineering"},
    {"dave", "Dave", "Davis", "Site Reliability Engineer", "Engineering"},
    {"erin", "Erin", "Evans", "Product Designer", "Design"},
    {"frank", "Frank", "Fischer", "UX Researcher", "Design"},
    {"grace", "Grace", "Garcia", "Support Lead", "Support"},
    {"heidi", "Heidi", "Hughes", "Support Engineer", "Support"},
    {"ivan", "Ivan", "Ivanov", "Support Engineer", "Support"},
    {"judy", "Judy", "Jones", "Security Engineer", "Engineering"},
    {"mallory", "Mallory", "Moore", "IT Administrator", "IT"},
    {"trent", "Trent", "Turner", "Office Manager", "Operations"},
};

// Group name → members; "@Name" is a nested group.
const std::vector<std::pair<std::string, std::vector<std::string>>>& Groups() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kGroups = {
      {"Admins", {"judy", "mallory"}},
      {"Engineering", {"alice", "bob", "carol", "dave", "@Admins"}},
      {"Design", {"erin", "frank"}},
      {"Support", {"grace", "heidi", "ivan"}},
      {"LDAP Fileserver", {"carol", "erin", "trent"}},
  };
  return kGroups;
}

std::string DemoFile(const std::string& data_dir) { return data_dir + "/demo.txt"; }

Result<DemoInfo> ReadDemo(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("no demo file");
  std::map<std::string, std::string> kv;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  DemoInfo d{kv["org_id"], kv["service_username"], kv["service_password"], kv["user_password"],
             kv["api_key"]};
  if (d.org_id.empty()) return Internal(path + " is incomplete; delete it to recreate the demo");
  return d;
}

Status WriteDemo(const std::string& path, const DemoInfo& d) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Internal("cannot write " + tmp);
    out << "# skydir demo credentials (created by skydir serve --demo)\n"
        << "org_id=" << d.org_id << "\nservice_username=" << d.service_username
        << "\nservice_password=" << d.service_password << "\nuser_password=" << d.user_password
        << "\napi_key=" << d.api_key << "\n";
  }
  ::chmod(tmp.c_str(), 0600);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Internal("cannot write " + path);
  return Status::Ok();
}

// A readable random password that satisfies any sane policy.
std::string NewPassword() { return "Demo-" + HexEncode(RandomBytes(6)) + "-9x"; }

}  // namespace

Result<DemoInfo> EnsureDemo(service::Admin& admin, const std::string& data_dir) {
  auto existing = ReadDemo(DemoFile(data_dir));
  if (existing.ok() && admin.GetOrg(existing->org_id).ok()) return existing;

  DemoInfo d;
  SKYDIR_ASSIGN_OR_RETURN(service::NewOrg org, admin.CreateOrg("demo-" + HexEncode(RandomBytes(3))));
  d.org_id = org.org.id;
  d.api_key = org.api_key.secret;
  d.service_username = "ldap-service";
  d.service_password = NewPassword();
  d.user_password = NewPassword();

  service::UserInput svc;
  svc.username = d.service_username;
  svc.email = "ldap-service@demo.example.com";
  svc.first_name = "LDAP";
  svc.last_name = "Service";
  svc.description = "Service account for applications (Enable as LDAP Bind DN)";
  svc.ldap_binding_user = true;
  svc.password = d.service_password;
  SKYDIR_ASSIGN_OR_RETURN(directory::User service_user, admin.CreateUser(d.org_id, svc));
  SKYDIR_RETURN_IF_ERROR(admin.ConnectLdap(d.org_id, store::MemberKind::kUser, service_user.id));

  std::map<std::string, std::string> user_ids;
  for (const SampleUser& u : kUsers) {
    service::UserInput in;
    in.username = u.username;
    in.email = std::string(u.username) + "@demo.example.com";
    in.first_name = u.first;
    in.last_name = u.last;
    in.title = u.title;
    in.department = u.department;
    in.password = d.user_password;
    in.admin = std::string_view(u.username) == kDemoAdmin;  // may sign in to the console
    SKYDIR_ASSIGN_OR_RETURN(directory::User user, admin.CreateUser(d.org_id, in));
    user_ids[u.username] = user.id;
  }
  std::map<std::string, std::string> group_ids;
  for (const auto& [name, members] : Groups()) {
    service::GroupInput in;
    in.name = name;
    in.description = name + " team";
    SKYDIR_ASSIGN_OR_RETURN(directory::Group group, admin.CreateGroup(d.org_id, in));
    group_ids[name] = group.id;
    for (const std::string& m : members) {
      bool nested = m[0] == '@';
      SKYDIR_RETURN_IF_ERROR(admin.AddMember(
          d.org_id, group.id, nested ? store::MemberKind::kGroup : store::MemberKind::kUser,
          nested ? group_ids[m.substr(1)] : user_ids[m]));
    }
    SKYDIR_RETURN_IF_ERROR(admin.ConnectLdap(d.org_id, store::MemberKind::kGroup, group.id));
  }
  SKYDIR_RETURN_IF_ERROR(WriteDemo(DemoFile(data_dir), d));
  return d;
}

std::string DemoInstructions(const DemoInfo& d, const Settings& settings,
                             const std::string& ca_file, uint16_t ldap_port,
                             uint16_t ldaps_port, uint16_t http_port) {
  std::string org_dn = "o=" + d.org_id + "," + settings.ldap.suffix;
  std::string bind_dn = "uid=" + d.service_username + ",ou=Users," + org_dn;
  std::ostringstream o;
  o << "\nskydir demo directory\n"
    << "  Organization ID: " << d.org_id << "\n"
    << "  ORG DN:          " << org_dn << "\n"
    << "  Bind DN:         " << bind_dn << "\n"
    << "  Bind password:   " << d.service_password << "\n"
    << "  Users (alice, bob, carol, ... trent) have the password: " << d.user_password << "\n"
    << "  API key:         " << d.api_key << "\n"
    << "  CA certificate:  " << ca_file << "\n\n";
  if (ldaps_port != 0) {
    o << "Every user and group over LDAPS:\n"
      << "  LDAPTLS_CACERT=" << ca_file << " ldapsearch -x -H ldaps://localhost:" << ldaps_port
      << " \\\n    -D '" << bind_dn << "' -w '" << d.service_password << "' \\\n    -b 'ou=Users,"
      << org_dn << "' '(objectClass=*)'\n\n";
  }
  if (ldap_port != 0) {
    o << "The groups of bob, over StartTLS:\n"
      << "  LDAPTLS_CACERT=" << ca_file << " ldapsearch -x -ZZ -H ldap://localhost:" << ldap_port
      << " \\\n    -D '" << bind_dn << "' -w '" << d.service_password << "' \\\n    -b 'ou=Users,"
      << org_dn << "' '(&(objectClass=groupOfNames)(member=uid=bob,ou=Users," << org_dn
      << "))' cn\n\n"
      << "Log in as bob:\n"
      << "  LDAPTLS_CACERT=" << ca_file << " ldapwhoami -x -ZZ -H ldap://localhost:" << ldap_port
      << " -D 'uid=bob,ou=Users," << org_dn << "' -w '" << d.user_password << "'\n";
  }
  if (http_port != 0) {
    o << "\nThe users through the admin API (docs/api.md):\n"
      << "  curl -s -H 'x-api-key: " << d.api_key << "' http://localhost:" << http_port
      << "/api/systemusers\n";
    o << "\nThe admin console (docs/console.md): http://localhost:" << http_port << "/\n"
      << "  Organization ID " << d.org_id << ", username " << kDemoAdmin << ", password "
      << d.user_password << "\n";
  }
  return o.str();
}

}  // namespace skydir::app
