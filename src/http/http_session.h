// One HTTP/1.1 connection (plain or TLS), driven by a coroutine on its own strand. Internal to
// HttpServer; see http_server.h for the limits and the shutdown behaviour.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "common/settings.h"
#include "http/dispatcher.h"
#include "http/metrics.h"
#include "net/blocking_pool.h"
#include "net/connection_limiter.h"
#include "net/session_registry.h"

namespace skydir::http {

struct SessionDeps {
  const HttpSettings& settings;
  const Dispatcher& dispatcher;
  net::BlockingPool& pool;
  net::SessionRegistry& registry;
  HttpMetrics* metrics;  // may be null
};

// Spawns the session on the socket's executor (a strand). `tls` null: plain HTTP.
void StartHttpSession(SessionDeps deps, boost::asio::ip::tcp::socket socket,
                      std::shared_ptr<boost::asio::ssl::context> tls,
                      net::ConnectionLimiter::Slot slot);

}  // namespace skydir::http
