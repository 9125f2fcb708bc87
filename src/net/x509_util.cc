#include "net/x509_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace skydir::net {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

Status SslError(std::string what) {
  std::string detail = OpenSslErrorText();
  if (!detail.empty()) what += ": " + detail;
  return Internal(std::move(what));
}

Status ErrnoError(const std::string& what, const std::string& path) {
  return Internal(what + " " + path + ": " + std::strerror(errno));
}

// Canonical text of a 4- or 16-byte address, or "" when the length is neither.
std::string IpText(const unsigned char* bytes, int len) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (len == 4) inet_ntop(AF_INET, bytes, buf, sizeof(buf));
  if (len == 16) inet_ntop(AF_INET6, bytes, buf, sizeof(buf));
  return buf;
}

// Parses an IPv4 or IPv6 literal into canonical text; "" when `text` is not one.
std::string ParseIp(const std::string& text) {
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return IpText(bytes, 4);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return IpText(bytes, 16);
  return "";
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr) return SslError(std::string("building extension ") + OBJ_nid2sn(nid));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return SslError("adding extension");
  return Status::Ok();
}

Status AddSans(X509* cert, const SanList& sans) {
  GENERAL_NAMES* gens = sk_GENERAL_NAME_new_null();
  for (const std::string& san : sans) {
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (san.starts_with("IP:")) {
      ASN1_OCTET_STRING* ip = a2i_IPADDRESS(san.c_str() + 3);
      if (ip == nullptr) {
        GENERAL_NAME_free(gen);
        GENERAL_NAMES_free(gens);
        return Internal("bad IP SAN " + san);
      }
      GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
    } else {
      std::string_view dns = std::string_view(san).substr(4);  // after "DNS:"
      ASN1_IA5STRING* s = ASN1_IA5STRING_new();
      ASN1_STRING_set(s, dns.data(), static_cast<int>(dns.size()));
      GENERAL_NAME_set0_value(gen, GEN_DNS, s);
    }
    sk_GENERAL_NAME_push(gens, gen);
  }
  int ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT);
  GENERAL_NAMES_free(gens);
  if (ok != 1) return SslError("adding subjectAltName");
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = mkstemp(tmp.data());  // created 0600 whatever the umask
  if (fd < 0) return ErrnoError("cannot create", tmp);
  bool ok = true;
  for (size_t off = 0; ok && off < data.size();) {
    ssize_t n = write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  ok = ok && fchmod(fd, mode) == 0 && fsync(fd) == 0;
  Status status = ok ? Status::Ok() : ErrnoError("cannot write", tmp);
  close(fd);
  if (status.ok() && rename(tmp.c_str(), path.c_str()) != 0)
    status = ErrnoError("cannot rename", tmp);
  if (!status.ok()) {
    unlink(tmp.c_str());
    return status;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {  // make the rename durable; best effort
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

// Refuses to prompt on the terminal for an encrypted key's passphrase.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

std::string OpenSslErrorText() {
  std::string out;
  while (unsigned long err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Result<std::string> CanonicalSan(std::string_view text) {
  bool want_ip = StartsWithNoCase(text, "IP:");
  bool want_dns = StartsWithNoCase(text, "DNS:");
  std::string value(text.substr(want_ip ? 3 : want_dns ? 4 : 0));
  if (value.empty()) return InvalidArgument("empty subjectAltName '" + std::string(text) + "'");
  if (!want_dns) {
    std::string ip = ParseIp(value);
    if (!ip.empty()) return "IP:" + ip;
    if (want_ip) return InvalidArgument("not an IP address: '" + value + "'");
  }
  for (char& c : value) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '*';
    if (!ok) return InvalidArgument("invalid DNS name in subjectAltName: '" + value + "'");
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return "DNS:" + value;
}

Result<PkeyPtr> GenerateEcKey() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return SslError("generating EC P-256 key");
  return key;
}

Result<X509Ptr> IssueCertificate(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                                 EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return SslError("X509_new");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return SslError("random serial");
  serial[0] &= 0x7f;  // positive, as RFC 5280 §4.1.2.2 requires
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  bool serial_ok = bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  if (!serial_ok) return SslError("setting serial");

  constexpr long kBackdateSeconds = 300;  // tolerate small clock skew between hosts
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(spec.validity.count()));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("skydir"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  if (X509_set_pubkey(cert.get(), key) != 1) return SslError("setting public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  X509* c = cert.get();
  SKYDIR_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_subject_key_identifier, "hash"));
  SKYDIR_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_authority_key_identifier, "keyid:always"));
  if (spec.is_ca) {
    SKYDIR_RETURN_IF_ERROR(
        AddExtension(c, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
    SKYDIR_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    SKYDIR_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_basic_constraints, "critical,CA:FALSE"));
    SKYDIR_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_key_usage, "critical,digitalSignature"));
    SKYDIR_RETURN_IF_ERROR(AddExtension(c, &ctx, NID_ext_key_usage, "serverAuth"));
    SKYDIR_RETURN_IF_ERROR(AddSans(c, spec.sans));
  }
  if (X509_sign(c, issuer_key, EVP_sha256()) <= 0) return SslError("signing certificate");
  return cert;
}

SanList ReadSans(X509* cert) {
  SanList out;
  auto* gens =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (gens == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(gens); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(gens, i);
    if (gen->type == GEN_DNS) {
      const ASN1_STRING* s = gen->d.dNSName;
      std::string dns(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                      static_cast<size_t>(ASN1_STRING_length(s)));
      for (char& ch : dns) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back("DNS:" + dns);
    } else if (gen->type == GEN_IPADD) {
      const ASN1_STRING* s = gen->d.iPAddress;
      std::string ip = IpText(ASN1_STRING_get0_data(s), ASN1_STRING_length(s));
      if (!ip.empty()) out.push_back("IP:" + ip);
    }
  }
  GENERAL_NAMES_free(gens);
  return out;
}

bool ExpiresWithin(X509* cert, std::chrono::seconds margin) {
  time_t limit = time(nullptr) + static_cast<time_t>(margin.count());
  // X509_cmp_time: -1 if notAfter is before `limit`, 0 on a malformed time (treated as expired).
  return X509_cmp_time(X509_get0_notAfter(cert), &limit) <= 0;
}

Result<X509Ptr> LoadCertificate(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return ErrnoError("cannot open certificate file", path);
  }
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!cert) return SslError("no PEM certificate in " + path);
  return cert;
}

Result<PkeyPtr> LoadPrivateKey(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return ErrnoError("cannot open private key file", path);
  }
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) return SslError("no unencrypted PEM private key in " + path);
  return key;
}

Status WriteCertificate(const std::string& path, X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return SslError("encoding certificate");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return WriteFileAtomically(path, std::string_view(data, static_cast<size_t>(len)), 0644);
}

Status WritePrivateKey(const std::string& path, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));  // cleansed on free
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return SslError("encoding private key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return WriteFileAtomically(path, std::string_view(data, static_cast<size_t>(len)), 0600);
}

}  // namespace skydir::net
