#include "dit/snapshot_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <type_traits>

namespace skydir::dit {

namespace {

constexpr std::string_view kMagic = "skydir-snapshot\n";
constexpr uint32_t kFormat = 1;
constexpr size_t kBlock = size_t{1} << 20;

// A fast streaming checksum: catches torn writes and damaged blocks, not forgery (the file is
// as trusted as the database beside it).
class Checksum {
 public:
  void Update(const char* p, size_t n) {
    length_ += n;
    while (n > 0 && pending_bytes_ > 0) Take(static_cast<unsigned char>(*p++)), --n;
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      Mix(word);
    }
    while (n > 0) Take(static_cast<unsigned char>(*p++)), --n;
  }
  uint64_t Final() const {
    uint64_t h = h_;
    h = std::rotl(h ^ pending_, 29) * kPrime;
    h = std::rotl(h ^ length_, 29) * kPrime;
    return h ^ (h >> 31);
  }

 private:
  static constexpr uint64_t kPrime = 0x9E3779B97F4A7C15ull;
  void Mix(uint64_t word) { h_ = std::rotl(h_ ^ word, 29) * kPrime; }
  void Take(unsigned char c) {
    pending_ |= uint64_t{c} << (8 * pending_bytes_);
    if (++pending_bytes_ == 8) {
      Mix(pending_);
      pending_ = 0;
      pending_bytes_ = 0;
    }
  }
  uint64_t h_ = 0x243F6A8885A308D3ull, pending_ = 0, length_ = 0;
  int pending_bytes_ = 0;
};

// What must be equal between the build that wrote a file and the one reading it: the format,
// the attribute table (entries hold attribute ids), the string hash (tables are saved hashed)
// and the byte order.
uint64_t BuildFingerprint() {
  std::string probe = "format " + std::to_string(kFormat) + "\n";
  for (size_t i = 0; i < static_cast<size_t>(Attr::kCount); ++i) {
    const AttributeType& t = TypeOf(static_cast<Attr>(i));
    probe += std::string(t.name) + " " + std::to_string(static_cast<int>(t.usage)) + "\n";
  }
  probe += std::to_string(std::hash<std::string_view>{}("skydir")) + " " +
           std::to_string(std::hash<std::string_view>{}("uid=a,ou=users")) + "\n";
  const uint32_t order = 0x01020304;
  probe.append(reinterpret_cast<const char*>(&order), sizeof(order));
  Checksum c;
  c.Update(probe.data(), probe.size());
  return c.Final();
}

class Sink {
 public:
  explicit Sink(std::FILE* file) : file_(file) { buffer_.reserve(kBlock); }

  void Bytes(const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    while (n > 0) {
      const size_t take = std::min(n, kBlock - buffer_.size());
      buffer_.append(c, take);
      c += take;
      n -= take;
      if (buffer_.size() == kBlock) Flush();
    }
  }
  template <typename T>
  void Put(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    Bytes(&value, sizeof(value));
  }
  void Str(std::string_view s) {
    Put(static_cast<uint32_t>(s.size()));
    Bytes(s.data(), s.size());
  }
  template <typename T>
  void Vec(const std::vector<T>& v) {
    Put(static_cast<uint32_t>(v.size()));
    Bytes(v.data(), v.size() * sizeof(T));
  }
  // Flushes and appends the checksum; false when a write failed.
  bool Finish() {
    Flush();
    const uint64_t sum = checksum_.Final();
    return ok_ && std::fwrite(&sum, sizeof(sum), 1, file_) == 1;
  }

 private:
  void Flush() {
    checksum_.Update(buffer_.data(), buffer_.size());
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      ok_ = false;
    }
    buffer_.clear();
  }
  std::FILE* file_;
  std::string buffer_;
  Checksum checksum_;
  bool ok_ = true;
};

