// The LDAP listeners: plain (StartTLS) and LDAPS, handing each connection to an LdapSession on
// its own strand, subject to the connection limits.
#pragma once

#include "net/connection_limiter.h"
#include "net/listener_set.h"
#include "net/runtime.h"
#include "server/server_context.h"

namespace skydir::server {

class LdapServer {
 public:
  // REQUIRES: ctx and runtime outlive the server.
  LdapServer(ServerContext& ctx, net::Runtime& runtime);

  // Binds the listeners named in settings (empty address: that listener is off). Fails with a
  // clear message when a port is taken or TLS is needed but missing.
  Status Listen();
  // Starts accepting; acceptors close when the runtime shuts down.
  void Start();

  // The bound ports (useful with port 0 in tests); 0 when that listener is off.
  uint16_t plain_port() const { return listeners_.port(false); }
  uint16_t tls_port() const { return listeners_.port(true); }
  const net::ConnectionLimiter& limiter() const { return limiter_; }

 private:
  ServerContext& ctx_;
  net::ConnectionLimiter limiter_;
  net::ListenerSet listeners_;
};

}  // namespace skydir::server
