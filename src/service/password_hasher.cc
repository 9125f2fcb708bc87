#include "service/password_hasher.h"

#include <crypt.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "common/base64.h"

namespace skydir {
namespace {

enum class Family { kArgon2, kDigest, kCrypt, kPbkdf2 };

struct Scheme {
  std::string_view name;  // upper case, without braces
  Family family;
  const EVP_MD* (*md)();  // kDigest and kPbkdf2 only
  bool salted;            // kDigest only
};

const Scheme kSchemes[] = {
    {"ARGON2", Family::kArgon2, nullptr, false},
    {"SHA", Family::kDigest, EVP_sha1, false},
    {"SSHA", Family::kDigest, EVP_sha1, true},
    {"SHA256", Family::kDigest, EVP_sha256, false},
    {"SSHA256", Family::kDigest, EVP_sha256, true},
    {"SHA384", Family::kDigest, EVP_sha384, false},
    {"SSHA384", Family::kDigest, EVP_sha384, true},
    {"SHA512", Family::kDigest, EVP_sha512, false},
    {"SSHA512", Family::kDigest, EVP_sha512, true},
    {"CRYPT", Family::kCrypt, nullptr, false},
    {"PBKDF2", Family::kPbkdf2, EVP_sha1, false},
    {"PBKDF2-SHA1", Family::kPbkdf2, EVP_sha1, false},
    {"PBKDF2-SHA256", Family::kPbkdf2, EVP_sha256, false},
    {"PBKDF2-SHA512", Family::kPbkdf2, EVP_sha512, false},
};

constexpr size_t kMaxSchemeName = 16;
constexpr size_t kMaxSaltBytes = 256;  // SSHA and PBKDF2; real tools use 4 to 64
constexpr std::string_view kArgon2Prefix = "{ARGON2}";

void EnsureSodium() {
  // Function-local static: initialised exactly once even with concurrent first calls.
  static const bool initialised = sodium_init() >= 0;
  if (!initialised) std::abort();  // No working CSPRNG: nothing secure can be produced.
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
           return upper(x) == upper(y);
         });
}

