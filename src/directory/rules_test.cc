#include "directory/rules.h"

#include <gtest/gtest.h>

#include <string>

namespace skydir::directory {
namespace {

User ValidUser() {
  User u;
  u.id = "0123456789abcdef01234567";
  u.org_id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  u.username = "jdoe";
  u.email = "jdoe@example.com";
  return u;
}

TEST(ValidateUsername, AcceptsValid) {
  for (const char* name : {"a", "bob", "j.doe", "j_doe", "j-doe", "0day", "a1.b2_c3-d4",
                           "x1234567890123456789012345678901234567890123456789012345678901y"}) {
    EXPECT_TRUE(ValidateUsername(name).ok()) << name;
  }
  EXPECT_TRUE(ValidateUsername(std::string(64, 'a')).ok());
}

TEST(ValidateUsername, RejectsInvalid) {
  EXPECT_EQ(ValidateUsername("").message(), "username: must not be empty");
  EXPECT_EQ(ValidateUsername(std::string(65, 'a')).message(),
            "username: must be at most 64 characters");
  EXPECT_EQ(ValidateUsername(".bob").message(), "username: must start with a letter or digit");
  // Regression: an uppercase name was told it must start with a letter.
  EXPECT_EQ(ValidateUsername("Bob").message(), "username: must be lowercase");
  EXPECT_EQ(ValidateUsername("_bob").code(), Code::kConstraintViolation);
  EXPECT_EQ(ValidateUsername("-bob").code(), Code::kConstraintViolation);
  for (const char* name : {"Bob", "bob smith", "bob@x", "bob\n", "b\xc3\xa9", "bob/x", "bob+1"}) {
    Status s = ValidateUsername(name);
    EXPECT_EQ(s.code(), Code::kConstraintViolation) << name;
    EXPECT_EQ(s.message().rfind("username: ", 0), 0u) << name;
  }
}

TEST(ValidateEmail, AcceptsValid) {
  for (const char* email : {"a@b.co", "john.doe@example.com", "x+tag@sub.example.org",
                            "o'brien@example.ie", "user_1@my-host.example", "J.Doe@EXAMPLE.COM",
                            "\xc3\xa9l\xc3\xa8ve@\xc3\xa9"
                            "cole.fr",
                            "a!#$%&*/=?^`{|}~@x.io"}) {
    EXPECT_TRUE(ValidateEmail(email).ok()) << email << ": " << ValidateEmail(email).message();
  }
  std::string local(64, 'a');
  EXPECT_TRUE(ValidateEmail(local + "@example.com").ok());
  // 254 bytes exactly: 64 + 1 + 189.
  std::string domain =
      std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(57, 'd') + ".com";
  ASSERT_EQ(local.size() + 1 + domain.size(), 254u);
  EXPECT_TRUE(ValidateEmail(local + "@" + domain).ok());
}

TEST(ValidateEmail, RejectsInvalid) {
  for (const char* email : {"",
                            "plain",
                            "@example.com",
                            "bob@",
                            "bob@localhost",
                            "bob@@example.com",
                            "a@b@example.com",
                            "bob @example.com",
                            "bob@exa mple.com",
                            ".bob@example.com",
                            "bob.@example.com",
                            "b..ob@example.com",
                            "bob@-example.com",
                            "bob@example-.com",
                            "bob@example..com",
                            "bob@example.com.",
                            "bob@.example.com",
                            "bob@example.123",
                            "bob@[127.0.0.1]",
                            "\"bob\"@example.com",
                            "bob\t@example.com",
                            "bob\x01@example.com",
                            "bob@exa_mple.com",
                            "bob\xff@example.com",
                            "bob(c)@example.com"}) {
    Status s = ValidateEmail(email);
    EXPECT_FALSE(s.ok()) << email;
    EXPECT_EQ(s.message().rfind("email: ", 0), 0u) << email;
  }
  EXPECT_FALSE(ValidateEmail(std::string(65, 'a') + "@example.com").ok());
  EXPECT_FALSE(ValidateEmail("a@" + std::string(64, 'b') + ".com").ok());
  EXPECT_EQ(ValidateEmail("a@" + std::string(250, 'b') + ".com").message(),
            "email: must be at most 254 bytes");
  EXPECT_EQ(ValidateEmail("no-at-sign").code(), Code::kInvalidAttributeSyntax);
}

TEST(ValidateGroupName, Rules) {
  EXPECT_TRUE(ValidateGroupName("Engineering").ok());
  EXPECT_TRUE(ValidateGroupName("Dev Ops, EU (\xc3\xa9t\xc3\xa9)").ok());
  EXPECT_TRUE(ValidateGroupName(std::string(255, 'g')).ok());
  EXPECT_EQ(ValidateGroupName("").message(), "name: must not be empty");
  EXPECT_FALSE(ValidateGroupName(std::string(256, 'g')).ok());
  EXPECT_EQ(ValidateGroupName(" lead").message(), "name: must not start or end with a space");
  EXPECT_FALSE(ValidateGroupName("trail ").ok());
  EXPECT_EQ(ValidateGroupName("a\tb").code(), Code::kInvalidAttributeSyntax);
  EXPECT_EQ(ValidateGroupName("a\x7f").code(), Code::kInvalidAttributeSyntax);
  EXPECT_EQ(ValidateGroupName("a\xc2\x85").code(), Code::kInvalidAttributeSyntax);  // NEL
  EXPECT_EQ(ValidateGroupName("bad\xc3").message(), "name: must be valid UTF-8");
}

TEST(IsValidUtf8, Edges) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));   // U+1F600
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

