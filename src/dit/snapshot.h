// An immutable, indexed picture of one org's LDAP tree (DESIGN §2, §3).
//
// Built from the store's OrgData by Build(); never changed afterwards, so any number of
// threads may read it without locks while a writer builds the next one. Callers hold it by
// std::shared_ptr<const Snapshot> for as long as they use its entries (a paged search keeps
// the snapshot it started on).
//
// Layout: entry 0 is o=<orgId>,<suffix>; entry 1 is ou=Users under it; users and groups follow,
// all children of ou=Users.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "directory/model.h"
#include "dit/entry.h"
#include "dit/value_index.h"

namespace skydir::dit {

enum class Scope { kBase = 0, kOneLevel = 1, kSubtree = 2 };

inline constexpr uint32_t kOrgEntry = 0;
inline constexpr uint32_t kUsersOuEntry = 1;

struct SnapshotOptions {
  std::string suffix = "dc=jumpcloud,dc=com";
};

class Snapshot {
 public:
  // Builds the tree for `data` under `options.suffix` as of time `now` (microseconds).
  static std::shared_ptr<const Snapshot> Build(const directory::OrgData& data,
                                               const SnapshotOptions& options, int64_t now);
  // The same, emptying each user of `data` once its entry is made: a large org's rows and its
  // entries are then not both held at the build's peak.
  static std::shared_ptr<const Snapshot> Build(directory::OrgData&& data,
                                               const SnapshotOptions& options, int64_t now);

  // `old` with the entries of `users` re-rendered, when that is all that changed: each user is
  // served and may bind in `old`, still may (activated, not locked, password not expired), and
  // kept its username; the caller guarantees that no membership, LDAP association or org
  // setting changed. Shares every entry and index that did not change with `old`, so a title
  // change costs microseconds, not a rebuild. nullptr when a full Build is needed.
  static std::shared_ptr<const Snapshot> PatchUsers(const Snapshot& old,
                                                    const std::vector<directory::User>& users,
                                                    int64_t now);

  const std::string& org_id() const { return org_id_; }
  const directory::OrgSettings& settings() const { return settings_; }
  size_t size() const { return size_; }
  const Entry& entry(uint32_t i) const { return *(*chunks_[i >> kChunkBits])[i & kChunkMask]; }
  // When the snapshot must be rebuilt even without a write (an automatic unlock is due);
  // 0 when never.
  int64_t refresh_at() const { return refresh_at_; }
  int64_t built_at() const { return built_at_; }

  // The entry with normalized DN `ndn`.
  std::optional<uint32_t> FindByNdn(std::string_view ndn) const;
  // Entries whose indexed attribute `attr` has normalized value `value`, ascending; nullopt
  // when the attribute is not indexed (then the caller scans). An empty span means no match.
  std::optional<std::span<const uint32_t>> Lookup(Attr attr,
                                                  std::string_view normalized_value) const;
  static bool IsIndexed(Attr attr);
  // The user or group entry of model id `id`.
  std::optional<uint32_t> FindByModelId(std::string_view id) const;

  // Entries in scope of `base`, in tree order.
  void ScopeEntries(uint32_t base, Scope scope, std::vector<uint32_t>* out) const;
  bool InScope(uint32_t base, Scope scope, uint32_t candidate) const;

  // Nesting, for the in-chain matching rule: direct member groups of a group, and the groups
  // a user or group is directly in (entry indexes).
  const std::vector<uint32_t>& MemberGroups(uint32_t group) const;
  const std::vector<uint32_t>& ParentGroups(uint32_t entry) const;
  // Every group `entry` belongs to, directly or through nesting.
  std::vector<uint32_t> TransitiveGroups(uint32_t entry) const;
  // Every user and group inside `group`, directly or through nesting.
  std::vector<uint32_t> TransitiveMembers(uint32_t group) const;

 private:
  friend class SnapshotBuilder;
  friend class SnapshotCodec;  // snapshot files (snapshot_file.h)
  Snapshot() = default;

  using Adjacency = std::vector<std::vector<uint32_t>>;

  // Everything but the scalars is shared, immutable, between a snapshot and the ones patched
  // from it (PatchUsers): copying a Snapshot copies pointers.
  std::string org_id_;
  directory::OrgSettings settings_;
  // Entries in chunks of 1,024: a patch copies the chunk of each changed entry and the chunk
  // list, not one pointer per entry of the org (at 100,000 users and 20 writes a second, the
  // reference counts of a full copy cost a tenth of a core).
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;
  using Chunk = std::vector<std::shared_ptr<const Entry>>;
  std::vector<std::shared_ptr<const Chunk>> chunks_;
  uint32_t size_ = 0;
  // Makes chunks_ and size_ of every entry, in order (the builder and snapshot files).
  void SetEntries(std::vector<std::shared_ptr<const Entry>> entries);
  // Keyed by what the entries hold, which a patch never changes (PatchUsers keeps DNs).
  std::shared_ptr<const EntryKeyTable> by_ndn_;
  std::shared_ptr<const EntryKeyTable> by_model_;  // user or group id → entry
  // One per indexed attribute: normalized value → entries, ascending.
  std::vector<std::shared_ptr<const ValueIndex>> indexes_;
  std::shared_ptr<const Adjacency> member_groups_;  // per entry (groups only)
  std::shared_ptr<const Adjacency> parent_groups_;  // per entry
  int64_t refresh_at_ = 0;
  int64_t built_at_ = 0;
};

}  // namespace skydir::dit
