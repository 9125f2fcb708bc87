// Stream + MakeServerTlsContext against a real TLS client: StartTLS upgrade in place, host name
// verification against the generated CA, protocol version floors, and timeouts.
#include "net/stream.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "common/log.h"
#include "net/endpoint.h"
#include "net/net_test_util.h"
#include "net/tls_context.h"
#include "net/tls_material.h"

namespace skydir::net {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using asio::ip::tcp;
using namespace std::chrono_literals;

enum class Mode { kStartTls, kIdleRead };

// Serves one connection on 127.0.0.1:<port> from an io_context thread and reports how the
// session ended ("tls:TLSv1.3", "handshake:<error>", ...).
class OneShotServer {
 public:
  OneShotServer(std::shared_ptr<ssl::context> ctx, Mode mode, Stream::Duration timeout)
      : ctx_(std::move(ctx)), mode_(mode), timeout_(timeout) {
    Result<tcp::acceptor> acceptor = Listen(ioc_.get_executor(), "127.0.0.1:0");
    EXPECT_TRUE(acceptor.ok()) << acceptor.status().ToString();
    port_ = acceptor->local_endpoint().port();
    asio::co_spawn(ioc_, Serve(std::move(acceptor).value()), [](std::exception_ptr) {});
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~OneShotServer() {
    ioc_.stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }
  std::string Outcome() {
    if (outcome_future_.wait_for(10s) != std::future_status::ready) return "no outcome";
    return outcome_future_.get();
  }

 private:
  asio::awaitable<void> Serve(tcp::acceptor acceptor) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    Stream stream(std::move(socket));
    outcome_.set_value(co_await Session(stream));
  }

  asio::awaitable<std::string> Session(Stream& stream) {
    char buf[256];
    if (mode_ == Mode::kIdleRead) {
      auto start = std::chrono::steady_clock::now();
      IoResult r = co_await stream.ReadSome(asio::buffer(buf), timeout_);
      elapsed_ = std::chrono::steady_clock::now() - start;
      co_return "read:" + r.ec.message();
    }
    std::string line;
    while (line.find('\n') == std::string::npos) {
      IoResult r = co_await stream.ReadSome(asio::buffer(buf), timeout_);
      if (r.ec) co_return "plain read:" + r.ec.message();
      line.append(buf, r.bytes);
    }
    if (line != "STARTTLS\n") co_return "unexpected:" + line;
    if (stream.IsTls()) co_return "TLS too early";
    IoResult w = co_await stream.WriteAll(asio::buffer("OK\n", 3), timeout_);
    if (w.ec) co_return "plain write:" + w.ec.message();
    boost::system::error_code ec = co_await stream.Handshake(ctx_, timeout_);
    if (ec) co_return "handshake:" + ec.message();
    for (;;) {
      IoResult r = co_await stream.ReadSome(asio::buffer(buf), timeout_);
      if (r.ec) break;
      std::array<asio::const_buffer, 2> reply = {asio::buffer("echo:", 5),
                                                 asio::buffer(buf, r.bytes)};
      IoResult wr = co_await stream.WriteAll(reply, timeout_);
      if (wr.ec) co_return "tls write:" + wr.ec.message();
    }
    std::string version = stream.TlsVersion();
    co_await stream.Shutdown(1s);
    co_return "tls:" + version;
  }

  asio::io_context ioc_;
  std::shared_ptr<ssl::context> ctx_;
  Mode mode_;
  Stream::Duration timeout_;
  uint16_t port_ = 0;
  std::promise<std::string> outcome_;
  std::future<std::string> outcome_future_ = outcome_.get_future();
  std::thread thread_;

 public:
  std::chrono::steady_clock::duration elapsed_{};
};

struct ClientOptions {
  std::string verify_host = "localhost";
  int max_version = 0;  // 0: library default
  bool send_client_hello = true;
};

// A synchronous client: STARTTLS in clear, then TLS verified against `ca_file`, one echo.
// Returns "" on success or the step that failed.
std::string RunClient(uint16_t port, const std::string& ca_file, const ClientOptions& opts) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "connect: " + ec.message();
  asio::write(socket, asio::buffer("STARTTLS\n", 9), ec);
  char ok[3];
  asio::read(socket, asio::buffer(ok), ec);  // exactly the reply, no TLS bytes
  if (ec || std::string(ok, 3) != "OK\n") return "starttls reply";
  if (!opts.send_client_hello) {
    std::this_thread::sleep_for(1s);
    return "silent";
  }

  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(ca_file);
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification(opts.verify_host));
  if (opts.max_version != 0) {
    SSL_CTX_set_security_level(ctx.native_handle(), 0);  // let the client offer old versions
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), opts.max_version);
  }
  ssl::stream<tcp::socket&> tls(socket, ctx);
  SSL_set_tlsext_host_name(tls.native_handle(), opts.verify_host.c_str());
  tls.handshake(ssl::stream_base::client, ec);
  if (ec) return "handshake: " + ec.message();
  asio::write(tls, asio::buffer("hello", 5), ec);
  char reply[10];
  asio::read(tls, asio::buffer(reply), ec);
  if (ec) return "echo: " + ec.message();
  if (std::string(reply, 10) != "echo:hello") return "echo mismatch: " + std::string(reply, 10);
  tls.shutdown(ec);  // close_notify; the server answers with its own
  return "";
}

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetLogLevel(LogLevel::kOff);
    Result<TlsFiles> files = EnsureTlsMaterial(dir_.path(), TlsSettings{});
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_ = *files;
  }
  void TearDown() override { SetLogLevel(LogLevel::kInfo); }

  std::shared_ptr<ssl::context> Context(const std::string& min_version = "1.2") {
    TlsSettings settings;
    settings.min_version = min_version;
    Result<std::shared_ptr<ssl::context>> ctx = MakeServerTlsContext(files_, settings);
    EXPECT_TRUE(ctx.ok()) << ctx.status().ToString();
    return ctx.ok() ? *ctx : nullptr;
  }

  testing::TempDir dir_;
  TlsFiles files_;
};