TEST(ValidateUser, AcceptsMinimalAndFull) {
  User u = ValidUser();
  EXPECT_TRUE(ValidateUser(u).ok());
  u.email.clear();
  EXPECT_TRUE(ValidateUser(u).ok());
  u.description = "line one\nline two";
  u.home_directory = "/home/jdoe";
  u.login_shell = "/bin/zsh";
  u.attributes = {{"costCenter", "42"}, {"x-badge", "7"}};
  EXPECT_TRUE(ValidateUser(u).ok()) << ValidateUser(u).message();
}

TEST(ValidateUser, NamesTheField) {
  struct Case {
    void (*mutate)(User&);
    const char* prefix;
  };
  const Case cases[] = {
      {[](User& u) { u.id = "xyz"; }, "id: "},
      {[](User& u) { u.org_id = ""; }, "org_id: "},
      {[](User& u) { u.username = "Bad"; }, "username: "},
      {[](User& u) { u.email = "nope"; }, "email: "},
      {[](User& u) { u.first_name = std::string(256, 'x'); }, "first_name: "},
      {[](User& u) { u.last_name = "a\nb"; }, "last_name: "},
      {[](User& u) { u.display_name = "\x01"; }, "display_name: "},
      {[](User& u) { u.description = std::string(1025, 'd'); }, "description: "},
      {[](User& u) {
         u.phone = "1\x00";
         u.phone.push_back('\0');
       },
       "phone: "},
      {[](User& u) { u.mobile = std::string(300, '1'); }, "mobile: "},
      {[](User& u) { u.title = "\xff"; }, "title: "},
      {[](User& u) { u.department = std::string(256, 'x'); }, "department: "},
      {[](User& u) { u.employee_number = "\t"; }, "employee_number: "},
      {[](User& u) { u.external_id = std::string(1025, 'e'); }, "external_id: "},
      {[](User& u) { u.password_hash = std::string(1025, 'h'); }, "password_hash: "},
      {[](User& u) { u.home_directory = "home/x"; }, "home_directory: "},
      {[](User& u) { u.login_shell = "bash"; }, "login_shell: "},
      {[](User& u) { u.locked_until = -1; }, "locked_until: "},
      {[](User& u) { u.attributes["1abc"] = "v"; }, "attributes.1abc: "},
      {[](User& u) { u.attributes["a b"] = "v"; }, "attributes.a b: "},
      {[](User& u) { u.attributes[""] = "v"; }, "attributes: "},
      {[](User& u) { u.attributes["ok"] = std::string(1025, 'v'); }, "attributes.ok: "},
      {[](User& u) { u.attributes["Cost"] = "1", u.attributes["cost"] = "2"; }, "attributes."},
      {[](User& u) {
         for (int i = 0; i < 129; ++i) u.attributes["a" + std::to_string(i)] = "v";
       },
       "attributes: "},
  };
  for (const Case& c : cases) {
    User u = ValidUser();
    c.mutate(u);
    Status s = ValidateUser(u);
    EXPECT_FALSE(s.ok()) << c.prefix;
    EXPECT_EQ(s.message().rfind(c.prefix, 0), 0u) << s.message();
    EXPECT_TRUE(s.code() == Code::kConstraintViolation ||
                s.code() == Code::kInvalidAttributeSyntax);
  }
}

TEST(ValidateGroup, Rules) {
  Group g;
  g.id = "bbbbbbbbbbbbbbbbbbbbbbbb";
  g.org_id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  g.name = "Admins";
  EXPECT_TRUE(ValidateGroup(g).ok());
  g.member_groups = {g.id};
  EXPECT_EQ(ValidateGroup(g).message(), "member_groups: a group cannot contain itself");
  g.member_groups = {};
  g.member_users = {"cccccccccccccccccccccccc", "cccccccccccccccccccccccc"};
  EXPECT_EQ(ValidateGroup(g).message().rfind("member_users: duplicate", 0), 0u);
  g.member_users = {};
  g.name = "";
  EXPECT_EQ(ValidateGroup(g).message(), "name: must not be empty");
}

