// The listening sockets of one server (LDAP or HTTP): a plain and a TLS listener, each bound
// from a settings address, accepting until the runtime shuts down and handing every connection
// that gets a slot from the connection limiter to the server, on a strand of its own.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/connection_limiter.h"
#include "net/runtime.h"

namespace skydir::net {

class ListenerSet {
 public:
  // Called on the new connection's strand (the socket's executor). `tls`: accepted on the TLS
  // listener, so the server starts with a handshake.
  using OnConnection =
      std::function<void(boost::asio::ip::tcp::socket socket, ConnectionLimiter::Slot slot,
                         bool tls)>;

  // `name` prefixes errors and log events ("ldap", "http"). REQUIRES: runtime and limiter
  // outlive the set.
  ListenerSet(std::string name, Runtime& runtime, ConnectionLimiter& limiter);

  // Binds `address` ("host:port"); an empty address is a listener turned off.
  Status Listen(const std::string& address, bool tls);
  // The bound port of the plain or TLS listener; 0 when off.
  uint16_t port(bool tls) const;
  // Accepts on every listener; acceptors close when the runtime shuts down.
  void Start(OnConnection on_connection);

 private:
  struct Listener {
    boost::asio::ip::tcp::acceptor acceptor;
    bool tls;
  };
  boost::asio::awaitable<void> Accept(Listener& listener);

  std::string name_;
  Runtime& runtime_;
  ConnectionLimiter& limiter_;
  OnConnection on_connection_;
  std::vector<std::unique_ptr<Listener>> listeners_;
};

}  // namespace skydir::net
