// Runs tests/data/ldap_filters.txt: filter → matched entries against a fixture org.
#include "dit/filter_eval.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ldap/dn.h"

namespace skydir::dit {
namespace {

constexpr const char* kOrg = "0123456789abcdef01234567";

directory::User MakeUser(std::string id, std::string name, std::string first, std::string last,
                         uint32_t uid) {
  directory::User u;
  u.id = std::move(id);
  u.org_id = kOrg;
  u.username = name;
  u.email = name + "@example.com";
  u.first_name = std::move(first);
  u.last_name = std::move(last);
  u.state = directory::UserState::kActivated;
  u.unix_uid = uid;
  u.unix_guid = uid;
  u.password_hash = "{SSHA}x";
  u.created = u.updated = int64_t{1700000000} * 1000000;
  return u;
}

directory::OrgData Fixture() {
  directory::OrgData d;
  d.org.id = kOrg;
  d.org.name = "acme";
  d.org.created = int64_t{1700000000} * 1000000;
  d.users.push_back(MakeUser("a00000000000000000000001", "alice", "Alice", "Smith", 5000));
  d.users.back().ldap_binding_user = true;
  d.users.push_back(MakeUser("a00000000000000000000002", "bob", "Bob", "Jones", 5001));
  d.users.push_back(MakeUser("a00000000000000000000003", "carol", "Carol", "King", 5002));
  d.users.push_back(MakeUser("a00000000000000000000004", "dave", "Dave", "Lee", 5003));
  d.users.back().state = directory::UserState::kSuspended;
  d.users.push_back(MakeUser("a00000000000000000000005", "erin", "Erin", "Moe", 5004));
  directory::Group eng{"b00000000000000000000001", kOrg, "Engineers", "", 6000,
                       {"a00000000000000000000001", "a00000000000000000000002"},
                       {"b00000000000000000000002"}, d.org.created, d.org.created};
  directory::Group admins{"b00000000000000000000002", kOrg, "Admins", "", 6001,
                          {"a00000000000000000000003"}, {}, d.org.created, d.org.created};
  directory::Group hidden{"b00000000000000000000003", kOrg, "Hidden", "", 6002,
                          {"a00000000000000000000002"}, {}, d.org.created, d.org.created};
  d.groups = {eng, admins, hidden};
  d.ldap.org_id = kOrg;
  d.ldap.user_ids = {"a00000000000000000000001", "a00000000000000000000004"};
  d.ldap.group_ids = {"b00000000000000000000001", "b00000000000000000000002"};
  return d;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// "o" for the org entry, else the first RDN's value.
std::string Name(const Entry& e) {
  auto dn = ldap::ParseDn(e.dn());
  if (!dn.ok() || dn->empty()) return "?";
  std::string v = dn->rdns[0][0].value;
  return dn->rdns[0][0].type == "o" ? "o" : v;
}

TEST(FilterEvalTest, DataDrivenCases) {
  auto snap = Snapshot::Build(Fixture(), {}, int64_t{1700000100} * 1000000);
  std::ifstream in(std::string(SKYDIR_SOURCE_DIR) + "/tests/data/ldap_filters.txt");
  ASSERT_TRUE(in) << "missing tests/data/ldap_filters.txt";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    line = Replace(line, "o=ORG", std::string("o=") + kOrg);
    std::istringstream ls(line);
    std::string scope_word, base_word;
    ls >> scope_word >> base_word;
    std::string rest;
    std::getline(ls, rest);
    size_t arrow = rest.rfind(" => ");
    ASSERT_NE(arrow, std::string::npos) << line;
    std::string filter_text = rest.substr(1, arrow - 1);
    std::string expected = rest.substr(arrow + 4);
    if (expected == "-") expected.clear();

    Scope scope = scope_word == "base" ? Scope::kBase
                  : scope_word == "one" ? Scope::kOneLevel
                                        : Scope::kSubtree;
    uint32_t base = kOrgEntry;
    if (base_word == "ou") {
      base = kUsersOuEntry;
    } else if (base_word != "org") {
      auto ndn = ldap::NormalizeDn(base_word + ",ou=Users,o=" + kOrg + ",dc=jumpcloud,dc=com");
      ASSERT_TRUE(ndn.ok()) << line;
      auto idx = snap->FindByNdn(*ndn);
      ASSERT_TRUE(idx.has_value()) << line;
      base = *idx;
    }
    auto filter = ldap::ParseFilter(filter_text, {});
    ASSERT_TRUE(filter.ok()) << line << ": " << filter.status().ToString();
    CompiledFilter compiled(*filter, *snap);
    std::string got;
    for (uint32_t i : FindMatching(*snap, base, scope, compiled)) {
      if (!got.empty()) got += " ";
      got += Name(snap->entry(i));
    }
    EXPECT_EQ(got, expected) << "case: " << line;
    ++cases;
  }
  EXPECT_GT(cases, 40);
}

TEST(FilterEvalTest, MemberValuesAreByteIdenticalToEntryDns) {
  auto snap = Snapshot::Build(Fixture(), {}, 0);
  for (uint32_t i = 0; i < snap->size(); ++i) {
    for (Attr a : {Attr::kMember, Attr::kMemberOf}) {
      std::optional<Values> v = snap->entry(i).Find(a);
      if (!v) continue;
      for (std::string_view dn : *v) {
        auto ndn = ldap::NormalizeDn(dn);
        ASSERT_TRUE(ndn.ok());
        auto target = snap->FindByNdn(*ndn);
        ASSERT_TRUE(target.has_value()) << dn;
        EXPECT_EQ(snap->entry(*target).dn(), dn);
      }
    }
  }
}

TEST(FilterEvalTest, EveryEntryIsFoundByItsNormalizedDn) {
  // Names that take the parser's path (spaces, escapes, '+', non-ASCII) and the plain path.
  directory::OrgData d = Fixture();
  const std::vector<std::string> names = {"Data  Science ", "R+D", "a,b=c", "Ünits", "#hash",
                                          "back\\slash", "Mixed.Case-Name_1@x"};
  for (size_t i = 0; i < names.size(); ++i) {
    directory::Group g{"c0000000000000000000000" + std::to_string(i), kOrg, names[i], "",
                       static_cast<uint32_t>(7000 + i), {"a00000000000000000000001"}, {},
                       d.org.created, d.org.created};
    d.groups.push_back(g);
    d.ldap.group_ids.push_back(g.id);
  }
  auto snap = Snapshot::Build(d, {}, 0);
  EXPECT_EQ(snap->size(), Snapshot::Build(Fixture(), {}, 0)->size() + names.size());
  for (uint32_t i = 0; i < snap->size(); ++i) {
    const Entry& e = snap->entry(i);
    auto parsed = ldap::NormalizeDn(e.dn());
    ASSERT_TRUE(parsed.ok()) << e.dn();
    EXPECT_EQ(e.ndn(), *parsed) << e.dn();
    EXPECT_EQ(snap->FindByNdn(*parsed), i) << e.dn();
  }
}

TEST(FilterEvalTest, SingleValuedAttributesStaySingle) {
  auto snap = Snapshot::Build(Fixture(), {}, 0);
  for (uint32_t i = 0; i < snap->size(); ++i) {
    const Entry& e = snap->entry(i);
    for (EncodedAttribute a : e.attributes()) {
      if (TypeOf(a.attr).single_valued) {
        EXPECT_EQ(a.values().size(), 1u) << TypeOf(a.attr).name;
      }
    }
  }
}

}  // namespace
}  // namespace skydir::dit
