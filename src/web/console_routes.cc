#include "web/console_routes.h"

#include "web/assets.h"

namespace skydir::web {

const Asset* FindAsset(std::string_view name) {
  for (const Asset& asset : Assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

namespace {

http::Response Serve(const http::Request& req, const Asset* asset) {
  if (asset == nullptr) {
    return http::ErrorResponse(http::HttpStatus::not_found, "no such resource: " + req.path);
  }
  http::Response r;
  if (!req.if_none_match.empty() && req.if_none_match == asset->etag) {
    r.status = http::HttpStatus::not_modified;
    r.content_type.clear();
  } else {
    r.body = std::string(asset->body);
    r.content_type = std::string(asset->content_type);
  }
  r.headers.emplace_back("ETag", std::string(asset->etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

void AddConsoleAssetRoutes(http::Router& router) {
  http::RouteOptions open;
  open.authenticated = false;
  open.inline_handler = true;
  open.needs_org = false;
  router.Add(
      http::Verb::get, "/",
      [](const http::Request& r) { return Serve(r, FindAsset("index.html")); }, open);
  // index.html has one address, "/".
  router.Add(
      http::Verb::get, "/assets/{name}",
      [](const http::Request& r) {
        const std::string& name = r.Param("name");
        return Serve(r, name == "index.html" ? nullptr : FindAsset(name));
      },
      open);
}

}  // namespace skydir::web
