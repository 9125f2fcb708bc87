// loadgen: the issue-7 LDAP load generator, the same binary against skydir and slapd.
//
// OpenLDAP's synchronous libldap API, one thread per concurrent client; each thread owns
// connections/concurrency connections and takes them in turn, so a "connection" is an LDAP
// session that stays open (bound once) for the run, except in the bind and bitwarden-sync
// workloads where every operation opens and closes its own connection, as those clients do.
//
// Workloads (issue 7 §2):
//   search-uid             (uid=<random user>) subtree from --base, all attributes
//   bind                   connect, simple bind as a random user of the pool, unbind
//   groups-of-user         (&(objectClass=groupOfNames)(member=<user DN>)), attribute cn
//   bitwarden-sync         connect, bind, all users then all groups, paged at --page-size;
//                          one operation = one full sync, end to end
//   search-uid-with-writes search-uid while one writer thread sets a random user's title
//                          --writes-per-sec times a second, evenly spaced, on one connection of
//                          its own: --write-http (skydir's REST API, PUT /api/systemusers/{id})
//                          or --write-ldap-dn (LDAP modify); --write-cmd (a process per write)
//                          is kept as a fallback
//   ready                  retry bind + search every 10 ms until both succeed (cold start)
//
// Output: one JSON object on stdout: ops, errors, seconds, ops_per_sec, p50/p99/p999 in ms,
// and for writes the number attempted (writes_offered), done (writes), failed, cut off by the
// end of the run (writes_unfinished) and the latency of those done. Users are u%07d from
// --first-user, password Pw-<uid>! (bench/gen_dataset).
#include "loadgen.h"

#include <ldap.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace loadgen {

std::atomic<bool> g_stop{false};

namespace {

void Usage() {
  std::fprintf(stderr,
               "usage: loadgen --uri ldap://HOST:PORT/ --base DN --bind-dn DN --bind-pw PW\n"
               "  --workload search-uid|bind|groups-of-user|bitwarden-sync|"
               "search-uid-with-writes|ready\n"
               "  [--concurrency 8] [--connections N] [--duration 20] [--users 10000]\n"
               "  [--first-user 1] [--user-pool N] [--warmup] [--page-size 100] [--min-ops N]\n"
               "  [--writes-per-sec 20 [--write-drain 5] and one writer:\n"
               "     --write-http HOST:PORT --api-key KEY --ids-file FILE\n"
               "   | --write-ldap-dn DN --write-ldap-pw PW\n"
               "   | --write-cmd 'sh template with {n} {uid}' (a process per write)]\n"
               "  [--label X]\n");
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (a == "--uri") o.uri = next();
    else if (a == "--base") o.base = next();
    else if (a == "--bind-dn") o.bind_dn = next();
    else if (a == "--bind-pw") o.bind_pw = next();
    else if (a == "--workload") o.workload = next();
    else if (a == "--connections") o.connections = std::stoi(next());
    else if (a == "--concurrency") o.concurrency = std::stoi(next());
    else if (a == "--duration") o.duration = std::stod(next());
    else if (a == "--users") o.users = std::stoi(next());
    else if (a == "--first-user") o.first_user = std::stoi(next());
    else if (a == "--user-pool") o.user_pool = std::stoi(next());
    else if (a == "--warmup") o.warmup = true;
    else if (a == "--page-size") o.page_size = std::stoi(next());
    else if (a == "--min-ops") o.min_ops = std::stoi(next());
    else if (a == "--writes-per-sec") o.writes_per_sec = std::stod(next());
    else if (a == "--write-http") o.write_http = next();
    else if (a == "--api-key") o.api_key = next();
    else if (a == "--ids-file") o.ids_file = next();
    else if (a == "--write-ldap-dn") o.write_ldap_dn = next();
    else if (a == "--write-ldap-pw") o.write_ldap_pw = next();
    else if (a == "--write-cmd") o.write_cmd = next();
    else if (a == "--write-drain") o.write_drain = std::stod(next());
    else if (a == "--user-filter") o.user_filter = next();
    else if (a == "--group-filter") o.group_filter = next();
    else if (a == "--label") o.label = next();
    else Usage();
  }
  if (o.concurrency < 1) o.concurrency = 1;
  if (o.connections < o.concurrency) o.connections = o.concurrency;
  if (o.user_pool <= 0 || o.user_pool > o.users) o.user_pool = o.users;
  int writers = !o.write_http.empty() + !o.write_ldap_dn.empty() + !o.write_cmd.empty();
  if (writers > 1) Usage();
  if (!o.write_http.empty() &&
      (o.write_http.find(':') == std::string::npos || o.api_key.empty() || o.ids_file.empty()))
    Usage();
  return o;
}

}  // namespace

