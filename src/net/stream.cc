#include "net/stream.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <tuple>
#include <vector>

namespace skydir::net {
namespace {

namespace asio = boost::asio;
using asio::experimental::awaitable_operators::operator||;
using boost::system::error_code;
using Op = asio::awaitable<std::tuple<error_code, size_t>>;

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Awaits `op`, or gives up after `timeout` with timed_out: the loser of `||` is cancelled
// (terminal cancellation), which is what makes a timed-out TLS stream unusable.
asio::awaitable<IoResult> Bounded(Op op, Stream::Duration timeout) {
  if (timeout <= Stream::Duration::zero()) {
    auto [ec, n] = co_await std::move(op);
    co_return IoResult{ec, n};
  }
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  auto result = co_await (std::move(op) || timer.async_wait(kAsTuple));
  if (result.index() == 0) {
    auto [ec, n] = std::get<0>(result);
    co_return IoResult{ec, n};
  }
  co_return IoResult{asio::error::timed_out, 0};
}

template <class AsyncStream>
Op ReadOp(AsyncStream& s, asio::mutable_buffer buffer) {
  co_return co_await s.async_read_some(buffer, kAsTuple);
}

template <class AsyncStream, class Buffers>
Op WriteOp(AsyncStream& s, const Buffers& buffers) {
  co_return co_await asio::async_write(s, buffers, kAsTuple);
}

template <class TlsStream>
Op HandshakeOp(TlsStream& s) {
  auto [ec] = co_await s.async_handshake(asio::ssl::stream_base::server, kAsTuple);
  co_return std::tuple(ec, size_t{0});
}

template <class TlsStream>
Op TlsShutdownOp(TlsStream& s) {
  auto [ec] = co_await s.async_shutdown(kAsTuple);
  co_return std::tuple(ec, size_t{0});
}

}  // namespace

Stream::Stream(Socket socket) : socket_(std::move(socket)) {
  error_code ec;
  remote_ = socket_.remote_endpoint(ec);
  local_ = socket_.local_endpoint(ec);
}

Stream::~Stream() = default;

asio::awaitable<IoResult> Stream::ReadSome(asio::mutable_buffer buffer, Duration timeout) {
  if (tls_) co_return co_await Bounded(ReadOp(*tls_, buffer), timeout);
  co_return co_await Bounded(ReadOp(socket_, buffer), timeout);
}

asio::awaitable<IoResult> Stream::WriteAll(std::span<const asio::const_buffer> buffers,
                                           Duration timeout) {
  if (!tls_) co_return co_await Bounded(WriteOp(socket_, buffers), timeout);
  if (buffers.size() == 1) co_return co_await Bounded(WriteOp(*tls_, buffers), timeout);
  // The TLS layer writes one record per buffer; joining them first sends fewer, fuller records.
  std::vector<char> joined(asio::buffer_size(buffers));
  asio::buffer_copy(asio::buffer(joined), buffers);
  co_return co_await Bounded(WriteOp(*tls_, asio::buffer(joined)), timeout);
}

asio::awaitable<IoResult> Stream::WriteAll(asio::const_buffer buffer, Duration timeout) {
  co_return co_await WriteAll(std::span<const asio::const_buffer>(&buffer, 1), timeout);
}

asio::awaitable<error_code> Stream::Handshake(const std::shared_ptr<asio::ssl::context>& context,
                                              Duration timeout) {
  if (tls_) co_return asio::error::already_open;
  context_ = context;  // copied before the first suspension
  tls_ = std::make_unique<TlsStream>(socket_, *context_);
  IoResult r = co_await Bounded(HandshakeOp(*tls_), timeout);
  co_return r.ec;
}

asio::awaitable<void> Stream::Shutdown(Duration timeout) {
  if (tls_ && socket_.is_open()) co_await Bounded(TlsShutdownOp(*tls_), timeout);
  Close();
}

void Stream::Close() {
  error_code ec;
  socket_.shutdown(Socket::shutdown_both, ec);
  socket_.close(ec);
}

std::string Stream::TlsVersion() const {
  return tls_ ? SSL_get_version(const_cast<TlsStream&>(*tls_).native_handle()) : "";
}

}  // namespace skydir::net
