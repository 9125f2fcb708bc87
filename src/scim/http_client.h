// A small blocking HTTP client for one SCIM service (libcurl): bearer token, JSON bodies,
// connection reuse, timeouts, bounded replies, no redirects. One object per worker thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skydir::scim {

struct HttpReply {
  long status = 0;          // 0: no answer (connection refused, reset, timeout, TLS failure)
  std::string body;
  std::string retry_after;  // the Retry-After header, if any
  std::string error;        // what went wrong when status == 0
};

class ScimHttp {
 public:
  static constexpr size_t kMaxReplyBytes = 8 * 1024 * 1024;

  // `base_url` without a trailing slash; paths passed to Send start with '/'.
  ScimHttp(std::string base_url, std::string token, uint32_t timeout_seconds);
  ~ScimHttp();
  ScimHttp(const ScimHttp&) = delete;
  ScimHttp& operator=(const ScimHttp&) = delete;

  // Sends `method` to base_url + path, with `body` (JSON) when not empty.
  HttpReply Send(std::string_view method, std::string_view path, std::string_view body = {});

  // `text` percent-encoded for a query string.
  std::string Escape(std::string_view text);

 private:
  std::string base_url_;
  std::string auth_header_;
  uint32_t timeout_seconds_;
  void* curl_;  // CURL*
};

}  // namespace skydir::scim
