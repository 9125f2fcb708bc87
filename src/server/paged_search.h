// Per-connection state of Simple Paged Results searches (RFC 2696): each cookie names the rest
// of one search's result set, kept on the snapshot the search started on so that pages are
// consistent even while the directory changes.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dit/entry.h"
#include "dit/selection.h"

namespace skydir::server {

struct PagedSearch {
  std::shared_ptr<const void> keep_alive;   // the snapshot owning `entries`
  std::vector<const dit::Entry*> entries;   // the whole result set
  size_t next = 0;                          // first entry not yet sent
  bool truncated = false;                   // a size limit cut the result set
  dit::Selection selection;
};

class PagedSearches {
 public:
  explicit PagedSearches(size_t max_open) : max_open_(max_open) {}

  // Stores `search` under a new random cookie, evicting the oldest beyond max_open.
  std::string Put(std::shared_ptr<PagedSearch> search);
  // The search for `cookie`, or null.
  std::shared_ptr<PagedSearch> Get(const std::string& cookie) const;
  void Erase(const std::string& cookie);
  void Clear() { open_.clear(); }
  size_t size() const { return open_.size(); }

 private:
  size_t max_open_;
  std::deque<std::pair<std::string, std::shared_ptr<PagedSearch>>> open_;  // oldest first
};

}  // namespace skydir::server
