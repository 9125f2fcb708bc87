#include "http/http_session.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <optional>
#include <type_traits>

#include "common/log.h"

namespace skydir::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

// After refusing a request whose body is still arriving, read and drop what the client sends
// for this long before closing, so that the kernel does not reset the connection before the
// client has read the refusal.
constexpr std::chrono::seconds kLingerTime{1};
constexpr std::chrono::seconds kTlsShutdownTime{2};

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(SessionDeps deps, Stream stream, net::ConnectionLimiter::Slot slot,
              std::shared_ptr<asio::ssl::context> tls, std::string client_ip)
      : deps_(deps),
        stream_(std::move(stream)),
        slot_(std::move(slot)),
        tls_(std::move(tls)),
        client_ip_(std::move(client_ip)) {}

  // The session's coroutine; `self` keeps the session alive until it ends.
  static asio::awaitable<void> Run(std::shared_ptr<HttpSession> self) {
    HttpSession& s = *self;
    if (!s.Register()) co_return;
    if constexpr (kIsTls<Stream>) {
      s.Lowest().expires_after(s.RequestTimeout());
      auto [ec] = co_await s.stream_.async_handshake(asio::ssl::stream_base::server,
                                                     asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
    }
    co_await s.Serve();
    co_await s.Close();
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  std::chrono::seconds RequestTimeout() const {
    return std::chrono::seconds(deps_.settings.request_timeout_seconds);
  }

  bool Register() {
    std::weak_ptr<HttpSession> weak = this->shared_from_this();
    auto executor = stream_.get_executor();
    auto cancel = [weak, executor] {
      asio::post(executor, [weak] {
        if (auto s = weak.lock()) s->Lowest().close();
      });
    };
    // An idle keep-alive connection closes at once; a busy one after its answer.
    auto drain = [weak, executor] {
      asio::post(executor, [weak] {
        if (auto s = weak.lock(); s && s->idle_) s->Lowest().cancel();
      });
    };
    auto registration = deps_.registry.Register(cancel, drain);
    if (!registration) return false;
    registration_.emplace(std::move(*registration));
    return true;
  }

  asio::awaitable<void> Serve() {
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(deps_.settings.max_header_bytes);
      parser.body_limit(deps_.settings.max_body_bytes);
      if (deps_.registry.Draining()) co_return;
      idle_ = true;
      Lowest().expires_after(std::chrono::seconds(deps_.settings.idle_timeout_seconds));
      auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer_, parser,
                                                       asio::as_tuple(asio::use_awaitable));
      idle_ = false;
      if (ec) {
        co_await Refuse(ec);
        co_return;
      }
      auto started = std::chrono::steady_clock::now();
      Lowest().expires_after(RequestTimeout());
      if (!parser.is_done()) {
        if (parser.get()[bhttp::field::expect] == "100-continue") {
          bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
          auto [wec, wn] =
              co_await bhttp::async_write(stream_, go_on, asio::as_tuple(asio::use_awaitable));
          if (wec) co_return;
        }
        auto [bec, bn] = co_await bhttp::async_read(stream_, buffer_, parser,
                                                    asio::as_tuple(asio::use_awaitable));
        if (bec) {
          co_await Refuse(bec);
          co_return;
        }
      }
      WireRequest request = parser.release();
      Response response = co_await Handle(request);
      bool keep_alive = request.keep_alive() && !deps_.registry.Draining();
      unsigned status = static_cast<unsigned>(response.status);
      bool written = co_await Write(response, request.version(), keep_alive);
      if (deps_.metrics != nullptr) {
        deps_.metrics->Record(bhttp::to_string(request.method()), route_label_, status,
                              std::chrono::steady_clock::now() - started);
      }
      if (!written || !keep_alive) co_return;
    }
  }

  // Answers a request that could not be read completely, when an answer makes sense.
  asio::awaitable<void> Refuse(const boost::system::error_code& ec) {
    std::optional<Response> answer;
    if (ec == bhttp::error::body_limit) {
      answer = ErrorResponse(
          HttpStatus::payload_too_large,
          "body: larger than " + std::to_string(deps_.settings.max_body_bytes) + " bytes");
    } else if (ec == bhttp::error::header_limit) {
      answer = ErrorResponse(
          HttpStatus::request_header_fields_too_large,
          "headers: larger than " + std::to_string(deps_.settings.max_header_bytes) + " bytes");
    } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
               ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      answer = ErrorResponse(HttpStatus::bad_request, "malformed HTTP request: " + ec.message());
    }
    if (!answer) co_return;
    if (deps_.metrics != nullptr) {
      deps_.metrics->Record("", kUnparsedRoute, static_cast<unsigned>(answer->status), {});
    }
    Lowest().expires_after(RequestTimeout());
    bool written = co_await Write(*answer, 11, false);
    if (written) co_await Linger();
  }

  asio::awaitable<Response> Handle(const WireRequest& request) {
    auto prepared = deps_.dispatcher.Prepare(request, client_ip_, &route_label_, kIsTls<Stream>);
    if (auto* done = std::get_if<Response>(&prepared)) co_return std::move(*done);
    Call* call = &std::get<Call>(prepared);
    const Dispatcher* dispatcher = &deps_.dispatcher;
    auto work = [dispatcher, call] { return dispatcher->Execute(*call); };
    Result<Response> result = co_await deps_.pool.Run(work);
    if (!result.ok()) co_return ErrorResponse(result.status());
    co_return std::move(result).value();
  }

  asio::awaitable<bool> Write(Response& response, unsigned version, bool keep_alive) {
    bhttp::response<bhttp::string_body> wire{response.status, version};
    wire.set(bhttp::field::server, "skydir");
    if (!response.content_type.empty()) {
      wire.set(bhttp::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) wire.set(name, value);
    wire.keep_alive(keep_alive);
    wire.body() = std::move(response.body);
    wire.prepare_payload();
    auto [ec, n] = co_await bhttp::async_write(stream_, wire, asio::as_tuple(asio::use_awaitable));
    co_return !ec;
  }

  asio::awaitable<void> Linger() {
    if constexpr (!kIsTls<Stream>) {
      boost::system::error_code ignored;
      Lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      Lowest().expires_after(kLingerTime);
      uint64_t dropped = 0;
      const uint64_t cap = 4ull * deps_.settings.max_body_bytes + (1u << 20);
      while (dropped < cap) {
        auto [ec, n] = co_await Lowest().async_read_some(asio::buffer(scratch_),
                                                         asio::as_tuple(asio::use_awaitable));
        if (ec) break;
        dropped += n;
      }
    }
    co_return;
  }

  asio::awaitable<void> Close() {
    boost::system::error_code ignored;
    if constexpr (kIsTls<Stream>) {
      if (Lowest().socket().is_open()) {
        Lowest().expires_after(kTlsShutdownTime);
        auto [ec] = co_await stream_.async_shutdown(asio::as_tuple(asio::use_awaitable));
        (void)ec;
      }
    } else {
      Lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
    Lowest().close();
  }

  SessionDeps deps_;
  Stream stream_;
  net::ConnectionLimiter::Slot slot_;
  std::shared_ptr<asio::ssl::context> tls_;  // keeps the context alive for stream_
  std::string client_ip_;
  beast::flat_buffer buffer_;
  std::array<char, 16384> scratch_{};
  std::string route_label_;  // of the request being answered, for metrics
  bool idle_ = false;        // waiting for the next request; only touched on the strand
  std::optional<net::SessionRegistry::Registration> registration_;
};

}  // namespace

void StartHttpSession(SessionDeps deps, asio::ip::tcp::socket socket,
                      std::shared_ptr<asio::ssl::context> tls, net::ConnectionLimiter::Slot slot) {
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  std::string client_ip = ec ? std::string() : peer.address().to_string();
  auto executor = socket.get_executor();
  if (tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    auto session = std::make_shared<HttpSession<TlsStream>>(
        deps, TlsStream(beast::tcp_stream(std::move(socket)), *tls), std::move(slot), tls,
        std::move(client_ip));
    asio::co_spawn(executor, HttpSession<TlsStream>::Run(std::move(session)), asio::detached);
  } else {
    auto session = std::make_shared<HttpSession<beast::tcp_stream>>(
        deps, beast::tcp_stream(std::move(socket)), std::move(slot), nullptr, std::move(client_ip));
    asio::co_spawn(executor, HttpSession<beast::tcp_stream>::Run(std::move(session)),
                   asio::detached);
  }
}

}  // namespace skydir::http
