// Request decoding (RFC 4511 §4.1-§4.12).
#include <cstdint>
#include <string>

#include "ber/reader.h"
#include "ldap/message.h"

namespace skydir::ldap {
namespace {

using ber::ApplicationTag;
using ber::ContextTag;
using ber::ProtocolError;
using ber::Reader;

constexpr int64_t kMaxInt = INT32_MAX;  // RFC 4511 §4.1.1 maxInt
constexpr uint8_t kTagControls = ContextTag(0, true);
constexpr uint8_t kTagSimple = ContextTag(0);
constexpr uint8_t kTagSasl = ContextTag(3, true);
constexpr uint8_t kTagNewSuperior = ContextTag(0);
constexpr uint8_t kTagRequestName = ContextTag(0);
constexpr uint8_t kTagRequestValue = ContextTag(1);

uint8_t WireTag(OpTag op, bool constructed) {
  return ApplicationTag(static_cast<uint8_t>(op), constructed);
}

// The request op named by a protocolOp tag (number and form both checked), if any.
std::optional<OpTag> RequestOpForTag(uint8_t tag) {
  if (ber::TagClass(tag) != ber::kClassApplication) return std::nullopt;
  const OpTag op = static_cast<OpTag>(ber::TagNumber(tag));
  switch (op) {
    case OpTag::kUnbindRequest:
    case OpTag::kDelRequest:
    case OpTag::kAbandonRequest:
      if (tag == WireTag(op, false)) return op;
      return std::nullopt;
    case OpTag::kBindRequest:
    case OpTag::kSearchRequest:
    case OpTag::kModifyRequest:
    case OpTag::kAddRequest:
    case OpTag::kModifyDnRequest:
    case OpTag::kCompareRequest:
    case OpTag::kExtendedRequest:
      if (tag == WireTag(op, true)) return op;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Result<std::string> ReadString(Reader& r) {
  SKYDIR_ASSIGN_OR_RETURN(std::string_view s, r.ReadOctetString());
  return std::string(s);
}

Result<int64_t> ReadBounded(Reader& r, uint8_t tag, int64_t max, const char* what) {
  SKYDIR_ASSIGN_OR_RETURN(int64_t v, r.ReadInteger(tag));
  if (v < 0 || v > max) return ProtocolError(std::string(what) + " is out of range");
  return v;
}

Status DecodeBind(Reader& r, BindRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(req->version, ReadBounded(r, ber::kTagInteger, 127, "bind version"));
  SKYDIR_ASSIGN_OR_RETURN(req->name, ReadString(r));
  if (r.NextIs(kTagSimple)) {
    SKYDIR_ASSIGN_OR_RETURN(std::string_view password, r.ReadOctetString(kTagSimple));
    req->auth = BindRequest::Auth::kSimple;
    req->simple_password = password;
  } else if (r.NextIs(kTagSasl)) {
    SKYDIR_ASSIGN_OR_RETURN(Reader sasl, r.EnterConstructed(kTagSasl));
    req->auth = BindRequest::Auth::kSasl;
    SKYDIR_ASSIGN_OR_RETURN(req->sasl_mechanism, ReadString(sasl));
    if (!sasl.empty()) {
      SKYDIR_ASSIGN_OR_RETURN(req->sasl_credentials, ReadString(sasl));
    }
    SKYDIR_RETURN_IF_ERROR(sasl.ExpectEnd("SaslCredentials"));
  } else {
    return ProtocolError("unknown bind authentication choice");
  }
  return r.ExpectEnd("BindRequest");
}

Status DecodeSearch(Reader& r, const DecodeLimits& limits, SearchRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(req->base, ReadString(r));
  SKYDIR_ASSIGN_OR_RETURN(int64_t scope, ReadBounded(r, ber::kTagEnumerated, 2, "search scope"));
  req->scope = static_cast<SearchScope>(scope);
  SKYDIR_ASSIGN_OR_RETURN(int64_t deref, ReadBounded(r, ber::kTagEnumerated, 3, "derefAliases"));
  req->deref = static_cast<DerefAliases>(deref);
  SKYDIR_ASSIGN_OR_RETURN(req->size_limit, ReadBounded(r, ber::kTagInteger, kMaxInt, "sizeLimit"));
  SKYDIR_ASSIGN_OR_RETURN(req->time_limit, ReadBounded(r, ber::kTagInteger, kMaxInt, "timeLimit"));
  SKYDIR_ASSIGN_OR_RETURN(req->types_only, r.ReadBoolean());
  SKYDIR_ASSIGN_OR_RETURN(ber::Element filter, r.ReadElement());
  SKYDIR_ASSIGN_OR_RETURN(req->filter, DecodeFilter(filter.raw, limits.filter));
  SKYDIR_ASSIGN_OR_RETURN(Reader attrs, r.EnterConstructed(ber::kTagSequence));
  while (!attrs.empty()) {
    if (req->attributes.size() >= limits.max_attributes) {
      return ProtocolError("search requests too many attributes");
    }
    SKYDIR_ASSIGN_OR_RETURN(std::string attr, ReadString(attrs));
    req->attributes.push_back(std::move(attr));
  }
  return r.ExpectEnd("SearchRequest");
}

// PartialAttribute ::= SEQUENCE { type AttributeDescription, vals SET OF AttributeValue }
Status DecodeAttribute(Reader& r, const DecodeLimits& limits, Attribute* attr) {
  SKYDIR_ASSIGN_OR_RETURN(Reader seq, r.EnterConstructed(ber::kTagSequence));
  SKYDIR_ASSIGN_OR_RETURN(attr->type, ReadString(seq));
  SKYDIR_ASSIGN_OR_RETURN(Reader vals, seq.EnterConstructed(ber::kTagSet));
  while (!vals.empty()) {
    if (attr->values.size() >= limits.max_values) return ProtocolError("too many values");
    SKYDIR_ASSIGN_OR_RETURN(std::string value, ReadString(vals));
    attr->values.push_back(std::move(value));
  }
  return seq.ExpectEnd("PartialAttribute");
}

Status DecodeModify(Reader& r, const DecodeLimits& limits, ModifyRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(req->object, ReadString(r));
  SKYDIR_ASSIGN_OR_RETURN(Reader changes, r.EnterConstructed(ber::kTagSequence));
  while (!changes.empty()) {
    if (req->changes.size() >= limits.max_changes) return ProtocolError("too many changes");
    SKYDIR_ASSIGN_OR_RETURN(Reader change, changes.EnterConstructed(ber::kTagSequence));
    ModifyRequest::Change c;
    SKYDIR_ASSIGN_OR_RETURN(int64_t op, ReadBounded(change, ber::kTagEnumerated, 3, "operation"));
    c.op = static_cast<ModifyOp>(op);
    SKYDIR_RETURN_IF_ERROR(DecodeAttribute(change, limits, &c.modification));
    SKYDIR_RETURN_IF_ERROR(change.ExpectEnd("change"));
    req->changes.push_back(std::move(c));
  }
  return r.ExpectEnd("ModifyRequest");
}

Status DecodeAdd(Reader& r, const DecodeLimits& limits, AddRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(req->entry, ReadString(r));
  SKYDIR_ASSIGN_OR_RETURN(Reader attrs, r.EnterConstructed(ber::kTagSequence));
  while (!attrs.empty()) {
    if (req->attributes.size() >= limits.max_changes) return ProtocolError("too many attributes");
    Attribute attr;
    SKYDIR_RETURN_IF_ERROR(DecodeAttribute(attrs, limits, &attr));
    req->attributes.push_back(std::move(attr));
  }
  return r.ExpectEnd("AddRequest");
}

Status DecodeModifyDn(Reader& r, ModifyDnRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(req->entry, ReadString(r));
  SKYDIR_ASSIGN_OR_RETURN(req->new_rdn, ReadString(r));
  SKYDIR_ASSIGN_OR_RETURN(req->delete_old_rdn, r.ReadBoolean());
  if (r.NextIs(kTagNewSuperior)) {
    SKYDIR_ASSIGN_OR_RETURN(std::string_view superior, r.ReadOctetString(kTagNewSuperior));
    req->new_superior = std::string(superior);
  }
  return r.ExpectEnd("ModifyDNRequest");
}

Status DecodeCompare(Reader& r, CompareRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(req->entry, ReadString(r));
  SKYDIR_ASSIGN_OR_RETURN(Reader ava, r.EnterConstructed(ber::kTagSequence));
  SKYDIR_ASSIGN_OR_RETURN(req->attribute, ReadString(ava));
  SKYDIR_ASSIGN_OR_RETURN(req->value, ReadString(ava));
  SKYDIR_RETURN_IF_ERROR(ava.ExpectEnd("AttributeValueAssertion"));
  return r.ExpectEnd("CompareRequest");
}

Status DecodeExtended(Reader& r, ExtendedRequest* req) {
  SKYDIR_ASSIGN_OR_RETURN(std::string_view oid, r.ReadOctetString(kTagRequestName));
  req->oid = oid;
  if (r.NextIs(kTagRequestValue)) {
    SKYDIR_ASSIGN_OR_RETURN(std::string_view value, r.ReadOctetString(kTagRequestValue));
    req->value = std::string(value);
  }
  return r.ExpectEnd("ExtendedRequest");
}

Status DecodeControls(Reader& r, const DecodeLimits& limits, std::vector<Control>* out) {
  SKYDIR_ASSIGN_OR_RETURN(Reader list, r.EnterConstructed(kTagControls));
  while (!list.empty()) {
    if (out->size() >= limits.max_controls) return ProtocolError("too many controls");
    SKYDIR_ASSIGN_OR_RETURN(Reader seq, list.EnterConstructed(ber::kTagSequence));
    Control c;
    SKYDIR_ASSIGN_OR_RETURN(c.oid, ReadString(seq));
    if (seq.NextIs(ber::kTagBoolean)) {
      SKYDIR_ASSIGN_OR_RETURN(c.critical, seq.ReadBoolean());
    }
    if (seq.NextIs(ber::kTagOctetString)) {
      SKYDIR_ASSIGN_OR_RETURN(c.value, ReadString(seq));
    }
    SKYDIR_RETURN_IF_ERROR(seq.ExpectEnd("Control"));
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

// Decodes the protocolOp element whose tag names `op`, advancing `msg` past it.
Status DecodeOp(Reader& msg, OpTag op, const DecodeLimits& limits, ProtocolOp* out) {
  if (op == OpTag::kUnbindRequest || op == OpTag::kDelRequest || op == OpTag::kAbandonRequest) {
    SKYDIR_ASSIGN_OR_RETURN(ber::Element e, msg.ReadElement());
    if (op == OpTag::kUnbindRequest) {
      if (!e.contents.empty()) return ProtocolError("UnbindRequest must be empty");
      *out = UnbindRequest{};
    } else if (op == OpTag::kDelRequest) {
      *out = DelRequest{std::string(e.contents)};
    } else {
      SKYDIR_ASSIGN_OR_RETURN(int64_t id, Reader::DecodeIntegerContents(e.contents));
      if (id < 0 || id > kMaxInt) return ProtocolError("abandoned message ID is out of range");
      *out = AbandonRequest{static_cast<int32_t>(id)};
    }
    return Status::Ok();
  }
  SKYDIR_ASSIGN_OR_RETURN(Reader r, msg.EnterConstructed(WireTag(op, true)));
  switch (op) {
    case OpTag::kBindRequest:
      return DecodeBind(r, &out->emplace<BindRequest>());
    case OpTag::kSearchRequest:
      return DecodeSearch(r, limits, &out->emplace<SearchRequest>());
    case OpTag::kModifyRequest:
      return DecodeModify(r, limits, &out->emplace<ModifyRequest>());
    case OpTag::kAddRequest:
      return DecodeAdd(r, limits, &out->emplace<AddRequest>());
    case OpTag::kModifyDnRequest:
      return DecodeModifyDn(r, &out->emplace<ModifyDnRequest>());
    case OpTag::kCompareRequest:
      return DecodeCompare(r, &out->emplace<CompareRequest>());
    case OpTag::kExtendedRequest:
      return DecodeExtended(r, &out->emplace<ExtendedRequest>());
    default:
      return ProtocolError("unknown protocol operation");
  }
}

}  // namespace

Result<Request> DecodeRequest(std::string_view pdu, const DecodeLimits& limits,
                              DecodeFailure* failure) {
  DecodeFailure local;
  DecodeFailure& info = failure != nullptr ? *failure : local;
  info = DecodeFailure{};
  Reader top(pdu, limits.max_ber_depth);
  SKYDIR_ASSIGN_OR_RETURN(Reader msg, top.EnterConstructed(ber::kTagSequence));
  SKYDIR_RETURN_IF_ERROR(top.ExpectEnd("PDU"));
  // §4.1.1: messageID 0 is reserved for unsolicited notifications.
  SKYDIR_ASSIGN_OR_RETURN(int64_t id, msg.ReadInteger());
  if (id < 1 || id > kMaxInt) return ProtocolError("message ID is out of range");
  info.message_id = static_cast<int32_t>(id);

  SKYDIR_ASSIGN_OR_RETURN(uint8_t tag, msg.PeekTag());
  const std::optional<OpTag> op = RequestOpForTag(tag);
  if (!op) return ProtocolError("unknown protocol operation");
  info.op = op;

  Request req;
  req.message_id = static_cast<int32_t>(id);
  SKYDIR_RETURN_IF_ERROR(DecodeOp(msg, *op, limits, &req.op));
  if (msg.NextIs(kTagControls)) {
    SKYDIR_RETURN_IF_ERROR(DecodeControls(msg, limits, &req.controls));
  }
  SKYDIR_RETURN_IF_ERROR(msg.ExpectEnd("LDAPMessage"));
  return req;
}

}  // namespace skydir::ldap
