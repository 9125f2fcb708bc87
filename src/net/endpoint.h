// Listen addresses as operators write them, and listening sockets bound to them.
//
//   "0.0.0.0:3389"   IPv4 address       "[::1]:636"   bracketed IPv6 address
//   "localhost:8080" host name          ":389"        every interface (IPv6 and IPv4)
// Port 0 asks the kernel for a free port (tests).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skydir::net {

struct ListenAddress {
  std::string host;  // "" means every interface; IPv6 literals without brackets
  uint16_t port = 0;

  // "host:port" with IPv6 literals bracketed, ":port" for every interface.
  std::string ToString() const;
};

// Parses `text`; errors quote the text and say what is wrong with it.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// Pending connections the kernel queues per listener.
inline constexpr int kDefaultListenBacklog = 1024;

// Opens, binds and listens: SO_REUSEADDR always; for every interface binds "::" with
// IPV6_V6ONLY off (dual stack), falling back to 0.0.0.0 on hosts without IPv6. A host name is
// resolved synchronously (startup only) and the first address is used. Errors name the address.
Result<boost::asio::ip::tcp::acceptor> Listen(const boost::asio::any_io_executor& executor,
                                              const ListenAddress& address,
                                              int backlog = kDefaultListenBacklog);
Result<boost::asio::ip::tcp::acceptor> Listen(const boost::asio::any_io_executor& executor,
                                              std::string_view address,
                                              int backlog = kDefaultListenBacklog);

}  // namespace skydir::net
