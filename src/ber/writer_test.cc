#include "ber/writer.h"

#include <gtest/gtest.h>

#include <string>

#include "ber/reader.h"

namespace skydir::ber {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(char(b));
  return s;
}

TEST(WriterTest, MinimalIntegers) {
  struct Case {
    int64_t value;
    std::string encoded;
  };
  const Case cases[] = {
      {0, Bytes({0x02, 0x01, 0x00})},
      {127, Bytes({0x02, 0x01, 0x7F})},
      {128, Bytes({0x02, 0x02, 0x00, 0x80})},
      {256, Bytes({0x02, 0x02, 0x01, 0x00})},
      {-1, Bytes({0x02, 0x01, 0xFF})},
      {-128, Bytes({0x02, 0x01, 0x80})},
      {-129, Bytes({0x02, 0x02, 0xFF, 0x7F})},
      {INT64_MAX, Bytes({0x02, 0x08, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})},
      {INT64_MIN, Bytes({0x02, 0x08, 0x80, 0, 0, 0, 0, 0, 0, 0})},
  };
  for (const Case& c : cases) {
    Writer w;
    w.AddInteger(c.value);
    EXPECT_EQ(w.bytes(), c.encoded) << c.value;
    Reader r(c.encoded);
    EXPECT_EQ(*r.ReadInteger(), c.value);
  }
}

TEST(WriterTest, RoundTripsIntegersExhaustivelyAroundBoundaries) {
  for (int shift = 0; shift < 63; ++shift) {
    for (int64_t delta : {-1, 0, 1}) {
      for (int64_t sign : {1, -1}) {
        const int64_t v = sign * ((int64_t{1} << shift) + delta);
        Writer w;
        w.AddInteger(v);
        Reader r(w.bytes());
        auto got = r.ReadInteger();
        ASSERT_TRUE(got.ok()) << v;
        EXPECT_EQ(*got, v);
      }
    }
  }
}

TEST(WriterTest, ScalarsAndStrings) {
  Writer w;
  w.AddBoolean(true);
  w.AddBoolean(false, ContextTag(4));
  w.AddNull();
  w.AddEnumerated(2);
  w.AddOctetString("hi", ContextTag(7));
  EXPECT_EQ(w.bytes(), Bytes({0x01, 0x01, 0xFF, 0x84, 0x01, 0x00, 0x05, 0x00, 0x0A, 0x01, 0x02,
                              0x87, 0x02, 'h', 'i'}));
}

TEST(WriterTest, ConstructedShortAndLong) {
  Writer w;
  size_t outer = w.Begin(kTagSequence);
  w.AddOctetString("a");
  size_t inner = w.Begin(ContextTag(0, true));
  w.AddOctetString(std::string(200, 'x'));
  w.End(inner);
  w.End(outer);
  Reader r(w.bytes());
  auto seq = r.EnterConstructed(kTagSequence);
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(*seq->ReadOctetString(), "a");
  auto in = seq->EnterConstructed(ContextTag(0, true));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->ReadOctetString()->size(), 200u);
  // Header bytes: 30 82 00cf? No: minimal. Outer length = 3 + 3 + 3 + 200 = 209 -> 81 d1.
  EXPECT_EQ(uint8_t(w.bytes()[1]), 0x81);
  EXPECT_EQ(uint8_t(w.bytes()[2]), 209);
}

TEST(WriterTest, LengthEncodings) {
  for (size_t len : {0ul, 127ul, 128ul, 255ul, 256ul, 65535ul, 65536ul, 16777216ul}) {
    std::string s;
    AppendLength(&s, len);
    std::string tlv = "\x04" + s;
    tlv.append(len, 'q');
    Reader r(tlv);
    auto e = r.ReadElement();
    ASSERT_TRUE(e.ok()) << len << " " << e.status().ToString();
    EXPECT_EQ(e->contents.size(), len);
  }
}

TEST(WriterTest, AppendsToCallerBuffer) {
  std::string out = "prefix";
  {
    Writer w(&out);
    size_t m = w.Begin(kTagSequence);
    w.AddRaw(Bytes({0x05, 0x00}));
    w.End(m);
  }
  EXPECT_EQ(out, "prefix" + Bytes({0x30, 0x02, 0x05, 0x00}));
}

}  // namespace
}  // namespace skydir::ber
