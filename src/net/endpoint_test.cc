#include "net/endpoint.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace skydir::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

void ExpectParses(std::string_view text, const std::string& host, uint16_t port) {
  Result<ListenAddress> a = ParseListenAddress(text);
  ASSERT_TRUE(a.ok()) << text << ": " << a.status().ToString();
  EXPECT_EQ(a->host, host) << text;
  EXPECT_EQ(a->port, port) << text;
}

void ExpectRejects(std::string_view text, const std::string& why) {
  Result<ListenAddress> a = ParseListenAddress(text);
  ASSERT_FALSE(a.ok()) << text;
  EXPECT_NE(a.status().message().find(why), std::string::npos) << a.status().message();
  EXPECT_NE(a.status().message().find(std::string(text)), std::string::npos)
      << "error should quote the input: " << a.status().message();
}

TEST(ParseListenAddressTest, AcceptedForms) {
  ExpectParses("0.0.0.0:3389", "0.0.0.0", 3389);
  ExpectParses("[::1]:636", "::1", 636);
  ExpectParses("[::]:389", "::", 389);
  ExpectParses("localhost:8080", "localhost", 8080);
  ExpectParses(":389", "", 389);
  ExpectParses("127.0.0.1:0", "127.0.0.1", 0);
  ExpectParses("ldap.example.com:65535", "ldap.example.com", 65535);
}

TEST(ParseListenAddressTest, RejectedForms) {
  ExpectRejects("", "empty");
  ExpectRejects("0.0.0.0", "missing ':port'");
  ExpectRejects("0.0.0.0:", "missing port");
  ExpectRejects("::1:389", "brackets");
  ExpectRejects("[::1:389", "missing ']'");
  ExpectRejects("[::1]389", "expected ':port'");
  ExpectRejects("[nothost]:389", "IPv6");
  ExpectRejects("host:ldap", "not a number");
  ExpectRejects("host:-1", "not a number");
  ExpectRejects("host:65536", "above 65535");
  ExpectRejects("host:389x", "not a number");
  ExpectRejects("ho st:389", "invalid character");
}

TEST(ParseListenAddressTest, ToStringRoundTrips) {
  for (std::string_view text : {"0.0.0.0:3389", "[::1]:636", "localhost:8080", ":389"}) {
    Result<ListenAddress> a = ParseListenAddress(text);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->ToString(), text);
  }
}

TEST(ListenTest, EphemeralPortOnLoopback) {
  asio::io_context ioc;
  Result<tcp::acceptor> acceptor = Listen(ioc.get_executor(), "127.0.0.1:0");
  ASSERT_TRUE(acceptor.ok()) << acceptor.status().ToString();
  EXPECT_NE(acceptor->local_endpoint().port(), 0);
  tcp::socket client(ioc);
  client.connect(acceptor->local_endpoint());
  tcp::socket server = acceptor->accept();
  EXPECT_EQ(server.remote_endpoint().address().to_string(), "127.0.0.1");
}

TEST(ListenTest, AllInterfacesAcceptsIpv4) {
  asio::io_context ioc;
  Result<tcp::acceptor> acceptor = Listen(ioc.get_executor(), ":0");
  ASSERT_TRUE(acceptor.ok()) << acceptor.status().ToString();
  uint16_t port = acceptor->local_endpoint().port();
  EXPECT_TRUE(acceptor->local_endpoint().address().is_unspecified());
  tcp::socket client(ioc);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  tcp::socket server = acceptor->accept();
  EXPECT_TRUE(server.is_open());
}

TEST(ListenTest, HostName) {
  asio::io_context ioc;
  Result<tcp::acceptor> acceptor = Listen(ioc.get_executor(), "localhost:0");
  ASSERT_TRUE(acceptor.ok()) << acceptor.status().ToString();
  EXPECT_TRUE(acceptor->local_endpoint().address().is_loopback());
}

TEST(ListenTest, PortInUseNamesTheAddress) {
  asio::io_context ioc;
  Result<tcp::acceptor> first = Listen(ioc.get_executor(), "127.0.0.1:0");
  ASSERT_TRUE(first.ok());
  std::string address = "127.0.0.1:" + std::to_string(first->local_endpoint().port());
  Result<tcp::acceptor> second = Listen(ioc.get_executor(), address);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kUnavailable);
  EXPECT_NE(second.status().message().find("cannot bind " + address), std::string::npos)
      << second.status().message();
}

TEST(ListenTest, MalformedAddress) {
  asio::io_context ioc;
  EXPECT_FALSE(Listen(ioc.get_executor(), "nonsense").ok());
}

}  // namespace
}  // namespace skydir::net
