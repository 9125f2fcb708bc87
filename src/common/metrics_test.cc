#include "common/metrics.h"

#include <gtest/gtest.h>

namespace skydir::metrics {
namespace {

TEST(MetricsTest, CountersRenderWithLabels) {
  Registry r;
  Family* ops = r.Register("ldap_operations_total", "LDAP operations", Kind::kCounter,
                           {"op", "result"});
  ops->CounterFor({"search", "success"})->Add(3);
  ops->CounterFor({"bind", "invalidCredentials"})->Add();
  std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE ldap_operations_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ldap_operations_total{op=\"search\",result=\"success\"} 3\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("ldap_operations_total{op=\"bind\",result=\"invalidCredentials\"} 1\n"),
            std::string::npos) << text;
}

TEST(MetricsTest, SameChildForSameLabels) {
  Registry r;
  Family* f = r.Register("x", "x", Kind::kGauge, {"a"});
  EXPECT_EQ(f->GaugeFor({"1"}), f->GaugeFor({"1"}));
  EXPECT_EQ(r.Register("x", "x", Kind::kGauge, {"a"}), f);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  Family* f = r.Register("lat", "latency", Kind::kHistogram, {}, {0.1, 1});
  Histogram* h = f->HistogramFor({});
  h->Observe(0.05);
  h->Observe(0.5);
  h->Observe(5);
  std::string text = r.Render();
  EXPECT_NE(text.find("lat_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_count 3\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace skydir::metrics
