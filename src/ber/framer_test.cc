#include "ber/framer.h"

#include <gtest/gtest.h>

#include <string>

namespace skydir::ber {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(char(b));
  return s;
}

// An unbind request: 30 05 02 01 03 42 00.
const std::string kUnbind = Bytes({0x30, 0x05, 0x02, 0x01, 0x03, 0x42, 0x00});

TEST(FramerTest, NeedsMoreUntilComplete) {
  for (size_t n = 0; n < kUnbind.size(); ++n) {
    EXPECT_EQ(FramePdu(kUnbind.substr(0, n), 1024).state, FrameState::kNeedMore) << n;
  }
  FrameResult r = FramePdu(kUnbind + kUnbind, 1024);
  EXPECT_EQ(r.state, FrameState::kComplete);
  EXPECT_EQ(r.pdu_size, kUnbind.size());
}

TEST(FramerTest, RejectsIndefiniteLength) {
  FrameResult r = FramePdu(Bytes({0x30, 0x80}), 1024);
  EXPECT_EQ(r.state, FrameState::kError);
  ASSERT_NE(r.error, nullptr);
}

TEST(FramerTest, RejectsNonMinimalLength) {
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x81, 0x05}), 1024).state, FrameState::kError);
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x82, 0x00}), 1024).state, FrameState::kError);
}

// Bug: a leading zero length octet (30 82 00 ..) was only refused once every length octet had
// arrived, so a peer could stall the check by sending the header one byte at a time.
TEST(FramerTest, LeadingZeroLengthOctetRejectedBeforeTheRestArrives) {
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x84, 0x00}), 1 << 20).state, FrameState::kError);
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x84, 0x01}), SIZE_MAX).state, FrameState::kNeedMore);
}

TEST(FramerTest, RejectsOversizeFromHeaderAlone) {
  // Only the 6 header bytes are present: the body is never buffered.
  FrameResult r = FramePdu(Bytes({0x30, 0x84, 0x01, 0x00, 0x00, 0x00}), 1 << 20);
  EXPECT_EQ(r.state, FrameState::kError);
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x82, 0x01, 0x00}), 259).state, FrameState::kError);
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x82, 0x01, 0x00}), 260).state, FrameState::kNeedMore);
  EXPECT_EQ(FramePdu(Bytes({0x30, 0x85, 1, 0, 0, 0, 0}), SIZE_MAX).state, FrameState::kError);
}

TEST(FramerTest, SmallerLimitBeforeBind) {
  std::string big = Bytes({0x30, 0x82, 0x04, 0x00});
  big.append(1024, '\0');
  EXPECT_EQ(FramePdu(big, 512).state, FrameState::kError);
  EXPECT_EQ(FramePdu(big, 2048).state, FrameState::kComplete);
}

TEST(FramerTest, RejectsWrongOuterTag) {
  EXPECT_EQ(FramePdu(Bytes({0x31, 0x00}), 1024).state, FrameState::kError);
  EXPECT_EQ(FramePdu(Bytes({0x16, 0x03, 0x01}), 1024).state, FrameState::kError);  // TLS hello
  EXPECT_EQ(FramePdu(Bytes({0x04, 0x00}), 1024, kTagOctetString).state, FrameState::kComplete);
}

}  // namespace
}  // namespace skydir::ber
