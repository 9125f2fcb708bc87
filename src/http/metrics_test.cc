#include "http/metrics.h"

#include <gtest/gtest.h>

namespace skydir::http {
namespace {

TEST(HttpMetricsTest, CountsByRouteAndStatusWithHistogram) {
  HttpMetrics m;
  m.Record("GET", "/api/systemusers/{id}", 200, std::chrono::milliseconds(3));
  m.Record("GET", "/api/systemusers/{id}", 200, std::chrono::milliseconds(30));
  m.Record("GET", "/api/systemusers/{id}", 404, std::chrono::seconds(20));
  std::string text = m.Render();
  EXPECT_NE(text.find("skydir_http_requests_total{method=\"GET\",route=\"/api/systemusers/{id}\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"0.05\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"10\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE skydir_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(HttpMetricsTest, EscapesLabels) {
  EXPECT_EQ(PrometheusLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace skydir::http