// Reads a payload of known size block by block, checksumming each block as it arrives. Every
// getter fails (returns false) rather than read past the payload, and a count is checked
// against the bytes left before anything is allocated for it.
class Source {
 public:
  Source(std::FILE* file, uint64_t payload) : file_(file), unread_(payload), left_(payload) {}

  bool Bytes(void* p, size_t n) {
    if (n > left_) return false;
    char* out = static_cast<char*>(p);
    while (n > 0) {
      if (at_ == block_.size() && !Refill()) return false;
      const size_t take = std::min(n, block_.size() - at_);
      std::memcpy(out, block_.data() + at_, take);
      out += take;
      at_ += take;
      n -= take;
      left_ -= take;
    }
    return true;
  }
  template <typename T>
  bool Get(T* value) {
    static_assert(std::is_trivially_copyable_v<T>);
    return Bytes(value, sizeof(T));
  }
  bool Str(std::string* s) {
    uint32_t n = 0;
    if (!Get(&n) || n > left_) return false;
    s->resize(n);
    return Bytes(s->data(), n);
  }
  template <typename T>
  bool Vec(std::vector<T>* v) {
    uint32_t n = 0;
    if (!Get(&n) || uint64_t{n} * sizeof(T) > left_) return false;
    v->resize(n);
    return Bytes(v->data(), n * sizeof(T));
  }
  uint64_t left() const { return left_; }
  // True when the whole payload was read and the trailing checksum matches it.
  bool Verify() {
    uint64_t sum = 0;
    return left_ == 0 && unread_ == 0 && std::fread(&sum, sizeof(sum), 1, file_) == 1 &&
           sum == checksum_.Final();
  }

 private:
  bool Refill() {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, unread_));
    block_.resize(n);
    if (n == 0 || std::fread(block_.data(), 1, n, file_) != n) return false;
    checksum_.Update(block_.data(), n);
    unread_ -= n;
    at_ = 0;
    return true;
  }
  std::FILE* file_;
  std::string block_;
  size_t at_ = 0;
  uint64_t unread_;  // payload bytes not yet read from the file
  uint64_t left_;    // payload bytes not yet handed out
  Checksum checksum_;
};

Status Corrupt(const std::string& path, std::string_view what) {
  return Unavailable("snapshot file " + path + ": " + std::string(what));
}

// Ascending offsets ending at `total`, one more than there are items.
bool Offsets(const std::vector<uint32_t>& at, size_t total) {
  if (at.empty() || at.front() != 0 || at.back() != total) return false;
  return std::is_sorted(at.begin(), at.end());
}

}  // namespace

// Reads and writes the private parts of a snapshot; the only code outside the builder that
// knows them.
class SnapshotCodec {
 public:
  static void Write(const Snapshot& snap, const SnapshotStamp& stamp,
                    const SnapshotOptions& options, Sink& out);
  static Status Read(Source& in, std::string_view org_id, const SnapshotOptions& options,
                     const std::string& path, SavedSnapshot* saved);

 private:
  static void WriteSettings(const directory::OrgSettings& s, Sink& out);
  static bool ReadSettings(Source& in, directory::OrgSettings* s);
  static void WriteIndex(const ValueIndex& index, Sink& out);
  static bool ReadIndex(Source& in, uint32_t entries, ValueIndex* index);
  static void WriteTable(const EntryKeyTable& table, Sink& out);
  static bool ReadTable(Source& in, uint32_t entries, EntryKeyTable* table);
};

void SnapshotCodec::WriteSettings(const directory::OrgSettings& s, Sink& out) {
  static_assert(sizeof(directory::OrgSettings) == 44,
                "a field added to OrgSettings must be saved here (and kFormat raised)");
  out.Put<uint8_t>(s.ldap_self_search);
  out.Put(s.password.min_length);
  out.Put<uint8_t>(s.password.require_upper);
  out.Put<uint8_t>(s.password.require_lower);
  out.Put<uint8_t>(s.password.require_digit);
  out.Put<uint8_t>(s.password.require_symbol);
  out.Put(s.password.history);
  out.Put(s.password.max_age_days);
  out.Put<uint8_t>(s.lockout.enabled);
  out.Put(s.lockout.max_failures);
  out.Put(s.lockout.window_seconds);
  out.Put(s.lockout.unlock_after_seconds);
  out.Put<uint8_t>(s.user_lockout_action == directory::LdapPolicyAction::kRemove);
  out.Put<uint8_t>(s.password_expiration_action == directory::LdapPolicyAction::kRemove);
}

