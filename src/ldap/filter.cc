// BER form of filters (RFC 4511 §4.5.1.7); the string form lives in filter_string.cc.
#include "ldap/filter.h"

#include <string>

#include "ber/reader.h"

namespace skydir::ldap {
namespace {

using ber::ContextTag;
using ber::ProtocolError;

constexpr uint8_t kTagSubInitial = ContextTag(0);
constexpr uint8_t kTagSubAny = ContextTag(1);
constexpr uint8_t kTagSubFinal = ContextTag(2);
constexpr uint8_t kTagRule = ContextTag(1);
constexpr uint8_t kTagType = ContextTag(2);
constexpr uint8_t kTagMatchValue = ContextTag(3);
constexpr uint8_t kTagDnAttributes = ContextTag(4);

uint8_t TagFor(FilterKind kind) {
  const uint8_t number = static_cast<uint8_t>(kind);
  return ContextTag(number, /*constructed=*/kind != FilterKind::kPresent);
}

class Decoder {
 public:
  explicit Decoder(const FilterLimits& limits) : limits_(limits) {}

  Result<Filter> Decode(const ber::Element& e, uint32_t depth) {
    if (depth > limits_.max_depth) return ProtocolError("filter nesting exceeds the limit");
    if (++terms_ > limits_.max_terms) return ProtocolError("filter has too many terms");
    if (ber::TagClass(e.tag) != ber::kClassContext || ber::TagNumber(e.tag) > 9 ||
        e.tag != TagFor(static_cast<FilterKind>(ber::TagNumber(e.tag)))) {
      return ProtocolError("unknown filter choice");
    }
    Filter f;
    f.kind = static_cast<FilterKind>(ber::TagNumber(e.tag));
    ber::Reader r(e.contents);
    switch (f.kind) {
      case FilterKind::kAnd:
      case FilterKind::kOr:
        while (!r.empty()) {
          SKYDIR_ASSIGN_OR_RETURN(ber::Element child, r.ReadElement());
          SKYDIR_ASSIGN_OR_RETURN(Filter sub, Decode(child, depth + 1));
          f.children.push_back(std::move(sub));
        }
        return f;
      case FilterKind::kNot: {
        SKYDIR_ASSIGN_OR_RETURN(ber::Element child, r.ReadElement());
        SKYDIR_RETURN_IF_ERROR(r.ExpectEnd("not filter"));
        SKYDIR_ASSIGN_OR_RETURN(Filter sub, Decode(child, depth + 1));
        f.children.push_back(std::move(sub));
        return f;
      }
      case FilterKind::kEqual:
      case FilterKind::kGreaterOrEqual:
      case FilterKind::kLessOrEqual:
      case FilterKind::kApprox: {
        SKYDIR_RETURN_IF_ERROR(ReadAttribute(r, &f.attribute));
        SKYDIR_ASSIGN_OR_RETURN(std::string_view value, r.ReadOctetString());
        f.value = value;
        SKYDIR_RETURN_IF_ERROR(r.ExpectEnd("attribute value assertion"));
        return f;
      }
      case FilterKind::kPresent:
        if (e.contents.empty()) return ProtocolError("present filter has an empty attribute");
        f.attribute = e.contents;
        return f;
      case FilterKind::kSubstrings:
        SKYDIR_RETURN_IF_ERROR(DecodeSubstrings(r, &f));
        return f;
      case FilterKind::kExtensible:
        SKYDIR_RETURN_IF_ERROR(DecodeExtensible(r, &f));
        return f;
    }
    return ProtocolError("unknown filter choice");
  }

 private:
  static Status ReadAttribute(ber::Reader& r, std::string* out) {
    SKYDIR_ASSIGN_OR_RETURN(std::string_view attr, r.ReadOctetString());
    if (attr.empty()) return ProtocolError("filter has an empty attribute description");
    *out = attr;
    return Status::Ok();
  }

  // SubstringFilter: type, SEQUENCE SIZE (1..MAX) OF CHOICE {initial [0], any [1], final [2]};
  // initial at most once and first, final at most once and last.
  static Status DecodeSubstrings(ber::Reader& r, Filter* f) {
    SKYDIR_RETURN_IF_ERROR(ReadAttribute(r, &f->attribute));
    SKYDIR_ASSIGN_OR_RETURN(ber::Reader parts, r.EnterConstructed(ber::kTagSequence));
    SKYDIR_RETURN_IF_ERROR(r.ExpectEnd("substring filter"));
    if (parts.empty()) return ProtocolError("substring filter has no substrings");
    bool first = true;
    while (!parts.empty()) {
      SKYDIR_ASSIGN_OR_RETURN(ber::Element part, parts.ReadElement());
      if (f->final_part) return ProtocolError("substring filter has parts after final");
      if (part.tag == kTagSubInitial && first) {
        f->initial = std::string(part.contents);
      } else if (part.tag == kTagSubAny) {
        f->any.emplace_back(part.contents);
      } else if (part.tag == kTagSubFinal) {
        f->final_part = std::string(part.contents);
      } else {
        return ProtocolError("substring filter has a misplaced or unknown part");
      }
      first = false;
    }
    return Status::Ok();
  }

