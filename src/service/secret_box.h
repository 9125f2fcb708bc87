// Seals secrets that skydir must be able to read back (applications' SCIM bearer tokens), so
// that the store never holds them in the clear: XSalsa20-Poly1305 (libsodium secretbox) with a
// 32-byte key kept outside the database (DESIGN §7 "secrets encrypted at rest").
//
// Sealed form: "v1:" + base64(24-byte nonce || ciphertext). A fresh random nonce per Seal.
//
// Thread-safety: immutable after construction; every method may be called from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace skydir::service {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;

  // Reads the key file at `path`, or creates it (mode 0600, random bytes) when it does not
  // exist. A file of another size, or one readable by group or others, is refused.
  static Result<SecretBox> LoadOrCreate(const std::string& path);
  // REQUIRES: key.size() == kKeyBytes.
  explicit SecretBox(std::string key);

  std::string Seal(std::string_view plain) const;
  // kInvalidCredentials when `sealed` was not sealed with this key or was altered.
  Result<std::string> Open(std::string_view sealed) const;

 private:
  std::string key_;
};

}  // namespace skydir::service
