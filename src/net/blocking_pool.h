// A bounded thread pool for blocking work (SQL, password hashing, outbound HTTP) that I/O
// coroutines await without blocking their thread (DESIGN §3).
//
//   Result<User> user = co_await sql_pool.Run([&] { return store.GetUser(id); });
//
// The work runs on a pool thread; the coroutine resumes on its own executor (its session's
// strand). When max_queue tasks are already waiting, Run completes at once with kBusy, so an
// overloaded server answers "busy" instead of queuing without bound.
//
// Thread-safe. Stop() (also run by the destructor) refuses new work, completes the queued
// tasks with kUnavailable without running them, waits for the running ones and joins.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/status.h"

namespace skydir::net {

// What awaiting a task of result type R yields: failures (busy, stopped, an exception) need a
// Status, so void becomes Status, Status and Result<T> stay, any other T becomes Result<T>.
template <class R>
struct PoolResultOf {
  using type = Result<R>;
};
template <>
struct PoolResultOf<void> {
  using type = Status;
};
template <>
struct PoolResultOf<Status> {
  using type = Status;
};
template <class T>
struct PoolResultOf<Result<T>> {
  using type = Result<T>;
};
template <class F>
using PoolResult = typename PoolResultOf<std::invoke_result_t<F&>>::type;

struct BlockingPoolOptions {
  std::string name = "blocking";  // for logs
  uint32_t threads = 2;
  uint32_t max_queue = 1024;  // tasks waiting for a thread, not counting the running ones
};

class BlockingPool {
 public:
  explicit BlockingPool(BlockingPoolOptions options);
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  ~BlockingPool();

  // Runs `f` on a pool thread and completes on the awaiting coroutine's executor with f's
  // result, or kBusy (queue full), kUnavailable (stopped) or kOther (f threw). Not cancellable
  // once queued. `f` and what it references must stay valid until the co_await completes.
  template <class F>
  boost::asio::awaitable<PoolResult<F>> Run(F f);

  // Fire-and-forget: false (and `f` dropped) when the queue is full or the pool stopped.
  bool TryPost(std::function<void()> f);

  // REQUIRES: not called from a pool thread.
  void Stop();

  size_t Queued() const;
  uint64_t Rejected() const;

 private:
  class Task {
   public:
    virtual ~Task() = default;
    virtual void Execute() = 0;            // on a pool thread
    virtual void Abandon(Status why) = 0;  // completes without running
  };
  template <class Handler, class F>
  class CoroutineTask;
  class FunctionTask;

  // Queues the task, or hands it back (unqueued) when full or stopped, setting *why.
  std::unique_ptr<Task> Submit(std::unique_ptr<Task> task, Status* why);
  void Worker();

  BlockingPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Task>> queue_;  // guarded by mu_
  bool stopped_ = false;                     // guarded by mu_
  uint64_t rejected_ = 0;                    // guarded by mu_
  std::mutex stop_mu_;                       // serializes Stop() callers around the joins
  std::vector<std::thread> threads_;
};

template <class Handler, class F>
class BlockingPool::CoroutineTask final : public Task {
 public:
  using R = PoolResult<F>;

  CoroutineTask(Handler handler, F f)
      : handler_(std::move(handler)),
        f_(std::move(f)),
        work_(boost::asio::make_work_guard(boost::asio::get_associated_executor(handler_))) {}

  void Execute() override { Complete(Invoke()); }
  void Abandon(Status why) override { Complete(R(std::move(why))); }

 private:
  R Invoke() {
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
        f_();
        return Status::Ok();
      } else {
        return R(f_());
      }
    } catch (const std::exception& e) {
      return R(Internal(std::string("blocking task failed: ") + e.what()));
    } catch (...) {
      return R(Internal("blocking task failed"));
    }
  }

  // Resumes the coroutine on its executor, never on the pool thread.
  void Complete(R result) {
    auto executor = work_.get_executor();
    boost::asio::post(executor, [handler = std::move(handler_), r = std::move(result)]() mutable {
      std::move(handler)(std::move(r));
    });
    work_.reset();
  }

  Handler handler_;
  F f_;
  boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work_;
};

template <class F>
boost::asio::awaitable<PoolResult<F>> BlockingPool::Run(F f) {
  using R = PoolResult<F>;
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
      [this](auto handler, F fn) {
        using Handler = decltype(handler);
        Status why;
        auto task = Submit(
            std::make_unique<CoroutineTask<Handler, F>>(std::move(handler), std::move(fn)), &why);
        if (task) task->Abandon(std::move(why));  // completes via post, as Asio requires
      },
      boost::asio::use_awaitable, std::move(f));
}

}  // namespace skydir::net
