// The server-side TLS configuration shared by every listener (LDAPS, StartTLS, HTTPS).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "common/settings.h"
#include "common/status.h"
#include "net/tls_material.h"

namespace skydir::net {

// A server context for `files`: TLS 1.2 minimum (1.3 when settings.min_version == "1.3"), no
// compression, no renegotiation, server cipher preference, ECDHE with AES-GCM or ChaCha20 for
// TLS 1.2, session tickets on. Fails, naming the file, when the certificate or key do not load.
// The context is immutable once returned; share it across threads and sessions freely.
Result<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const TlsFiles& files, const TlsSettings& settings);

}  // namespace skydir::net
