#include "server/ldap_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "net/endpoint.h"
#include "server/ldap_session.h"

namespace skydir::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

net::ConnectionLimits LimitsFrom(const LdapSettings& s) {
  net::ConnectionLimits l;
  l.max_total = s.max_connections;
  l.max_per_ip = s.max_connections_per_ip;
  return l;
}

}  // namespace

LdapServer::LdapServer(ServerContext& ctx, net::Runtime& runtime)
    : ctx_(ctx), runtime_(runtime), limiter_("ldap", LimitsFrom(ctx.settings.ldap)) {}

Status LdapServer::Listen() {
  struct Want {
    const std::string& address;
    bool tls;
  };
  for (Want w : {Want{ctx_.settings.ldap.listen, false}, Want{ctx_.settings.ldap.listen_tls, true}}) {
    if (w.address.empty()) continue;
    if (w.tls && !ctx_.tls) return Status(Code::kUnavailable, "LDAPS needs a TLS certificate");
    auto acceptor = net::Listen(runtime_.executor(), w.address);
    if (!acceptor.ok()) {
      return Status(acceptor.status().code(), (w.tls ? "ldaps " : "ldap ") + w.address + ": " +
                                                  acceptor.status().message());
    }
    listeners_.push_back(std::make_unique<Listener>(Listener{std::move(acceptor).value(), w.tls}));
  }
  return Status::Ok();
}

uint16_t LdapServer::plain_port() const {
  for (const auto& l : listeners_) {
    if (!l->implicit_tls) return l->acceptor.local_endpoint().port();
  }
  return 0;
}

uint16_t LdapServer::tls_port() const {
  for (const auto& l : listeners_) {
    if (l->implicit_tls) return l->acceptor.local_endpoint().port();
  }
  return 0;
}

void LdapServer::Start() {
  for (auto& l : listeners_) {
    Listener* listener = l.get();
    asio::co_spawn(runtime_.executor(), Accept(*listener), asio::detached);
    runtime_.OnShutdown([listener, executor = listener->acceptor.get_executor()] {
      asio::post(executor, [listener] {
        boost::system::error_code ignored;
        listener->acceptor.close(ignored);
      });
    });
  }
}

asio::awaitable<void> LdapServer::Accept(Listener& listener) {
  for (;;) {
    auto strand = asio::make_strand(runtime_.io_context());
    auto [ec, socket] =
        co_await listener.acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !listener.acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: back off briefly instead of spinning.
      LogWarn("ldap.accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code peer_ec;
    tcp::endpoint peer = socket.remote_endpoint(peer_ec);
    if (peer_ec) continue;
    auto slot = limiter_.TryAcquire(peer.address());
    if (!slot) {
      socket.close(peer_ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), peer_ec);
    auto stream = std::make_unique<net::Stream>(std::move(socket));
    auto session = std::make_shared<LdapSession>(ctx_, std::move(stream), listener.implicit_tls,
                                                 std::move(*slot));
    asio::co_spawn(strand, session->Run(), asio::detached);
  }
}

}  // namespace skydir::server
