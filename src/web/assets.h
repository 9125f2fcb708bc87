// The admin console's files (web/*), embedded into the binary at build time by embed.cmake
// (DESIGN §4: no files on disk, no CDN).
#pragma once

#include <span>
#include <string_view>

namespace skydir::web {

struct Asset {
  std::string_view name;          // file name under web/, e.g. "app.js"
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string_view etag;          // quoted, from the file's SHA-256
  std::string_view body;
};

// Every embedded file (generated web_assets.cc).
std::span<const Asset> Assets();
// The file called `name`, or null.
const Asset* FindAsset(std::string_view name);

}  // namespace skydir::web
