// A snapshot saved to a file, so that a restart maps an org's tree back into memory instead of
// rebuilding it from the store (issue 7: a cold start of 1,000,000 users in under 10 s).
//
// The file is a cache, never the truth: it records which state of the store it shows (the
// change log position it was saved at, and that change's identity), and the caller serves it
// only when the log proves nothing in the org changed since. Whatever is wrong with a file
// (another format, another build whose attribute table or string hash differs, another org or
// suffix, a torn write, a flipped bit) makes ReadSnapshotFile fail, and the caller rebuilds.
//
// Encoding: fixed-width integers in host byte order (the build fingerprint covers byte order),
// strings and arrays as a u32 count then their bytes, and a 64-bit checksum of everything
// before it as the last eight bytes. In order:
//   magic "skydir-snapshot\n", u32 format, u64 build fingerprint,
//   org id, suffix, u64 stamp seq, stamp change, i64 built_at, i64 refresh_at, org settings,
//   u32 entries, then per entry: u8 kind, u8 flags, i64 locked_until, u32 x7 offsets, bytes,
//   the DN and model id tables, the value indexes, the member-group and parent-group lists.
// The hash tables are saved as they are: the fingerprint includes std::hash of fixed strings,
// so a build whose hash differs never reads them.
//
// Files hold password hashes, as the database does: they are written 0600 beside it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "dit/snapshot.h"

namespace skydir::dit {

// The state of the store a snapshot shows: every change up to `seq` in the change log, whose
// row at `seq` reads `change` (StampOfChange), so a log that was replaced or rewound since is
// told apart from the one the snapshot was built from. seq 0: an empty log.
struct SnapshotStamp {
  int64_t seq = 0;
  std::string change;
};

struct SavedSnapshot {
  std::shared_ptr<const Snapshot> snapshot;
  SnapshotStamp stamp;
};

// Writes `snapshot`, built under `options`, to `path` atomically (a temporary file renamed over
// it), mode 0600.
Status WriteSnapshotFile(const Snapshot& snapshot, const SnapshotStamp& stamp,
                         const SnapshotOptions& options, const std::string& path);

// The snapshot in `path` if it is whole, of this build's format, and of `org_id` under
// `options.suffix`; an error saying why not otherwise.
Result<SavedSnapshot> ReadSnapshotFile(const std::string& path, std::string_view org_id,
                                       const SnapshotOptions& options);

}  // namespace skydir::dit
