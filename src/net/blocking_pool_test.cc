#include "net/blocking_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "common/log.h"

namespace skydir::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// An io_context run by one thread for the duration of a test.
class IoThread {
 public:
  IoThread() : work_(asio::make_work_guard(ioc_)), thread_([this] { ioc_.run(); }) {}
  ~IoThread() {
    work_.reset();
    ioc_.stop();
    thread_.join();
  }
  asio::io_context& ioc() { return ioc_; }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

// Spawns `coro` on `executor` and waits for the value it returns.
template <class T, class Executor>
T RunCoroutine(Executor executor, asio::awaitable<T> coro) {
  std::promise<T> done;
  std::future<T> result = done.get_future();
  asio::co_spawn(executor, std::move(coro), [&done](std::exception_ptr e, T value) {
    if (e) {
      done.set_exception(e);
    } else {
      done.set_value(std::move(value));
    }
  });
  EXPECT_EQ(result.wait_for(10s), std::future_status::ready);
  return result.get();
}

TEST(BlockingPoolTest, RunsOffThreadAndResumesOnOriginalStrand) {
  IoThread io;
  BlockingPool pool({.name = "test", .threads = 2, .max_queue = 8});
  auto strand = asio::make_strand(io.ioc());
  auto coro = [&]() -> asio::awaitable<std::string> {
    std::thread::id caller = std::this_thread::get_id();
    Result<std::thread::id> worker = co_await pool.Run([] { return std::this_thread::get_id(); });
    if (!worker.ok()) co_return "failed: " + worker.status().ToString();
    if (*worker == caller) co_return "ran on the calling thread";
    if (!strand.running_in_this_thread()) co_return "resumed off the strand";
    if (std::this_thread::get_id() != caller) co_return "resumed on another thread";
    co_return "ok";
  };
  EXPECT_EQ(RunCoroutine(strand, coro()), "ok");
}

TEST(BlockingPoolTest, ResultShapes) {
  IoThread io;
  BlockingPool pool({.name = "test", .threads = 1, .max_queue = 8});
  auto coro = [&]() -> asio::awaitable<std::string> {
    std::string out;
    Status v = co_await pool.Run([] {});
    out += v.ok() ? "void ok;" : "void failed;";
    Status s = co_await pool.Run([] { return NotFound("x"); });
    out += s.code() == Code::kNoSuchObject ? "status passed;" : "status lost;";
    Result<int> r = co_await pool.Run([]() -> Result<int> { return 7; });
    out += r.ok() && *r == 7 ? "result passed;" : "result lost;";
    Result<int> thrown = co_await pool.Run([]() -> int { throw std::runtime_error("boom"); });
    out += !thrown.ok() && thrown.status().message().find("boom") != std::string::npos
               ? "exception caught"
               : "exception lost";
    co_return out;
  };
  EXPECT_EQ(RunCoroutine(io.ioc().get_executor(), coro()),
            "void ok;status passed;result passed;exception caught");
}

TEST(BlockingPoolTest, FullQueueAnswersBusy) {
  IoThread io;
  BlockingPool pool({.name = "test", .threads = 1, .max_queue = 1});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TryPost([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();                                 // the only thread is now busy
  ASSERT_TRUE(pool.TryPost([released] { released.wait(); }));  // fills the queue
  EXPECT_EQ(pool.Queued(), 1u);
  EXPECT_FALSE(pool.TryPost([] {}));

  auto coro = [&]() -> asio::awaitable<Code> {
    Status s = co_await pool.Run([] {});
    co_return s.code();
  };
  EXPECT_EQ(RunCoroutine(io.ioc().get_executor(), coro()), Code::kBusy);
  EXPECT_EQ(pool.Rejected(), 2u);
  release.set_value();
}

TEST(BlockingPoolTest, StopAbandonsQueuedWorkAndJoins) {
  SetLogLevel(LogLevel::kOff);
  IoThread io;
  BlockingPool pool({.name = "test", .threads = 1, .max_queue = 8});
  std::atomic<bool> running_finished{false};
  std::promise<void> started;
  ASSERT_TRUE(pool.TryPost([&] {
    started.set_value();
    std::this_thread::sleep_for(200ms);
    running_finished = true;
  }));
  started.get_future().wait();

  std::promise<Code> queued_code;
  auto queued = [&]() -> asio::awaitable<void> {
    Status s = co_await pool.Run([] {});
    queued_code.set_value(s.code());
  };
  asio::co_spawn(io.ioc(), queued(), [](std::exception_ptr) {});
  while (pool.Queued() == 0) std::this_thread::sleep_for(1ms);

  pool.Stop();
  EXPECT_TRUE(running_finished) << "Stop must wait for the running task";
  std::future<Code> code = queued_code.get_future();
  ASSERT_EQ(code.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(code.get(), Code::kUnavailable);

  auto after = [&]() -> asio::awaitable<Code> {
    Status s = co_await pool.Run([] {});
    co_return s.code();
  };
  EXPECT_EQ(RunCoroutine(io.ioc().get_executor(), after()), Code::kUnavailable);
  EXPECT_FALSE(pool.TryPost([] {}));
  pool.Stop();  // idempotent
  SetLogLevel(LogLevel::kInfo);
}

}  // namespace
}  // namespace skydir::net
