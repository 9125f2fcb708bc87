#include "api/openapi.h"

#include <gtest/gtest.h>

#include <set>

#include "api/api.h"
#include "http/http_server.h"
#include "http/metrics.h"
#include "service/admin_test_util.h"

namespace skydir::api {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class OpenApiTest : public service::AdminTest {};

// Every route is documented and every documented operation is routed.
TEST_F(OpenApiTest, DocumentMatchesRouter) {
  http::Router router;
  http::AddHealthRoutes(router, [] { return true; });
  http::AddMetricsRoute(router, {});
  service::SecretBox box(std::string(service::SecretBox::kKeyBytes, 'k'));
  ProvisioningSettings provisioning;
  service::Applications applications(*store_, box, provisioning);
  scim::Provisioner provisioner(*store_, applications, provisioning, nullptr);
  ApiContext ctx{*admin_, {}, nullptr, nullptr, &applications, &provisioner};
  AddApiRoutes(router, ctx);

  std::set<std::pair<std::string, std::string>> routed, documented;
  for (const auto& route : router.routes()) {
    routed.emplace(Lower(boost::beast::http::to_string(route.method)), route.pattern);
  }
  const auto& paths = OpenApiDocument().at("paths").as_object();
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.as_object()) {
      documented.emplace(std::string(method), std::string(path));
    }
  }
  for (const auto& r : routed) {
    EXPECT_TRUE(documented.count(r)) << "undocumented route " << r.first << " " << r.second;
  }
  for (const auto& d : documented) {
    EXPECT_TRUE(routed.count(d)) << "documented but not routed " << d.first << " " << d.second;
  }
  EXPECT_EQ(routed.size(), documented.size());
}

TEST_F(OpenApiTest, SchemaReferencesResolve) {
  const auto& doc = OpenApiDocument();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.0.3");
  const auto& schemas = doc.at("components").at("schemas").as_object();
  for (const auto& op : DocumentedOperations()) {
    if (!op.request.empty()) {
      EXPECT_TRUE(schemas.contains(op.request)) << op.request;
    }
    if (!op.response.empty()) {
      EXPECT_TRUE(schemas.contains(op.response)) << op.response;
    }
  }
}

}  // namespace
}  // namespace skydir::api
