#include "dit/entry.h"

#include <stdexcept>

#include "ldap/message.h"

namespace skydir::dit {

namespace {

// Reads the tag and definite length at *p (BER this file wrote itself: lengths fit in four
// octets) and leaves *p at the contents; returns the contents' length.
size_t ReadHeader(const char** p) {
  const auto* u = reinterpret_cast<const unsigned char*>(*p);
  size_t length = u[1];
  size_t header = 2;
  if (length & 0x80) {
    const size_t octets = length & 0x7f;
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = (length << 8) | u[2 + i];
    header += octets;
  }
  *p += header;
  return length;
}

uint32_t Offset(size_t n) {
  if (n > UINT32_MAX) throw std::length_error("entry larger than 4 GiB");
  return static_cast<uint32_t>(n);
}

}  // namespace

void Values::iterator::Read() {
  if (at_ >= end_) {
    at_ = end_;
    value_ = {};
    return;
  }
  const char* p = at_;
  const size_t length = ReadHeader(&p);
  value_ = std::string_view(p, length);
}

size_t Values::size() const {
  size_t n = 0;
  for (auto it = begin(); it != end(); ++it) ++n;
  return n;
}

std::vector<std::string> Values::ToStrings() const {
  std::vector<std::string> out;
  for (std::string_view v : *this) out.emplace_back(v);
  return out;
}

Entry::Entry(const EntryDraft& draft)
    : kind(draft.kind),
      can_bind(draft.can_bind),
      binding_user(draft.binding_user),
      locked_until(draft.locked_until) {
  std::vector<const AttributeValues*> user, operational;
  for (const AttributeValues& a : draft.attributes) {
    (TypeOf(a.attr).usage == Usage::kUser ? user : operational).push_back(&a);
  }
  table_.reserve(draft.attributes.size());
  {
    ldap::AttributeListEncoder list(&bytes_, /*types_only=*/false);
    for (const AttributeValues* a : user) {
      table_.push_back({Offset(bytes_.size()), a->attr});
      list.Add(TypeOf(a->attr).name, a->values);
    }
    list.Finish();
  }
  // The list's length octets were fixed by Finish(), which may have moved its contents.
  user_end_ = Offset(bytes_.size());
  size_t at = 0;
  {
    const char* p = bytes_.data();
    ReadHeader(&p);
    at = static_cast<size_t>(p - bytes_.data());
  }
  for (size_t i = 0; i < user.size(); ++i) {
    table_[i].offset = Offset(at);
    const char* p = bytes_.data() + at;
    const size_t length = ReadHeader(&p);
    at = static_cast<size_t>(p - bytes_.data()) + length;
  }
  for (const AttributeValues* a : operational) {
    table_.push_back({Offset(bytes_.size()), a->attr});
    std::string one;
    ldap::AttributeListEncoder single(&one, /*types_only=*/false);
    single.Add(TypeOf(a->attr).name, a->values);
    single.Finish();
    const char* p = one.data();
    ReadHeader(&p);  // unwrap the list: keep the PartialAttribute alone
    bytes_.append(p, static_cast<size_t>(one.data() + one.size() - p));
  }
  dn_at_ = Offset(bytes_.size());
  bytes_ += draft.dn;
  ndn_at_ = Offset(bytes_.size());
  bytes_ += draft.ndn;
  model_at_ = Offset(bytes_.size());
  bytes_ += draft.model_id;
  hash_at_ = Offset(bytes_.size());
  bytes_ += draft.password_hash;
  Offset(bytes_.size());
  bytes_.shrink_to_fit();
  table_.shrink_to_fit();
}

std::string_view Entry::encoded_attribute(size_t i) const {
  const char* start = bytes_.data() + table_[i].offset;
  const char* p = start;
  const size_t length = ReadHeader(&p);
  return std::string_view(start, static_cast<size_t>(p - start) + length);
}

Values Entry::values(size_t i) const {
  const char* p = bytes_.data() + table_[i].offset;
  ReadHeader(&p);                 // PartialAttribute SEQUENCE
  p += ReadHeader(&p);            // skip the type
  const size_t length = ReadHeader(&p);  // SET OF value
  return Values(std::string_view(p, length));
}

std::optional<Values> Entry::Find(Attr attr) const {
  for (size_t i = 0; i < table_.size(); ++i) {
    if (table_[i].attr == attr) return values(i);
  }
  return std::nullopt;
}

std::string EncodeAttributeList(const std::vector<const AttributeValues*>& attrs,
                                bool types_only) {
  std::string out;
  ldap::AttributeListEncoder encoder(&out, types_only);
  for (const AttributeValues* a : attrs) encoder.Add(TypeOf(a->attr).name, a->values);
  encoder.Finish();
  return out;
}

}  // namespace skydir::dit
