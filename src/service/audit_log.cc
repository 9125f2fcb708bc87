#include "service/audit_log.h"

#include "common/log.h"
#include "common/time.h"

namespace skydir::service {

namespace {
constexpr int64_t kDayMicros = int64_t{86400} * 1000000;
constexpr int64_t kPruneEveryMicros = int64_t{3600} * 1000000;
}  // namespace

std::string JsonObject(std::initializer_list<std::pair<std::string_view, std::string_view>> kv) {
  std::string out = "{";
  for (const auto& [k, v] : kv) {
    if (out.size() > 1) out += ',';
    AppendJsonString(out, k);
    out += ':';
    AppendJsonString(out, v);
  }
  return out + "}";
}

AuditLog::AuditLog(store::Store& store, AuditLogOptions options)
    : store_(store), options_(options) {}

AuditLog::~AuditLog() { Stop(); }

void AuditLog::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void AuditLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Anything left (Stop without Start, or events racing with Stop) is written here.
  std::deque<store::AuditEvent> rest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rest.swap(queue_);
  }
  WriteBatch(rest);
}

void AuditLog::Record(store::AuditEvent event) {
  if (event.time == 0) event.time = NowMicros();
  LogInfo("audit", {{"org", event.org_id},
                    {"service", event.service},
                    {"type", event.event_type},
                    {"success", event.success},
                    {"actor", event.actor},
                    {"client_ip", event.client_ip},
                    {"target", event.target_id},
                    {"detail", event.detail_json}});
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= options_.max_queue) {
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(event));
  ++enqueued_;
  if (queue_.size() >= options_.batch) cv_.notify_all();
}

void AuditLog::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = enqueued_;
  if (!thread_.joinable()) {
    std::deque<store::AuditEvent> rest;
    rest.swap(queue_);
    lock.unlock();
    WriteBatch(rest);
    return;
  }
  cv_.notify_all();
  written_cv_.wait(lock, [&] { return written_ >= target || stopping_; });
}

Result<std::vector<store::AuditEvent>> AuditLog::Query(const store::AuditQuery& query) {
  Flush();
  return store_.QueryAuditEvents(query);
}

uint64_t AuditLog::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void AuditLog::WriteBatch(std::deque<store::AuditEvent>& batch) {
  if (batch.empty()) return;
  std::vector<store::AuditEvent> events(std::make_move_iterator(batch.begin()),
                                        std::make_move_iterator(batch.end()));
  batch.clear();
  Status s = store_.AppendAuditEvents(events);
  if (!s.ok()) {
    LogError("audit.write_failed", {{"error", s.ToString()},
                                    {"events", static_cast<int64_t>(events.size())}});
  }
}

void AuditLog::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.flush_millis),
                 [this] { return stopping_ || queue_.size() >= options_.batch; });
    std::deque<store::AuditEvent> batch;
    while (!queue_.empty() && batch.size() < options_.batch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    bool stop = stopping_ && queue_.empty();
    size_t n = batch.size();
    lock.unlock();
    WriteBatch(batch);
    int64_t now = NowMicros();
    if (options_.retention_days > 0 && now - last_prune_ > kPruneEveryMicros) {
      last_prune_ = now;
      auto pruned = store_.PruneAuditEvents(now - options_.retention_days * kDayMicros);
      if (pruned.ok() && *pruned > 0) LogInfo("audit.pruned", {{"events", *pruned}});
    }
    lock.lock();
    written_ += n;
    written_cv_.notify_all();
    if (stop) return;
  }
}

}  // namespace skydir::service
