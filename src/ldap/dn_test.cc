#include "ldap/dn.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace skydir::ldap {
namespace {

std::string Norm(std::string_view text) {
  auto n = NormalizeDn(text);
  EXPECT_TRUE(n.ok()) << text << ": " << n.status().ToString();
  return n.ok() ? *n : "<error>";
}

TEST(DnTest, NormalizesCaseAndSpacing) {
  EXPECT_EQ(Norm("UID=Bob , ou=Users,dc=JumpCloud,dc=com"), "uid=bob,ou=users,dc=jumpcloud,dc=com");
  EXPECT_EQ(Norm("uid=bob,ou=users,dc=jumpcloud,dc=com"), "uid=bob,ou=users,dc=jumpcloud,dc=com");
  EXPECT_EQ(Norm("  cn = John   Smith  ,  dc = com "), "cn=john smith,dc=com");
  EXPECT_EQ(Norm(""), "");
  EXPECT_EQ(Norm("   "), "");
  EXPECT_EQ(Norm("2.5.4.3=Bob"), "2.5.4.3=bob");
}

TEST(DnTest, Escapes) {
  auto dn = ParseDn("cn=Smith\\, John,dc=com");
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ(dn->size(), 2u);
  EXPECT_EQ(dn->rdns[0][0].value, "Smith, John");
  EXPECT_EQ(Norm("cn=Smith\\2C John,dc=com"), "cn=smith\\, john,dc=com");
  EXPECT_EQ(Norm("cn=Smith\\2c John,dc=com"), Norm("CN=smith\\, JOHN,DC=COM"));
  EXPECT_EQ(ParseDn("cn=\\E4\\B8\\AD")->rdns[0][0].value, "\xE4\xB8\xAD");
  EXPECT_EQ(ParseDn("cn=a\\\\b\\+c\\;d\\<e\\>f\\\"g\\=h")->rdns[0][0].value, "a\\b+c;d<e>f\"g=h");
  // Escaped trailing space is kept, unescaped ones are trimmed.
  EXPECT_EQ(ParseDn("cn=x\\ ,dc=com")->rdns[0][0].value, "x ");
  EXPECT_EQ(ParseDn("cn=x\\20  ,dc=com")->rdns[0][0].value, "x ");
  EXPECT_EQ(ParseDn("cn=\\ x")->rdns[0][0].value, " x");
  EXPECT_EQ(ParseDn("cn=\\#x")->rdns[0][0].value, "#x");
}

TEST(DnTest, HexBerValues) {
  // #04024869 is an OCTET STRING "Hi"; 0c = UTF8String.
  EXPECT_EQ(ParseDn("cn=#04024869,dc=com")->rdns[0][0].value, "Hi");
  EXPECT_EQ(ParseDn("cn=#0C024869")->rdns[0][0].value, "Hi");
  EXPECT_FALSE(ParseDn("cn=#").ok());
  EXPECT_FALSE(ParseDn("cn=#0402").ok());    // truncated BER
  EXPECT_FALSE(ParseDn("cn=#020101").ok());  // INTEGER is not a string
  EXPECT_FALSE(ParseDn("cn=#04024869zz").ok());
}

TEST(DnTest, MultiValuedRdns) {
  auto dn = ParseDn("cn=Bob+uid=bob,dc=com");
  ASSERT_TRUE(dn.ok());
  ASSERT_EQ(dn->rdns[0].size(), 2u);
  EXPECT_EQ(dn->rdns[0][1].type, "uid");
  EXPECT_EQ(Norm("uid=bob + CN=Bob,dc=com"), Norm("cn=bob+uid=BOB,dc=com"));
  EXPECT_EQ(Norm("uid=bob+cn=Bob,dc=com"), "cn=bob+uid=bob,dc=com");
}

TEST(DnTest, RejectsInvalid) {
  const char* cases[] = {
      "cn",       "=x",      "cn=x,",   ",cn=x",  "cn=x,,dc=com", "cn=x+", "c n=x", "cn=a\\",
      "cn=a\\zz", "cn=a\\4", "cn=a\"b", "cn=a;b", "cn=a<b",       "1.=x",  "-cn=x", "cn=x=\\",
  };
  for (const char* text : cases) {
    auto dn = ParseDn(text);
    EXPECT_FALSE(dn.ok()) << text;
    EXPECT_EQ(dn.status().code(), Code::kInvalidDnSyntax) << text;
  }
  EXPECT_FALSE(ParseDn(std::string("cn=a\0b", 6)).ok());
}

TEST(DnTest, Limits) {
  std::string many;
  for (int i = 0; i < 65; ++i) many += (i ? ",dc=x" : "dc=x");
  EXPECT_FALSE(ParseDn(many).ok());
  EXPECT_TRUE(ParseDn(many, DnLimits{.max_length = 8192, .max_rdns = 65}).ok());
  EXPECT_FALSE(ParseDn("cn=" + std::string(9000, 'a')).ok());
  std::string wide = "cn=a";
  for (int i = 0; i < 100; ++i) wide += "+cn=a";
  EXPECT_FALSE(ParseDn(wide).ok());
}

TEST(DnTest, EscapeDnValue) {
  EXPECT_EQ(EscapeDnValue("Smith, John"), "Smith\\, John");
  EXPECT_EQ(EscapeDnValue(" lead"), "\\ lead");
  EXPECT_EQ(EscapeDnValue("trail "), "trail\\ ");
  EXPECT_EQ(EscapeDnValue(" "), "\\ ");
  EXPECT_EQ(EscapeDnValue("#x#"), "\\#x#");
  EXPECT_EQ(EscapeDnValue("a+b\"c\\d<e>f;g=h"), "a\\+b\\\"c\\\\d\\<e\\>f\\;g=h");
  EXPECT_EQ(EscapeDnValue(std::string("a\0b", 3)), "a\\00b");
  EXPECT_EQ(EscapeDnValue("d\xC3\xA9j\xC3\xA0"), "d\xC3\xA9j\xC3\xA0");
  // Every escaped value parses back to itself.
  for (const std::string& v : std::vector<std::string>{"Smith, John", " lead", "trail ", "#x",
                                                       "a+b=c", std::string("\0", 1)}) {
    auto dn = ParseDn("cn=" + EscapeDnValue(v));
    ASSERT_TRUE(dn.ok()) << v;
    EXPECT_EQ(dn->rdns[0][0].value, v);
  }
}

TEST(DnTest, ToStringKeepsCaseAndEscapesCanonically) {
  auto dn = ParseDn("UID=Bob , ou=Users\\2c Inc,dc=JumpCloud");
  ASSERT_TRUE(dn.ok());
  EXPECT_EQ(dn->ToString(), "UID=Bob,ou=Users\\, Inc,dc=JumpCloud");
  EXPECT_EQ(dn->Parent().ToString(), "ou=Users\\, Inc,dc=JumpCloud");
  EXPECT_EQ(dn->rdns[0][0].type, "UID");
  EXPECT_EQ(dn->rdns[0][0].value, "Bob");
}

TEST(DnTest, NormalizedHelpers) {
  const std::string base = Norm("o=Org1,dc=jumpcloud,dc=com");
  EXPECT_TRUE(IsDescendantOrSelf(Norm("uid=bob,ou=Users,o=org1,dc=jumpcloud,dc=com"), base));
  EXPECT_TRUE(IsDescendantOrSelf(base, base));
  EXPECT_TRUE(IsDescendantOrSelf(base, ""));
  EXPECT_FALSE(IsDescendantOrSelf(Norm("o=org2,dc=jumpcloud,dc=com"), base));
  EXPECT_FALSE(IsDescendantOrSelf(Norm("dc=jumpcloud,dc=com"), base));
  EXPECT_FALSE(IsDescendantOrSelf("cn=xo=org1,dc=jumpcloud,dc=com", base));
  // An escaped comma is not a separator.
  EXPECT_FALSE(IsDescendantOrSelf(Norm("cn=a\\,o=org1,dc=jumpcloud,dc=com"), base));
  EXPECT_TRUE(IsDescendantOrSelf(Norm("cn=a\\\\,o=org1,dc=jumpcloud,dc=com"), base));

  const std::string dn = Norm("cn=a\\,b,ou=users,dc=com");
  EXPECT_EQ(RdnCount(dn), 3u);
  EXPECT_EQ(RdnCount(""), 0u);
  EXPECT_EQ(FirstRdn(dn), "cn=a\\,b");
  EXPECT_EQ(ParentDn(dn), "ou=users,dc=com");
  EXPECT_EQ(ParentDn("dc=com"), "");
  EXPECT_EQ(ParentDn(""), "");
}

TEST(DnTest, NormalizedFormIsIdempotent) {
  for (const char* text : {"cn=Smith\\, John+uid=X,dc=com", "cn=\\ a\\ ,dc=com", "cn=#04024869",
                           "cn=a\\00b", "cn=\\#x"}) {
    const std::string once = Norm(text);
    EXPECT_EQ(Norm(once), once) << text;
  }
}

}  // namespace
}  // namespace skydir::ldap
