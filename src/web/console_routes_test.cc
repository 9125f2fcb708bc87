#include "web/console_routes.h"

#include <gtest/gtest.h>

#include "web/assets.h"

namespace skydir::web {
namespace {

http::Response Get(const http::Router& router, const std::string& path,
                   std::string if_none_match = "") {
  auto match = router.Find(http::Verb::get, path);
  EXPECT_EQ(match.outcome, http::Router::Outcome::kFound) << path;
  http::Request req;
  req.path = path;
  req.params = match.params;
  req.if_none_match = std::move(if_none_match);
  return match.route->handler(req);
}

TEST(ConsoleRoutesTest, ServesIndexWithStrictPolicy) {
  http::Router router;
  AddConsoleAssetRoutes(router);
  http::Response r = Get(router, "/");
  EXPECT_EQ(r.status, http::HttpStatus::ok);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<!doctype html>"), std::string::npos);
  EXPECT_EQ(r.Header("Content-Security-Policy"), kContentSecurityPolicy);
  EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.Header("Cache-Control"), "no-cache");
}

TEST(ConsoleRoutesTest, AssetsHaveTypesAndRevalidate) {
  http::Router router;
  AddConsoleAssetRoutes(router);
  http::Response js = Get(router, "/assets/app.js");
  EXPECT_EQ(js.status, http::HttpStatus::ok);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get(router, "/assets/app.css").content_type, "text/css; charset=utf-8");
  std::string etag(js.Header("ETag"));
  ASSERT_FALSE(etag.empty());
  http::Response again = Get(router, "/assets/app.js", etag);
  EXPECT_EQ(again.status, http::HttpStatus::not_modified);
  EXPECT_TRUE(again.body.empty());
}

TEST(ConsoleRoutesTest, UnknownAssetIsJson404) {
  http::Router router;
  AddConsoleAssetRoutes(router);
  http::Response r = Get(router, "/assets/nope.js");
  EXPECT_EQ(r.status, http::HttpStatus::not_found);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(Get(router, "/assets/index.html").status, http::HttpStatus::not_found);
}

TEST(ConsoleRoutesTest, EmbeddedBytesMatchTheSourceSize) {
  const Asset* css = FindAsset("app.css");
  ASSERT_NE(css, nullptr);
  EXPECT_GT(css->body.size(), 100u);
  EXPECT_EQ(css->body.find('\0'), std::string::npos);
}

}  // namespace
}  // namespace skydir::web
