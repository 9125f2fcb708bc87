// The LDAP server's Prometheus metrics (labels are operation names, result codes and outcomes,
// never DNs or names).
#pragma once

#include <string_view>

#include "common/status.h"
#include "ldap/message.h"

namespace skydir::server {

// One answered operation: counts it by type and result code and observes its latency.
void RecordOperation(ldap::OpTag request, Code result, double seconds);
void RecordConnectionOpened(bool tls);
void RecordConnectionClosed();
void RecordProtocolViolation(std::string_view kind);  // "frame", "decode", "message_id"
// The open LDAP connections right now.
int64_t OpenConnections();

}  // namespace skydir::server
