#include "ber/reader.h"

#include <string>

namespace skydir::ber {
namespace {

// Lengths need at most 4 octets: no PDU we accept comes near 4 GiB.
constexpr size_t kMaxLengthOctets = 4;

std::string Hex(uint8_t byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string{'0', 'x', kDigits[byte >> 4], kDigits[byte & 0xF]};
}

}  // namespace

Status ProtocolError(std::string message) {
  return Status(Code::kProtocolError, std::move(message));
}

HeaderState ParseHeader(std::string_view data, Header* header, const char** error) {
  if (data.empty()) return HeaderState::kNeedMore;
  const uint8_t tag = uint8_t(data[0]);
  if (TagNumber(tag) == kTagNumberMask) {
    *error = "BER high tag number form is not supported";
    return HeaderState::kError;
  }
  if (data.size() < 2) return HeaderState::kNeedMore;
  const uint8_t first = uint8_t(data[1]);
  if (first < 0x80) {
    *header = Header{tag, 2, first};
    return HeaderState::kOk;
  }
  if (first == 0x80) {
    *error = "BER indefinite length is not allowed (RFC 4511 §5.1)";
    return HeaderState::kError;
  }
  const size_t octets = first & 0x7F;
  if (octets > kMaxLengthOctets) {
    *error = "BER length is too large";
    return HeaderState::kError;
  }
  // A leading zero is refused as soon as it arrives, before the rest of the length.
  if (data.size() >= 3 && uint8_t(data[2]) == 0) {
    *error = "BER length has a non-minimal encoding (leading zero octet)";
    return HeaderState::kError;
  }
  if (data.size() < 2 + octets) return HeaderState::kNeedMore;
  uint64_t length = 0;
  for (size_t i = 0; i < octets; ++i) length = (length << 8) | uint8_t(data[2 + i]);
  if (length < 0x80) {
    *error = "BER length has a non-minimal encoding (long form below 128)";
    return HeaderState::kError;
  }
  *header = Header{tag, 2 + octets, length};
  return HeaderState::kOk;
}

Result<uint8_t> Reader::PeekTag() const {
  if (data_.empty()) return ProtocolError("BER element expected, found end of data");
  return uint8_t(data_[0]);
}

Result<Element> Reader::ReadElement() {
  Header header;
  const char* error = nullptr;
  switch (ParseHeader(data_, &header, &error)) {
    case HeaderState::kOk:
      break;
    case HeaderState::kNeedMore:
      return ProtocolError("BER element is truncated (incomplete header)");
    case HeaderState::kError:
      return ProtocolError(error);
  }
  if (header.length > data_.size() - header.header_size) {
    return ProtocolError("BER length exceeds the remaining data");
  }
  const size_t total = header.header_size + size_t(header.length);
  Element element{header.tag, data_.substr(header.header_size, size_t(header.length)),
                  data_.substr(0, total)};
  data_.remove_prefix(total);
  return element;
}

Result<Element> Reader::ReadElement(uint8_t tag) {
  if (data_.empty()) return ProtocolError("BER element with tag " + Hex(tag) + " expected");
  if (uint8_t(data_[0]) != tag) {
    return ProtocolError("BER tag " + Hex(tag) + " expected, found " + Hex(uint8_t(data_[0])));
  }
  return ReadElement();
}

Result<int64_t> Reader::DecodeIntegerContents(std::string_view c) {
  if (c.empty()) return ProtocolError("BER integer has no content octets");
  if (c.size() > 8) return ProtocolError("BER integer does not fit in 64 bits");
  if (c.size() > 1) {
    const uint8_t b0 = uint8_t(c[0]), b1 = uint8_t(c[1]);
    if ((b0 == 0x00 && b1 < 0x80) || (b0 == 0xFF && b1 >= 0x80)) {
      return ProtocolError("BER integer has a non-minimal encoding");
    }
  }
  // Sign-extend from the first octet, then shift the rest in (unsigned to avoid UB).
  uint64_t v = (uint8_t(c[0]) & 0x80) ? ~uint64_t{0} : 0;
  for (char ch : c) v = (v << 8) | uint8_t(ch);
  return static_cast<int64_t>(v);
}

Result<bool> Reader::DecodeBooleanContents(std::string_view contents) {
  if (contents.size() != 1) return ProtocolError("BER boolean must have exactly one octet");
  return contents[0] != 0;
}

Result<int64_t> Reader::ReadInteger(uint8_t tag) {
  SKYDIR_ASSIGN_OR_RETURN(Element e, ReadElement(tag));
  return DecodeIntegerContents(e.contents);
}

Result<bool> Reader::ReadBoolean(uint8_t tag) {
  SKYDIR_ASSIGN_OR_RETURN(Element e, ReadElement(tag));
  return DecodeBooleanContents(e.contents);
}

Result<std::string_view> Reader::ReadOctetString(uint8_t tag) {
  if (IsConstructed(tag)) return ProtocolError("BER octet string must be primitive");
  SKYDIR_ASSIGN_OR_RETURN(Element e, ReadElement(tag));
  return e.contents;
}

Status Reader::ReadNull(uint8_t tag) {
  SKYDIR_ASSIGN_OR_RETURN(Element e, ReadElement(tag));
  if (!e.contents.empty()) return ProtocolError("BER null must be empty");
  return Status::Ok();
}

Result<Reader> Reader::EnterConstructed(uint8_t tag) {
  if (!IsConstructed(tag)) return ProtocolError("BER tag " + Hex(tag) + " is not constructed");
  if (depth_ >= max_depth_) return ProtocolError("BER nesting exceeds the depth limit");
  SKYDIR_ASSIGN_OR_RETURN(Element e, ReadElement(tag));
  return Reader(e.contents, max_depth_, depth_ + 1);
}

Status Reader::ExpectEnd(std::string_view what) const {
  if (data_.empty()) return Status::Ok();
  return ProtocolError("unexpected trailing data in " + std::string(what));
}

}  // namespace skydir::ber
