// Search filter evaluation against a snapshot (RFC 4511 §4.5.1.7, three-valued logic).
//
// A filter is compiled once per search against one snapshot: attribute names resolved to
// schema types, assertion values normalized, in-chain sets (1.2.840.113556.1.4.1941) resolved.
// An unknown attribute or an assertion value invalid for the syntax makes the item Undefined:
// no match and no error, as clients such as Bitwarden Directory Connector rely on.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dit/snapshot.h"
#include "ldap/filter.h"

namespace skydir::dit {

enum class Tri { kFalse, kTrue, kUndefined };

inline constexpr std::string_view kInChainRule = "1.2.840.113556.1.4.1941";
inline constexpr std::string_view kBitAndRule = "1.2.840.113556.1.4.803";
inline constexpr std::string_view kBitOrRule = "1.2.840.113556.1.4.804";

class CompiledFilter {
 public:
  // REQUIRES: `snapshot` outlives the compiled filter.
  CompiledFilter(const ldap::Filter& filter, const Snapshot& snapshot);
  ~CompiledFilter();
  CompiledFilter(CompiledFilter&&) noexcept;

  Tri Evaluate(uint32_t entry) const;
  bool Matches(uint32_t entry) const { return Evaluate(entry) == Tri::kTrue; }

  // A superset of the matching entries, ascending, from the indexes; nullopt when the filter
  // cannot be answered from indexes and every entry in scope must be evaluated.
  std::optional<std::vector<uint32_t>> Candidates() const;

  struct Node;

 private:
  const Snapshot& snapshot_;
  std::unique_ptr<Node> root_;
};

// The entries in scope of `base` that match `filter`, ascending.
std::vector<uint32_t> FindMatching(const Snapshot& snapshot, uint32_t base, Scope scope,
                                   const CompiledFilter& filter);

}  // namespace skydir::dit
