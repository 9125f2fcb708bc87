#include "net/tls_context.h"

#include <openssl/ssl.h>

#include "net/x509_util.h"

namespace skydir::net {
namespace {

// TLS 1.2 suites with forward secrecy and AEAD only (Mozilla "intermediate", 2023). TLS 1.3
// suites are OpenSSL's defaults, all of which qualify.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr char kGroups[] = "X25519:P-256:P-384";

Status TlsError(std::string what) {
  std::string detail = OpenSslErrorText();
  if (!detail.empty()) what += ": " + detail;
  return InvalidArgument(std::move(what));
}

}  // namespace

Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsFiles& files, const TlsSettings& settings) {
  int min_version;
  if (settings.min_version == "1.2" || settings.min_version.empty()) {
    min_version = TLS1_2_VERSION;
  } else if (settings.min_version == "1.3") {
    min_version = TLS1_3_VERSION;
  } else {
    return InvalidArgument("tls.min_version must be \"1.2\" or \"1.3\", not \"" +
                           settings.min_version + "\"");
  }

  auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, min_version) != 1) {
    return TlsError("setting the minimum TLS version");
  }
  SSL_CTX_set_options(
      native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) return TlsError("cipher list");
  if (SSL_CTX_set1_groups_list(native, kGroups) != 1) return TlsError("key exchange groups");
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);

  // An encrypted key must fail rather than prompt on the server's terminal.
  SSL_CTX_set_default_passwd_cb(native, [](char*, int, int, void*) { return -1; });
  if (SSL_CTX_use_certificate_chain_file(native, files.cert_file.c_str()) != 1) {
    return TlsError("cannot load certificate chain " + files.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(native, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return TlsError("cannot load private key " + files.key_file);
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return TlsError("private key " + files.key_file + " does not match " + files.cert_file);
  }
  return ctx;
}

}  // namespace skydir::net
