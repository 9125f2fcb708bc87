#include "ldif/writer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "ldif/reader.h"

namespace skydir::ldif {
namespace {

std::string WriteAll(const std::vector<LdifRecord>& records) {
  std::ostringstream out;
  LdifWriter writer(out);
  for (const auto& record : records) EXPECT_TRUE(writer.Write(record).ok());
  return out.str();
}

std::vector<LdifRecord> ReadBack(const std::string& text) {
  std::istringstream in(text);
  LdifReader reader(in);
  std::vector<LdifRecord> records;
  while (true) {
    auto next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString() << "\n" << text;
    if (!next.ok() || !*next) return records;
    (*next)->line = 0;  // compare content only
    records.push_back(std::move(**next));
  }
}

TEST(LdifWriterTest, SafeStringFollowsRfc2849) {
  for (const char* safe : {"", "a", "a b", "a:b", "a<b", "cn=x,dc=y", "#not a comment", "-"}) {
    EXPECT_TRUE(IsSafeString(safe)) << safe;
  }
  for (const std::string& unsafe :
       std::vector<std::string>{" lead", ":lead", "<lead", "trail ", "a\nb", "a\rb", "caf\xc3\xa9",
                                std::string("a\0b", 3), std::string(1, '\x80')}) {
    EXPECT_FALSE(IsSafeString(unsafe)) << unsafe;
  }
}

TEST(LdifWriterTest, WritesHeaderOnceAndBlankLineBetweenRecords) {
  std::string text = WriteAll({
      {0, "cn=a,dc=x", "", {{"objectClass", "top"}, {"cn", "a"}, {"mail", ""}}},
      {0, "cn=b,dc=x", "add", {{"sn", " b"}}},
  });
  EXPECT_EQ(text,
            "version: 1\n\n"
            "dn: cn=a,dc=x\nobjectClass: top\ncn: a\nmail:\n\n"
            "dn: cn=b,dc=x\nchangetype: add\nsn:: IGI=\n\n");
}

TEST(LdifWriterTest, FoldsLongLinesAt76Columns) {
  std::string value;
  for (int i = 0; i < 300; ++i) value.push_back(static_cast<char>('a' + i % 26));
  std::string binary(500, '\xff');
  std::string text = WriteAll({{0, "cn=a", "", {{"description", value}, {"blob", binary}}}});
  std::istringstream lines(text);
  int continuations = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), LdifWriter::kFoldColumn) << line;
    if (line.starts_with(' ')) ++continuations;
  }
  EXPECT_GT(continuations, 10);
  auto back = ReadBack(text);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].attributes[0].second, value);
  EXPECT_EQ(back[0].attributes[1].second, binary);
}

TEST(LdifWriterTest, RoundTripsTrickyValues) {
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  LdifRecord record{0,
                    "uid=j\xc3\xb6rg,ou=Users,o=x,dc=jumpcloud,dc=com",
                    "",
                    {{"cn", " leading space"},
                     {"cn", "trailing space "},
                     {"sn", ":colon"},
                     {"sn", "<angle"},
                     {"description", "line1\nline2\r\n"},
                     {"description", std::string("nul\0inside", 10)},
                     {"displayName", "\xe5\xb1\xb1\xe7\x94\xb0 \xe2\x9c\x93"},
                     {"jpegPhoto;binary", all_bytes},
                     {"mail", ""},
                     {"title", "  "},
                     {"l", std::string(75, 'x') + " " + std::string(80, 'y')},
                     {"userPassword", "{SSHA}3ZSDqAF/3qM7tIEjLuLhWnpIQKtjlPrE"},
                     {"x-skydir-1.2.3", "# looks like a comment"}}};
  LdifRecord add{0, "", "add", {{"objectClass", "top"}}};  // empty dn: the root DSE
  std::vector<LdifRecord> records = {record, add, record};
  EXPECT_EQ(ReadBack(WriteAll(records)), records);
}

TEST(LdifWriterTest, RefusesBadInputWithoutWritingIt) {
  std::ostringstream out;
  LdifWriter writer(out);
  EXPECT_EQ(writer.Write({0, "cn=a", "", {{"bad name", "x"}}}).code(), Code::kConstraintViolation);
  EXPECT_EQ(writer.Write({0, "cn=a", "", {{"", "x"}}}).code(), Code::kConstraintViolation);
  EXPECT_EQ(writer.Write({0, "cn=a", "modify", {}}).code(), Code::kConstraintViolation);
  EXPECT_EQ(out.str(), "");
}

TEST(LdifWriterTest, ReportsStreamFailure) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  LdifWriter writer(out);
  EXPECT_EQ(writer.Write({0, "cn=a", "", {}}).code(), Code::kOther);
}

}  // namespace
}  // namespace skydir::ldif