  // MatchingRuleAssertion: matchingRule [1]?, type [2]?, matchValue [3], dnAttributes [4]
  // DEFAULT FALSE; a rule or a type must be present (RFC 4511 §4.5.1.7.7).
  static Status DecodeExtensible(ber::Reader& r, Filter* f) {
    if (r.NextIs(kTagRule)) {
      SKYDIR_ASSIGN_OR_RETURN(std::string_view rule, r.ReadOctetString(kTagRule));
      f->matching_rule = rule;
    }
    if (r.NextIs(kTagType)) {
      SKYDIR_ASSIGN_OR_RETURN(std::string_view type, r.ReadOctetString(kTagType));
      f->attribute = type;
    }
    SKYDIR_ASSIGN_OR_RETURN(std::string_view value, r.ReadOctetString(kTagMatchValue));
    f->value = value;
    if (r.NextIs(kTagDnAttributes)) {
      SKYDIR_ASSIGN_OR_RETURN(f->dn_attributes, r.ReadBoolean(kTagDnAttributes));
    }
    SKYDIR_RETURN_IF_ERROR(r.ExpectEnd("extensible match filter"));
    if (f->matching_rule.empty() && f->attribute.empty()) {
      return ProtocolError("extensible match needs a matching rule or a type");
    }
    return Status::Ok();
  }

  const FilterLimits& limits_;
  uint32_t terms_ = 0;
};

}  // namespace

Result<Filter> DecodeFilter(std::string_view ber, const FilterLimits& limits) {
  ber::Reader r(ber);
  SKYDIR_ASSIGN_OR_RETURN(ber::Element e, r.ReadElement());
  SKYDIR_RETURN_IF_ERROR(r.ExpectEnd("filter"));
  Decoder decoder(limits);
  return decoder.Decode(e, 1);
}

void AppendFilter(ber::Writer& w, const Filter& f) {
  const uint8_t tag = TagFor(f.kind);
  switch (f.kind) {
    case FilterKind::kPresent:
      w.AddOctetString(f.attribute, tag);
      return;
    case FilterKind::kAnd:
    case FilterKind::kOr:
    case FilterKind::kNot: {
      const size_t mark = w.Begin(tag);
      for (const Filter& child : f.children) AppendFilter(w, child);
      w.End(mark);
      return;
    }
    case FilterKind::kEqual:
    case FilterKind::kGreaterOrEqual:
    case FilterKind::kLessOrEqual:
    case FilterKind::kApprox: {
      const size_t mark = w.Begin(tag);
      w.AddOctetString(f.attribute);
      w.AddOctetString(f.value);
      w.End(mark);
      return;
    }
    case FilterKind::kSubstrings: {
      const size_t mark = w.Begin(tag);
      w.AddOctetString(f.attribute);
      const size_t parts = w.Begin(ber::kTagSequence);
      if (f.initial) w.AddOctetString(*f.initial, kTagSubInitial);
      for (const std::string& any : f.any) w.AddOctetString(any, kTagSubAny);
      if (f.final_part) w.AddOctetString(*f.final_part, kTagSubFinal);
      w.End(parts);
      w.End(mark);
      return;
    }
    case FilterKind::kExtensible: {
      const size_t mark = w.Begin(tag);
      if (!f.matching_rule.empty()) w.AddOctetString(f.matching_rule, kTagRule);
      if (!f.attribute.empty()) w.AddOctetString(f.attribute, kTagType);
      w.AddOctetString(f.value, kTagMatchValue);
      if (f.dn_attributes) w.AddBoolean(true, kTagDnAttributes);
      w.End(mark);
      return;
    }
  }
}

std::string EncodeFilter(const Filter& filter) {
  ber::Writer w;
  AppendFilter(w, filter);
  return w.Release();
}

size_t CountFilterTerms(const Filter& filter) {
  size_t n = 1;
  for (const Filter& child : filter.children) n += CountFilterTerms(child);
  return n;
}

}  // namespace skydir::ldap