std::string Uid(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "u%07d", n);
  return buf;
}
std::string UserDn(const Options& o, int n) { return "uid=" + Uid(n) + "," + o.base; }
std::string Password(int n) { return "Pw-" + Uid(n) + "!"; }

LDAP* Connect(const Options& o) {
  LDAP* ld = nullptr;
  if (ldap_initialize(&ld, o.uri.c_str()) != LDAP_SUCCESS) return nullptr;
  int version = LDAP_VERSION3;
  ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  return ld;
}

int Bind(LDAP* ld, const std::string& dn, const std::string& pw) {
  berval cred{static_cast<ber_len_t>(pw.size()), const_cast<char*>(pw.data())};
  return ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
}

void Close(LDAP* ld) {
  if (ld) ldap_unbind_ext_s(ld, nullptr, nullptr);
}

namespace {

LDAP* ConnectBound(const Options& o) {
  LDAP* ld = Connect(o);
  if (ld && Bind(ld, o.bind_dn, o.bind_pw) != LDAP_SUCCESS) {
    Close(ld);
    return nullptr;
  }
  return ld;
}

// One search to completion; returns the entry count or -1.
long Search(LDAP* ld, const std::string& base, const std::string& filter, char** attrs) {
  LDAPMessage* res = nullptr;
  int rc = ldap_search_ext_s(ld, base.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(), attrs, 0,
                             nullptr, nullptr, nullptr, LDAP_NO_LIMIT, &res);
  long n = rc == LDAP_SUCCESS ? ldap_count_entries(ld, res) : -1;
  if (res) ldap_msgfree(res);
  return n;
}

// A search paged with RFC 2696 until the server returns an empty cookie; entries or -1.
long PagedSearch(LDAP* ld, const std::string& base, const std::string& filter, int page_size) {
  long total = 0;
  berval cookie{0, nullptr};
  for (int pages = 0; pages < 1000000; ++pages) {
    LDAPControl* page = nullptr;
    if (ldap_create_page_control(ld, page_size, cookie.bv_len ? &cookie : nullptr, 0, &page) !=
        LDAP_SUCCESS)
      return -1;
    LDAPControl* ctrls[] = {page, nullptr};
    LDAPMessage* res = nullptr;
    int rc = ldap_search_ext_s(ld, base.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(), nullptr, 0,
                               ctrls, nullptr, nullptr, LDAP_NO_LIMIT, &res);
    ldap_control_free(page);
    if (cookie.bv_val) ber_memfree(cookie.bv_val);
    cookie = {0, nullptr};
    if (rc != LDAP_SUCCESS || !res) {
      if (res) ldap_msgfree(res);
      return -1;
    }
    total += ldap_count_entries(ld, res);
    LDAPMessage* done = ldap_first_message(ld, res);
    while (done && ldap_msgtype(done) != LDAP_RES_SEARCH_RESULT) done = ldap_next_message(ld, done);
    LDAPControl** rctrls = nullptr;
    int err = LDAP_OTHER;
    if (done) ldap_parse_result(ld, done, &err, nullptr, nullptr, nullptr, &rctrls, 0);
    ldap_msgfree(res);
    if (err != LDAP_SUCCESS) {
      ldap_controls_free(rctrls);
      return -1;
    }
    LDAPControl* pr = rctrls ? ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, nullptr)
                             : nullptr;
    ber_int_t estimate = 0;
    if (!pr || ldap_parse_pageresponse_control(ld, pr, &estimate, &cookie) != LDAP_SUCCESS) {
      ldap_controls_free(rctrls);
      return total;  // no paging control back: the server sent everything at once
    }
    ldap_controls_free(rctrls);
    if (cookie.bv_len == 0) {
      if (cookie.bv_val) ber_memfree(cookie.bv_val);
      return total;
    }
  }
  return -1;
}

