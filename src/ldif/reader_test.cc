#include "ldif/reader.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

namespace skydir::ldif {
namespace {

using Attributes = std::vector<std::pair<std::string, std::string>>;

std::vector<LdifRecord> ReadAll(const std::string& text, LdifLimits limits = {}) {
  std::istringstream in(text);
  LdifReader reader(in, limits);
  std::vector<LdifRecord> records;
  while (true) {
    auto next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !*next) return records;
    records.push_back(std::move(**next));
  }
}

// The Status that stops reading `text`.
Status ErrorOf(const std::string& text, LdifLimits limits = {}) {
  std::istringstream in(text);
  LdifReader reader(in, limits);
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) return next.status();
    if (!*next) return Status::Ok();
  }
}

void ExpectError(const std::string& text, Code code, const std::string& message_part,
                 LdifLimits limits = {}) {
  Status status = ErrorOf(text, limits);
  EXPECT_EQ(status.code(), code) << status.ToString() << "\ninput:\n" << text;
  EXPECT_NE(status.message().find(message_part), std::string::npos)
      << "\"" << status.message() << "\" lacks \"" << message_part << "\"";
}

TEST(LdifReaderTest, ReadsRecordsWithCommentsFoldingAndBase64) {
  auto records = ReadAll(
      "# exported\n"
      "version: 1\n"
      "\n"
      "dn: uid=jdoe,ou=Users,o=5f1,dc=jumpcloud,dc=com\n"
      "objectClass: inetOrgPerson\n"
      "# a comment inside a record,\n"
      "  folded\n"
      "cn: John\n"
      "  Doe\n"
      "description:: w6lsw6h2ZQ==\n"
      "mail:\n"
      "jpegPhoto::\n"
      "\n"
      "\n"
      "dn:: dWlkPcOpLG89eA==\n"
      "sn:    Spaces kept after the fill  \n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 4);
  EXPECT_EQ(records[0].dn, "uid=jdoe,ou=Users,o=5f1,dc=jumpcloud,dc=com");
  EXPECT_EQ(records[0].changetype, "");
  EXPECT_EQ(records[0].attributes, (Attributes{{"objectClass", "inetOrgPerson"},
                                               {"cn", "John Doe"},
                                               {"description", "\xc3\xa9l\xc3\xa8ve"},
                                               {"mail", ""},
                                               {"jpegPhoto", ""}}));
  EXPECT_EQ(records[1].line, 15);
  EXPECT_EQ(records[1].dn, "uid=\xc3\xa9,o=x");
  EXPECT_EQ(records[1].attributes, (Attributes{{"sn", "Spaces kept after the fill  "}}));
}

TEST(LdifReaderTest, AcceptsCrlfBomAndMissingFinalNewline) {
  auto records = ReadAll("\xEF\xBB\xBFversion: 1\r\n\r\ndn: cn=a\r\ncn: a\r\n b\r\n\r\ndn: cn=b");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].attributes, (Attributes{{"cn", "ab"}}));
  EXPECT_EQ(records[1].dn, "cn=b");
  EXPECT_EQ(records[1].line, 7);
}

TEST(LdifReaderTest, VersionIsOptionalAndMayBeAlone) {
  EXPECT_EQ(ReadAll("dn: cn=a\n").size(), 1u);
  EXPECT_TRUE(ReadAll("version: 1\n").empty());
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\n\n# only a comment\n\n").empty());
}

TEST(LdifReaderTest, ChangetypeAddIsAnEntry) {
  auto records = ReadAll("dn: cn=a\nchangetype: add\nobjectClass: top\ncn: a\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].changetype, "add");
  EXPECT_EQ(records[0].attributes, (Attributes{{"objectClass", "top"}, {"cn", "a"}}));
}

TEST(LdifReaderTest, RefusesOtherChangeTypesNamingTheLine) {
  ExpectError("version: 1\n\ndn: cn=a\nchangetype: modify\nreplace: cn\ncn: b\n-\n",
              Code::kUnwillingToPerform, "LDIF line 4: \"changetype: modify\" is not supported");
  ExpectError("dn: cn=a\nchangetype: delete\n", Code::kUnwillingToPerform,
              "LDIF line 2: \"changetype: delete\"");
  ExpectError("dn: cn=a\nchangetype: modrdn\nnewrdn: cn=b\ndeleteoldrdn: 1\n",
              Code::kUnwillingToPerform, "LDIF line 2");
  ExpectError("dn: cn=a\nchangetype: frobnicate\n", Code::kProtocolError,
              "LDIF line 2: unknown changetype");
  ExpectError("dn: cn=a\ncn: a\nchangetype: add\n", Code::kProtocolError,
              "LDIF line 3: \"changetype:\" must follow \"dn:\"");
  ExpectError("dn: cn=a\ncontrol: 1.2.840.113556.1.4.805 true\nchangetype: delete\n",
              Code::kUnwillingToPerform, "LDIF line 2: LDIF controls are not supported");
}

TEST(LdifReaderTest, RefusesUrlValuesWithoutOpeningThem) {
  ExpectError("dn: cn=a\ncn: a\njpegPhoto:< file:///etc/shadow\n", Code::kUnwillingToPerform,
              "LDIF line 3: URL values (\"jpegPhoto:<\") are not supported");
}

TEST(LdifReaderTest, SyntaxErrorsNameTheLine) {
  ExpectError("dn: cn=a\ncn a\n", Code::kProtocolError, "LDIF line 2: expected \"name: value\"");
  ExpectError("cn: a\n", Code::kProtocolError, "LDIF line 1: a record must start with \"dn:\"");
  ExpectError("version: 1\n# c\n\nobjectClass: top\n", Code::kProtocolError, "LDIF line 4:");
  ExpectError(" folded\ndn: cn=a\n", Code::kProtocolError, "LDIF line 1: continuation line");
  ExpectError("dn: cn=a\n\n cn: a\n", Code::kProtocolError, "LDIF line 3: continuation line");
  ExpectError("dn: cn=a\nc n: a\n", Code::kProtocolError, "LDIF line 2: invalid attribute name");
  ExpectError("dn: cn=a\n-cn: a\n", Code::kProtocolError, "LDIF line 2: invalid attribute name");
  ExpectError("version: 2\ndn: cn=a\n", Code::kProtocolError,
              "LDIF line 1: unsupported LDIF version \"2\"");
  ExpectError("dn: cn=a\ndescription:: not*base64\n", Code::kInvalidAttributeSyntax,
              "LDIF line 2: the value of \"description\" is not valid base64");
  ExpectError("dn: cn=a\n\ndn: cn=b\ncn: x\n y\ncn:: Zm9v\n  Yg=\n", Code::kInvalidAttributeSyntax,
              "LDIF line 6:");
  ExpectError(std::string("dn: cn=a\ncn: a\0b\n", 16), Code::kProtocolError,
              "LDIF line 2: the value of \"cn\" contains NUL or CR");
}

TEST(LdifReaderTest, LineNumbersCountPhysicalLines) {
  // Errors point at the first physical line of a folded line, after comments and folds.
  ExpectError("# one\n# two\n  two continued\ndn: cn=a\ncn: a\n b\n c\nbad line\n",
              Code::kProtocolError, "LDIF line 8:");
}

TEST(LdifReaderTest, ErrorsAreSticky) {
  std::istringstream in("dn: cn=a\n\nbroken\n\ndn: cn=b\n");
  LdifReader reader(in);
  auto first = reader.Next();
  ASSERT_TRUE(first.ok() && *first);
  auto second = reader.Next();
  ASSERT_FALSE(second.ok());
  auto third = reader.Next();
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().message(), second.status().message());
}

