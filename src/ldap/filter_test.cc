#include "ldap/filter.h"

#include <gtest/gtest.h>

#include <string>

#include "ber/writer.h"

namespace skydir::ldap {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(char(b));
  return s;
}

Filter MustParse(std::string_view text) {
  auto f = ParseFilter(text, FilterLimits{});
  EXPECT_TRUE(f.ok()) << text << ": " << f.status().ToString();
  return f.ok() ? *f : Filter{};
}

TEST(FilterTest, StringRoundTrips) {
  const char* cases[] = {
      "(objectClass=*)",
      "(uid=bob)",
      "(&(objectClass=person)(uid=j*))",
      "(|(uid=bob*)(mail=*@example.com))",
      "(!(cn=a*b*c))",
      "(cn=*mid*)",
      "(cn=a*)",
      "(cn=*z)",
      "(uidNumber>=1000)",
      "(uidNumber<=2000)",
      "(cn~=bob)",
      "(memberOf:1.2.840.113556.1.4.1941:=cn=g,ou=Users,dc=jumpcloud,dc=com)",
      "(cn:dn:2.5.13.5:=John)",
      "(:caseExactMatch:=x)",
      "(:dn:2.4.6.8.10:=Dino)",
      "(o:dn:=Ace Industry)",
      "(cn=\\2a\\28\\29\\5c\\00)",
      "(&)",
      "(|)",
      "(&(|(a=1)(b=2))(!(c=3)))",
  };
  for (const char* text : cases) {
    Filter f = MustParse(text);
    EXPECT_EQ(FilterToString(f), text);
    // And through BER.
    auto decoded = DecodeFilter(EncodeFilter(f), FilterLimits{});
    ASSERT_TRUE(decoded.ok()) << text << decoded.status().ToString();
    EXPECT_EQ(FilterToString(*decoded), text);
  }
}

TEST(FilterTest, ParsesStructure) {
  Filter f = MustParse("(cn=ab*c\\2a*d)");
  EXPECT_EQ(f.kind, FilterKind::kSubstrings);
  EXPECT_EQ(f.initial, "ab");
  ASSERT_EQ(f.any.size(), 1u);
  EXPECT_EQ(f.any[0], "c*");
  EXPECT_EQ(f.final_part, "d");

  f = MustParse("(cn:DN:caseExactMatch:=Fred)");
  EXPECT_EQ(f.kind, FilterKind::kExtensible);
  EXPECT_EQ(f.attribute, "cn");
  EXPECT_TRUE(f.dn_attributes);
  EXPECT_EQ(f.matching_rule, "caseExactMatch");
  EXPECT_EQ(f.value, "Fred");

  f = MustParse("uid=bob");  // bare item, as ldapsearch accepts
  EXPECT_EQ(f.kind, FilterKind::kEqual);
  EXPECT_EQ(f.value, "bob");
}

TEST(FilterTest, RejectsMalformedStrings) {
  const char* cases[] = {
      "",          "(",         "()",        "(uid=bob",       "uid=bob)",   "(uid=bob))",
      "(=bob)",    "(uid~bob)", "(uid>bob)", "(uid=a(b)",      "(uid=\\zz)", "(uid=\\2)",
      "(uid>=a*)", "(:=x)",     "(cn:=)x",   "(cn:dn:a:b:=x)", "(&(a=1)",    "(!(a=1)(b=2))",
      "(cn=a**b)", "(!)",       "(cn:dn)",   "(cn=\\",
  };
  for (const char* text : cases) {
    auto f = ParseFilter(text, FilterLimits{});
    EXPECT_FALSE(f.ok()) << text;
    EXPECT_EQ(f.status().code(), Code::kProtocolError);
  }
}

TEST(FilterTest, StringDepthLimit) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "(!";
  deep += "(a=1)";
  for (int i = 0; i < 40; ++i) deep += ")";
  EXPECT_FALSE(ParseFilter(deep, FilterLimits{}).ok());
  EXPECT_TRUE(ParseFilter(deep, FilterLimits{.max_depth = 41, .max_terms = 100}).ok());
  // A depth bomb far beyond any stack: rejected at the limit, not by crashing.
  std::string bomb(1000000, '(');
  EXPECT_FALSE(ParseFilter(bomb, FilterLimits{}).ok());
}

