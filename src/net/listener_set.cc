#include "net/listener_set.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "net/endpoint.h"

namespace skydir::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// After a failed accept (out of descriptors and the like): back off instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
}  // namespace

ListenerSet::ListenerSet(std::string name, Runtime& runtime, ConnectionLimiter& limiter)
    : name_(std::move(name)), runtime_(runtime), limiter_(limiter) {}

Status ListenerSet::Listen(const std::string& address, bool tls) {
  if (address.empty()) return Status::Ok();
  auto acceptor = net::Listen(runtime_.executor(), address);
  if (!acceptor.ok()) {
    return Status(acceptor.status().code(), name_ + (tls ? "s " : " ") + address + ": " +
                                                acceptor.status().message());
  }
  listeners_.push_back(std::make_unique<Listener>(Listener{std::move(acceptor).value(), tls}));
  return Status::Ok();
}

uint16_t ListenerSet::port(bool tls) const {
  for (const auto& l : listeners_) {
    if (l->tls == tls) return l->acceptor.local_endpoint().port();
  }
  return 0;
}

void ListenerSet::Start(OnConnection on_connection) {
  on_connection_ = std::move(on_connection);
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

asio::awaitable<void> ListenerSet::Accept(Listener& listener) {
  for (;;) {
    auto strand = asio::make_strand(runtime_.io_context());
    auto [ec, socket] =
        co_await listener.acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !listener.acceptor.is_open()) co_return;
    if (ec) {
      LogWarn(name_ + ".accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(co_await asio::this_coro::executor, kAcceptRetryDelay);
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
    asio::dispatch(strand, [this, socket = std::move(socket), slot = std::move(*slot),
                            tls = listener.tls]() mutable {
      on_connection_(std::move(socket), std::move(slot), tls);
    });
  }
}

}  // namespace skydir::net
