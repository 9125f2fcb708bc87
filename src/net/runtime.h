// The process's I/O runtime (DESIGN §3): one io_context run by N threads, SIGINT/SIGTERM
// handling, and graceful shutdown.
//
// Shutdown, started by Stop() or the first SIGINT/SIGTERM:
//   1. shutdown callbacks run in registration order (listeners close their acceptors);
//   2. sessions() is drained: new sessions are refused, drain callbacks run;
//   3. up to `shutdown_grace` for the sessions to end by themselves;
//   4. the remaining sessions are cancelled, and get up to `cancel_timeout` to unwind;
//   5. the io_context is stopped and Run() returns.
// A second signal skips to step 5. Background components with threads of their own
// (BlockingPool, …) are stopped by their owner after Run() returns.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "net/session_registry.h"

namespace skydir::net {

struct RuntimeOptions {
  uint32_t io_threads = 0;  // 0: std::thread::hardware_concurrency()
  std::chrono::milliseconds shutdown_grace{5000};
  std::chrono::milliseconds cancel_timeout{2000};
  bool handle_signals = true;  // install SIGINT/SIGTERM handlers (tests may turn this off)
};

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options);
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  // REQUIRES: Run() is not running. Coroutines still suspended are destroyed here, so objects
  // they reference must outlive the Runtime or the sessions must have ended (Run() returned).
  ~Runtime();

  boost::asio::io_context& io_context() { return ioc_; }
  boost::asio::any_io_executor executor() { return ioc_.get_executor(); }
  SessionRegistry& sessions() { return sessions_; }
  uint32_t thread_count() const { return threads_; }

  // Adds a callback for step 1. It runs on an I/O thread but not on the caller's strand: post
  // to the strand of whatever it closes. Thread-safe; callbacks added after shutdown began run
  // at once.
  void OnShutdown(std::function<void()> callback);

  // Runs the io_context on thread_count() threads, the caller's included, until shutdown
  // completes. Call once. Exceptions escaping a handler are logged and the thread goes on.
  void Run();

  // Begins graceful shutdown. Thread-safe, idempotent, returns at once.
  void Stop();
  // Stops the io_context now, without grace (second signal).
  void StopNow();
  bool Stopping() const { return stopping_.load(); }

 private:
  void WaitForSignal();
  boost::asio::awaitable<void> ShutdownSequence();
  // Polls until no session is registered or `limit` passed; true when none is left.
  boost::asio::awaitable<bool> WaitForSessions(std::chrono::milliseconds limit);
  void RunIoThread();

  RuntimeOptions options_;
  uint32_t threads_;
  SessionRegistry sessions_;  // declared before ioc_: outlives the coroutines ioc_ destroys
  boost::asio::io_context ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::optional<boost::asio::signal_set> signals_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<std::function<void()>> shutdown_callbacks_;  // guarded by mu_
  bool callbacks_taken_ = false;                           // guarded by mu_
};

}  // namespace skydir::net