TEST_F(StreamTest, StartTlsUpgradeVerifiedByRealClient) {
  OneShotServer server(Context(), Mode::kStartTls, 5s);
  EXPECT_EQ(RunClient(server.port(), files_.ca_file, {}), "");
  std::string outcome = server.Outcome();
  EXPECT_TRUE(outcome == "tls:TLSv1.3" || outcome == "tls:TLSv1.2") << outcome;
}

TEST_F(StreamTest, ClientRejectsWrongHostName) {
  OneShotServer server(Context(), Mode::kStartTls, 5s);
  ClientOptions opts;
  opts.verify_host = "wrong.example.org";
  EXPECT_NE(RunClient(server.port(), files_.ca_file, opts), "");
  EXPECT_EQ(server.Outcome().rfind("handshake:", 0), 0u);
}

TEST_F(StreamTest, Tls11Refused) {
  OneShotServer server(Context(), Mode::kStartTls, 5s);
  ClientOptions opts;
  opts.max_version = TLS1_1_VERSION;
  EXPECT_EQ(RunClient(server.port(), files_.ca_file, opts).rfind("handshake:", 0), 0u);
  EXPECT_EQ(server.Outcome().rfind("handshake:", 0), 0u);
}

TEST_F(StreamTest, Tls12AcceptedByDefault) {
  OneShotServer server(Context(), Mode::kStartTls, 5s);
  ClientOptions opts;
  opts.max_version = TLS1_2_VERSION;
  EXPECT_EQ(RunClient(server.port(), files_.ca_file, opts), "");
  EXPECT_EQ(server.Outcome(), "tls:TLSv1.2");
}

TEST_F(StreamTest, MinVersion13RefusesTls12) {
  OneShotServer server(Context("1.3"), Mode::kStartTls, 5s);
  ClientOptions opts;
  opts.max_version = TLS1_2_VERSION;
  EXPECT_EQ(RunClient(server.port(), files_.ca_file, opts).rfind("handshake:", 0), 0u);
  EXPECT_EQ(server.Outcome().rfind("handshake:", 0), 0u);
}

TEST_F(StreamTest, BadMinVersionIsAnError) {
  TlsSettings settings;
  settings.min_version = "1.1";
  EXPECT_FALSE(MakeServerTlsContext(files_, settings).ok());
}

TEST_F(StreamTest, ContextErrorNamesMissingFile) {
  TlsFiles files = files_;
  files.key_file = dir_.path() + "/nope.key";
  Result<std::shared_ptr<ssl::context>> ctx = MakeServerTlsContext(files, TlsSettings{});
  ASSERT_FALSE(ctx.ok());
  EXPECT_NE(ctx.status().message().find("nope.key"), std::string::npos);
}

TEST_F(StreamTest, ReadTimesOut) {
  OneShotServer server(Context(), Mode::kIdleRead, 150ms);
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  std::string outcome = server.Outcome();  // the client stays connected and silent
  EXPECT_EQ(outcome, "read:" + asio::error::make_error_code(asio::error::timed_out).message());
  EXPECT_GE(server.elapsed_, 150ms);
  EXPECT_LT(server.elapsed_, 3s);
}

TEST_F(StreamTest, HandshakeTimesOut) {
  OneShotServer server(Context(), Mode::kStartTls, 300ms);
  ClientOptions opts;
  opts.send_client_hello = false;
  EXPECT_EQ(RunClient(server.port(), files_.ca_file, opts), "silent");
  EXPECT_EQ(server.Outcome(),
            "handshake:" + asio::error::make_error_code(asio::error::timed_out).message());
}

}  // namespace
}  // namespace skydir::net
