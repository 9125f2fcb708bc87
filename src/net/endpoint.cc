#include "net/endpoint.h"

#include <boost/asio/ip/v6_only.hpp>
#include <cctype>
#include <charconv>

namespace skydir::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgument("invalid listen address \"" + std::string(text) +
                         "\": " + std::string(why));
}

Result<tcp::acceptor> Bind(const asio::any_io_executor& executor, const tcp::endpoint& endpoint,
                           const std::string& name, int backlog) {
  tcp::acceptor acceptor(executor);
  boost::system::error_code ec;
  auto fail = [&](std::string_view step) {
    return Status(Code::kUnavailable,
                  "cannot " + std::string(step) + " " + name + ": " + ec.message());
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open socket for");
  if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec)) return fail("configure");
  if (endpoint.address().is_v6() && endpoint.address().is_unspecified()) {
    if (acceptor.set_option(asio::ip::v6_only(false), ec)) return fail("configure");
  }
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(backlog, ec)) return fail("listen on");
  return acceptor;
}

}  // namespace

std::string ListenAddress::ToString() const {
  std::string host_part = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return host_part + ":" + std::to_string(port);
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  if (text.empty()) return Bad(text, "empty");
  ListenAddress out;
  std::string_view rest;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Bad(text, "missing ']'");
    out.host = std::string(text.substr(1, close - 1));
    boost::system::error_code ec;
    asio::ip::make_address_v6(out.host, ec);
    if (ec) return Bad(text, "not an IPv6 address inside []");
    rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return Bad(text, "expected ':port' after ']'");
    rest.remove_prefix(1);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return Bad(text, "missing ':port'");
    if (text.find(':') != colon) return Bad(text, "IPv6 addresses must be in brackets: [::1]:389");
    out.host = std::string(text.substr(0, colon));
    rest = text.substr(colon + 1);
  }
  if (rest.empty()) return Bad(text, "missing port");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), port);
  if (ec != std::errc() || end != rest.data() + rest.size()) {
    return Bad(text, "port is not a number");
  }
  if (port > 65535) return Bad(text, "port is above 65535");
  out.port = static_cast<uint16_t>(port);
  for (char c : out.host) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
              c == '%' || c == '_';
    if (!ok) return Bad(text, "invalid character in host");
  }
  return out;
}

Result<tcp::acceptor> Listen(const asio::any_io_executor& executor, const ListenAddress& address,
                             int backlog) {
  std::string name = address.ToString();
  if (address.host.empty()) {
    Result<tcp::acceptor> dual =
        Bind(executor, tcp::endpoint(tcp::v6(), address.port), name, backlog);
    if (dual.ok()) return dual;
    return Bind(executor, tcp::endpoint(tcp::v4(), address.port), name, backlog);
  }
  boost::system::error_code ec;
  asio::ip::address ip = asio::ip::make_address(address.host, ec);
  if (!ec) return Bind(executor, tcp::endpoint(ip, address.port), name, backlog);

  tcp::resolver resolver(executor);
  auto results = resolver.resolve(address.host, std::to_string(address.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status(Code::kUnavailable,
                  "cannot resolve " + name + ": " + (ec ? ec.message() : "no addresses"));
  }
  return Bind(executor, results.begin()->endpoint(), name, backlog);
}

Result<tcp::acceptor> Listen(const asio::any_io_executor& executor, std::string_view address,
                             int backlog) {
  SKYDIR_ASSIGN_OR_RETURN(ListenAddress parsed, ParseListenAddress(address));
  return Listen(executor, parsed, backlog);
}

}  // namespace skydir::net
