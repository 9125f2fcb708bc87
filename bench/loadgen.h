// loadgen's parts shared between its workloads (loadgen.cc) and its writers for (e)
// (loadgen_writers.cc): the options, the stop flag and the LDAP helpers.
#pragma once

#include <ldap.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace loadgen {

using Clock = std::chrono::steady_clock;

// Set when the measured run ends; every thread polls it.
extern std::atomic<bool> g_stop;

struct Options {
  std::string uri = "ldap://127.0.0.1:389/";
  std::string base;           // where users and groups live (ou=Users,o=<org>,dc=...)
  std::string bind_dn;        // the binding service account
  std::string bind_pw;
  std::string workload = "search-uid";
  int connections = 0;        // 0: same as concurrency
  int concurrency = 8;
  double duration = 20;       // seconds of measurement
  int users = 10000;          // users in the dataset, numbered from first_user
  int first_user = 1;
  int user_pool = 0;          // bind: users drawn from the first user_pool; 0 = all
  bool warmup = false;        // bind: bind every pool user once before measuring
  int page_size = 100;
  int min_ops = 0;            // keep going past duration until this many ops (bounded by 5x)
  double writes_per_sec = 20;
  std::string write_http;     // host:port of skydir's REST API
  std::string api_key;        // --write-http: x-api-key
  std::string ids_file;       // --write-http: "username id" a line
  std::string write_ldap_dn;  // LDAP writes: bind DN (slapd: the rootdn), same --uri
  std::string write_ldap_pw;
  std::string write_cmd;      // fallback: sh -c template; {n} = write number, {uid} = random user
  double write_drain = 5;     // seconds to let running writes finish after the run
  std::string user_filter = "(objectClass=inetOrgPerson)";
  std::string group_filter = "(objectClass=groupOfNames)";
  std::string label;
};

struct WriterStats {
  uint64_t started = 0, ok = 0, failed = 0, unfinished = 0;
  std::vector<uint32_t> micros;  // start to end of each successful write
};

std::string Uid(int n);  // u0000042
std::string UserDn(const Options& o, int n);  // uid=u0000042,<base>
LDAP* Connect(const Options& o);
int Bind(LDAP* ld, const std::string& dn, const std::string& pw);
void Close(LDAP* ld);

// Workload (e)'s writer as the options name it (--write-http, --write-ldap-dn or
// --write-cmd), ready to run on a thread of its own until g_stop, filling the stats. Exits on
// options that cannot work (no writer named, users missing from --ids-file) before anything is
// measured. REQUIRES: `o` outlives the writer.
std::function<void(WriterStats*)> PrepareWriter(const Options& o);

}  // namespace loadgen
