// LDAPMessage (RFC 4511 §4): request decoding into structs and response encoding into complete
// PDUs. The framer (ber/framer.h) delivers one PDU; DecodeRequest turns it into a Request;
// the Encode*/Append* functions produce the bytes of one LDAPMessage each.
//
// Lifetime: decoded requests own their strings (copies out of the PDU), so the receive buffer
// may be reused as soon as DecodeRequest returns. Encoders take views and copy into the output.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ber/writer.h"
#include "common/status.h"
#include "ldap/filter.h"

namespace skydir::ldap {

// protocolOp application tag numbers (RFC 4511 §4.2-§4.12).
enum class OpTag : uint8_t {
  kBindRequest = 0,
  kBindResponse = 1,
  kUnbindRequest = 2,
  kSearchRequest = 3,
  kSearchResultEntry = 4,
  kSearchResultDone = 5,
  kModifyRequest = 6,
  kModifyResponse = 7,
  kAddRequest = 8,
  kAddResponse = 9,
  kDelRequest = 10,
  kDelResponse = 11,
  kModifyDnRequest = 12,
  kModifyDnResponse = 13,
  kCompareRequest = 14,
  kCompareResponse = 15,
  kAbandonRequest = 16,
  kSearchResultReference = 19,
  kExtendedRequest = 23,
  kExtendedResponse = 24,
  kIntermediateResponse = 25,
};

// The response op for a request op; nullopt for Unbind and Abandon (they get no response).
std::optional<OpTag> ResponseOpFor(OpTag request);

struct Control {
  std::string oid;
  bool critical = false;
  std::optional<std::string> value;
};
// The first control with `oid`, or nullptr.
const Control* FindControl(const std::vector<Control>& controls, std::string_view oid);

// RFC 4511 §4.2. Only simple and SASL are defined; anything else fails to decode.
struct BindRequest {
  enum class Auth { kSimple, kSasl };
  int64_t version = 3;
  std::string name;
  Auth auth = Auth::kSimple;
  std::string simple_password;                  // kSimple
  std::string sasl_mechanism;                   // kSasl
  std::optional<std::string> sasl_credentials;  // kSasl
};
struct UnbindRequest {};

enum class SearchScope { kBaseObject = 0, kSingleLevel = 1, kWholeSubtree = 2 };
enum class DerefAliases { kNever = 0, kInSearching = 1, kFindingBaseObj = 2, kAlways = 3 };

// RFC 4511 §4.5.1.
struct SearchRequest {
  std::string base;
  SearchScope scope = SearchScope::kBaseObject;
  DerefAliases deref = DerefAliases::kNever;
  int64_t size_limit = 0;  // 0..maxInt; 0 means no client limit
  int64_t time_limit = 0;  // seconds; 0 means no client limit
  bool types_only = false;
  Filter filter;
  std::vector<std::string> attributes;  // as sent; "*", "+", "1.1" included
};

// PartialAttribute / Attribute (RFC 4511 §4.1.7).
struct Attribute {
  std::string type;
  std::vector<std::string> values;
};

// RFC 4511 §4.6; kIncrement is RFC 4525.
enum class ModifyOp { kAdd = 0, kDelete = 1, kReplace = 2, kIncrement = 3 };
struct ModifyRequest {
  struct Change {
    ModifyOp op = ModifyOp::kReplace;
    Attribute modification;
  };
  std::string object;
  std::vector<Change> changes;
};
struct AddRequest {  // §4.7
  std::string entry;
  std::vector<Attribute> attributes;
};
struct DelRequest {  // §4.8
  std::string dn;
};
struct ModifyDnRequest {  // §4.9
  std::string entry;
  std::string new_rdn;
  bool delete_old_rdn = false;
  std::optional<std::string> new_superior;
};
struct CompareRequest {  // §4.10
  std::string entry;
  std::string attribute;
  std::string value;
};
struct AbandonRequest {  // §4.11
  int32_t message_id = 0;
};
struct ExtendedRequest {  // §4.12
  std::string oid;
  std::optional<std::string> value;
};

using ProtocolOp =
    std::variant<BindRequest, UnbindRequest, SearchRequest, ModifyRequest, AddRequest, DelRequest,
                 ModifyDnRequest, CompareRequest, AbandonRequest, ExtendedRequest>;

struct Request {
  int32_t message_id = 0;
  ProtocolOp op;
  std::vector<Control> controls;

