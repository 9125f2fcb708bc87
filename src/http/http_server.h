// The HTTP and HTTPS listeners of the admin API (DESIGN §3): one coroutine per connection on
// its own strand, HTTP/1.1 keep-alive, header and body limits, timeouts, connection limits and
// graceful shutdown, after the Beast awaitable server examples.
//
// Per connection: wait up to http.idle_timeout_seconds for a request header (at most
// http.max_header_bytes, else 431 and close), then up to http.request_timeout_seconds for the
// body (at most http.max_body_bytes, else 413 and close), the handler and the answer. Handlers
// run on `pool` (Dispatcher), never on the I/O thread; a full pool answers 503.
//
// Shutdown (net::Runtime): acceptors close; idle keep-alive connections close at once; a
// connection in the middle of a request finishes it and answers with "Connection: close".
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <vector>

#include "common/settings.h"
#include "common/status.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "net/blocking_pool.h"
#include "net/connection_limiter.h"
#include "net/listener_set.h"
#include "net/runtime.h"

namespace skydir::http {

class HttpServer {
 public:
  // REQUIRES: every argument outlives the server; `tls` may be null when settings.listen_tls
  // is empty.
  HttpServer(const HttpSettings& settings, const Dispatcher& dispatcher, net::BlockingPool& pool,
             std::shared_ptr<boost::asio::ssl::context> tls, net::Runtime& runtime,
             HttpMetrics* metrics = nullptr);

  // Binds the listeners named in settings (an empty address turns that listener off).
  Status Listen();
  // Starts accepting; acceptors close when the runtime shuts down.
  void Start();

  uint16_t plain_port() const { return listeners_.port(false); }  // 0 when off
  uint16_t tls_port() const { return listeners_.port(true); }     // 0 when off
  const net::ConnectionLimiter& limiter() const { return limiter_; }
  // Open and refused connections and the API pool's queue, in the Prometheus text format.
  std::string RenderConnectionMetrics() const;

 private:
  const HttpSettings& settings_;
  const Dispatcher& dispatcher_;
  net::BlockingPool& pool_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  net::Runtime& runtime_;
  HttpMetrics* metrics_;
  net::ConnectionLimiter limiter_;
  net::ListenerSet listeners_;
};

// Health routes, unauthenticated and answered on the I/O thread: /healthz (200 "ok" while the
// process runs) and /readyz (200 "ready" while `ready()` holds, else 503).
void AddHealthRoutes(Router& router, std::function<bool()> ready);

}  // namespace skydir::http
