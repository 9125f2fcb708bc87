#include "server/ldap_metrics.h"

#include <chrono>
#include <string>

#include "common/log.h"
#include "common/metrics.h"
#include "net/per_client_log.h"

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

metrics::Family* LimitHits() {
  static metrics::Family* f = Registry::Default().Register(
      "skydir_ldap_limit_hits_total",
      "LDAP connections refused or closed by a limit, by the limit's setting name", Kind::kCounter,
      {"limit"});
  return f;
}

constexpr std::chrono::seconds kLimitLogInterval{60};

}  // namespace

void RecordLimitHit(std::string_view limit, std::string_view client_ip) {
  LimitHits()->CounterFor({std::string(limit)})->Add();
  if (client_ip.empty()) return;
  static net::PerClientLog log(kLimitLogInterval);
  std::string key = std::string(client_ip) + " " + std::string(limit);
  uint64_t suppressed = 0;
  if (log.ShouldLog(key, &suppressed)) {
    LogWarn("ldap.limit_hit", {{"limit", limit},
                               {"client_ip", client_ip},
                               {"suppressed", static_cast<int64_t>(suppressed)}});
  }
}

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
