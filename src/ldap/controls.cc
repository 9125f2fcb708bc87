#include "ldap/controls.h"

#include "ber/reader.h"
#include "ber/writer.h"

namespace skydir::ldap {
namespace {

using ber::ContextTag;
using ber::ProtocolError;

constexpr int64_t kMaxInt = INT32_MAX;
// Control values are small and flat; this bounds the reader all the same.
constexpr uint32_t kValueMaxDepth = 4;

}  // namespace

Result<PagedResultsValue> DecodePagedResultsValue(std::string_view value) {
  ber::Reader top(value, kValueMaxDepth);
  SKYDIR_ASSIGN_OR_RETURN(ber::Reader seq, top.EnterConstructed(ber::kTagSequence));
  SKYDIR_RETURN_IF_ERROR(top.ExpectEnd("paged results value"));
  SKYDIR_ASSIGN_OR_RETURN(int64_t size, seq.ReadInteger());
  if (size < 0 || size > kMaxInt) return ProtocolError("paged results size is out of range");
  SKYDIR_ASSIGN_OR_RETURN(std::string_view cookie, seq.ReadOctetString());
  SKYDIR_RETURN_IF_ERROR(seq.ExpectEnd("paged results value"));
  return PagedResultsValue{static_cast<int32_t>(size), std::string(cookie)};
}

std::string EncodePagedResultsValue(int32_t size, std::string_view cookie) {
  ber::Writer w;
  const size_t seq = w.Begin(ber::kTagSequence);
  w.AddInteger(size);
  w.AddOctetString(cookie);
  w.End(seq);
  return w.Release();
}

Result<std::vector<SortKey>> DecodeSortRequestValue(std::string_view value, size_t max_keys) {
  ber::Reader top(value, kValueMaxDepth);
  SKYDIR_ASSIGN_OR_RETURN(ber::Reader list, top.EnterConstructed(ber::kTagSequence));
  SKYDIR_RETURN_IF_ERROR(top.ExpectEnd("sort request value"));
  std::vector<SortKey> keys;
  while (!list.empty()) {
    if (keys.size() >= max_keys) return ProtocolError("too many sort keys");
    SKYDIR_ASSIGN_OR_RETURN(ber::Reader seq, list.EnterConstructed(ber::kTagSequence));
    SortKey key;
    SKYDIR_ASSIGN_OR_RETURN(std::string_view attr, seq.ReadOctetString());
    key.attribute = attr;
    if (seq.NextIs(ContextTag(0))) {
      SKYDIR_ASSIGN_OR_RETURN(std::string_view rule, seq.ReadOctetString(ContextTag(0)));
      key.ordering_rule = std::string(rule);
    }
    if (seq.NextIs(ContextTag(1))) {
      SKYDIR_ASSIGN_OR_RETURN(key.reverse, seq.ReadBoolean(ContextTag(1)));
    }
    SKYDIR_RETURN_IF_ERROR(seq.ExpectEnd("sort key"));
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return ProtocolError("sort request has no keys");
  return keys;
}

std::string EncodeSortResponseValue(Code sort_result, std::optional<std::string_view> attribute) {
  ber::Writer w;
  const size_t seq = w.Begin(ber::kTagSequence);
  w.AddEnumerated(static_cast<int64_t>(sort_result));
  if (attribute) w.AddOctetString(*attribute, ContextTag(0));
  w.End(seq);
  return w.Release();
}

Result<PasswordModifyRequest> DecodePasswordModifyValue(std::optional<std::string_view> value) {
  PasswordModifyRequest req;
  if (!value) return req;
  ber::Reader top(*value, kValueMaxDepth);
  SKYDIR_ASSIGN_OR_RETURN(ber::Reader seq, top.EnterConstructed(ber::kTagSequence));
  SKYDIR_RETURN_IF_ERROR(top.ExpectEnd("password modify value"));
  std::optional<std::string>* fields[] = {&req.user_identity, &req.old_password, &req.new_password};
  for (uint8_t i = 0; i < 3; ++i) {
    if (seq.NextIs(ContextTag(i))) {
      SKYDIR_ASSIGN_OR_RETURN(std::string_view field, seq.ReadOctetString(ContextTag(i)));
      *fields[i] = std::string(field);
    }
  }
  SKYDIR_RETURN_IF_ERROR(seq.ExpectEnd("password modify value"));
  return req;
}

std::string EncodePasswordModifyResponseValue(std::optional<std::string_view> generated_password) {
  ber::Writer w;
  const size_t seq = w.Begin(ber::kTagSequence);
  if (generated_password) w.AddOctetString(*generated_password, ContextTag(0));
  w.End(seq);
  return w.Release();
}

}  // namespace skydir::ldap