bool SnapshotCodec::ReadSettings(Source& in, directory::OrgSettings* s) {
  uint8_t self_search, upper, lower, digit, symbol, lockout, remove_locked, remove_expired;
  bool ok = in.Get(&self_search) && in.Get(&s->password.min_length) && in.Get(&upper) &&
            in.Get(&lower) && in.Get(&digit) && in.Get(&symbol) && in.Get(&s->password.history) &&
            in.Get(&s->password.max_age_days) && in.Get(&lockout) &&
            in.Get(&s->lockout.max_failures) && in.Get(&s->lockout.window_seconds) &&
            in.Get(&s->lockout.unlock_after_seconds) && in.Get(&remove_locked) &&
            in.Get(&remove_expired);
  if (!ok) return false;
  s->ldap_self_search = self_search;
  s->password.require_upper = upper;
  s->password.require_lower = lower;
  s->password.require_digit = digit;
  s->password.require_symbol = symbol;
  s->lockout.enabled = lockout;
  using Action = directory::LdapPolicyAction;
  s->user_lockout_action = remove_locked ? Action::kRemove : Action::kDisable;
  s->password_expiration_action = remove_expired ? Action::kRemove : Action::kDisable;
  return true;
}

void SnapshotCodec::WriteIndex(const ValueIndex& index, Sink& out) {
  out.Str(index.keys_);
  out.Vec(index.key_at_);
  out.Vec(index.post_at_);
  out.Vec(index.postings_);
  out.Vec(index.table_);
}

bool SnapshotCodec::ReadIndex(Source& in, uint32_t entries, ValueIndex* index) {
  if (!in.Str(&index->keys_) || !in.Vec(&index->key_at_) || !in.Vec(&index->post_at_) ||
      !in.Vec(&index->postings_) || !in.Vec(&index->table_)) {
    return false;
  }
  const size_t slots = index->key_at_.empty() ? 0 : index->key_at_.size() - 1;
  if (!Offsets(index->key_at_, index->keys_.size()) ||
      !Offsets(index->post_at_, index->postings_.size()) || index->post_at_.size() != slots + 1 ||
      !std::has_single_bit(index->table_.size()) || index->table_.size() < 2 * slots) {
    return false;
  }
  for (uint32_t e : index->postings_) {
    if (e >= entries) return false;
  }
  // Every slot once in the table, the rest empty: a probe always ends.
  size_t used = 0;
  for (uint32_t s : index->table_) {
    if (s > slots) return false;
    used += s != 0;
  }
  return used == slots;
}

void SnapshotCodec::WriteTable(const EntryKeyTable& table, Sink& out) {
  out.Put<uint64_t>(table.used_);
  out.Vec(table.slots_);
}

bool SnapshotCodec::ReadTable(Source& in, uint32_t entries, EntryKeyTable* table) {
  uint64_t used = 0;
  if (!in.Get(&used) || !in.Vec(&table->slots_)) return false;
  table->used_ = used;
  if (!table->slots_.empty() &&
      (!std::has_single_bit(table->slots_.size()) || used * 2 > table->slots_.size())) {
    return false;
  }
  size_t filled = 0;
  for (const EntryKeyTable::Slot& s : table->slots_) {
    if (s.entry_plus_one > entries) return false;
    filled += s.entry_plus_one != 0;
  }
  return filled == used;
}

