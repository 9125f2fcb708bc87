// Small OpenSSL 3 helpers behind tls_material: key generation, certificate issuing, PEM files
// and subjectAltName handling. Every function returns errors as values with the OpenSSL error
// text appended; nothing throws. Thread-compatible: no shared state.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skydir::net {

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

// A subjectAltName in its canonical text form: "DNS:<lowercase name>" or "IP:<address>" with
// the address as inet_ntop prints it ("127.0.0.1", "::1").
using SanList = std::vector<std::string>;

// Turns an operator-supplied name into canonical form. Accepts "DNS:x", "IP:x" or a bare value;
// a bare value that parses as an IPv4/IPv6 address becomes an IP SAN, anything else a DNS SAN.
// Rejects empty names and DNS names with characters outside [A-Za-z0-9.*-].
Result<std::string> CanonicalSan(std::string_view text);

// The last OpenSSL error on this thread as text (and clears the queue); "" if none.
std::string OpenSslErrorText();

// A fresh EC P-256 key.
Result<PkeyPtr> GenerateEcKey();

struct CertSpec {
  std::string common_name;
  bool is_ca = false;
  SanList sans;  // canonical; ignored for a CA
  std::chrono::seconds validity{0};
};

// Issues a certificate for `key` signed with SHA-256 by `issuer_key`. A CA (spec.is_ca) is
// self-signed: pass issuer == nullptr and issuer_key == key. The server profile gets
// basicConstraints CA:FALSE, keyUsage digitalSignature, extendedKeyUsage serverAuth and the SANs.
Result<X509Ptr> IssueCertificate(const CertSpec& spec, EVP_PKEY* key, X509* issuer,
                                 EVP_PKEY* issuer_key);

// The certificate's subjectAltNames (DNS and IP entries only), canonical.
SanList ReadSans(X509* cert);

// True when the certificate's notAfter is earlier than now + `margin`.
bool ExpiresWithin(X509* cert, std::chrono::seconds margin);

// Loads the first certificate / the private key of a PEM file. Errors name the file.
Result<X509Ptr> LoadCertificate(const std::string& path);
Result<PkeyPtr> LoadPrivateKey(const std::string& path);

// Writes PEM atomically: a temporary file in the same directory created with mode 0600
// (no window where a key is readable by others), chmod to `mode`, fsync, rename.
Status WriteCertificate(const std::string& path, X509* cert);
Status WritePrivateKey(const std::string& path, EVP_PKEY* key);  // mode 0600

}  // namespace skydir::net
