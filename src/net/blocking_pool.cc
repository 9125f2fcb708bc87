#include "net/blocking_pool.h"

#include <algorithm>

#include "common/log.h"

namespace skydir::net {

class BlockingPool::FunctionTask final : public Task {
 public:
  FunctionTask(std::string pool, std::function<void()> f)
      : pool_(std::move(pool)), f_(std::move(f)) {}

  void Execute() override {
    try {
      f_();
    } catch (const std::exception& e) {
      LogError("net.blocking_task_failed", {{"pool", pool_}, {"what", e.what()}});
    } catch (...) {
      LogError("net.blocking_task_failed", {{"pool", pool_}});
    }
  }
  void Abandon(Status) override {}

 private:
  std::string pool_;
  std::function<void()> f_;
};

BlockingPool::BlockingPool(BlockingPoolOptions options) : options_(std::move(options)) {
  uint32_t n = std::max<uint32_t>(1, options_.threads);
  threads_.reserve(n);
  for (uint32_t i = 0; i < n; ++i) threads_.emplace_back([this] { Worker(); });
}

BlockingPool::~BlockingPool() { Stop(); }

std::unique_ptr<BlockingPool::Task> BlockingPool::Submit(std::unique_ptr<Task> task, Status* why) {
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      *why = Unavailable("pool " + options_.name + " is stopped");
      return task;
    }
    if (queue_.size() >= options_.max_queue) {
      ++rejected_;
      *why = Status(Code::kBusy, "pool " + options_.name + " is busy");
      return task;
    }
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return nullptr;
}

bool BlockingPool::TryPost(std::function<void()> f) {
  Status why;
  return Submit(std::make_unique<FunctionTask>(options_.name, std::move(f)), &why) == nullptr;
}

void BlockingPool::Worker() {
  for (;;) {
    std::unique_ptr<Task> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task->Execute();
  }
}

void BlockingPool::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  std::deque<std::unique_ptr<Task>> abandoned;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    abandoned.swap(queue_);
  }
  cv_.notify_all();
  for (auto& task : abandoned) task->Abandon(Unavailable("pool " + options_.name + " stopped"));
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

size_t BlockingPool::Queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

uint64_t BlockingPool::Rejected() const {
  std::lock_guard lock(mu_);
  return rejected_;
}

}  // namespace skydir::net
