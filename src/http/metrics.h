// Prometheus metrics of the HTTP server (issue 4 §6): requests by method, route and status, and
// request latency by method and route. Labels carry route patterns ("/api/systemusers/{id}"),
// never ids, usernames or other user data; requests that match no route count as "unmatched",
// requests that could not be parsed as "unparsed".
//
// Thread-safe; Record is a short critical section.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "http/router.h"

namespace skydir::http {

inline constexpr std::string_view kUnmatchedRoute = "unmatched";
inline constexpr std::string_view kUnparsedRoute = "unparsed";

class HttpMetrics {
 public:
  void Record(std::string_view method, std::string_view route, unsigned status,
              std::chrono::steady_clock::duration elapsed);
  // The Prometheus text exposition (version 0.0.4) of everything recorded.
  std::string Render() const;

 private:
  // Upper bounds of the latency buckets, in seconds (+Inf is implicit).
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};  // not cumulative
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> requests_;  // guarded
  std::map<std::pair<std::string, std::string>, Histogram> latency_;             // guarded
};

// GET /metrics: unauthenticated, answered on the I/O thread with `render()`.
void AddMetricsRoute(Router& router, std::function<std::string()> render);

// A label value escaped for the text format (backslash, quote, newline).
std::string PrometheusLabel(std::string_view value);

}  // namespace skydir::http