// Splits "{NAME}body" and looks NAME up; nullptr for anything else (including cleartext).
const Scheme* FindScheme(std::string_view stored, std::string_view* body) {
  if (stored.empty() || stored[0] != '{') return nullptr;
  size_t close = stored.find('}');
  if (close == std::string_view::npos || close - 1 > kMaxSchemeName) return nullptr;
  std::string_view name = stored.substr(1, close - 1);
  for (const Scheme& scheme : kSchemes) {
    if (EqualsIgnoreCase(name, scheme.name)) {
      *body = stored.substr(close + 1);
      return &scheme;
    }
  }
  return nullptr;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<uint32_t> ParseU32(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// ---- {SHA*} / {SSHA*} ----

struct DigestParts {
  std::string digest;
  std::string salt;
};

std::optional<DigestParts> ParseDigest(const Scheme& scheme, std::string_view body) {
  auto raw = Base64Decode(body);
  if (!raw) return std::nullopt;
  size_t size = static_cast<size_t>(EVP_MD_get_size(scheme.md()));
  if (scheme.salted ? (raw->size() <= size || raw->size() - size > kMaxSaltBytes)
                    : raw->size() != size) {
    return std::nullopt;
  }
  return DigestParts{raw->substr(0, size), raw->substr(size)};
}

bool VerifyDigest(const Scheme& scheme, std::string_view body, std::string_view password) {
  auto parts = ParseDigest(scheme, body);
  if (!parts) return false;
  std::string input;
  input.reserve(password.size() + parts->salt.size());
  input.append(password).append(parts->salt);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  bool done = EVP_Digest(input.data(), input.size(), out, &out_len, scheme.md(), nullptr) == 1;
  sodium_memzero(input.data(), input.size());
  return done &&
         ConstantTimeEquals(parts->digest, std::string_view(reinterpret_cast<char*>(out), out_len));
}

// ---- {PBKDF2-*}: <iterations>$<ab64 salt>$<ab64 dk> ----

struct Pbkdf2Parts {
  uint32_t iterations;
  std::string salt;
  std::string dk;
};

// Adapted base64 (passlib's "ab64"): '.' for '+', no padding.
std::optional<std::string> DecodeAdaptedBase64(std::string_view text) {
  if (text.find_first_of("+=") != std::string_view::npos) return std::nullopt;
  std::string standard(text);
  std::replace(standard.begin(), standard.end(), '.', '+');
  while (standard.size() % 4 != 0) standard.push_back('=');
  return Base64Decode(standard);
}

std::optional<Pbkdf2Parts> ParsePbkdf2(const Scheme& scheme, std::string_view body) {
  size_t first = body.find('$');
  if (first == std::string_view::npos) return std::nullopt;
  size_t second = body.find('$', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  auto iterations = ParseU32(body.substr(0, first));
  auto salt = DecodeAdaptedBase64(body.substr(first + 1, second - first - 1));
  auto dk = DecodeAdaptedBase64(body.substr(second + 1));
  if (!iterations || *iterations < 1 || *iterations > PasswordHasher::kMaxPbkdf2Iterations ||
      !salt || salt->empty() || salt->size() > kMaxSaltBytes || !dk ||
      dk->size() != static_cast<size_t>(EVP_MD_get_size(scheme.md()))) {
    return std::nullopt;
  }
  return Pbkdf2Parts{*iterations, std::move(*salt), std::move(*dk)};
}

bool VerifyPbkdf2(const Scheme& scheme, std::string_view body, std::string_view password) {
  auto parts = ParsePbkdf2(scheme, body);
  if (!parts) return false;
  std::string out(parts->dk.size(), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(parts->salt.data()),
                        static_cast<int>(parts->salt.size()), static_cast<int>(parts->iterations),
                        scheme.md(), static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    return false;
  }
  return ConstantTimeEquals(parts->dk, out);
}

// ---- {CRYPT} ----

bool IsCryptChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '/' || c == '$' || c == '=';
}

// Accepts only the modern crypt(3) methods, with their cost under our caps.
bool CryptSettingOk(std::string_view hash) {
  if (hash.size() < 8 || !std::all_of(hash.begin(), hash.end(), IsCryptChar)) return false;
  if (hash.starts_with("$5$") || hash.starts_with("$6$")) {
    std::string_view rest = hash.substr(3);
    if (!rest.starts_with("rounds=")) return true;
    size_t end = rest.find('$');
    if (end == std::string_view::npos) return false;
    auto rounds = ParseU32(rest.substr(7, end - 7));
    return rounds && *rounds <= PasswordHasher::kMaxShaCryptRounds;
  }
  if (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) {
    auto cost = ParseU32(hash.substr(4, 2));
    return hash.size() == 60 && hash[6] == '$' && cost && *cost <= PasswordHasher::kMaxBcryptCost;
  }
  return hash.starts_with("$y$");
}

bool VerifyCrypt(std::string_view hash, std::string_view password) {
  // crypt(3) takes C strings: an embedded NUL would silently truncate the password.
  if (!CryptSettingOk(hash) || password.find('\0') != std::string_view::npos) return false;
  auto data = std::make_unique<crypt_data>();  // zeroed, as crypt_r requires; ~32 KiB
  std::string phrase(password);
  std::string setting(hash);
  const char* out = crypt_r(phrase.c_str(), setting.c_str(), data.get());
  sodium_memzero(phrase.data(), phrase.size());
  // Failure is NULL or a string starting with '*', which can never equal a valid setting.
  bool ok = out != nullptr && out[0] != '*' && ConstantTimeEquals(hash, out);
  sodium_memzero(data.get(), sizeof(crypt_data));
  return ok;
}

// ---- {ARGON2} ----

struct Argon2Params {
  bool argon2id;
  uint32_t mem_kib;
  uint32_t passes;
};

// Reads "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" (v= is optional, as in
// Argon2 1.0 strings); libsodium checks the rest when verifying.
std::optional<Argon2Params> ParseArgon2(std::string_view body) {
  Argon2Params params{};
  if (body.starts_with("$argon2id$")) {
    params.argon2id = true;
    body.remove_prefix(10);
  } else if (body.starts_with("$argon2i$")) {
    params.argon2id = false;
    body.remove_prefix(9);
  } else {
    return std::nullopt;
  }
  if (body.starts_with("v=")) {
    size_t end = body.find('$');
    if (end == std::string_view::npos) return std::nullopt;
    body.remove_prefix(end + 1);
  }
  if (!body.starts_with("m=")) return std::nullopt;
  size_t comma_t = body.find(",t=");
  size_t comma_p = body.find(",p=");
  size_t dollar = body.find('$');
  if (comma_t == body.npos || comma_p == body.npos || dollar == body.npos ||
      !(comma_t < comma_p && comma_p < dollar)) {
    return std::nullopt;
  }
  auto mem = ParseU32(body.substr(2, comma_t - 2));
  auto passes = ParseU32(body.substr(comma_t + 3, comma_p - comma_t - 3));
  auto lanes = ParseU32(body.substr(comma_p + 3, dollar - comma_p - 3));
  if (!mem || !passes || !lanes || *mem > PasswordHasher::kMaxArgon2MemKib ||
      *passes > PasswordHasher::kMaxArgon2Passes || *lanes < 1 || *lanes > 255) {
    return std::nullopt;
  }
  params.mem_kib = *mem;
  params.passes = *passes;
  return params;
}

bool VerifyArgon2(std::string_view body, std::string_view password) {
  // libsodium reads the encoded string as a C string of at most crypto_pwhash_STRBYTES.
  if (!ParseArgon2(body) || body.size() >= crypto_pwhash_STRBYTES) return false;
  char encoded[crypto_pwhash_STRBYTES] = {};
  std::memcpy(encoded, body.data(), body.size());
  return crypto_pwhash_str_verify(encoded, password.data(), password.size()) == 0;
}

// Any verified non-Argon2 hash is upgraded on the next successful bind.
VerifyResult Legacy(bool ok) { return {ok, ok}; }

}  // namespace

PasswordHasher::PasswordHasher(const PasswordSettings& settings)
    : ops_limit_(
          std::max<uint64_t>(settings.argon2_ops_limit, crypto_pwhash_argon2id_OPSLIMIT_MIN)),
      mem_limit_bytes_(std::max<uint64_t>(uint64_t{settings.argon2_mem_limit_kib} * 1024,
                                          crypto_pwhash_argon2id_MEMLIMIT_MIN)) {
  EnsureSodium();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  if (password.empty()) return InvalidArgument("password must not be empty");
  if (password.size() > kMaxPasswordBytes) {
    return InvalidArgument("password longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), ops_limit_,
                            static_cast<size_t>(mem_limit_bytes_),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("argon2id hashing failed (out of memory?)");
  }
  return std::string(kArgon2Prefix) + encoded;
}

VerifyResult PasswordHasher::Verify(std::string_view stored, std::string_view password) const {
  if (password.empty() || password.size() > kMaxPasswordBytes) return {};
  std::string_view body;
  const Scheme* scheme = FindScheme(stored, &body);
  if (scheme == nullptr) return {};
  switch (scheme->family) {
    case Family::kArgon2: {
      if (!VerifyArgon2(body, password)) return {};
      auto params = ParseArgon2(body);
      bool weaker = !params->argon2id || params->passes < ops_limit_ ||
                    uint64_t{params->mem_kib} * 1024 < mem_limit_bytes_;
      return {true, weaker};
    }
    case Family::kDigest:
      return Legacy(VerifyDigest(*scheme, body, password));
    case Family::kCrypt:
      return Legacy(VerifyCrypt(body, password));
    case Family::kPbkdf2:
      return Legacy(VerifyPbkdf2(*scheme, body, password));
  }
  return {};
}

bool PasswordHasher::IsSupportedHash(std::string_view stored) {
  std::string_view body;
  const Scheme* scheme = FindScheme(stored, &body);
  if (scheme == nullptr) return false;
  switch (scheme->family) {
    case Family::kArgon2:
      return ParseArgon2(body).has_value() && body.size() < crypto_pwhash_STRBYTES;
    case Family::kDigest:
      return ParseDigest(*scheme, body).has_value();
    case Family::kCrypt:
      return CryptSettingOk(body);
    case Family::kPbkdf2:
      return ParsePbkdf2(*scheme, body).has_value();
  }
  return false;
}

}  // namespace skydir