TEST(ValidateOrganization, Rules) {
  Organization org;
  org.id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  org.name = "Acme";
  EXPECT_TRUE(ValidateOrganization(org).ok());
  org.settings.lockout.max_failures = 0;
  EXPECT_EQ(ValidateOrganization(org).message(),
            "settings.lockout.max_failures: must be at least 1");
  org.settings.lockout.enabled = false;
  EXPECT_TRUE(ValidateOrganization(org).ok());
  org.name = "";
  EXPECT_EQ(ValidateOrganization(org).message(), "name: must not be empty");
}

TEST(CheckPassword, NamesTheRule) {
  PasswordPolicy p;
  p.min_length = 10;
  p.require_upper = p.require_lower = p.require_digit = p.require_symbol = true;
  EXPECT_TRUE(CheckPassword(p, "Abcdefgh1!").ok());
  EXPECT_EQ(CheckPassword(p, "Abcdefg1!").message(), "password: must be at least 10 characters");
  EXPECT_EQ(CheckPassword(p, "abcdefgh1!").message(), "password: must contain an uppercase letter");
  EXPECT_EQ(CheckPassword(p, "ABCDEFGH1!").message(), "password: must contain a lowercase letter");
  EXPECT_EQ(CheckPassword(p, "Abcdefghi!").message(), "password: must contain a digit");
  EXPECT_EQ(CheckPassword(p, "Abcdefghi1").message(), "password: must contain a symbol");
  EXPECT_TRUE(CheckPassword(p, "Abcdefgh1\xc3\xa9").ok());  // a non-ASCII letter counts as symbol
  EXPECT_EQ(CheckPassword(p, "Abcdefgh1!\n").code(), Code::kInvalidAttributeSyntax);
  EXPECT_EQ(CheckPassword(p, std::string(1025, 'A')).message(),
            "password: must be at most 1024 bytes");
}

TEST(CheckPassword, LengthCountsCodePoints) {
  PasswordPolicy p;
  p.min_length = 4;
  EXPECT_FALSE(CheckPassword(p, "\xc3\xa9\xc3\xa9\xc3\xa9").ok());  // 6 bytes, 3 characters
  EXPECT_TRUE(CheckPassword(p, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9").ok());
  EXPECT_TRUE(CheckPassword(PasswordPolicy{.min_length = 0}, "").ok());
}

Group G(std::string id, std::vector<std::string> member_groups) {
  Group g;
  g.id = std::move(id);
  g.member_groups = std::move(member_groups);
  return g;
}

TEST(WouldCreateCycle, SelfAndDirect) {
  std::vector<Group> groups = {G("a", {"b"}), G("b", {}), G("c", {})};
  EXPECT_TRUE(WouldCreateCycle(groups, "a", "a"));
  EXPECT_TRUE(WouldCreateCycle(groups, "b", "a"));  // a contains b; b containing a loops
  EXPECT_FALSE(WouldCreateCycle(groups, "a", "c"));
  EXPECT_FALSE(WouldCreateCycle(groups, "c", "a"));
  EXPECT_FALSE(WouldCreateCycle(groups, "a", "b"));  // already a member: no new cycle
  EXPECT_FALSE(WouldCreateCycle(groups, "x", "y"));  // unknown ids
}

TEST(WouldCreateCycle, Diamond) {
  // a → b, a → c, b → d, c → d: d may not contain a, b or c; c may contain b.
  std::vector<Group> groups = {G("a", {"b", "c"}), G("b", {"d"}), G("c", {"d"}), G("d", {})};
  EXPECT_TRUE(WouldCreateCycle(groups, "d", "a"));
  EXPECT_TRUE(WouldCreateCycle(groups, "d", "c"));
  EXPECT_FALSE(WouldCreateCycle(groups, "c", "b"));
  EXPECT_FALSE(WouldCreateCycle(groups, "b", "c"));
}

TEST(WouldCreateCycle, LongChain) {
  constexpr int kLength = 100000;
  std::vector<Group> groups;
  groups.reserve(kLength);
  for (int i = 0; i < kLength; ++i) {
    groups.push_back(G("g" + std::to_string(i),
                       i + 1 < kLength ? std::vector<std::string>{"g" + std::to_string(i + 1)}
                                       : std::vector<std::string>{}));
  }
  EXPECT_TRUE(WouldCreateCycle(groups, "g99999", "g0"));
  EXPECT_TRUE(WouldCreateCycle(groups, "g50000", "g1"));
  EXPECT_FALSE(WouldCreateCycle(groups, "g0", "g99999"));
  EXPECT_FALSE(WouldCreateCycle(groups, "g0", "g5"));  // a shortcut, not a loop
}

TEST(WouldCreateCycle, ExistingCycleDoesNotHang) {
  std::vector<Group> groups = {G("a", {"b"}), G("b", {"a"}), G("c", {})};
  EXPECT_FALSE(WouldCreateCycle(groups, "c", "a"));
  EXPECT_TRUE(WouldCreateCycle(groups, "a", "b"));
}

}  // namespace
}  // namespace skydir::directory
