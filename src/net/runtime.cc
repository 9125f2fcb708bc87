#include "net/runtime.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <exception>
#include <thread>

#include "common/log.h"

namespace skydir::net {
namespace {

namespace asio = boost::asio;

// How often shutdown checks whether the sessions have ended.
constexpr std::chrono::milliseconds kShutdownPoll{20};

uint32_t ThreadCount(uint32_t configured) {
  if (configured != 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Runs a shutdown callback; one that throws must not stop the others.
void RunGuarded(const std::function<void()>& callback) {
  try {
    callback();
  } catch (const std::exception& e) {
    LogError("net.shutdown_callback_failed", {{"what", e.what()}});
  } catch (...) {
    LogError("net.shutdown_callback_failed");
  }
}

}  // namespace

Runtime::Runtime(RuntimeOptions options)
    : options_(options),
      threads_(ThreadCount(options.io_threads)),
      ioc_(static_cast<int>(threads_)),
      strand_(asio::make_strand(ioc_)),
      work_(asio::make_work_guard(ioc_)) {
  if (options_.handle_signals) {
    signals_.emplace(strand_, SIGINT, SIGTERM);
    WaitForSignal();
  }
}

Runtime::~Runtime() {
  signals_.reset();
  work_.reset();
}

void Runtime::OnShutdown(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (!callbacks_taken_) {
      shutdown_callbacks_.push_back(std::move(callback));
      return;
    }
  }
  asio::post(strand_, [cb = std::move(callback)] { RunGuarded(cb); });
}

void Runtime::WaitForSignal() {
  signals_->async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (!stopping_) {
      LogInfo("net.signal", {{"signal", static_cast<int64_t>(signo)}, {"action", "shutdown"}});
      Stop();
      WaitForSignal();
    } else {
      LogWarn("net.signal", {{"signal", static_cast<int64_t>(signo)}, {"action", "stop_now"}});
      StopNow();
    }
  });
}

void Runtime::Run() {
  std::vector<std::thread> extra;
  extra.reserve(threads_ - 1);
  for (uint32_t i = 1; i < threads_; ++i) extra.emplace_back([this] { RunIoThread(); });
  RunIoThread();
  for (std::thread& t : extra) t.join();
}

void Runtime::RunIoThread() {
  // Handlers report errors as values; this is the last line of defence for one that throws.
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      LogError("net.io_thread_exception", {{"what", e.what()}});
    } catch (...) {
      LogError("net.io_thread_exception");
    }
  }
}

void Runtime::Stop() {
  if (stopping_.exchange(true)) return;
  asio::co_spawn(strand_, ShutdownSequence(), [this](std::exception_ptr e) {
    if (e) {
      LogError("net.shutdown_failed");
      StopNow();
    }
  });
}

void Runtime::StopNow() {
  stopping_ = true;
  ioc_.stop();
}

asio::awaitable<void> Runtime::ShutdownSequence() {
  LogInfo("net.shutdown_begin", {{"sessions", static_cast<int64_t>(sessions_.Active())}});
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    callbacks.swap(shutdown_callbacks_);
    callbacks_taken_ = true;
  }
  for (const auto& callback : callbacks) RunGuarded(callback);

  sessions_.BeginDrain();
  if (!co_await WaitForSessions(options_.shutdown_grace)) {
    LogWarn("net.shutdown_cancel_sessions",
            {{"sessions", static_cast<int64_t>(sessions_.Active())}});
    sessions_.CancelAll();
    if (!co_await WaitForSessions(options_.cancel_timeout)) {
      LogWarn("net.shutdown_abandon_sessions",
              {{"sessions", static_cast<int64_t>(sessions_.Active())}});
    }
  }
  LogInfo("net.shutdown_done");
  StopNow();
}

asio::awaitable<bool> Runtime::WaitForSessions(std::chrono::milliseconds limit) {
  asio::steady_timer timer(strand_);
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (sessions_.Active() > 0) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return false;
    timer.expires_after(
        std::min<std::chrono::steady_clock::duration>(kShutdownPoll, deadline - now));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return true;
}

}  // namespace skydir::net
