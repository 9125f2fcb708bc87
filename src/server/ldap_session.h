// One LDAP connection (RFC 4511): a coroutine on its own strand that frames PDUs, decodes
// requests, answers them through service::LdapService and writes the responses.
//
// Requests on one connection are answered in order, one at a time; Abandon therefore only
// ever names an operation that has already finished, and is ignored.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "ldap/message.h"
#include "net/connection_limiter.h"
#include "net/stream.h"
#include "server/paged_search.h"
#include "server/server_context.h"

namespace skydir::server {

class LdapSession : public std::enable_shared_from_this<LdapSession> {
 public:
  // `implicit_tls`: the LDAPS port (handshake first); otherwise plain with StartTLS.
  LdapSession(ServerContext& ctx, std::unique_ptr<net::Stream> stream, bool implicit_tls,
              net::ConnectionLimiter::Slot slot);

  boost::asio::awaitable<void> Run();

 private:
  using Clock = std::chrono::steady_clock;

  boost::asio::awaitable<void> Handle(ldap::Request& request);
  boost::asio::awaitable<void> HandleBind(int32_t id, const ldap::BindRequest& bind);
  boost::asio::awaitable<void> HandleSearch(int32_t id, const ldap::SearchRequest& search,
                                            const std::vector<ldap::Control>& controls);
  boost::asio::awaitable<void> HandleExtended(int32_t id, const ldap::ExtendedRequest& ext);
  void HandleCompare(int32_t id, const ldap::CompareRequest& compare);
  // Sends entries [from, to) of a result set; false when the deadline passed.
  boost::asio::awaitable<bool> SendEntries(int32_t id, const std::vector<const dit::Entry*>& entries,
                                           size_t from, size_t to, const dit::Selection& selection,
                                           Clock::time_point deadline);

  void Respond(int32_t id, ldap::OpTag op, Code code, std::string_view message,
               std::string_view matched_dn = {});
  boost::asio::awaitable<bool> Flush();
  boost::asio::awaitable<void> Disconnect(Code code, std::string_view message);
  // How long the next read may wait, and the setting that bounds it (for metrics and logs).
  struct ReadLimit {
    net::Stream::Duration left;
    std::string_view name;
  };
  ReadLimit NextReadLimit() const;
  size_t MaxPdu() const;
  ldap::DecodeLimits Limits() const;

  ServerContext& ctx_;
  std::unique_ptr<net::Stream> stream_;
  bool implicit_tls_;
  net::ConnectionLimiter::Slot slot_;
  service::ClientInfo client_;
  service::Principal principal_;
  PagedSearches paged_;
  std::string in_;   // bytes received, starting at a PDU boundary
  std::string out_;  // encoded responses not yet written
  bool closing_ = false;
  Clock::time_point connected_at_;
  Clock::time_point pdu_started_;    // when the first byte of the message in in_ arrived
  Code last_code_ = Code::kSuccess;  // result of the operation being answered, for metrics
};

}  // namespace skydir::server
