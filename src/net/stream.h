// The byte stream of one connection: plain TCP that can be upgraded in place to TLS (LDAP
// StartTLS, RFC 4511 §4.14: the ExtendedResponse goes out in clear, then the server handshake
// runs on the same socket), or TLS from the start (LDAPS: call Handshake() first).
//
// Every operation takes a timeout (kNoTimeout for none) and completes with an error code, never
// an exception: EOF, cancellation, asio::error::timed_out. After any error other than EOF on a
// read, treat the stream as broken and Close() it: a timed-out TLS operation leaves the TLS
// state undefined.
//
// Not thread-safe: use one Stream from one strand (its session's coroutine), with at most one
// read and one write outstanding. Close() from elsewhere must be posted to that strand.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>

namespace skydir::net {

struct IoResult {
  boost::system::error_code ec;
  size_t bytes = 0;
};

class Stream {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using Duration = std::chrono::steady_clock::duration;
  static constexpr Duration kNoTimeout = Duration::zero();

  // Takes ownership of a connected socket.
  explicit Stream(Socket socket);
  Stream(const Stream&) = delete;  // the TLS layer refers to socket_
  Stream& operator=(const Stream&) = delete;
  ~Stream();

  // Reads what is available, at least one byte unless an error is returned.
  boost::asio::awaitable<IoResult> ReadSome(boost::asio::mutable_buffer buffer, Duration timeout);

  // Writes all of `buffers` (one gather write where the kernel allows). The buffers must stay
  // valid until the call completes.
  boost::asio::awaitable<IoResult> WriteAll(std::span<const boost::asio::const_buffer> buffers,
                                            Duration timeout);
  boost::asio::awaitable<IoResult> WriteAll(boost::asio::const_buffer buffer, Duration timeout);

  // Upgrades to TLS with a server handshake using `context` (kept alive by the stream).
  // REQUIRES: the peer sent nothing after its StartTLS request that is still unread, and the
  // stream is not TLS yet (else asio::error::already_open).
  boost::asio::awaitable<boost::system::error_code> Handshake(
      const std::shared_ptr<boost::asio::ssl::context>& context, Duration timeout);

  // Ends the connection politely: TLS close_notify (bounded by `timeout`), then TCP shutdown
  // and close. Errors are of no interest to the caller and are swallowed.
  boost::asio::awaitable<void> Shutdown(Duration timeout);

  // Closes the socket at once; pending operations complete with operation_aborted.
  void Close();

  bool IsTls() const { return tls_ != nullptr; }
  // "TLSv1.3" etc. once TLS, else "".
  std::string TlsVersion() const;
  // Captured when constructed, so valid after Close().
  const boost::asio::ip::tcp::endpoint& remote_endpoint() const { return remote_; }
  const boost::asio::ip::tcp::endpoint& local_endpoint() const { return local_; }
  Socket& socket() { return socket_; }

 private:
  using TlsStream = boost::asio::ssl::stream<Socket&>;

  Socket socket_;
  std::shared_ptr<boost::asio::ssl::context> context_;  // outlives tls_
  std::unique_ptr<TlsStream> tls_;
  boost::asio::ip::tcp::endpoint remote_;
  boost::asio::ip::tcp::endpoint local_;
};

}  // namespace skydir::net