void SnapshotCodec::Write(const Snapshot& snap, const SnapshotStamp& stamp,
                          const SnapshotOptions& options, Sink& out) {
  out.Bytes(kMagic.data(), kMagic.size());
  out.Put(kFormat);
  out.Put(BuildFingerprint());
  out.Str(snap.org_id_);
  out.Str(options.suffix);
  out.Put(stamp.seq);
  out.Str(stamp.change);
  out.Put(snap.built_at_);
  out.Put(snap.refresh_at_);
  WriteSettings(snap.settings_, out);
  out.Put(snap.size_);
  for (uint32_t i = 0; i < snap.size_; ++i) {
    const Entry& e = snap.entry(i);
    out.Put(static_cast<uint8_t>(e.kind));
    out.Put(static_cast<uint8_t>((e.can_bind ? 1 : 0) | (e.binding_user ? 2 : 0)));
    out.Put(e.locked_until);
    for (uint32_t offset :
         {e.user_end_, e.ndn_at_, e.model_at_, e.hash_at_, e.ids_at_, e.dn_at_, e.dn_size_}) {
      out.Put(offset);
    }
    out.Str(e.bytes_);
  }
  WriteTable(*snap.by_ndn_, out);
  WriteTable(*snap.by_model_, out);
  out.Put(static_cast<uint32_t>(snap.indexes_.size()));
  for (const auto& index : snap.indexes_) WriteIndex(*index, out);
  for (const auto* lists : {snap.member_groups_.get(), snap.parent_groups_.get()}) {
    for (const std::vector<uint32_t>& list : *lists) out.Vec(list);
  }
}