  OpTag op_tag() const;
};

// Every limit the decoder enforces; the server fills these from settings.
struct DecodeLimits {
  uint32_t max_ber_depth = 16;    // nesting of the message structure (filters excluded)
  FilterLimits filter;            // depth and node count of the search filter
  uint32_t max_attributes = 256;  // attributes requested by one search
  uint32_t max_controls = 32;     // controls on one message
  uint32_t max_changes = 1024;    // modifications in a modify, attributes in an add
  uint32_t max_values = 65536;    // values of one attribute in a modify or add
};

// What the server needs to answer a PDU that failed to decode (RFC 4511 §4.1.1): answer
// `message_id` with the response of `op` and protocolError when both are known and the op has a
// response; otherwise send a Notice of Disconnection and close.
struct DecodeFailure {
  std::optional<int32_t> message_id;
  std::optional<OpTag> op;  // set when the protocolOp tag is a known request tag
};

// Decodes exactly one LDAPMessage PDU (as delimited by the framer). Errors are kProtocolError;
// when `failure` is non-null it is filled on error.
Result<Request> DecodeRequest(std::string_view pdu, const DecodeLimits& limits,
                              DecodeFailure* failure = nullptr);

// LDAPResult (RFC 4511 §4.1.9). Views must stay valid for the encoder call only.
struct LdapResult {
  LdapResult() = default;
  LdapResult(Code c, std::string_view matched = {}, std::string_view diagnostic = {})  // NOLINT
      : code(c), matched_dn(matched), diagnostic_message(diagnostic) {}
  // The status's code and message. REQUIRES: `status` outlives this LdapResult.
  explicit LdapResult(const Status& status)
      : code(status.code()), diagnostic_message(status.message()) {}

  Code code = Code::kSuccess;
  std::string_view matched_dn;
  std::string_view diagnostic_message;
};

// Appenders write one complete LDAPMessage to the end of *out; Encode* return a fresh string.
// `controls` become the message's response controls.
void AppendResult(std::string* out, int32_t message_id, OpTag response_op, const LdapResult& result,
                  std::span<const Control> controls = {});
std::string EncodeResult(int32_t message_id, OpTag response_op, const LdapResult& result,
                         std::span<const Control> controls = {});
// BindResponse (§4.2.2) with optional serverSaslCreds [7].
void AppendBindResponse(std::string* out, int32_t message_id, const LdapResult& result,
                        std::optional<std::string_view> server_sasl_creds = std::nullopt,
                        std::span<const Control> controls = {});
// ExtendedResponse (§4.12) with optional responseName [10] and responseValue [11].
void AppendExtendedResponse(std::string* out, int32_t message_id, const LdapResult& result,
                            std::optional<std::string_view> response_name,
                            std::optional<std::string_view> response_value,
                            std::span<const Control> controls = {});
// Notice of Disconnection (§4.4.1): messageID 0, responseName 1.3.6.1.4.1.1466.20036.
std::string EncodeNoticeOfDisconnection(Code code, std::string_view diagnostic_message);

// SearchResultEntry (§4.5.2) in two parts so the PartialAttributeList of an entry can be
// encoded once and cached: `attribute_list` is the complete SEQUENCE TLV produced by
// AttributeListEncoder (or EncodeAttributeList).
void AppendSearchResultEntry(std::string* out, int32_t message_id, std::string_view dn,
                             std::string_view attribute_list,
                             std::span<const Control> controls = {});
std::string EncodeSearchResultEntry(int32_t message_id, std::string_view dn,
                                    std::string_view attribute_list,
                                    std::span<const Control> controls = {});

// Builds a PartialAttributeList: SEQUENCE OF SEQUENCE { type, SET OF value }. With types_only
// every value set is empty (§4.5.1.8). Values may be any range of string-like elements.
class AttributeListEncoder {
 public:
  // REQUIRES: *out outlives the encoder; Finish() is called once, after the last Add().
  AttributeListEncoder(std::string* out, bool types_only)
      : writer_(out), types_only_(types_only), list_(writer_.Begin(ber::kTagSequence)) {}

  template <typename Values>
  void Add(std::string_view type, const Values& values) {
    const size_t attribute = writer_.Begin(ber::kTagSequence);
    writer_.AddOctetString(type);
    const size_t set = writer_.Begin(ber::kTagSet);
    if (!types_only_) {
      for (const auto& value : values) writer_.AddOctetString(std::string_view(value));
    }
    writer_.End(set);
    writer_.End(attribute);
  }
  void Finish() { writer_.End(list_); }

 private:
  ber::Writer writer_;
  bool types_only_;
  size_t list_;
};
std::string EncodeAttributeList(std::span<const Attribute> attributes, bool types_only);

}  // namespace skydir::ldap
