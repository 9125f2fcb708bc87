#include "net/runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include "common/log.h"

namespace skydir::net {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLogLevel(LogLevel::kOff); }
  void TearDown() override { SetLogLevel(LogLevel::kInfo); }
};

// Runs rt.Run() on a thread; Wait() reports whether it returned within `limit`.
class RunThread {
 public:
  explicit RunThread(Runtime& rt)
      : done_(promise_.get_future()), thread_([this, &rt] {
          rt.Run();
          promise_.set_value();
        }) {}
  ~RunThread() { thread_.join(); }
  bool Wait(std::chrono::milliseconds limit) {
    return done_.wait_for(limit) == std::future_status::ready;
  }

 private:
  std::promise<void> promise_;
  std::future<void> done_;
  std::thread thread_;
};

TEST_F(RuntimeTest, RunsOnConfiguredThreadsUntilStopped) {
  Runtime rt({.io_threads = 3, .handle_signals = false});
  EXPECT_EQ(rt.thread_count(), 3u);
  std::mutex mu;
  std::set<std::thread::id> seen;
  std::atomic<int> ran{0};
  for (int i = 0; i < 30; ++i) {
    asio::post(rt.executor(), [&] {
      std::this_thread::sleep_for(5ms);
      std::lock_guard lock(mu);
      seen.insert(std::this_thread::get_id());
      ++ran;
    });
  }
  RunThread run(rt);
  while (ran < 30) std::this_thread::sleep_for(1ms);
  rt.Stop();
  EXPECT_TRUE(run.Wait(5s));
  EXPECT_GE(seen.size(), 2u);
}

TEST_F(RuntimeTest, DefaultThreadCountIsHardwareConcurrency) {
  Runtime rt({.handle_signals = false});
  EXPECT_EQ(rt.thread_count(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST_F(RuntimeTest, ShutdownClosesListenersThenDrainsSessions) {
  Runtime rt({.io_threads = 2, .shutdown_grace = 5000ms, .handle_signals = false});
  std::vector<std::string> events;
  std::mutex mu;
  auto record = [&](std::string e) {
    std::lock_guard lock(mu);
    events.push_back(std::move(e));
  };
  rt.OnShutdown([&] { record("acceptor closed"); });

  // A session that ends by itself shortly after being asked to drain.
  std::optional<SessionRegistry::Registration> session;
  session = rt.sessions().Register([&] { record("cancelled"); },
                                   [&] {
                                     record("drain");
                                     asio::post(rt.executor(), [&] {
                                       std::this_thread::sleep_for(50ms);
                                       record("ended");
                                       session.reset();
                                     });
                                   });
  ASSERT_TRUE(session);
  EXPECT_EQ(rt.sessions().Active(), 1u);

  RunThread run(rt);
  auto start = Clock::now();
  rt.Stop();
  EXPECT_TRUE(run.Wait(5s));
  EXPECT_LT(Clock::now() - start, 2s) << "should not wait out the grace period";
  EXPECT_EQ(events, (std::vector<std::string>{"acceptor closed", "drain", "ended"}));
  EXPECT_FALSE(rt.sessions().Register([] {}));  // refused once draining
}

TEST_F(RuntimeTest, StuckSessionIsCancelledAfterGrace) {
  Runtime rt({.io_threads = 1,
              .shutdown_grace = 200ms,
              .cancel_timeout = 2000ms,
              .handle_signals = false});
  std::optional<SessionRegistry::Registration> session;
  std::atomic<bool> cancelled{false};
  session = rt.sessions().Register([&] {
    cancelled = true;
    asio::post(rt.executor(), [&] { session.reset(); });  // the session unwinds on its strand
  });
  RunThread run(rt);
  auto start = Clock::now();
  rt.Stop();
  EXPECT_TRUE(run.Wait(5s));
  auto took = Clock::now() - start;
  EXPECT_TRUE(cancelled);
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 1500ms) << "should end once the cancelled session is gone";
}

TEST_F(RuntimeTest, SessionIgnoringCancelIsAbandonedAfterTimeout) {
  Runtime rt(
      {.io_threads = 1, .shutdown_grace = 50ms, .cancel_timeout = 100ms, .handle_signals = false});
  auto session = rt.sessions().Register([] {});
  RunThread run(rt);
  rt.Stop();
  EXPECT_TRUE(run.Wait(5s));
  session.reset();
}

TEST_F(RuntimeTest, OnShutdownAfterStopRunsAtOnce) {
  Runtime rt(
      {.io_threads = 1, .shutdown_grace = 50ms, .cancel_timeout = 50ms, .handle_signals = false});
  auto session = rt.sessions().Register([] {});  // keeps shutdown busy for the grace period
  RunThread run(rt);
  rt.Stop();
  std::promise<void> ran;
  rt.OnShutdown([&] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(run.Wait(5s));
  session.reset();
}

TEST_F(RuntimeTest, SigtermStartsShutdown) {
  Runtime rt({.io_threads = 2});
  std::promise<void> callback;
  rt.OnShutdown([&] { callback.set_value(); });
  RunThread run(rt);
  std::raise(SIGTERM);
  EXPECT_EQ(callback.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(run.Wait(5s));
  EXPECT_TRUE(rt.Stopping());
}

TEST(SessionRegistryTest, RegistrationLifetime) {
  SessionRegistry registry;
  int cancels = 0;
  {
    auto a = registry.Register([&] { ++cancels; });
    auto b = registry.Register([&] { ++cancels; });
    ASSERT_TRUE(a && b);
    EXPECT_EQ(registry.Active(), 2u);
    SessionRegistry::Registration moved = std::move(*a);
    a.reset();
    EXPECT_EQ(registry.Active(), 2u);
    registry.CancelAll();
    registry.CancelAll();  // each cancel runs once
    EXPECT_EQ(cancels, 2);
  }
  EXPECT_EQ(registry.Active(), 0u);
}

TEST(SessionRegistryTest, CancelMayUnregisterSynchronously) {
  SessionRegistry registry;
  std::optional<SessionRegistry::Registration> r;
  r = registry.Register([&] { r.reset(); });
  registry.CancelAll();
  EXPECT_EQ(registry.Active(), 0u);
}

}  // namespace
}  // namespace skydir::net
