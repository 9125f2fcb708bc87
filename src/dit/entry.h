// One LDAP entry as served from a snapshot, sealed into a single buffer: the BER of its user
// attributes as a PartialAttributeList (sent as is to every search that asks for all user
// attributes), then its operational attributes as PartialAttributes, then its DN, normalized
// DN, model id and password hash. Attribute values are read in place from that BER, so an
// entry costs one allocation for its bytes and one for its small attribute table, whatever its
// number of attributes and values (issue 7: memory).
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dit/schema.h"

namespace skydir::dit {

enum class EntryKind : uint8_t { kOrg, kUsersOu, kUser, kGroup };

// The values of one sealed attribute: a forward range of string_views over the BER
// `SET OF OCTET STRING` that holds them.
class Values {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;

    iterator() = default;
    iterator(const char* at, const char* end) : at_(at), end_(end) { Read(); }
    std::string_view operator*() const { return value_; }
    iterator& operator++() {
      at_ = value_.data() + value_.size();
      Read();
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const iterator& o) const { return at_ == o.at_; }

   private:
    void Read();
    const char* at_ = nullptr;
    const char* end_ = nullptr;
    std::string_view value_;
  };

  Values() = default;
  explicit Values(std::string_view set_contents) : contents_(set_contents) {}
  iterator begin() const { return {contents_.data(), contents_.data() + contents_.size()}; }
  iterator end() const {
    const char* e = contents_.data() + contents_.size();
    return {e, e};
  }
  bool empty() const { return contents_.empty(); }
  size_t size() const;
  std::string_view front() const { return *begin(); }

 private:
  std::string_view contents_;
};

// One sealed attribute: its type and its whole PartialAttribute TLV.
struct EncodedAttribute {
  Attr attr;
  std::string_view tlv;  // SEQUENCE { type, SET OF value }, ready to append to a list
  Values values() const;
};

// The attributes of a sealed entry in the order they are returned, user ones first: a forward
// range that walks the entry's BER.
class EncodedAttributes {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = EncodedAttribute;
    using difference_type = std::ptrdiff_t;
    using pointer = const EncodedAttribute*;
    using reference = EncodedAttribute;

    iterator() = default;
    iterator(const char* at, const char* ids) : at_(at), id_(ids) {}
    EncodedAttribute operator*() const;
    iterator& operator++();
    iterator operator++(int) {
      iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const iterator& o) const { return id_ == o.id_; }

   private:
    const char* at_ = nullptr;  // the current TLV
    const char* id_ = nullptr;  // the current attribute id
  };

  EncodedAttributes(const char* first, std::string_view ids) : first_(first), ids_(ids) {}
  iterator begin() const { return {first_, ids_.data()}; }
  iterator end() const { return {nullptr, ids_.data() + ids_.size()}; }
  size_t size() const { return ids_.size(); }

 private:
  const char* first_;
  std::string_view ids_;
};

class Entry;

// Writes a sealed entry attribute by attribute, straight into its BER: no value is held
// apart first (what a snapshot build does for every user and group).
class EntryWriter {
 public:
  explicit EntryWriter(EntryKind kind) : kind_(kind) {}

  // One value; nothing when it is empty.
  void Add(Attr attr, std::string_view value) {
    if (value.empty()) return;
    Begin(attr);
    Value(value);
    End();
  }
  // Every value of a range of string-likes; nothing when the range is empty.
  template <typename Range>
  void AddAll(Attr attr, const Range& values) {
    if (std::begin(values) == std::end(values)) return;
    Begin(attr);
    for (const auto& v : values) Value(std::string_view(v));
    End();
  }

  struct Seal {
    std::string_view dn = {}, ndn = {}, model_id = {}, password_hash = {};
    bool can_bind = false, binding_user = false;
    int64_t locked_until = 0;
  };
  Entry Finish(const Seal& seal) &&;

 private:
  void Begin(Attr attr);
  void Value(std::string_view value);
  void End();

  EntryKind kind_;
  std::string user_, operational_;  // PartialAttribute TLVs
  std::string user_ids_, operational_ids_;
  std::string* open_ = nullptr;     // the buffer of the attribute being written
  size_t attribute_mark_ = 0, set_mark_ = 0;
  Attr open_attr_ = Attr::kCount;
  std::optional<size_t> entry_dn_at_;  // in operational_, when entryDN has one value
  size_t open_values_ = 0;
};

class Entry {
 public:
  Entry() = default;  // no attributes, empty DN; entries are made by EntryWriter

  EntryKind kind = EntryKind::kUser;
  // Users only: what Bind needs.
  bool can_bind = false;          // activated, connected, not locked by policy
  bool binding_user = false;      // "Enable as LDAP Bind DN": may search the org
  int64_t locked_until = 0;       // 0, or the time an automatic lockout ends

  std::string_view dn() const { return Slice(dn_at_, dn_at_ + dn_size_); }
  // The normalized DN; stored only when it is not the DN in ASCII lower case.
  std::string ndn() const;
  bool HasNdn(std::string_view ndn) const;
  std::string_view model_id() const { return Slice(model_at_, hash_at_); }
  std::string_view password_hash() const { return Slice(hash_at_, ids_at_); }
  // BER of the PartialAttributeList holding every user attribute (RFC 4511 §4.5.2).
  std::string_view encoded_user_attributes() const { return Slice(0, user_end_); }

  EncodedAttributes attributes() const;
  std::optional<Values> Find(Attr attr) const;

 private:
  friend class EntryWriter;
  friend class SnapshotCodec;  // snapshot files (snapshot_file.h)
  std::string_view Slice(size_t from, size_t to) const {
    return std::string_view(bytes_).substr(from, to - from);
  }

  // [user attribute list][operational PartialAttributes][dn?][ndn?][model id][hash][ids]:
  // the DN is the entryDN value when the entry has one (every org entry does), else stored;
  // the normalized DN is stored when lower-casing the DN does not give it; one attribute id
  // byte per attribute, in order.
  std::string bytes_;
  uint32_t user_end_ = 0, ndn_at_ = 0, model_at_ = 0, hash_at_ = 0, ids_at_ = 0;
  uint32_t dn_at_ = 0, dn_size_ = 0;
};

}  // namespace skydir::dit
