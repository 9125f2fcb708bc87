// BER reading (X.690 §8) as LDAP uses it (RFC 4511 §5.1): a zero-copy cursor over bytes.
//
// Encoding. Every element is a TLV:
//   tag     one octet: class (bits 8-7: 00 universal, 01 application, 10 context, 11 private),
//           constructed flag (bit 6), tag number (bits 5-1). LDAP never needs tag numbers >= 31,
//           so the multi-octet "high tag number" form (low bits 11111) is rejected.
//   length  definite form only. Short form: one octet 0..127. Long form: 0x80|n followed by n
//           big-endian octets, n in 1..4, used only for lengths >= 128 and with no leading zero
//           octet (minimal). The indefinite form (0x80) and 0xFF are rejected.
//   value   `length` octets. Constructed elements contain a sequence of TLVs.
// Typed contents:
//   INTEGER / ENUMERATED  1..8 octets, two's complement, big-endian, minimal (no leading 0x00
//                         before a clear high bit, no leading 0xFF before a set high bit).
//   BOOLEAN               exactly one octet; 0x00 is false, anything else true (X.690 §8.2).
//   NULL                  zero octets.
//   OCTET STRING          primitive form only (the constructed form is not allowed in LDAP).
//
// Lifetime: a Reader, and every string_view or sub-Reader it hands out, points into the bytes
// given to the constructor; the caller keeps those bytes alive and unchanged meanwhile.
// Errors are Status with Code::kProtocolError. Not thread-safe; cheap to copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace skydir::ber {

// Tag octet layout.
inline constexpr uint8_t kClassUniversal = 0x00;
inline constexpr uint8_t kClassApplication = 0x40;
inline constexpr uint8_t kClassContext = 0x80;
inline constexpr uint8_t kClassPrivate = 0xC0;
inline constexpr uint8_t kConstructedBit = 0x20;
inline constexpr uint8_t kTagNumberMask = 0x1F;

// Universal tags (already combined with the constructed bit where the type is constructed).
inline constexpr uint8_t kTagBoolean = 0x01;
inline constexpr uint8_t kTagInteger = 0x02;
inline constexpr uint8_t kTagOctetString = 0x04;
inline constexpr uint8_t kTagNull = 0x05;
inline constexpr uint8_t kTagEnumerated = 0x0A;
inline constexpr uint8_t kTagSequence = 0x30;
inline constexpr uint8_t kTagSet = 0x31;

// Nesting allowed by default when entering constructed elements.
inline constexpr uint32_t kDefaultMaxDepth = 32;

constexpr uint8_t TagClass(uint8_t tag) { return tag & 0xC0; }
constexpr bool IsConstructed(uint8_t tag) { return (tag & kConstructedBit) != 0; }
constexpr uint8_t TagNumber(uint8_t tag) { return tag & kTagNumberMask; }
constexpr uint8_t ContextTag(uint8_t number, bool constructed = false) {
  return kClassContext | (constructed ? kConstructedBit : 0) | number;
}
constexpr uint8_t ApplicationTag(uint8_t number, bool constructed) {
  return kClassApplication | (constructed ? kConstructedBit : 0) | number;
}

// One decoded TLV; views point into the reader's input.
struct Element {
  uint8_t tag = 0;
  std::string_view contents;  // the value octets
  std::string_view raw;       // the whole TLV, header included
};

// Result of parsing a tag+length header from a possibly incomplete prefix.
enum class HeaderState { kOk, kNeedMore, kError };
struct Header {
  uint8_t tag = 0;
  size_t header_size = 0;  // tag + length octets
  uint64_t length = 0;     // content length
};
// Parses the header at the start of `data`. On kError, `*error` names the problem (a static
// string). Does not check that the contents are present.
HeaderState ParseHeader(std::string_view data, Header* header, const char** error);

class Reader {
 public:
  explicit Reader(std::string_view data, uint32_t max_depth = kDefaultMaxDepth)
      : data_(data), max_depth_(max_depth) {}

  bool empty() const { return data_.empty(); }
  size_t remaining() const { return data_.size(); }
  std::string_view rest() const { return data_; }
  // Number of constructed elements entered to reach this reader.
  uint32_t depth() const { return depth_; }

  // The next tag, without consuming it; fails when empty.
  Result<uint8_t> PeekTag() const;
  // True when the next element exists and carries `tag`.
  bool NextIs(uint8_t tag) const { return !data_.empty() && uint8_t(data_[0]) == tag; }

  // Consumes the next TLV, whatever its tag / only if it carries `tag`.
  Result<Element> ReadElement();
  Result<Element> ReadElement(uint8_t tag);

  Result<int64_t> ReadInteger(uint8_t tag = kTagInteger);
  Result<int64_t> ReadEnumerated(uint8_t tag = kTagEnumerated) { return ReadInteger(tag); }
  Result<bool> ReadBoolean(uint8_t tag = kTagBoolean);
  Result<std::string_view> ReadOctetString(uint8_t tag = kTagOctetString);
  Status ReadNull(uint8_t tag = kTagNull);

  // Consumes a constructed element carrying `tag` and returns a reader over its contents, one
  // level deeper; fails when that would exceed the depth limit.
  Result<Reader> EnterConstructed(uint8_t tag);

  // Fails unless every byte was consumed (trailing data inside an element is malformed).
  Status ExpectEnd(std::string_view what) const;

  // Decoding helpers for contents already split out of a TLV.
  static Result<int64_t> DecodeIntegerContents(std::string_view contents);
  static Result<bool> DecodeBooleanContents(std::string_view contents);

 private:
  Reader(std::string_view data, uint32_t max_depth, uint32_t depth)
      : data_(data), max_depth_(max_depth), depth_(depth) {}

  std::string_view data_;
  uint32_t max_depth_;
  uint32_t depth_ = 0;
};

// A kProtocolError Status; the decoders' one way to fail.
Status ProtocolError(std::string message);

}  // namespace skydir::ber
