#include "http/metrics.h"

#include <cstdio>

namespace skydir::http {

std::string PrometheusLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void HttpMetrics::Record(std::string_view method, std::string_view route, unsigned status,
                         std::chrono::steady_clock::duration elapsed) {
  double seconds = std::chrono::duration<double>(elapsed).count();
  std::lock_guard lock(mu_);
  ++requests_[{std::string(method), std::string(route), status}];
  Histogram& h = latency_[{std::string(method), std::string(route)}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string HttpMetrics::Render() const {
  std::string out;
  auto labels = [](const std::string& method, const std::string& route) {
    return "method=\"" + PrometheusLabel(method) + "\",route=\"" + PrometheusLabel(route) + "\"";
  };
  std::lock_guard lock(mu_);
  out += "# HELP skydir_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE skydir_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "skydir_http_requests_total{" + labels(method, route) + ",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP skydir_http_request_duration_seconds Time to answer an HTTP request.\n";
  out += "# TYPE skydir_http_request_duration_seconds histogram\n";
  char number[32];
  for (const auto& [key, h] : latency_) {
    std::string l = labels(key.first, key.second);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      std::snprintf(number, sizeof number, "%g", kBuckets[i]);
      out += "skydir_http_request_duration_seconds_bucket{" + l + ",le=\"" + number + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "skydir_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    std::snprintf(number, sizeof number, "%.6f", h.sum);
    out += "skydir_http_request_duration_seconds_sum{" + l + "} " + number + "\n";
    out +=
        "skydir_http_request_duration_seconds_count{" + l + "} " + std::to_string(h.count) + "\n";
  }
  return out;
}

void AddMetricsRoute(Router& router, std::function<std::string()> render) {
  RouteOptions open;
  open.authenticated = false;
  open.inline_handler = true;
  open.needs_org = false;
  router.Add(
      Verb::get, "/metrics",
      [render = std::move(render)](const Request&) {
        return TextResponse(render ? render() : std::string(), HttpStatus::ok,
                            "text/plain; version=0.0.4; charset=utf-8");
      },
      open);
}

}  // namespace skydir::http
