#include "common/metrics.h"

#include <cstdio>

namespace skydir::metrics {
namespace {

void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, const std::string& extra = "") {
  if (names.empty() && extra.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i] + "=\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  if (!extra.empty()) out += (names.empty() ? "" : ",") + extra;
  out += '}';
}

std::string FormatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Histogram::Histogram(const std::vector<double>* bounds)
    : bounds_(bounds), buckets_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds->size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_->size() && seconds > (*bounds_)[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

Counter* Family::CounterFor(std::initializer_list<std::string> values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = index_.emplace(std::vector<std::string>(values), counters_.size());
  if (fresh) counters_.emplace_back();
  return &counters_[it->second];
}

Gauge* Family::GaugeFor(std::initializer_list<std::string> values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = index_.emplace(std::vector<std::string>(values), gauges_.size());
  if (fresh) gauges_.emplace_back();
  return &gauges_[it->second];
}

Histogram* Family::HistogramFor(std::initializer_list<std::string> values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = index_.emplace(std::vector<std::string>(values), histograms_.size());
  if (fresh) histograms_.emplace_back(&bounds_);
  return &histograms_[it->second];
}

Registry& Registry::Default() {
  static Registry* registry = new Registry();  // never destroyed: used until exit
  return *registry;
}

Family* Registry::Register(const std::string& name, const std::string& help, Kind kind,
                           std::vector<std::string> labels, std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Family& f : families_) {
    if (f.name_ == name) return &f;
  }
  Family& f = families_.emplace_back();
  f.name_ = name;
  f.help_ = help;
  f.kind_ = kind;
  f.labels_ = std::move(labels);
  f.bounds_ = std::move(bounds);
  return &f;
}

std::string Registry::Render() {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (Family& f : families_) {
    static const char* kTypes[] = {"counter", "gauge", "histogram"};
    out += "# HELP " + f.name_ + " " + f.help_ + "\n# TYPE " + f.name_ + " " +
           kTypes[static_cast<int>(f.kind_)] + "\n";
    std::lock_guard<std::mutex> family_lock(f.mu_);
    for (const auto& [values, i] : f.index_) {
      if (f.kind_ == Kind::kCounter || f.kind_ == Kind::kGauge) {
        out += f.name_;
        AppendLabels(out, f.labels_, values);
        out += ' ';
        out += f.kind_ == Kind::kCounter ? std::to_string(f.counters_[i].value())
                                         : std::to_string(f.gauges_[i].value());
        out += '\n';
        continue;
      }
      const Histogram& h = f.histograms_[i];
      uint64_t cumulative = 0;
      for (size_t b = 0; b <= f.bounds_.size(); ++b) {
        cumulative += h.buckets_[b].load(std::memory_order_relaxed);
        std::string le =
            "le=\"" + (b < f.bounds_.size() ? FormatDouble(f.bounds_[b]) : "+Inf") + "\"";
        out += f.name_ + "_bucket";
        AppendLabels(out, f.labels_, values, le);
        out += ' ' + std::to_string(cumulative) + '\n';
      }
      out += f.name_ + "_sum";
      AppendLabels(out, f.labels_, values);
      out += ' ' + FormatDouble(h.sum_micros_.load() / 1e6) + '\n';
      out += f.name_ + "_count";
      AppendLabels(out, f.labels_, values);
      out += ' ' + std::to_string(h.count_.load()) + '\n';
    }
  }
  return out;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                               0.01,   0.025,   0.05,   0.1,   0.25,   0.5,
                                               1,      2.5,     5,      10};
  return kBuckets;
}

}  // namespace skydir::metrics
