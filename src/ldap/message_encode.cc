// Response encoding (RFC 4511 §4.1.9-§4.12) and small helpers shared by requests.
#include <string>

#include "ber/reader.h"
#include "ldap/controls.h"
#include "ldap/message.h"

namespace skydir::ldap {
namespace {

using ber::ContextTag;

constexpr uint8_t kTagControls = ContextTag(0, true);
constexpr uint8_t kTagServerSaslCreds = ContextTag(7);
constexpr uint8_t kTagResponseName = ContextTag(10);
constexpr uint8_t kTagResponseValue = ContextTag(11);

uint8_t ResponseTag(OpTag op) { return ber::ApplicationTag(static_cast<uint8_t>(op), true); }

size_t BeginMessage(ber::Writer& w, int32_t message_id) {
  const size_t mark = w.Begin(ber::kTagSequence);
  w.AddInteger(message_id);
  return mark;
}

// Controls ::= [0] SEQUENCE OF Control (§4.1.11).
void AppendControls(ber::Writer& w, std::span<const Control> controls) {
  if (controls.empty()) return;
  const size_t list = w.Begin(kTagControls);
  for (const Control& c : controls) {
    const size_t seq = w.Begin(ber::kTagSequence);
    w.AddOctetString(c.oid);
    if (c.critical) w.AddBoolean(true);  // DEFAULT FALSE is omitted
    if (c.value) w.AddOctetString(*c.value);
    w.End(seq);
  }
  w.End(list);
}

void EndMessage(ber::Writer& w, size_t mark, std::span<const Control> controls) {
  AppendControls(w, controls);
  w.End(mark);
}

void AddResultFields(ber::Writer& w, const LdapResult& result) {
  w.AddEnumerated(static_cast<int64_t>(result.code));
  w.AddOctetString(result.matched_dn);
  w.AddOctetString(result.diagnostic_message);
}

}  // namespace

std::optional<OpTag> ResponseOpFor(OpTag request) {
  switch (request) {
    case OpTag::kBindRequest:
      return OpTag::kBindResponse;
    case OpTag::kSearchRequest:
      return OpTag::kSearchResultDone;
    case OpTag::kModifyRequest:
      return OpTag::kModifyResponse;
    case OpTag::kAddRequest:
      return OpTag::kAddResponse;
    case OpTag::kDelRequest:
      return OpTag::kDelResponse;
    case OpTag::kModifyDnRequest:
      return OpTag::kModifyDnResponse;
    case OpTag::kCompareRequest:
      return OpTag::kCompareResponse;
    case OpTag::kExtendedRequest:
      return OpTag::kExtendedResponse;
    default:
      return std::nullopt;
  }
}

OpTag Request::op_tag() const {
  static constexpr OpTag kTags[] = {OpTag::kBindRequest,     OpTag::kUnbindRequest,
                                    OpTag::kSearchRequest,   OpTag::kModifyRequest,
                                    OpTag::kAddRequest,      OpTag::kDelRequest,
                                    OpTag::kModifyDnRequest, OpTag::kCompareRequest,
                                    OpTag::kAbandonRequest,  OpTag::kExtendedRequest};
  static_assert(std::size(kTags) == std::variant_size_v<ProtocolOp>);
  return kTags[op.index()];
}

const Control* FindControl(const std::vector<Control>& controls, std::string_view oid) {
  for (const Control& c : controls) {
    if (c.oid == oid) return &c;
  }
  return nullptr;
}

void AppendResult(std::string* out, int32_t message_id, OpTag response_op, const LdapResult& result,
                  std::span<const Control> controls) {
  ber::Writer w(out);
  const size_t msg = BeginMessage(w, message_id);
  const size_t op = w.Begin(ResponseTag(response_op));
  AddResultFields(w, result);
  w.End(op);
  EndMessage(w, msg, controls);
}

std::string EncodeResult(int32_t message_id, OpTag response_op, const LdapResult& result,
                         std::span<const Control> controls) {
  std::string out;
  AppendResult(&out, message_id, response_op, result, controls);
  return out;
}

void AppendBindResponse(std::string* out, int32_t message_id, const LdapResult& result,
                        std::optional<std::string_view> server_sasl_creds,
                        std::span<const Control> controls) {
  ber::Writer w(out);
  const size_t msg = BeginMessage(w, message_id);
  const size_t op = w.Begin(ResponseTag(OpTag::kBindResponse));
  AddResultFields(w, result);
  if (server_sasl_creds) w.AddOctetString(*server_sasl_creds, kTagServerSaslCreds);
  w.End(op);
  EndMessage(w, msg, controls);
}

void AppendExtendedResponse(std::string* out, int32_t message_id, const LdapResult& result,
                            std::optional<std::string_view> response_name,
                            std::optional<std::string_view> response_value,
                            std::span<const Control> controls) {
  ber::Writer w(out);
  const size_t msg = BeginMessage(w, message_id);
  const size_t op = w.Begin(ResponseTag(OpTag::kExtendedResponse));
  AddResultFields(w, result);
  if (response_name) w.AddOctetString(*response_name, kTagResponseName);
  if (response_value) w.AddOctetString(*response_value, kTagResponseValue);
  w.End(op);
  EndMessage(w, msg, controls);
}

std::string EncodeNoticeOfDisconnection(Code code, std::string_view diagnostic_message) {
  std::string out;
  AppendExtendedResponse(&out, 0, LdapResult{code, {}, diagnostic_message},
                         kNoticeOfDisconnectionOid, std::nullopt);
  return out;
}

// The hot path of every search: lengths are computed up front so the (often cached) attribute
// list is copied exactly once, with no back-patching moves.
void AppendSearchResultEntry(std::string* out, int32_t message_id, std::string_view dn,
                             std::string_view attribute_list, std::span<const Control> controls) {
  std::string tail;  // message id, then controls: small, so encoded aside
  ber::Writer tail_writer(&tail);
  tail_writer.AddInteger(message_id);
  const size_t id_size = tail.size();
  AppendControls(tail_writer, controls);
  const size_t dn_tlv = 1 + ber::EncodedLengthSize(dn.size()) + dn.size();
  const size_t op_len = dn_tlv + attribute_list.size();
  const size_t op_tlv = 1 + ber::EncodedLengthSize(op_len) + op_len;
  const size_t msg_len = tail.size() + op_tlv;
  out->reserve(out->size() + 1 + ber::EncodedLengthSize(msg_len) + msg_len);
  out->push_back(char(ber::kTagSequence));
  ber::AppendLength(out, msg_len);
  out->append(tail, 0, id_size);
  out->push_back(char(ResponseTag(OpTag::kSearchResultEntry)));
  ber::AppendLength(out, op_len);
  out->push_back(char(ber::kTagOctetString));
  ber::AppendLength(out, dn.size());
  out->append(dn);
  out->append(attribute_list);
  out->append(tail, id_size, std::string::npos);
}

std::string EncodeSearchResultEntry(int32_t message_id, std::string_view dn,
                                    std::string_view attribute_list,
                                    std::span<const Control> controls) {
  std::string out;
  AppendSearchResultEntry(&out, message_id, dn, attribute_list, controls);
  return out;
}

std::string EncodeAttributeList(std::span<const Attribute> attributes, bool types_only) {
  std::string out;
  AttributeListEncoder encoder(&out, types_only);
  for (const Attribute& attr : attributes) encoder.Add(attr.type, attr.values);
  encoder.Finish();
  return out;
}

}  // namespace skydir::ldap