TEST(LdifReaderTest, EnforcesLimits) {
  LdifLimits limits;
  limits.max_line_bytes = 20;
  limits.max_record_bytes = 50;
  limits.max_attributes = 3;
  EXPECT_EQ(ReadAll("dn: cn=a\ncn: 12345678901234567\n", limits).size(), 1u);  // 20 bytes
  ExpectError("dn: cn=a\ncn: 123456789012345678\n", Code::kProtocolError,
              "LDIF line 2: line longer than 20 bytes", limits);
  ExpectError("dn: cn=a\ncn: 1234567890\n 12345678\n", Code::kProtocolError,
              "LDIF line 2: folded line longer than 20 bytes", limits);
  ExpectError("dn: cn=a\ncn: 1\ncn: 2\ncn: 3\ncn: 4\n", Code::kProtocolError,
              "LDIF line 5: the record starting at line 1 has more than 3 attributes", limits);
  ExpectError("dn: cn=a\nsn: 123456789012345\nsn: 123456789012345\nsn: 123456789012345\n",
              Code::kProtocolError, "LDIF line 4: the record starting at line 1 is larger than 50",
              limits);
  // The limits are per record: many records each under them are fine.
  std::string many;
  for (int i = 0; i < 100; ++i) many += "dn: cn=a\ncn: 1\ncn: 2\ncn: 3\n\n";
  EXPECT_EQ(ReadAll(many, limits).size(), 100u);
}

// An endless-looking LDIF export made on the fly, so the test itself holds no big buffer.
class GeneratedLdif : public std::streambuf {
 public:
  explicit GeneratedLdif(int entries) : entries_(entries) {
    chunk_ = "version: 1\n\n";
    Reset();
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (next_ >= entries_) return traits_type::eof();
    int i = next_++;
    std::string id = std::to_string(i);
    chunk_ = "dn: uid=user" + id + ",ou=Users,o=5f1c,dc=jumpcloud,dc=com\n" +
             "objectClass: top\nobjectClass: inetOrgPerson\nuid: user" + id + "\n" +
             "cn:: 4pyTIFVzZXIg\n" +  // "✓ User "
             "description: a description long enough to need folding at seventy-six columns\n" +
             "  (continued) " + id + "\n# a comment\n" +
             "userPassword: {SSHA}3ZSDqAF/3qM7tIEjLuLhWnpIQKtjlPrE\n\n";
    Reset();
    return traits_type::to_int_type(*gptr());
  }

 private:
  void Reset() { setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size()); }
  std::string chunk_;
  int entries_;
  int next_ = 0;
};

TEST(LdifReaderTest, StreamsOneHundredThousandEntriesInBoundedMemory) {
  constexpr int kEntries = 100000;
  GeneratedLdif source(kEntries);
  std::istream in(&source);
  LdifReader reader(in);
  size_t baseline = mallinfo2().uordblks;
  size_t peak = baseline;
  int count = 0;
  while (true) {
    auto next = reader.Next();
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    if (!*next) break;
    const LdifRecord& record = **next;
    ASSERT_EQ(record.attributes.size(), 6u);
    ASSERT_EQ(record.attributes[4].second,
              "a description long enough to need folding at seventy-six columns (continued) " +
                  std::to_string(count));
    ++count;
    if (count % 1000 == 0) peak = std::max(peak, mallinfo2().uordblks);
  }
  EXPECT_EQ(count, kEntries);
  EXPECT_LT(peak - baseline, 256u * 1024) << "heap grew with the input: records are retained";
}

}  // namespace
}  // namespace skydir::ldif
