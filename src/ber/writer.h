// BER writing: the inverse of reader.h (whose header documents the encoding). Always emits
// definite, minimal lengths and minimal integers, as RFC 4511 §5.1 requires of senders.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ber/reader.h"

namespace skydir::ber {

// Appends TLVs to a string: its own, or one the caller owns (so several messages can be encoded
// back to back into one output buffer without copies). Constructed elements are opened with
// Begin() and closed with End(); End() back-patches the length, moving the contents only when
// they reach 128 bytes. Not copyable or movable (it may point at its own buffer).
class Writer {
 public:
  Writer() : out_(&owned_) {}
  // REQUIRES: *out outlives the writer. Bytes already in *out are left alone.
  explicit Writer(std::string* out) : out_(out) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void AddInteger(int64_t value, uint8_t tag = kTagInteger);
  void AddEnumerated(int64_t value, uint8_t tag = kTagEnumerated) { AddInteger(value, tag); }
  void AddBoolean(bool value, uint8_t tag = kTagBoolean);
  void AddOctetString(std::string_view value, uint8_t tag = kTagOctetString);
  void AddNull(uint8_t tag = kTagNull);
  // Appends bytes that already form complete TLVs (e.g. a cached attribute list).
  void AddRaw(std::string_view tlvs) { out_->append(tlvs); }

  // Opens a constructed element; returns a mark for the matching End().
  // REQUIRES: tag has the constructed bit. Marks are closed in LIFO order.
  size_t Begin(uint8_t tag);
  void End(size_t mark);

  // The bytes written so far (including any the caller's buffer held before).
  const std::string& bytes() const { return *out_; }
  // Takes the writer's own buffer. REQUIRES: built with the default constructor.
  std::string Release() { return std::move(owned_); }

 private:
  void AddHeader(uint8_t tag, size_t length);

  std::string owned_;
  std::string* out_;
};

// Appends a length in minimal definite form.
void AppendLength(std::string* out, size_t length);
// How many octets AppendLength emits for `length`.
constexpr size_t EncodedLengthSize(size_t length) {
  size_t n = 1;
  if (length >= 0x80) {
    for (size_t v = length; v != 0; v >>= 8) ++n;
  }
  return n;
}

}  // namespace skydir::ber
