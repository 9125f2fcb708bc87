#include "dit/entry.h"

#include <stdexcept>

#include "ber/reader.h"
#include "ber/writer.h"
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

void EntryWriter::Begin(Attr attr) {
  const bool user = TypeOf(attr).usage == Usage::kUser;
  open_ = user ? &user_ : &operational_;
  (user ? user_ids_ : operational_ids_).push_back(static_cast<char>(attr));
  open_attr_ = attr;
  open_values_ = 0;
  ber::Writer w(open_);
  attribute_mark_ = w.Begin(ber::kTagSequence);
  w.AddOctetString(TypeOf(attr).name);
  set_mark_ = w.Begin(ber::kTagSet);
}

void EntryWriter::Value(std::string_view value) {
  ber::Writer(open_).AddOctetString(value);
  ++open_values_;
}

void EntryWriter::End() {
  ber::Writer w(open_);
  w.End(set_mark_);
  w.End(attribute_mark_);
  if (open_attr_ == Attr::kEntryDn && open_values_ == 1) {
    entry_dn_at_ = operational_.size();  // the value's end: its bytes are the TLV's last
  }
}

Entry EntryWriter::Finish(const Seal& seal) && {
  static_assert(static_cast<size_t>(Attr::kCount) <= 256, "attribute ids are one byte");
  Entry e;
  e.kind = kind_;
  e.can_bind = seal.can_bind;
  e.binding_user = seal.binding_user;
  e.locked_until = seal.locked_until;
  std::string& bytes = e.bytes_;
  const bool ndn_apart = seal.ndn != AsciiLower(seal.dn);
  bool dn_apart = true;
  size_t dn_at = 0;
  if (entry_dn_at_ && *entry_dn_at_ >= seal.dn.size() &&
      std::string_view(operational_).substr(*entry_dn_at_ - seal.dn.size(), seal.dn.size()) ==
          seal.dn) {
    dn_apart = false;
    dn_at = *entry_dn_at_ - seal.dn.size();
  }
  bytes.reserve(1 + ber::EncodedLengthSize(user_.size()) + user_.size() + operational_.size() +
                (dn_apart ? seal.dn.size() : 0) + (ndn_apart ? seal.ndn.size() : 0) +
                seal.model_id.size() + seal.password_hash.size() + user_ids_.size() +
                operational_ids_.size());
  bytes.push_back(static_cast<char>(ber::kTagSequence));
  ber::AppendLength(&bytes, user_.size());
  bytes += user_;
  e.user_end_ = Offset(bytes.size());
  if (!dn_apart) dn_at += bytes.size();
  bytes += operational_;
  if (dn_apart) {
    dn_at = bytes.size();
    bytes += seal.dn;
  }
  e.dn_at_ = Offset(dn_at);
  e.dn_size_ = Offset(seal.dn.size());
  e.ndn_at_ = Offset(bytes.size());
  if (ndn_apart) bytes += seal.ndn;
  e.model_at_ = Offset(bytes.size());
  bytes += seal.model_id;
  e.hash_at_ = Offset(bytes.size());
  bytes += seal.password_hash;
  e.ids_at_ = Offset(bytes.size());
  bytes += user_ids_;
  bytes += operational_ids_;
  Offset(bytes.size());
  return e;
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

}  // namespace skydir::dit
