#include "net/tls_material.h"

#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "common/log.h"

namespace skydir::net {
namespace {

using std::chrono::days;
using std::chrono::seconds;

constexpr seconds kCaValidity = days(3650);
constexpr seconds kServerValidity = days(730);
constexpr seconds kRenewMargin = days(30);

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

struct KeyPair {
  X509Ptr cert;
  PkeyPtr key;
};

// Loads a certificate and its key; fails when either is unreadable or they do not match.
Result<KeyPair> LoadPair(const std::string& cert_file, const std::string& key_file) {
  SKYDIR_ASSIGN_OR_RETURN(X509Ptr cert, LoadCertificate(cert_file));
  SKYDIR_ASSIGN_OR_RETURN(PkeyPtr key, LoadPrivateKey(key_file));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    OpenSslErrorText();  // drop the queued error; ours is clearer
    return InvalidArgument("private key " + key_file + " does not match certificate " + cert_file);
  }
  return KeyPair{std::move(cert), std::move(key)};
}

Result<TlsFiles> UseOperatorFiles(const TlsSettings& settings) {
  if (settings.cert_file.empty() || settings.key_file.empty()) {
    return InvalidArgument("tls.cert_file and tls.key_file must be set together");
  }
  SKYDIR_ASSIGN_OR_RETURN(KeyPair pair, LoadPair(settings.cert_file, settings.key_file));
  if (ExpiresWithin(pair.cert.get(), seconds(0))) {
    LogError("tls.cert_expired", {{"file", settings.cert_file}});
  } else if (ExpiresWithin(pair.cert.get(), kRenewMargin)) {
    LogWarn("tls.cert_expires_soon", {{"file", settings.cert_file}});
  }
  TlsFiles files;
  files.cert_file = settings.cert_file;
  files.key_file = settings.key_file;
  return files;
}

// Loads the existing CA, or explains why it cannot be used.
Result<KeyPair> LoadCa(const std::string& ca_file, const std::string& ca_key) {
  SKYDIR_ASSIGN_OR_RETURN(KeyPair ca, LoadPair(ca_file, ca_key));
  if (X509_check_ca(ca.cert.get()) == 0) return InvalidArgument(ca_file + " is not a CA");
  if (ExpiresWithin(ca.cert.get(), kRenewMargin)) return InvalidArgument(ca_file + " expires");
  return ca;
}

Result<KeyPair> CreateCa(const std::string& ca_file, const std::string& ca_key) {
  SKYDIR_ASSIGN_OR_RETURN(PkeyPtr key, GenerateEcKey());
  CertSpec spec;
  spec.common_name = "skydir CA";
  spec.is_ca = true;
  spec.validity = kCaValidity;
  SKYDIR_ASSIGN_OR_RETURN(X509Ptr cert, IssueCertificate(spec, key.get(), nullptr, key.get()));
  // Key first: a ca.pem without its key would be reloaded as broken and replaced anyway.
  SKYDIR_RETURN_IF_ERROR(WritePrivateKey(ca_key, key.get()));
  SKYDIR_RETURN_IF_ERROR(WriteCertificate(ca_file, cert.get()));
  return KeyPair{std::move(cert), std::move(key)};
}

// Why the existing server certificate must be re-issued, or "" when it can be reused.
std::string ServerCertProblem(const std::string& cert_file, const std::string& key_file,
                              const KeyPair& ca, const SanList& wanted) {
  if (!Exists(cert_file) || !Exists(key_file)) return "missing";
  Result<KeyPair> server = LoadPair(cert_file, key_file);
  if (!server.ok()) return server.status().message();
  X509* cert = server->cert.get();
  if (X509_verify(cert, X509_get0_pubkey(ca.cert.get())) != 1) {
    OpenSslErrorText();
    return "not signed by the current CA";
  }
  if (ExpiresWithin(cert, kRenewMargin)) return "expires within 30 days";
  SanList have = ReadSans(cert);
  for (const std::string& san : wanted) {
    if (std::find(have.begin(), have.end(), san) == have.end()) return "missing SAN " + san;
  }
  return "";
}

Status IssueServerCert(const std::string& cert_file, const std::string& key_file, const KeyPair& ca,
                       const SanList& sans) {
  SKYDIR_ASSIGN_OR_RETURN(PkeyPtr key, GenerateEcKey());
  std::string cn = sans.front().substr(sans.front().find(':') + 1);
  CertSpec spec;
  spec.common_name = cn;
  spec.sans = sans;
  spec.validity = kServerValidity;
  SKYDIR_ASSIGN_OR_RETURN(X509Ptr cert,
                          IssueCertificate(spec, key.get(), ca.cert.get(), ca.key.get()));
  // Key before certificate: if we stop in between, the pair mismatches and is re-issued.
  SKYDIR_RETURN_IF_ERROR(WritePrivateKey(key_file, key.get()));
  return WriteCertificate(cert_file, cert.get());
}

}  // namespace

Result<SanList> WantedSans(const TlsSettings& settings) {
  SanList sans = {"DNS:localhost", "IP:127.0.0.1", "IP:::1"};
  auto add = [&sans](const std::string& san) {
    if (std::find(sans.begin(), sans.end(), san) == sans.end()) sans.push_back(san);
  };
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0') {
    Result<std::string> san = CanonicalSan(std::string("DNS:") + host);
    if (san.ok()) {
      add(*san);
    } else {
      LogWarn("tls.hostname_skipped", {{"hostname", host}, {"reason", san.status().message()}});
    }
  }
  for (const std::string& extra : settings.extra_sans) {
    SKYDIR_ASSIGN_OR_RETURN(std::string san, CanonicalSan(extra));
    add(san);
  }
  return sans;
}

Result<TlsFiles> EnsureTlsMaterial(const std::string& data_dir, const TlsSettings& settings) {
  if (!settings.cert_file.empty() || !settings.key_file.empty()) {
    return UseOperatorFiles(settings);
  }
  SKYDIR_ASSIGN_OR_RETURN(SanList wanted, WantedSans(settings));

  std::filesystem::path dir = std::filesystem::path(data_dir) / "tls";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir.string() + ": " + ec.message());
  chmod(dir.c_str(), 0700);

  TlsFiles files;
  files.generated = true;
  files.ca_file = (dir / "ca.pem").string();
  std::string ca_key = (dir / "ca.key").string();
  files.cert_file = (dir / "server.pem").string();
  files.key_file = (dir / "server.key").string();

  KeyPair ca;
  if (Exists(files.ca_file) || Exists(ca_key)) {
    Result<KeyPair> loaded = LoadCa(files.ca_file, ca_key);
    if (loaded.ok()) {
      ca = std::move(loaded).value();
    } else {
      LogWarn("tls.ca_replaced", {{"file", files.ca_file}, {"reason", loaded.status().message()}});
    }
  }
  if (!ca.cert) {
    SKYDIR_ASSIGN_OR_RETURN(ca, CreateCa(files.ca_file, ca_key));
    files.ca_created = true;
    LogInfo("tls.ca_created", {{"file", files.ca_file}});
  }

  std::string problem = ServerCertProblem(files.cert_file, files.key_file, ca, wanted);
  if (!problem.empty()) {
    SKYDIR_RETURN_IF_ERROR(IssueServerCert(files.cert_file, files.key_file, ca, wanted));
    files.server_cert_issued = true;
    LogInfo("tls.server_cert_issued", {{"file", files.cert_file}, {"reason", problem}});
  }
  return files;
}

}  // namespace skydir::net
