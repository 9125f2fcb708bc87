// Decodes the input as one LDAPMessage and exercises what the server would do next: re-encode
// the filter, decode known control values, and encode the matching response.
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_entry.h"
#include "ldap/controls.h"
#include "ldap/message.h"

using namespace skydir::ldap;  // NOLINT: fuzz target, not a header

SKYDIR_FUZZ_ENTRY(ldap_message) {
  std::string_view pdu(reinterpret_cast<const char*>(data), size);
  DecodeLimits limits;
  DecodeFailure failure;
  auto req = DecodeRequest(pdu, limits, &failure);
  if (!req.ok()) {
    FUZZ_CHECK(req.status().code() == skydir::Code::kProtocolError);
    const auto op = failure.op ? ResponseOpFor(*failure.op) : std::nullopt;
    if (failure.message_id && op) {
      (void)EncodeResult(*failure.message_id, *op, LdapResult(req.status()));
    } else {
      (void)EncodeNoticeOfDisconnection(skydir::Code::kProtocolError, req.status().message());
    }
    return 0;
  }
  FUZZ_CHECK(req->message_id > 0);
  FUZZ_CHECK(failure.op == req->op_tag());
  if (const auto* search = std::get_if<SearchRequest>(&req->op)) {
    const std::string ber = EncodeFilter(search->filter);
    auto again = DecodeFilter(ber, limits.filter);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(FilterToString(*again) == FilterToString(search->filter));
    FUZZ_CHECK(EncodeFilter(*again) == ber);
    std::string list;
    AttributeListEncoder encoder(&list, search->types_only);
    encoder.Add(search->base, search->attributes);
    encoder.Finish();
    (void)EncodeSearchResultEntry(req->message_id, search->base, list);
  }
  if (const auto* ext = std::get_if<ExtendedRequest>(&req->op)) {
    if (ext->oid == kPasswordModifyOid) {
      auto pm = DecodePasswordModifyValue(ext->value);
      if (pm.ok() && pm->new_password) (void)EncodePasswordModifyResponseValue(*pm->new_password);
    }
  }
  for (const Control& c : req->controls) {
    if (!c.value) continue;
    if (c.oid == kPagedResultsOid) {
      auto paged = DecodePagedResultsValue(*c.value);
      if (paged.ok()) {
        auto again = DecodePagedResultsValue(EncodePagedResultsValue(paged->size, paged->cookie));
        FUZZ_CHECK(again.ok() && again->cookie == paged->cookie && again->size == paged->size);
      }
    } else if (c.oid == kSortRequestOid) {
      (void)DecodeSortRequestValue(*c.value, 8);
    }
  }
  if (const auto response = ResponseOpFor(req->op_tag())) {
    std::string out;
    AppendResult(&out, req->message_id, *response, LdapResult(skydir::Code::kSuccess),
                 req->controls);
    auto echoed = DecodeRequest(out, limits);  // a response is never a request
    FUZZ_CHECK(!echoed.ok());
  }
  return 0;
}
