#include "http/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.h"
#include "http/http_session.h"
#include "net/endpoint.h"

namespace skydir::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Back-off after a failed accept (out of descriptors and the like) instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

net::ConnectionLimits LimitsFrom(const HttpSettings& s) {
  net::ConnectionLimits l;
  l.max_total = s.max_connections;
  l.max_per_ip = s.max_connections_per_ip;
  return l;
}

}  // namespace

HttpServer::HttpServer(const HttpSettings& settings, const Dispatcher& dispatcher,
                       net::BlockingPool& pool, std::shared_ptr<asio::ssl::context> tls,
                       net::Runtime& runtime, HttpMetrics* metrics)
    : settings_(settings),
      dispatcher_(dispatcher),
      pool_(pool),
      tls_(std::move(tls)),
      runtime_(runtime),
      metrics_(metrics),
      limiter_("http", LimitsFrom(settings)) {}

Status HttpServer::Listen() {
  struct Want {
    const std::string& address;
    bool tls;
  };
  for (Want w : {Want{settings_.listen, false}, Want{settings_.listen_tls, true}}) {
    if (w.address.empty()) continue;
    if (w.tls && !tls_) return Status(Code::kUnavailable, "HTTPS needs a TLS certificate");
    auto acceptor = net::Listen(runtime_.executor(), w.address);
    if (!acceptor.ok()) {
      return Status(acceptor.status().code(),
                    (w.tls ? "https " : "http ") + w.address + ": " + acceptor.status().message());
    }
    listeners_.push_back(std::make_unique<Listener>(Listener{std::move(acceptor).value(), w.tls}));
  }
  return Status::Ok();
}

uint16_t HttpServer::plain_port() const {
  for (const auto& l : listeners_) {
    if (!l->tls) return l->acceptor.local_endpoint().port();
  }
  return 0;
}

uint16_t HttpServer::tls_port() const {
  for (const auto& l : listeners_) {
    if (l->tls) return l->acceptor.local_endpoint().port();
  }
  return 0;
}

void HttpServer::Start() {
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

asio::awaitable<void> HttpServer::Accept(Listener& listener) {
  for (;;) {
    auto strand = asio::make_strand(runtime_.io_context());
    auto [ec, socket] =
        co_await listener.acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !listener.acceptor.is_open()) co_return;
    if (ec) {
      LogWarn("http.accept_failed", {{"error", ec.message()}});
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
    SessionDeps deps{settings_, dispatcher_, pool_, runtime_.sessions(), metrics_};
    StartHttpSession(deps, std::move(socket), listener.tls ? tls_ : nullptr, std::move(*slot));
  }
}

std::string HttpServer::RenderConnectionMetrics() const {
  net::ConnectionStats stats = limiter_.Stats();
  std::string out;
  out += "# HELP skydir_http_open_connections Open HTTP(S) connections.\n";
  out += "# TYPE skydir_http_open_connections gauge\n";
  out += "skydir_http_open_connections " + std::to_string(stats.active) + "\n";
  out += "# HELP skydir_http_connections_refused_total Connections refused by a limit.\n";
  out += "# TYPE skydir_http_connections_refused_total counter\n";
  out += "skydir_http_connections_refused_total{limit=\"total\"} " +
         std::to_string(stats.rejected_total) + "\n";
  out += "skydir_http_connections_refused_total{limit=\"per_ip\"} " +
         std::to_string(stats.rejected_per_ip) + "\n";
  out += "# HELP skydir_http_queued_requests API requests waiting for a worker thread.\n";
  out += "# TYPE skydir_http_queued_requests gauge\n";
  out += "skydir_http_queued_requests " + std::to_string(pool_.Queued()) + "\n";
  out += "# HELP skydir_http_requests_refused_busy_total API requests refused with 503.\n";
  out += "# TYPE skydir_http_requests_refused_busy_total counter\n";
  out += "skydir_http_requests_refused_busy_total " + std::to_string(pool_.Rejected()) + "\n";
  return out;
}

void AddHealthRoutes(Router& router, std::function<bool()> ready) {
  RouteOptions open;
  open.authenticated = false;
  open.inline_handler = true;
  open.needs_org = false;
  router.Add(
      Verb::get, "/healthz", [](const Request&) { return TextResponse("ok\n"); }, open);
  router.Add(
      Verb::get, "/readyz",
      [ready = std::move(ready)](const Request&) {
        if (ready && !ready()) {
          return TextResponse("not ready\n", HttpStatus::service_unavailable);
        }
        return TextResponse("ready\n");
      },
      open);
}

}  // namespace skydir::http
