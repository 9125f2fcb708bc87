#include "server/ldap_session.h"

#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>

#include "ber/framer.h"
#include "common/log.h"
#include "ldap/controls.h"
#include "server/ldap_metrics.h"

namespace skydir::server {

namespace asio = boost::asio;

LdapSession::LdapSession(ServerContext& ctx, std::unique_ptr<net::Stream> stream,
                         bool implicit_tls, net::ConnectionLimiter::Slot slot)
    : ctx_(ctx), stream_(std::move(stream)), implicit_tls_(implicit_tls), slot_(std::move(slot)),
      paged_(ctx.settings.ldap.max_paged_searches_per_connection),
      connected_at_(Clock::now()) {
  client_.ip = stream_->remote_endpoint().address().to_string();
}

size_t LdapSession::MaxPdu() const {
  return principal_.authenticated() ? ctx_.settings.ldap.max_pdu_bytes
                                    : ctx_.settings.ldap.max_pdu_bytes_anonymous;
}

ldap::DecodeLimits LdapSession::Limits() const {
  ldap::DecodeLimits limits;
  limits.max_ber_depth = ctx_.settings.ldap.max_ber_depth;
  limits.filter.max_depth = ctx_.settings.ldap.max_filter_depth;
  limits.filter.max_terms = ctx_.settings.ldap.max_filter_terms;
  limits.max_attributes = ctx_.settings.ldap.max_requested_attributes;
  return limits;
}

LdapSession::ReadLimit LdapSession::NextReadLimit() const {
  const LdapSettings& s = ctx_.settings.ldap;
  // Deadlines, not per-read timeouts: a client that trickles a byte now and then must not keep a
  // message (or an unbound connection) open for ever.
  auto left = [](Clock::time_point deadline) -> net::Stream::Duration {
    auto d = deadline - Clock::now();
    return d > Clock::duration::zero() ? d : std::chrono::milliseconds(1);
  };
  if (!in_.empty()) {
    return {left(pdu_started_ + std::chrono::seconds(s.pdu_read_timeout_seconds)),
            "pdu_read_timeout"};
  }
  if (principal_.authenticated()) {
    return {std::chrono::seconds(s.idle_timeout_seconds), "idle_timeout"};
  }
  return {left(connected_at_ + std::chrono::seconds(s.unauthenticated_timeout_seconds)),
          "unauthenticated_timeout"};
}

asio::awaitable<void> LdapSession::Run() {
  auto self = shared_from_this();
  auto executor = co_await asio::this_coro::executor;
  std::weak_ptr<LdapSession> weak = self;
  auto cancel = [weak, executor] {
    asio::post(executor, [weak] {
      if (auto s = weak.lock()) s->stream_->Close();
    });
  };
  auto registration = ctx_.sessions.Register(cancel, cancel);
  if (!registration) {
    stream_->Close();
    co_return;
  }
  RecordConnectionOpened(implicit_tls_);
  struct CloseRecorder {
    ~CloseRecorder() { RecordConnectionClosed(); }
  } close_recorder;
  auto io_timeout = std::chrono::seconds(ctx_.settings.ldap.pdu_read_timeout_seconds);
  if (implicit_tls_) {
    if (!ctx_.tls || co_await stream_->Handshake(ctx_.tls, io_timeout)) {
      stream_->Close();
      co_return;
    }
    client_.tls = true;
  }
  std::string buffer(16 * 1024, '\0');
  while (!closing_) {
    ber::FrameResult frame = ber::FramePdu(in_, MaxPdu());
    if (frame.state == ber::FrameState::kError) {
      RecordProtocolViolation("frame");
      co_await Disconnect(Code::kProtocolError, frame.error ? frame.error : "malformed PDU");
      break;
    }
    if (frame.state == ber::FrameState::kNeedMore) {
      const ReadLimit limit = NextReadLimit();
      net::IoResult r = co_await stream_->ReadSome(asio::buffer(buffer), limit.left);
      if (r.ec) {  // EOF, timeout or reset: nothing left to answer
        if (r.ec == asio::error::timed_out) RecordLimitHit(limit.name, client_.ip);
        break;
      }
      if (in_.empty()) pdu_started_ = Clock::now();
      in_.append(buffer.data(), r.bytes);
      continue;
    }
    ldap::DecodeFailure failure;
    auto request = ldap::DecodeRequest(std::string_view(in_).substr(0, frame.pdu_size), Limits(),
                                       &failure);
    in_.erase(0, frame.pdu_size);
    pdu_started_ = Clock::now();  // the next message, if any of it is here, starts now
    if (!request.ok()) {
      RecordProtocolViolation("decode");
      auto response = failure.op ? ldap::ResponseOpFor(*failure.op) : std::nullopt;
      if (failure.message_id && *failure.message_id > 0 && response) {
        Respond(*failure.message_id, *response, Code::kProtocolError,
                request.status().message());
      } else {
        co_await Disconnect(Code::kProtocolError, request.status().message());
        break;
      }
    } else {
      Clock::time_point started = Clock::now();
      last_code_ = Code::kSuccess;
      co_await Handle(*request);
      RecordOperation(request->op_tag(), last_code_,
                      std::chrono::duration<double>(Clock::now() - started).count());
    }
    if (!co_await Flush()) break;
  }
  co_await stream_->Shutdown(std::chrono::seconds(2));
}

void LdapSession::Respond(int32_t id, ldap::OpTag op, Code code, std::string_view message,
                          std::string_view matched_dn) {
  last_code_ = code;
  ldap::LdapResult result{code, matched_dn, message};
  if (op == ldap::OpTag::kBindResponse) {
    ldap::AppendBindResponse(&out_, id, result);
  } else if (op == ldap::OpTag::kExtendedResponse) {
    ldap::AppendExtendedResponse(&out_, id, result, std::nullopt, std::nullopt);
  } else {
    ldap::AppendResult(&out_, id, op, result);
  }
}

asio::awaitable<bool> LdapSession::Flush() {
  if (out_.empty()) co_return true;
  // Back-pressure: the session waits here while the client does not read, holding at most
  // max_write_buffer_bytes (SendEntries flushes at that size), and gives up after the timeout.
  auto timeout = std::chrono::seconds(ctx_.settings.ldap.write_timeout_seconds);
  net::IoResult r = co_await stream_->WriteAll(asio::buffer(out_), timeout);
  out_.clear();
  if (r.ec == asio::error::timed_out) RecordLimitHit("write_timeout", client_.ip);
  co_return !r.ec;
}

asio::awaitable<void> LdapSession::Disconnect(Code code, std::string_view message) {
  out_ += ldap::EncodeNoticeOfDisconnection(code, message);
  co_await Flush();
  closing_ = true;
}

asio::awaitable<void> LdapSession::Handle(ldap::Request& request) {
  const int32_t id = request.message_id;
  if (id == 0) {  // RFC 4511 §4.1.1.1: zero is reserved for unsolicited notifications
    co_await Disconnect(Code::kProtocolError, "message ID 0 is reserved");
    co_return;
  }
  // An unknown critical control makes the whole operation fail (RFC 4511 §4.1.11).
  auto response_op = ldap::ResponseOpFor(request.op_tag());
  for (const ldap::Control& c : request.controls) {
    bool known = c.oid == ldap::kManageDsaItOid ||
                 (c.oid == ldap::kPagedResultsOid &&
                  request.op_tag() == ldap::OpTag::kSearchRequest);
    if (c.critical && !known) {
      if (response_op) {
        Respond(id, *response_op, Code::kUnavailableCriticalExtension,
                "unsupported critical control " + c.oid);
      }
      co_return;
    }
  }
  if (auto* bind = std::get_if<ldap::BindRequest>(&request.op)) {
    co_await HandleBind(id, *bind);
  } else if (std::holds_alternative<ldap::UnbindRequest>(request.op)) {
    closing_ = true;
  } else if (auto* search = std::get_if<ldap::SearchRequest>(&request.op)) {
    co_await HandleSearch(id, *search, request.controls);
  } else if (auto* compare = std::get_if<ldap::CompareRequest>(&request.op)) {
    HandleCompare(id, *compare);
  } else if (std::holds_alternative<ldap::AbandonRequest>(request.op)) {
    // Operations complete before the next request is read; nothing is left to abandon.
  } else if (auto* ext = std::get_if<ldap::ExtendedRequest>(&request.op)) {
    co_await HandleExtended(id, *ext);
  } else if (response_op) {
    Respond(id, *response_op, Code::kUnwillingToPerform,
            "this server does not accept writes over LDAP; use the API or the skydir command");
  }
}

asio::awaitable<void> LdapSession::HandleBind(int32_t id, const ldap::BindRequest& bind) {
  // RFC 4513 §4: a bind, successful or not, first resets the connection to anonymous.
  principal_ = service::Principal{};
  paged_.Clear();
  if (bind.version != 3) {
    Respond(id, ldap::OpTag::kBindResponse, Code::kProtocolError, "only LDAPv3 is supported");
    co_return;
  }
  if (bind.auth != ldap::BindRequest::Auth::kSimple) {
    Respond(id, ldap::OpTag::kBindResponse, Code::kAuthMethodNotSupported,
            "SASL mechanisms are not supported; use a simple bind over TLS");
    co_return;
  }
  // Captures are plain pointers: g++ 12 destroys non-trivial temporaries of a co_await
  // expression twice (PR 105406), so nothing with a destructor may live in one.
  service::LdapService* ldap = &ctx_.ldap;
  const service::ClientInfo* client = &client_;
  const ldap::BindRequest* request = &bind;
  auto result = co_await ctx_.blocking.Run(
      [ldap, request, client] { return ldap->Bind(request->name, request->simple_password, *client); });
  if (!result.ok()) {
    Respond(id, ldap::OpTag::kBindResponse, result.status().code(), result.status().message());
    co_return;
  }
  principal_ = std::move(result).value();
  Respond(id, ldap::OpTag::kBindResponse, Code::kSuccess, "");
}

void LdapSession::HandleCompare(int32_t id, const ldap::CompareRequest& compare) {
  Status s = ctx_.ldap.Compare(principal_, compare);
  Respond(id, ldap::OpTag::kCompareResponse, s.code(), s.message());
}

asio::awaitable<void> LdapSession::HandleExtended(int32_t id, const ldap::ExtendedRequest& ext) {
  if (ext.oid == ldap::kStartTlsOid) {
    if (stream_->IsTls() || !ctx_.tls) {
      Respond(id, ldap::OpTag::kExtendedResponse, Code::kOperationsError,
              stream_->IsTls() ? "TLS is already established" : "TLS is not configured");
      co_return;
    }
    if (!in_.empty()) {  // RFC 4511 §4.14.1: no request may follow StartTLS before TLS is up
      co_await Disconnect(Code::kProtocolError, "data received after StartTLS");
      co_return;
    }
    paged_.Clear();
    ldap::AppendExtendedResponse(&out_, id, {Code::kSuccess, {}, {}}, ldap::kStartTlsOid,
                                 std::nullopt);
    if (!co_await Flush()) {
      closing_ = true;
      co_return;
    }
    auto timeout = std::chrono::seconds(ctx_.settings.ldap.pdu_read_timeout_seconds);
    if (co_await stream_->Handshake(ctx_.tls, timeout)) {
      closing_ = true;
      co_return;
    }
    client_.tls = true;
    co_return;
  }
  if (ext.oid == ldap::kWhoAmIOid) {
    std::string authz = ctx_.ldap.WhoAmI(principal_);
    ldap::AppendExtendedResponse(&out_, id, {Code::kSuccess, {}, {}}, std::nullopt, authz);
    co_return;
  }
  if (ext.oid == ldap::kPasswordModifyOid) {
    auto value = ext.value ? std::optional<std::string_view>(*ext.value) : std::nullopt;
    auto request = ldap::DecodePasswordModifyValue(value);
    if (!request.ok()) {
      Respond(id, ldap::OpTag::kExtendedResponse, Code::kProtocolError,
              request.status().message());
      co_return;
    }
    service::LdapService* ldap = &ctx_.ldap;
    const service::Principal* who = &principal_;
    const ldap::PasswordModifyRequest* req = &*request;
    Status s = co_await ctx_.blocking.Run([ldap, who, req] {
      return ldap->ModifyPassword(*who, req->user_identity, req->old_password, req->new_password);
    });
    LogInfo("ldap.password_modify", {{"dn", principal_.dn}, {"outcome", CodeName(s.code())},
                                     {"client_ip", client_.ip}});
    Respond(id, ldap::OpTag::kExtendedResponse, s.code(), s.message());
    co_return;
  }
  Respond(id, ldap::OpTag::kExtendedResponse, Code::kProtocolError,
          "unsupported extended operation " + ext.oid);
}

}  // namespace skydir::server
