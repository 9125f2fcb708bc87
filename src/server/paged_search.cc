#include "server/paged_search.h"

#include "common/ids.h"

namespace skydir::server {

std::string PagedSearches::Put(std::shared_ptr<PagedSearch> search) {
  std::string cookie = RandomBytes(16);
  open_.emplace_back(cookie, std::move(search));
  while (open_.size() > max_open_) open_.pop_front();
  return cookie;
}

std::shared_ptr<PagedSearch> PagedSearches::Get(const std::string& cookie) const {
  for (const auto& [c, s] : open_) {
    if (c == cookie) return s;
  }
  return nullptr;
}

void PagedSearches::Erase(const std::string& cookie) {
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    if (it->first == cookie) {
      open_.erase(it);
      return;
    }
  }
}

}  // namespace skydir::server
