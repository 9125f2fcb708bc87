// The audit trail's writer (DESIGN §1 "Audit event"): binds are recorded off the bind path in
// batches, admin changes inside their own transaction (see Admin), and every event is also
// written to the JSON log. Old events are pruned after the retention period.
//
// Thread-safety: Record() may be called from any thread, including I/O threads: it only
// queues. A background thread writes batches; Stop() flushes what is queued and joins.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "store/store.h"

namespace skydir::service {

struct AuditLogOptions {
  uint32_t max_queue = 100000;       // events waiting; beyond it new events are dropped+counted
  uint32_t flush_millis = 200;       // how long an event may wait before it is written
  uint32_t batch = 1000;             // events per transaction
  uint32_t retention_days = 90;      // 0: keep forever
};

class AuditLog {
 public:
  // REQUIRES: store outlives the log.
  AuditLog(store::Store& store, AuditLogOptions options);
  ~AuditLog();

  void Start();
  // Writes what is queued, then joins the writer thread.
  void Stop();

  // Queues `event` (time is set when 0) and logs it as one JSON line.
  void Record(store::AuditEvent event);
  // Writes everything queued so far before returning (for tests and shutdown).
  void Flush();

  uint64_t dropped() const;

  // Flushes what is queued, then queries the store: what was recorded is what is found.
  Result<std::vector<store::AuditEvent>> Query(const store::AuditQuery& query);

 private:
  void Loop();
  void WriteBatch(std::deque<store::AuditEvent>& batch);

  store::Store& store_;
  const AuditLogOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<store::AuditEvent> queue_;  // guarded by mu_
  uint64_t dropped_ = 0;                  // guarded by mu_
  uint64_t enqueued_ = 0;                 // guarded by mu_
  uint64_t written_ = 0;                  // guarded by mu_
  bool stopping_ = false;                 // guarded by mu_
  std::condition_variable written_cv_;
  std::thread thread_;
  int64_t last_prune_ = 0;
};

// A JSON object text from key/value pairs of strings (values escaped), e.g. for detail_json.
std::string JsonObject(std::initializer_list<std::pair<std::string_view, std::string_view>> kv);

}  // namespace skydir::service
