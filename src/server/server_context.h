// What every LDAP session shares: settings, the use cases, the blocking pool and TLS.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "common/settings.h"
#include "net/blocking_pool.h"
#include "net/session_registry.h"
#include "service/ldap_service.h"

namespace skydir::server {

struct ServerContext {
  const Settings& settings;
  service::LdapService& ldap;
  net::BlockingPool& blocking;  // password hashing and SQL
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: no StartTLS, no LDAPS
  net::SessionRegistry& sessions;
};

}  // namespace skydir::server
