#include "dit/snapshot.h"

#include <algorithm>
#include <iterator>

namespace skydir::dit {

void Snapshot::SetEntries(std::vector<std::shared_ptr<const Entry>> entries) {
  size_ = static_cast<uint32_t>(entries.size());
  chunks_.clear();
  constexpr size_t kChunk = size_t{1} << kChunkBits;
  for (size_t first = 0; first < entries.size(); first += kChunk) {
    const size_t last = std::min(entries.size(), first + kChunk);
    chunks_.push_back(std::make_shared<const Chunk>(
        std::make_move_iterator(entries.begin() + first),
        std::make_move_iterator(entries.begin() + last)));
  }
}

std::optional<uint32_t> Snapshot::FindByNdn(std::string_view ndn) const {
  int64_t i = by_ndn_->Find(ndn, [this](uint32_t e, std::string_view k) {
    return entry(e).HasNdn(k);
  });
  if (i < 0) return std::nullopt;
  return static_cast<uint32_t>(i);
}

std::optional<uint32_t> Snapshot::FindByModelId(std::string_view id) const {
  int64_t i = by_model_->Find(id, [this](uint32_t e, std::string_view k) {
    return entry(e).model_id() == k;
  });
  if (i < 0) return std::nullopt;
  return static_cast<uint32_t>(i);
}

// The tree has three levels (org, ou=Users, leaves), so scope is arithmetic on positions.
bool Snapshot::InScope(uint32_t base, Scope scope, uint32_t candidate) const {
  switch (scope) {
    case Scope::kBase:
      return candidate == base;
    case Scope::kOneLevel:
      if (base == kOrgEntry) return candidate == kUsersOuEntry;
      if (base == kUsersOuEntry) return candidate > kUsersOuEntry;
      return false;
    case Scope::kSubtree:
      if (base == kOrgEntry) return true;
      if (base == kUsersOuEntry) return candidate >= kUsersOuEntry;
      return candidate == base;
  }
  return false;
}

void Snapshot::ScopeEntries(uint32_t base, Scope scope, std::vector<uint32_t>* out) const {
  auto n = static_cast<uint32_t>(size_);
  uint32_t first = 0, last = 0;  // [first, last)
  switch (scope) {
    case Scope::kBase:
      first = base;
      last = base + 1;
      break;
    case Scope::kOneLevel:
      if (base == kOrgEntry) {
        first = kUsersOuEntry;
        last = kUsersOuEntry + 1;
      } else if (base == kUsersOuEntry) {
        first = kUsersOuEntry + 1;
        last = n;
      }
      break;
    case Scope::kSubtree:
      first = base == kOrgEntry ? 0 : base;
      last = base <= kUsersOuEntry ? n : base + 1;
      break;
  }
  for (uint32_t i = first; i < last && i < n; ++i) out->push_back(i);
}

const std::vector<uint32_t>& Snapshot::MemberGroups(uint32_t group) const {
  return (*member_groups_)[group];
}

const std::vector<uint32_t>& Snapshot::ParentGroups(uint32_t entry) const {
  return (*parent_groups_)[entry];
}

namespace {

// Breadth-first closure over `next`, excluding `start`; visits each entry once (cycles are
// impossible in the model, but a stale snapshot must not loop).
template <typename Next>
std::vector<uint32_t> Closure(size_t n, uint32_t start, Next next) {
  std::vector<bool> seen(n, false);
  std::vector<uint32_t> out, queue{start};
  seen[start] = true;
  while (!queue.empty()) {
    uint32_t cur = queue.back();
    queue.pop_back();
    for (uint32_t x : next(cur)) {
      if (seen[x]) continue;
      seen[x] = true;
      out.push_back(x);
      queue.push_back(x);
    }
  }
  return out;
}

}  // namespace

std::vector<uint32_t> Snapshot::TransitiveGroups(uint32_t entry) const {
  return Closure(size_, entry,
                 [this](uint32_t e) -> const std::vector<uint32_t>& { return (*parent_groups_)[e]; });
}

std::vector<uint32_t> Snapshot::TransitiveMembers(uint32_t group) const {
  // Members are the entries whose parent chain reaches `group`: walk down member groups and
  // collect each group's direct members from the member attribute index.
  std::vector<uint32_t> groups = Closure(
      size_, group,
      [this](uint32_t e) -> const std::vector<uint32_t>& { return (*member_groups_)[e]; });
  groups.push_back(group);
  std::vector<bool> seen(size_, false);
  std::vector<uint32_t> out;
  for (uint32_t g : groups) {
    std::optional<Values> members = entry(g).Find(Attr::kMember);
    if (!members) continue;
    for (std::string_view dn : *members) {
      auto ndn = NormalizeValue(Attr::kMember, dn);
      if (!ndn) continue;
      auto idx = FindByNdn(*ndn);
      if (idx && !seen[*idx]) {
        seen[*idx] = true;
        out.push_back(*idx);
      }
    }
  }
  return out;
}

}  // namespace skydir::dit
