// The server's TLS certificate and key: the operator's own, or a self-managed CA and server
// certificate under <data_dir>/tls/ (DESIGN §6: "a self-signed certificate generated on first
// start").
//
// Self-managed layout (directory mode 0700):
//   ca.pem, ca.key (0600)          EC P-256, CA:TRUE, keyCertSign; 10 years. Never replaced
//                                  while valid, so clients that trust ca.pem keep working.
//   server.pem, server.key (0600)  EC P-256, signed by the CA, serverAuth; 2 years. Re-issued
//                                  when a wanted SAN is missing, it expires within 30 days, or it
//                                  no longer matches the CA or its key.
// SANs: DNS localhost, IP 127.0.0.1, IP ::1, the host name, and settings.extra_sans.
#pragma once

#include <string>

#include "common/settings.h"
#include "common/status.h"
#include "net/x509_util.h"

namespace skydir::net {

struct TlsFiles {
  std::string ca_file;      // the CA clients should trust; empty for operator-supplied material
  std::string cert_file;    // PEM: the server certificate (then any chain the operator supplied)
  std::string key_file;     // PEM: its unencrypted private key
  bool generated = false;   // self-managed material (not the operator's own files)
  bool ca_created = false;  // this call created a new CA
  bool server_cert_issued = false;  // this call wrote a new server certificate
};

// With settings.cert_file/key_file set: checks both load and belong together and returns them
// (errors name the file). Otherwise creates or refreshes the self-managed material above.
// Blocking file and crypto work: call at startup or from a BlockingPool, not on an I/O thread.
// Not safe to run concurrently for the same data_dir (two processes would race on the files).
Result<TlsFiles> EnsureTlsMaterial(const std::string& data_dir, const TlsSettings& settings);

// The SANs a self-managed server certificate must carry for `settings`, canonical
// ("DNS:localhost", "IP:127.0.0.1", ...). Fails on a malformed extra SAN.
Result<SanList> WantedSans(const TlsSettings& settings);

}  // namespace skydir::net
