#include "ber/reader.h"

#include <gtest/gtest.h>

#include <string>

namespace skydir::ber {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(char(b));
  return s;
}

TEST(ReaderTest, ReadsShortFormElement) {
  const std::string in = Bytes({0x04, 0x03, 'a', 'b', 'c', 0x05, 0x00});
  Reader r(in);
  auto s = r.ReadOctetString();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, "abc");
  EXPECT_EQ(s->data(), in.data() + 2);  // zero copy
  EXPECT_TRUE(r.ReadNull().ok());
  EXPECT_TRUE(r.empty());
}

TEST(ReaderTest, ReadsLongFormLength) {
  std::string in = Bytes({0x04, 0x81, 0x80});
  in.append(128, 'x');
  Reader r(in);
  auto e = r.ReadElement();
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->contents.size(), 128u);
  EXPECT_EQ(e->raw.size(), 131u);
}

TEST(ReaderTest, RejectsIndefiniteLength) {
  const std::string in = Bytes({0x30, 0x80, 0x05, 0x00, 0x00, 0x00});
  Reader r(in);
  auto e = r.ReadElement();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Code::kProtocolError);
  EXPECT_NE(e.status().message().find("indefinite"), std::string::npos);
}

TEST(ReaderTest, RejectsNonMinimalLengths) {
  for (const std::string& in : {Bytes({0x04, 0x81, 0x05, 1, 2, 3, 4, 5}),
                                Bytes({0x04, 0x82, 0x00, 0x80}), Bytes({0x04, 0x82, 0x00, 0x05})}) {
    Reader r(in);
    auto e = r.ReadElement();
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.status().message().find("non-minimal"), std::string::npos);
  }
}

TEST(ReaderTest, RejectsLengthBeyondData) {
  const std::string in = Bytes({0x04, 0x05, 'a', 'b'});
  Reader r(in);
  EXPECT_FALSE(r.ReadElement().ok());
  const std::string huge = Bytes({0x04, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 'a'});
  Reader r2(huge);
  EXPECT_FALSE(r2.ReadElement().ok());
  const std::string five = Bytes({0x04, 0x85, 1, 0, 0, 0, 0});
  Reader r3(five);
  EXPECT_FALSE(r3.ReadElement().ok());
}

TEST(ReaderTest, RejectsTruncatedHeader) {
  for (const std::string& in : {Bytes({0x04}), Bytes({0x04, 0x82, 0x01})}) {
    Reader r(in);
    EXPECT_FALSE(r.ReadElement().ok());
  }
  Reader empty("");
  EXPECT_FALSE(empty.ReadElement().ok());
  EXPECT_FALSE(empty.PeekTag().ok());
}

TEST(ReaderTest, RejectsHighTagNumberForm) {
  const std::string in = Bytes({0x1F, 0x81, 0x00, 0x00});
  Reader r(in);
  EXPECT_FALSE(r.ReadElement().ok());
}

TEST(ReaderTest, RejectsWrongTag) {
  const std::string in = Bytes({0x02, 0x01, 0x05});
  Reader r(in);
  auto s = r.ReadOctetString();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("0x04 expected, found 0x02"), std::string::npos);
  EXPECT_EQ(r.remaining(), 3u);  // nothing consumed on failure
}

TEST(ReaderTest, Integers) {
  struct Case {
    std::string contents;
    int64_t value;
  };
  const Case cases[] = {
      {Bytes({0x00}), 0},
      {Bytes({0x7F}), 127},
      {Bytes({0x00, 0x80}), 128},
      {Bytes({0xFF}), -1},
      {Bytes({0x80}), -128},
      {Bytes({0xFF, 0x7F}), -129},
      {Bytes({0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), INT64_MAX},
      {Bytes({0x80, 0, 0, 0, 0, 0, 0, 0}), INT64_MIN},
  };
  for (const Case& c : cases) {
    auto v = Reader::DecodeIntegerContents(c.contents);
    ASSERT_TRUE(v.ok()) << c.value;
    EXPECT_EQ(*v, c.value);
  }
}

TEST(ReaderTest, RejectsBadIntegers) {
  EXPECT_FALSE(Reader::DecodeIntegerContents("").ok());
  EXPECT_FALSE(Reader::DecodeIntegerContents(Bytes({0x00, 0x05})).ok());     // non-minimal
  EXPECT_FALSE(Reader::DecodeIntegerContents(Bytes({0xFF, 0x80})).ok());     // non-minimal
  EXPECT_FALSE(Reader::DecodeIntegerContents(std::string(9, '\x01')).ok());  // > 8 bytes
}

TEST(ReaderTest, BooleansAndEnumerated) {
  const std::string in = Bytes({0x01, 0x01, 0xFF, 0x01, 0x01, 0x00, 0x0A, 0x01, 0x02});
  Reader r(in);
  EXPECT_TRUE(*r.ReadBoolean());
  EXPECT_FALSE(*r.ReadBoolean());
  EXPECT_EQ(*r.ReadEnumerated(), 2);
  const std::string bad = Bytes({0x01, 0x02, 0xFF, 0xFF});
  Reader r2(bad);
  EXPECT_FALSE(r2.ReadBoolean().ok());
  const std::string bad_null = Bytes({0x05, 0x01, 0x00});
  Reader r3(bad_null);
  EXPECT_FALSE(r3.ReadNull().ok());
}

TEST(ReaderTest, EnterConstructed) {
  const std::string in = Bytes({0x30, 0x06, 0x02, 0x01, 0x07, 0x04, 0x01, 'z', 0x05, 0x00});
  Reader r(in);
  auto seq = r.EnterConstructed(kTagSequence);
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(seq->depth(), 1u);
  EXPECT_EQ(*seq->ReadInteger(), 7);
  EXPECT_EQ(*seq->ReadOctetString(), "z");
  EXPECT_TRUE(seq->ExpectEnd("test").ok());
  EXPECT_TRUE(r.NextIs(kTagNull));
  EXPECT_FALSE(r.EnterConstructed(kTagNull).ok());  // primitive tag
}

TEST(ReaderTest, DepthLimit) {
  // 40 nested SEQUENCEs around a NULL.
  std::string in = Bytes({0x05, 0x00});
  for (int i = 0; i < 40; ++i) in = Bytes({0x30, int(in.size())}) + in;
  Reader r(in, 10);
  Status last = Status::Ok();
  for (int i = 0; i < 40; ++i) {
    auto sub = r.EnterConstructed(kTagSequence);
    if (!sub.ok()) {
      last = sub.status();
      EXPECT_EQ(i, 10);
      break;
    }
    r = *sub;
  }
  EXPECT_EQ(last.code(), Code::kProtocolError);
}

TEST(ReaderTest, ExpectEndReportsTrailingData) {
  Reader r(Bytes({0x05, 0x00}));
  Status s = r.ExpectEnd("thing");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("thing"), std::string::npos);
}

TEST(ReaderTest, HelpersOnTags) {
  EXPECT_EQ(ContextTag(3), 0x83);
  EXPECT_EQ(ContextTag(0, true), 0xA0);
  EXPECT_EQ(ApplicationTag(3, true), 0x63);
  EXPECT_EQ(ApplicationTag(10, false), 0x4A);
  EXPECT_EQ(TagClass(0x63), kClassApplication);
  EXPECT_TRUE(IsConstructed(0x30));
  EXPECT_EQ(TagNumber(0x78), 24);
}

}  // namespace
}  // namespace skydir::ber
