#include "server/ldap_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "server/ldap_metrics.h"
#include "server/ldap_session.h"

namespace skydir::server {

namespace asio = boost::asio;

namespace {

net::ConnectionLimits LimitsFrom(const LdapSettings& s) {
  net::ConnectionLimits l;
  l.max_total = s.max_connections;
  l.max_per_ip = s.max_connections_per_ip;
  l.on_reject = [](std::string_view reason) { RecordLimitHit(reason, {}); };
  return l;
}

}  // namespace

LdapServer::LdapServer(ServerContext& ctx, net::Runtime& runtime)
    : ctx_(ctx),
      limiter_("ldap", LimitsFrom(ctx.settings.ldap)),
      listeners_("ldap", runtime, limiter_) {}

Status LdapServer::Listen() {
  if (!ctx_.settings.ldap.listen_tls.empty() && !ctx_.tls) {
    return Status(Code::kUnavailable, "LDAPS needs a TLS certificate");
  }
  SKYDIR_RETURN_IF_ERROR(listeners_.Listen(ctx_.settings.ldap.listen, false));
  return listeners_.Listen(ctx_.settings.ldap.listen_tls, true);
}

void LdapServer::Start() {
  listeners_.Start([this](asio::ip::tcp::socket socket, net::ConnectionLimiter::Slot slot,
                          bool tls) {
    auto executor = socket.get_executor();
    auto stream = std::make_unique<net::Stream>(std::move(socket));
    auto session = std::make_shared<LdapSession>(ctx_, std::move(stream), tls, std::move(slot));
    asio::co_spawn(executor, session->Run(), asio::detached);
  });
}

}  // namespace skydir::server