struct Worker {
  std::vector<uint32_t> micros;  // one per successful op
  uint64_t errors = 0;
  uint64_t entries = 0;
};

void RunWorker(const Options& o, int index, Worker* w) {
  std::mt19937_64 rng(0x5eed + index * 7919);
  std::uniform_int_distribution<int> user(o.first_user, o.first_user + o.users - 1);
  std::uniform_int_distribution<int> pool(o.first_user, o.first_user + o.user_pool - 1);
  const bool per_op_connection = o.workload == "bind" || o.workload == "bitwarden-sync";
  std::vector<LDAP*> conns;
  if (!per_op_connection) {
    int mine = o.connections / o.concurrency + (index < o.connections % o.concurrency ? 1 : 0);
    for (int i = 0; i < mine; ++i) {
      LDAP* ld = ConnectBound(o);
      if (!ld) {
        ++w->errors;
        continue;
      }
      conns.push_back(ld);
    }
    if (conns.empty()) return;
  }
  char cn[] = "cn";
  char* cn_only[] = {cn, nullptr};
  size_t next_conn = 0;
  while (!g_stop.load(std::memory_order_relaxed)) {
    auto t0 = Clock::now();
    bool ok = false;
    if (o.workload == "bind") {
      int n = pool(rng);
      LDAP* ld = Connect(o);
      ok = ld && Bind(ld, UserDn(o, n), Password(n)) == LDAP_SUCCESS;
      Close(ld);
    } else if (o.workload == "bitwarden-sync") {
      LDAP* ld = ConnectBound(o);
      long users = ld ? PagedSearch(ld, o.base, o.user_filter, o.page_size) : -1;
      long groups = users >= 0 ? PagedSearch(ld, o.base, o.group_filter, o.page_size) : -1;
      Close(ld);
      ok = users > 0 && groups >= 0;
      if (ok) w->entries += users + groups;
    } else {
      LDAP* ld = conns[next_conn++ % conns.size()];
      int n = user(rng);
      long got;
      if (o.workload == "groups-of-user") {
        got = Search(ld, o.base, "(&(objectClass=groupOfNames)(member=" + UserDn(o, n) + "))",
                     cn_only);
      } else {
        got = Search(ld, o.base, "(uid=" + Uid(n) + ")", nullptr);
        if (got != 1) got = -1;
      }
      ok = got >= 0;
      if (ok) w->entries += got;
    }
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    if (ok) {
      w->micros.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
    } else {
      ++w->errors;
    }
  }
  for (LDAP* ld : conns) Close(ld);
}

double Percentile(const std::vector<uint32_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(std::ceil(q * sorted.size())) - 1;
  return sorted[std::min(i, sorted.size() - 1)] / 1000.0;
}

