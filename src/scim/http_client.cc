#include "scim/http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>

namespace skydir::scim {

namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* reply = static_cast<HttpReply*>(user);
  size_t n = size * count;
  if (reply->body.size() + n > ScimHttp::kMaxReplyBytes) return 0;  // aborts the transfer
  reply->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* reply = static_cast<HttpReply*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (match) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
      reply->retry_after = std::string(value);
    }
  }
  return n;
}

}  // namespace

ScimHttp::ScimHttp(std::string base_url, std::string token, uint32_t timeout_seconds)
    : base_url_(std::move(base_url)),
      auth_header_("Authorization: Bearer " + token),
      timeout_seconds_(timeout_seconds) {
  GlobalInit();
  curl_ = curl_easy_init();
}

ScimHttp::~ScimHttp() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

std::string ScimHttp::Escape(std::string_view text) {
  char* escaped = curl_easy_escape(static_cast<CURL*>(curl_), text.data(),
                                   static_cast<int>(text.size()));
  std::string out = escaped != nullptr ? escaped : "";
  curl_free(escaped);
  return out;
}

HttpReply ScimHttp::Send(std::string_view method, std::string_view path, std::string_view body) {
  HttpReply reply;
  auto* curl = static_cast<CURL*>(curl_);
  if (curl == nullptr) {
    reply.error = "cannot initialize libcurl";
    return reply;
  }
  curl_easy_reset(curl);  // keeps the connection cache
  const std::string url = base_url_ + std::string(path);
  const std::string verb(method);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, auth_header_.c_str());
  headers = curl_slist_append(headers, "Accept: application/scim+json, application/json");
  if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/scim+json");
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(timeout_seconds_, 10u)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds_));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "skydir-scim/1");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, verb.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else if (verb == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    reply.status = 0;
    reply.error = rc == CURLE_WRITE_ERROR ? "reply larger than 8 MiB" : curl_easy_strerror(rc);
    return reply;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace skydir::scim
