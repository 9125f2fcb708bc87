// Process-wide metrics in Prometheus' text exposition format (version 0.0.4).
//
// Metrics are registered once (usually as function-local statics) and updated lock-free from
// any thread. Labels are fixed at registration: callers pick a child with Labels(...) and keep
// the pointer, so the hot path is one atomic add. Label values never carry user data (DNs,
// names, ids): only operation types, result codes, routes and outcomes.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace skydir::metrics {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Cumulative buckets with upper bounds in seconds.
class Histogram {
 public:
  explicit Histogram(const std::vector<double>* bounds);
  void Observe(double seconds);

 private:
  friend class Registry;
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // one per bound, plus +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

enum class Kind { kCounter, kGauge, kHistogram };

// One named metric with its labelled children.
class Family {
 public:
  // The child for these label values (in the order of the family's label names); created on
  // first use and never freed, so the pointer may be kept.
  Counter* CounterFor(std::initializer_list<std::string> values);
  Gauge* GaugeFor(std::initializer_list<std::string> values);
  Histogram* HistogramFor(std::initializer_list<std::string> values);

 private:
  friend class Registry;
  std::string name_, help_;
  Kind kind_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;
  std::mutex mu_;
  std::map<std::vector<std::string>, size_t> index_;  // guarded by mu_
  std::deque<Counter> counters_;                       // deques: stable addresses
  std::deque<Gauge> gauges_;
  std::deque<Histogram> histograms_;
};

class Registry {
 public:
  static Registry& Default();

  // Returns the existing family when the name is registered already.
  Family* Register(const std::string& name, const std::string& help, Kind kind,
                   std::vector<std::string> labels = {}, std::vector<double> bounds = {});
  // Text exposition of every family.
  std::string Render();

 private:
  std::mutex mu_;
  std::deque<Family> families_;  // guarded by mu_
};

// Latency buckets for request handling, 100 µs to 10 s.
const std::vector<double>& LatencyBuckets();

}  // namespace skydir::metrics
