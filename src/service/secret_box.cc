#include "service/secret_box.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "common/base64.h"

namespace skydir::service {

namespace {

constexpr std::string_view kPrefix = "v1:";

Status FileError(const std::string& path, std::string_view what) {
  return Unavailable("secret key file " + path + ": " + std::string(what) +
                     (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()));
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  assert(key_.size() == kKeyBytes);
  if (sodium_init() < 0) std::abort();
}

Result<SecretBox> SecretBox::LoadOrCreate(const std::string& path) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialize");
  errno = 0;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    std::string key(kKeyBytes, '\0');
    randombytes_buf(key.data(), key.size());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return FileError(path, "cannot create");
    bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
                   ::fsync(fd) == 0;
    ::close(fd);
    if (!written) return FileError(path, "cannot write");
    return SecretBox(std::move(key));
  }
  if (fd < 0) return FileError(path, "cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return FileError(path, "cannot stat");
  }
  errno = 0;
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return FileError(path, "is readable by others (chmod 600 it)");
  }
  std::string key(kKeyBytes + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    errno = 0;
    return FileError(path, "must hold exactly 32 bytes");
  }
  key.resize(kKeyBytes);
  return SecretBox(std::move(key));
}

std::string SecretBox::Seal(std::string_view plain) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return std::string(kPrefix) + Base64Encode(out);
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  const Status refused(Code::kInvalidCredentials, "sealed secret cannot be opened with this key");
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return refused;
  std::optional<std::string> bytes = Base64Decode(sealed.substr(kPrefix.size()));
  if (!bytes || bytes->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return refused;
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(bytes->data());
  const size_t cipher_len = bytes->size() - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_len - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, cipher_len, nonce,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return refused;
  }
  return plain;
}

}  // namespace skydir::service
