#include "http/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "common/log.h"
#include "http/http_session.h"

namespace skydir::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

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
      limiter_("http", LimitsFrom(settings)),
      listeners_("http", runtime, limiter_) {}

Status HttpServer::Listen() {
  if (!settings_.listen_tls.empty() && !tls_) {
    return Status(Code::kUnavailable, "HTTPS needs a TLS certificate");
  }
  SKYDIR_RETURN_IF_ERROR(listeners_.Listen(settings_.listen, false));
  return listeners_.Listen(settings_.listen_tls, true);
}

void HttpServer::Start() {
  listeners_.Start([this](tcp::socket socket, net::ConnectionLimiter::Slot slot, bool tls) {
    SessionDeps deps{settings_, dispatcher_, pool_, runtime_.sessions(), metrics_};
    StartHttpSession(deps, std::move(socket), tls ? tls_ : nullptr, std::move(slot));
  });
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
