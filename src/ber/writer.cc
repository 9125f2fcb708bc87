#include "ber/writer.h"

#include <cassert>

namespace skydir::ber {

void AppendLength(std::string* out, size_t length) {
  if (length < 0x80) {
    out->push_back(char(length));
    return;
  }
  char buf[sizeof(size_t)];
  size_t n = 0;
  for (size_t v = length; v != 0; v >>= 8) buf[n++] = char(v & 0xFF);
  out->push_back(char(0x80 | n));
  while (n > 0) out->push_back(buf[--n]);
}

void Writer::AddHeader(uint8_t tag, size_t length) {
  out_->push_back(char(tag));
  AppendLength(out_, length);
}

void Writer::AddInteger(int64_t value, uint8_t tag) {
  // Emit the fewest two's-complement octets that keep the sign bit right.
  const uint64_t u = static_cast<uint64_t>(value);
  size_t n = 8;
  while (n > 1) {
    const uint8_t top = uint8_t(u >> ((n - 1) * 8));
    const uint8_t next_high = uint8_t(u >> ((n - 2) * 8)) & 0x80;
    if ((top == 0x00 && next_high == 0) || (top == 0xFF && next_high != 0)) {
      --n;
    } else {
      break;
    }
  }
  AddHeader(tag, n);
  while (n > 0) out_->push_back(char(uint8_t(u >> (--n * 8))));
}

void Writer::AddBoolean(bool value, uint8_t tag) {
  AddHeader(tag, 1);
  out_->push_back(value ? char(0xFF) : char(0x00));
}

void Writer::AddOctetString(std::string_view value, uint8_t tag) {
  AddHeader(tag, value.size());
  out_->append(value);
}

void Writer::AddNull(uint8_t tag) { AddHeader(tag, 0); }

size_t Writer::Begin(uint8_t tag) {
  assert(IsConstructed(tag));
  out_->push_back(char(tag));
  const size_t mark = out_->size();
  out_->push_back('\0');  // short-form placeholder, widened by End() if needed
  return mark;
}

void Writer::End(size_t mark) {
  assert(mark < out_->size());
  const size_t length = out_->size() - mark - 1;
  if (length < 0x80) {
    (*out_)[mark] = char(length);
    return;
  }
  std::string header;
  AppendLength(&header, length);
  (*out_)[mark] = header[0];
  out_->insert(mark + 1, header, 1, std::string::npos);
}

}  // namespace skydir::ber