TEST(FilterTest, DecodesBer) {
  // (&(objectClass=person)(uid=j*)) as ldap3 encodes it.
  const std::string ber = Bytes({0xa0, 0x23, 0xa3, 0x15, 0x04, 0x0b}) + "objectClass" +
                          Bytes({0x04, 0x06}) + "person" + Bytes({0xa4, 0x0a, 0x04, 0x03}) + "uid" +
                          Bytes({0x30, 0x03, 0x80, 0x01}) + "j";
  auto f = DecodeFilter(ber, FilterLimits{});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(FilterToString(*f), "(&(objectClass=person)(uid=j*))");
  EXPECT_EQ(EncodeFilter(*f), ber);
}

TEST(FilterTest, RejectsMalformedBer) {
  const std::string cases[] = {
      Bytes({0x87, 0x00}),        // present with empty attribute
      Bytes({0xa7, 0x01, 0x61}),  // present must be primitive
      Bytes({0x83, 0x01, 0x61}),  // equality must be constructed
      Bytes({0xaa, 0x00}),        // [10] is not a filter
      Bytes({0x30, 0x00}),        // universal SEQUENCE is not a filter
      Bytes({0xa2, 0x00}),        // not without a child
      Bytes({0xa2, 0x06, 0x87, 0x01, 0x61, 0x87, 0x01, 0x62}),  // not with two children
      Bytes({0xa3, 0x03, 0x04, 0x01, 0x61}),                    // AVA without value
      Bytes({0xa4, 0x05, 0x04, 0x01, 0x61, 0x30, 0x00}),        // no substrings
      Bytes({0xa4, 0x0b, 0x04, 0x01, 0x61, 0x30, 0x06, 0x81, 0x01, 0x62, 0x80, 0x01, 0x63}),
      Bytes({0xa4, 0x0b, 0x04, 0x01, 0x61, 0x30, 0x06, 0x82, 0x01, 0x62, 0x81, 0x01, 0x63}),
      Bytes({0xa9, 0x03, 0x83, 0x01, 0x61}),  // extensible without rule or type
      Bytes({0xa0, 0x80, 0x00, 0x00}),        // indefinite length
      Bytes({0x87, 0x01, 0x61, 0x00}),        // trailing bytes
      Bytes({0xa0, 0x05, 0x87, 0x01}),        // truncated
  };
  for (const std::string& ber : cases) {
    auto f = DecodeFilter(ber, FilterLimits{});
    EXPECT_FALSE(f.ok()) << testing::PrintToString(ber);
    EXPECT_EQ(f.status().code(), Code::kProtocolError);
  }
}

TEST(FilterTest, BerDepthBombRejected) {
  std::string ber = Bytes({0x87, 0x01, 0x61});
  ber::Writer w;
  std::vector<size_t> marks;
  for (int i = 0; i < 1000; ++i) marks.push_back(w.Begin(0xa2));
  w.AddRaw(ber);
  while (!marks.empty()) {
    w.End(marks.back());
    marks.pop_back();
  }
  auto f = DecodeFilter(w.bytes(), FilterLimits{});
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("nesting"), std::string::npos);
}

TEST(FilterTest, HundredThousandTermFilterRejectedCleanly) {
  ber::Writer w;
  const size_t mark = w.Begin(0xa1);
  for (int i = 0; i < 100000; ++i) w.AddOctetString("a", 0x87);
  w.End(mark);
  auto f = DecodeFilter(w.bytes(), FilterLimits{});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), Code::kProtocolError);
  EXPECT_NE(f.status().message().find("too many terms"), std::string::npos);

  std::string text = "(|";
  for (int i = 0; i < 100000; ++i) text += "(a=*)";
  text += ")";
  auto g = ParseFilter(text, FilterLimits{});
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("too many terms"), std::string::npos);
  EXPECT_TRUE(ParseFilter(text, FilterLimits{.max_depth = 2, .max_terms = 100001}).ok());
}

TEST(FilterTest, CountsTerms) {
  EXPECT_EQ(CountFilterTerms(MustParse("(&(a=1)(|(b=2)(c=3)))")), 5u);
}

TEST(FilterTest, PrintEscapesControlCharacters) {
  Filter f;
  f.kind = FilterKind::kEqual;
  f.attribute = "cn";
  f.value = std::string("a\nb\0", 4);
  EXPECT_EQ(FilterToString(f), "(cn=a\\0ab\\00)");
  EXPECT_EQ(FilterToString(MustParse(FilterToString(f))), FilterToString(f));
}

}  // namespace
}  // namespace skydir::ldap
