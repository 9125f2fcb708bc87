#include "dit/entry.h"

#include <stdexcept>

#include "dit/normalize.h"
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

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
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
  static_assert(static_cast<size_t>(Attr::kCount) <= 256, "attribute ids are one byte");
  std::vector<const AttributeValues*> user, operational;
  for (const AttributeValues& a : draft.attributes) {
    (TypeOf(a.attr).usage == Usage::kUser ? user : operational).push_back(&a);
  }
  std::string ids;
  {
    ldap::AttributeListEncoder list(&bytes_, /*types_only=*/false);
    for (const AttributeValues* a : user) {
      ids.push_back(static_cast<char>(a->attr));
      list.Add(TypeOf(a->attr).name, a->values);
    }
    list.Finish();
  }
  user_end_ = Offset(bytes_.size());
  std::optional<size_t> dn_in_entry_dn;
  for (const AttributeValues* a : operational) {
    ids.push_back(static_cast<char>(a->attr));
    std::string one;
    ldap::AttributeListEncoder single(&one, /*types_only=*/false);
    single.Add(TypeOf(a->attr).name, a->values);
    single.Finish();
    const char* p = one.data();
    ReadHeader(&p);  // unwrap the list: keep the PartialAttribute alone
    bytes_.append(p, static_cast<size_t>(one.data() + one.size() - p));
    if (a->attr == Attr::kEntryDn && a->values.size() == 1 && a->values[0] == draft.dn) {
      dn_in_entry_dn = bytes_.size() - draft.dn.size();  // the TLV's last bytes
    }
  }
  if (dn_in_entry_dn) {
    dn_at_ = Offset(*dn_in_entry_dn);
  } else {
    dn_at_ = Offset(bytes_.size());
    bytes_ += draft.dn;
  }
  dn_size_ = Offset(draft.dn.size());
  ndn_at_ = Offset(bytes_.size());
  if (draft.ndn != AsciiLower(draft.dn)) bytes_ += draft.ndn;
  model_at_ = Offset(bytes_.size());
  bytes_ += draft.model_id;
  hash_at_ = Offset(bytes_.size());
  bytes_ += draft.password_hash;
  ids_at_ = Offset(bytes_.size());
  bytes_ += ids;
  Offset(bytes_.size());
  bytes_.shrink_to_fit();
}

std::string Entry::ndn() const {
  if (model_at_ > ndn_at_) return std::string(Slice(ndn_at_, model_at_));
  return AsciiLower(dn());
}

bool Entry::HasNdn(std::string_view ndn) const {
  if (model_at_ > ndn_at_) return Slice(ndn_at_, model_at_) == ndn;
  return EqualsIgnoreCase(dn(), ndn) && !HasUpper(ndn);
}

Values EncodedAttribute::values() const {
  const char* p = tlv.data();
  ReadHeader(&p);                        // PartialAttribute SEQUENCE
  p += ReadHeader(&p);                   // skip the type
  const size_t length = ReadHeader(&p);  // SET OF value
  return Values(std::string_view(p, length));
}

EncodedAttribute EncodedAttributes::iterator::operator*() const {
  const char* p = at_;
  const size_t length = ReadHeader(&p);
  return {static_cast<Attr>(static_cast<unsigned char>(*id_)),
          std::string_view(at_, static_cast<size_t>(p - at_) + length)};
}

EncodedAttributes::iterator& EncodedAttributes::iterator::operator++() {
  const char* p = at_;
  const size_t length = ReadHeader(&p);
  at_ = p + length;  // the next TLV
  ++id_;
  return *this;
}

EncodedAttributes Entry::attributes() const {
  const char* p = bytes_.data();
  ReadHeader(&p);  // into the user attribute list; the operational TLVs follow it directly
  return EncodedAttributes(p, Slice(ids_at_, bytes_.size()));
}

std::optional<Values> Entry::Find(Attr attr) const {
  for (EncodedAttribute a : attributes()) {
    if (a.attr == attr) return a.values();
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
