// Password hashing for new passwords (Argon2id) and verification of imported hashes.
//
// Stored values use OpenLDAP's userPassword syntax, `{SCHEME}data`, with scheme names matched
// case-insensitively:
//   {ARGON2}$argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>   (also $argon2i$, as written by
//                                          OpenLDAP's pw-argon2; verified by libsodium)
//   {SHA} {SHA256} {SHA384} {SHA512}       base64(digest(password))
//   {SSHA} {SSHA256} {SSHA384} {SSHA512}   base64(digest(password + salt) + salt), salt ≥ 1 byte
//   {CRYPT}<crypt(3) string>               only $6$, $5$ (sha-crypt), $2a$/$2b$/$2y$ (bcrypt) and
//                                          $y$ (yescrypt); DES and MD5 crypt are refused as broken
//   {PBKDF2}/{PBKDF2-SHA1}/{PBKDF2-SHA256}/{PBKDF2-SHA512}<iterations>$<ab64 salt>$<ab64 dk>
//                                          as contrib pw-pbkdf2 writes them: "adapted base64" is
//                                          base64 with '.' for '+' and no '=' padding; dk is one
//                                          digest long ({PBKDF2} means SHA-1)
// A value without a known scheme (including cleartext) never verifies: this code never compares
// a password with a stored cleartext. An empty password never verifies and cannot be hashed.
//
// Costs that an imported hash names are capped (see the k* limits below) so that one crafted
// hash cannot take a hashing thread for minutes or exhaust memory; a hash over a cap is treated
// as unsupported.
//
// Thread-safety: all methods are const and may be called from any thread concurrently. Hashing
// and verification are slow by design (tens of milliseconds): call them on the hashing pool,
// never on an I/O thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/settings.h"
#include "common/status.h"

namespace skydir {

struct VerifyResult {
  bool ok = false;
  // Meaningful only when ok: the stored hash is not Argon2id, or is Argon2id with memory or
  // passes below the configured ones, and should be replaced by Hash(password). Hashes stronger
  // than configured are kept (lowering the settings does not downgrade stored hashes).
  bool needs_rehash = false;
};

class PasswordHasher {
 public:
  // Longer passwords are refused by Hash and never verify (bounds the cost of sha-crypt and of
  // the digests, whose work grows with the password length).
  static constexpr size_t kMaxPasswordBytes = 1024;
  static constexpr uint32_t kMaxPbkdf2Iterations = 10'000'000;
  static constexpr uint32_t kMaxShaCryptRounds = 10'000'000;
  static constexpr uint32_t kMaxBcryptCost = 18;
  static constexpr uint32_t kMaxArgon2MemKib = 1024 * 1024;  // 1 GiB
  static constexpr uint32_t kMaxArgon2Passes = 64;

  // Settings below libsodium's minimum Argon2id cost are raised to that minimum.
  explicit PasswordHasher(const PasswordSettings& settings);

  // `{ARGON2}$argon2id$v=19$m=...,t=...,p=1$salt$hash` with a fresh random salt.
  // Fails with kConstraintViolation for an empty or over-long password, kOther when libsodium
  // cannot allocate the configured memory.
  Result<std::string> Hash(std::string_view password) const;

  // Checks `password` against a stored `{SCHEME}...` value in constant time with respect to the
  // stored secret. Malformed or unsupported stored values yield {ok = false}.
  VerifyResult Verify(std::string_view stored, std::string_view password) const;

  // True when Verify understands `stored` (known scheme, well-formed, costs within the caps).
  // For importers: an unsupported hash would lock its user out.
  static bool IsSupportedHash(std::string_view stored);

 private:
  uint64_t ops_limit_;
  uint64_t mem_limit_bytes_;
};

}  // namespace skydir