Status SnapshotCodec::Read(Source& in, std::string_view org_id, const SnapshotOptions& options,
                           const std::string& path, SavedSnapshot* saved) {
  std::string magic(kMagic.size(), '\0');
  uint32_t format = 0;
  uint64_t fingerprint = 0;
  if (!in.Bytes(magic.data(), magic.size()) || magic != kMagic || !in.Get(&format) ||
      format != kFormat || !in.Get(&fingerprint) || fingerprint != BuildFingerprint()) {
    return Corrupt(path, "written by another build of skydir");
  }
  std::unique_ptr<Snapshot> snap(new Snapshot());
  std::string suffix;
  if (!in.Str(&snap->org_id_) || !in.Str(&suffix)) return Corrupt(path, "truncated");
  if (snap->org_id_ != org_id || suffix != options.suffix) {
    return Corrupt(path, "of another org or suffix");
  }
  if (!in.Get(&saved->stamp.seq) || !in.Str(&saved->stamp.change) || !in.Get(&snap->built_at_) ||
      !in.Get(&snap->refresh_at_) || !ReadSettings(in, &snap->settings_) || !in.Get(&snap->size_)) {
    return Corrupt(path, "truncated");
  }
  const uint32_t n = snap->size_;
  // Each entry takes at least its fixed fields: a count beyond the file is damage.
  constexpr uint64_t kFixedBytes = 2 + 8 + 7 * 4 + 4;
  if (n < 2 || uint64_t{n} * kFixedBytes > in.left()) return Corrupt(path, "bad entry count");
  std::vector<std::shared_ptr<const Entry>> entries;
  entries.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    auto e = std::make_shared<Entry>();
    uint8_t kind = 0, flags = 0;
    if (!in.Get(&kind) || !in.Get(&flags) || !in.Get(&e->locked_until) || !in.Get(&e->user_end_) ||
        !in.Get(&e->ndn_at_) || !in.Get(&e->model_at_) || !in.Get(&e->hash_at_) ||
        !in.Get(&e->ids_at_) || !in.Get(&e->dn_at_) || !in.Get(&e->dn_size_) ||
        !in.Str(&e->bytes_)) {
      return Corrupt(path, "truncated entry");
    }
    // The user attribute list's SEQUENCE header comes first, at least two bytes.
    const bool ordered = e->user_end_ >= 2 && e->user_end_ <= e->ndn_at_ &&
                         e->ndn_at_ <= e->model_at_ && e->model_at_ <= e->hash_at_ &&
                         e->hash_at_ <= e->ids_at_ && e->ids_at_ <= e->bytes_.size() &&
                         uint64_t{e->dn_at_} + e->dn_size_ <= e->bytes_.size();
    if (kind > static_cast<uint8_t>(EntryKind::kGroup) || !ordered) {
      return Corrupt(path, "bad entry " + std::to_string(i));
    }
    e->kind = static_cast<EntryKind>(kind);
    e->can_bind = flags & 1;
    e->binding_user = flags & 2;
    entries.push_back(std::move(e));
  }
  snap->SetEntries(std::move(entries));
  if (snap->entry(kOrgEntry).kind != EntryKind::kOrg ||
      snap->entry(kUsersOuEntry).kind != EntryKind::kUsersOu) {
    return Corrupt(path, "bad tree");
  }
  EntryKeyTable by_ndn, by_model;
  uint32_t index_count = 0;
  if (!ReadTable(in, n, &by_ndn) || !ReadTable(in, n, &by_model) || !in.Get(&index_count) ||
      index_count > static_cast<uint32_t>(Attr::kCount)) {
    return Corrupt(path, "bad tables");
  }
  snap->by_ndn_ = std::make_shared<const EntryKeyTable>(std::move(by_ndn));
  snap->by_model_ = std::make_shared<const EntryKeyTable>(std::move(by_model));
  for (uint32_t i = 0; i < index_count; ++i) {
    ValueIndex index;
    if (!ReadIndex(in, n, &index)) return Corrupt(path, "bad index");
    snap->indexes_.push_back(std::make_shared<const ValueIndex>(std::move(index)));
  }
  for (auto* target : {&snap->member_groups_, &snap->parent_groups_}) {
    Snapshot::Adjacency lists(n);
    for (std::vector<uint32_t>& list : lists) {
      if (!in.Vec(&list)) return Corrupt(path, "truncated group lists");
      for (uint32_t e : list) {
        if (e >= n) return Corrupt(path, "bad group lists");
      }
    }
    *target = std::make_shared<const Snapshot::Adjacency>(std::move(lists));
  }
  if (!in.Verify()) return Corrupt(path, "checksum mismatch or trailing bytes");
  saved->snapshot = std::shared_ptr<const Snapshot>(snap.release());
  return Status::Ok();
}

Status WriteSnapshotFile(const Snapshot& snapshot, const SnapshotStamp& stamp,
                         const SnapshotOptions& options, const std::string& path) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot write " + temp + ": " + std::strerror(errno));
  std::FILE* file = ::fdopen(fd, "wb");
  if (!file) {
    ::close(fd);
    return Unavailable("cannot write " + temp + ": " + std::strerror(errno));
  }
  Sink out(file);
  SnapshotCodec::Write(snapshot, stamp, options, out);
  const bool written = out.Finish();
  if (std::fclose(file) != 0 || !written) {
    ::unlink(temp.c_str());
    return Unavailable("cannot write " + temp + ": " + std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return Unavailable("cannot rename " + temp + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<SavedSnapshot> ReadSnapshotFile(const std::string& path, std::string_view org_id,
                                       const SnapshotOptions& options) {
  std::FILE* file = std::fopen(path.c_str(), "rbe");
  if (!file) return NotFound("no snapshot file " + path);
  struct stat st {};
  SavedSnapshot saved;
  Status status = Corrupt(path, "shorter than its checksum");
  if (::fstat(::fileno(file), &st) == 0 && st.st_size >= 8) {
    Source in(file, static_cast<uint64_t>(st.st_size) - 8);
    status = SnapshotCodec::Read(in, org_id, options, path, &saved);
  }
  std::fclose(file);
  if (!status.ok()) return status;
  return saved;
}

}  // namespace skydir::dit