int Ready(const Options& o) {
  auto t0 = Clock::now();
  auto deadline = t0 + std::chrono::duration<double>(o.duration);
  while (Clock::now() < deadline) {
    LDAP* ld = ConnectBound(o);
    if (ld && Search(ld, o.base, "(uid=" + Uid(o.first_user) + ")", nullptr) == 1) {
      Close(ld);
      auto now = std::chrono::system_clock::now().time_since_epoch();
      std::printf("{\"ready\":true,\"epoch_ms\":%lld}\n",
                  static_cast<long long>(
                      std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
      return 0;
    }
    Close(ld);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::printf("{\"ready\":false}\n");
  return 1;
}

}  // namespace
}  // namespace loadgen

int main(int argc, char** argv) {
  using namespace loadgen;
  Options o = Parse(argc, argv);
  if (o.base.empty()) Usage();
  if (o.workload == "ready") return Ready(o);
  const bool writes = o.workload == "search-uid-with-writes";
  if (writes) o.workload = "search-uid";
  if (o.workload != "search-uid" && o.workload != "bind" && o.workload != "groups-of-user" &&
      o.workload != "bitwarden-sync")
    Usage();
  std::function<void(WriterStats*)> run_writer;
  if (writes) run_writer = PrepareWriter(o);

  double warmup_seconds = 0;
  if (o.warmup && o.workload == "bind") {
    // Every pool user binds once, so the timed phase measures repeat binds (issue 7 (b)).
    auto t0 = Clock::now();
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < o.concurrency; ++t) {
      ts.emplace_back([&] {
        for (int i; (i = next.fetch_add(1)) < o.user_pool;) {
          int n = o.first_user + i;
          LDAP* ld = Connect(o);
          if (!ld || Bind(ld, UserDn(o, n), Password(n)) != LDAP_SUCCESS) ++failed;
          Close(ld);
        }
      });
    }
    for (auto& t : ts) t.join();
    warmup_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (failed) std::fprintf(stderr, "loadgen: %d warm-up binds failed\n", failed.load());
  }

  std::vector<Worker> workers(o.concurrency);
  std::vector<std::thread> threads;
  auto t0 = Clock::now();
  for (int i = 0; i < o.concurrency; ++i) threads.emplace_back(RunWorker, std::cref(o), i, &workers[i]);
  WriterStats ws;
  std::thread writer;
  if (writes && o.writes_per_sec > 0) {
    writer = std::thread(run_writer, &ws);
  }
  auto hard_stop = t0 + std::chrono::duration<double>(o.duration * 5);
  std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  while (o.min_ops > 0 && Clock::now() < hard_stop) {
    size_t done = 0;
    for (auto& w : workers) done += w.micros.size();  // racy read, only a progress hint
    if (static_cast<int>(done) >= o.min_ops) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  g_stop = true;
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (writer.joinable()) writer.join();

  std::vector<uint32_t> all;
  uint64_t errors = 0, entries = 0;
  for (auto& w : workers) {
    all.insert(all.end(), w.micros.begin(), w.micros.end());
    errors += w.errors;
    entries += w.entries;
  }
  std::sort(all.begin(), all.end());
  std::printf("{\"label\":\"%s\",\"workload\":\"%s\",\"concurrency\":%d,\"connections\":%d,"
              "\"ops\":%zu,\"errors\":%llu,\"entries\":%llu,\"seconds\":%.3f,"
              "\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
              "\"warmup_seconds\":%.2f,\"writes_offered\":%llu,\"writes\":%llu,"
              "\"write_errors\":%llu,\"writes_unfinished\":%llu,\"write_p50_ms\":%.3f,"
              "\"write_p99_ms\":%.3f}\n",
              o.label.c_str(), writes ? "search-uid-with-writes" : o.workload.c_str(),
              o.concurrency, o.connections, all.size(), static_cast<unsigned long long>(errors),
              static_cast<unsigned long long>(entries), seconds, all.size() / seconds,
              Percentile(all, 0.50), Percentile(all, 0.99), Percentile(all, 0.999),
              warmup_seconds, static_cast<unsigned long long>(ws.started),
              static_cast<unsigned long long>(ws.ok), static_cast<unsigned long long>(ws.failed),
              static_cast<unsigned long long>(ws.unfinished), Percentile(ws.micros, 0.50),
              Percentile(ws.micros, 0.99));
  return 0;
}
