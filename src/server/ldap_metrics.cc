#include "server/ldap_metrics.h"

#include <string>

#include "common/metrics.h"

namespace skydir::server {
namespace {

using metrics::Kind;
using metrics::Registry;

std::string_view OpName(ldap::OpTag op) {
  switch (op) {
    case ldap::OpTag::kBindRequest: return "bind";
    case ldap::OpTag::kUnbindRequest: return "unbind";
    case ldap::OpTag::kSearchRequest: return "search";
    case ldap::OpTag::kModifyRequest: return "modify";
    case ldap::OpTag::kAddRequest: return "add";
    case ldap::OpTag::kDelRequest: return "delete";
    case ldap::OpTag::kModifyDnRequest: return "modrdn";
    case ldap::OpTag::kCompareRequest: return "compare";
    case ldap::OpTag::kAbandonRequest: return "abandon";
    case ldap::OpTag::kExtendedRequest: return "extended";
    default: return "other";
  }
}

metrics::Family* Operations() {
  static metrics::Family* f = Registry::Default().Register(
      "skydir_ldap_operations_total", "LDAP operations answered, by type and result code",
      Kind::kCounter, {"op", "result"});
  return f;
}

metrics::Family* Latency() {
  static metrics::Family* f = Registry::Default().Register(
      "skydir_ldap_operation_duration_seconds", "Time to answer an LDAP operation",
      Kind::kHistogram, {"op"}, metrics::LatencyBuckets());
  return f;
}

metrics::Family* Binds() {
  static metrics::Family* f = Registry::Default().Register(
      "skydir_ldap_binds_total", "LDAP binds by outcome", Kind::kCounter, {"outcome"});
  return f;
}

metrics::Gauge* Open() {
  static metrics::Gauge* g =
      Registry::Default()
          .Register("skydir_ldap_connections_open", "Open LDAP connections", Kind::kGauge)
          ->GaugeFor({});
  return g;
}

metrics::Family* Accepted() {
  static metrics::Family* f = Registry::Default().Register(
      "skydir_ldap_connections_total", "LDAP connections accepted, by transport",
      Kind::kCounter, {"transport"});
  return f;
}

metrics::Family* Violations() {
  static metrics::Family* f = Registry::Default().Register(
      "skydir_ldap_protocol_errors_total", "Malformed LDAP input, by kind", Kind::kCounter,
      {"kind"});
  return f;
}

}  // namespace

void RecordOperation(ldap::OpTag request, Code result, double seconds) {
  std::string op(OpName(request));
  Operations()->CounterFor({op, std::string(CodeName(result))})->Add();
  Latency()->HistogramFor({op})->Observe(seconds);
  if (request == ldap::OpTag::kBindRequest) {
    Binds()->CounterFor({std::string(CodeName(result))})->Add();
  }
}

void RecordConnectionOpened(bool tls) {
  Open()->Add(1);
  Accepted()->CounterFor({tls ? "ldaps" : "ldap"})->Add();
}

void RecordConnectionClosed() { Open()->Add(-1); }

void RecordProtocolViolation(std::string_view kind) {
  Violations()->CounterFor({std::string(kind)})->Add();
}

int64_t OpenConnections() { return Open()->value(); }

}  // namespace skydir::server
