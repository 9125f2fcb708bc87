// The LDAP server's Prometheus metrics (labels are operation names, result codes and outcomes,
// never DNs or names).
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "ldap/message.h"

namespace skydir::server {

// One answered operation: counts it by type and result code and observes its latency.
void RecordOperation(ldap::OpTag request, Code result, double seconds);
void RecordConnectionOpened(bool tls);
void RecordConnectionClosed();
void RecordProtocolViolation(std::string_view kind);  // "frame", "decode", "message_id"
// A connection hit a limit ("idle_timeout", "write_timeout", "max_connections", ... the
// setting's name): counted every time, logged once per client address and limit per minute.
// `client_ip` is empty when the caller logs the refusal itself (the connection limiter).
void RecordLimitHit(std::string_view limit, std::string_view client_ip);
// The open LDAP connections right now.
int64_t OpenConnections();

}  // namespace skydir::server
