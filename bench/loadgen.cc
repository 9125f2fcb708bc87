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
#include <ldap.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

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

std::atomic<bool> g_stop{false};

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

// Runs `template` through sh -c with {n} and {uid} substituted; returns the child pid.
pid_t Spawn(const std::string& tmpl, uint64_t n, const std::string& uid) {
  std::string cmd = tmpl;
  for (auto [key, value] : {std::pair<std::string, std::string>{"{n}", std::to_string(n)},
                            {"{uid}", uid}}) {
    for (size_t p; (p = cmd.find(key)) != std::string::npos;) cmd.replace(p, key.size(), value);
  }
  const char* argv[] = {"sh", "-c", cmd.c_str(), nullptr};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // own group: killable as a whole
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", nullptr, &attr, const_cast<char**>(argv), environ);
  posix_spawnattr_destroy(&attr);
  return rc == 0 ? pid : -1;
}

struct WriterStats {
  uint64_t started = 0, ok = 0, failed = 0, unfinished = 0;
  std::vector<uint32_t> micros;  // start to end of each successful write
};

// Command writer (--write-cmd): one command every 1/rate seconds on a fixed schedule, never
// waiting for the previous one (a slow write does not lower the offered rate). When the run
// ends, writes still running get --write-drain seconds, then their process groups are killed
// and counted as unfinished, so a server that queues writes cannot stretch the run.
void RunCommandWriter(const Options& o, WriterStats* s) {
  std::mt19937_64 rng(0xbeef);
  std::uniform_int_distribution<int> user(o.first_user, o.first_user + o.users - 1);
  std::vector<std::pair<pid_t, Clock::time_point>> live;
  auto period = std::chrono::duration<double>(1.0 / o.writes_per_sec);
  auto next = Clock::now();
  auto reap = [&] {
    for (auto it = live.begin(); it != live.end();) {
      int status = 0;
      pid_t r = waitpid(it->first, &status, WNOHANG);
      if (r == 0) {
        ++it;
        continue;
      }
      if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        ++s->ok;
        s->micros.push_back(static_cast<uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - it->second)
                .count()));
      } else {
        ++s->failed;
      }
      it = live.erase(it);
    }
  };
  while (!g_stop.load()) {
    std::this_thread::sleep_until(next);
    next += std::chrono::duration_cast<Clock::duration>(period);
    pid_t pid = Spawn(o.write_cmd, s->started, Uid(user(rng)));
    ++s->started;
    if (pid > 0) live.emplace_back(pid, Clock::now()); else ++s->failed;
    reap();
  }
  auto drain_end = Clock::now() + std::chrono::duration<double>(o.write_drain);
  while (!live.empty() && Clock::now() < drain_end) {
    reap();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& [pid, t] : live) {
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ++s->unfinished;
  }
  std::sort(s->micros.begin(), s->micros.end());
}

// ---- in-process writers (--write-http, --write-ldap-dn) -------------------------------------
// One thread, one connection, one write at a time: spawning a process per write costs more
// than the write itself on a machine the search threads already saturate.

// A write gives up after this long while the run goes on (curl's --max-time in the old
// command writer).
constexpr std::chrono::seconds kWriteTimeout{30};
// How often a writer that waits looks at the clock and at g_stop.
constexpr std::chrono::milliseconds kWriterTick{100};
// A response head larger than this is a broken server, not a benchmark figure.
constexpr size_t kMaxResponseHead = 64 * 1024;
// Failure reasons printed to stderr; the rest are only counted.
constexpr int kMaxReportedFailures = 3;

enum class WriteOutcome { kOk, kFailed, kUnfinished };

// When a write in flight gives up: kWriteTimeout after it started (a failed write), or
// --write-drain after the run ended (an unfinished one), so a server that queues writes cannot
// stretch the run.
class WriteDeadline {
 public:
  explicit WriteDeadline(double drain_seconds)
      : timeout_(Clock::now() + kWriteTimeout),
        drain_(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(drain_seconds))) {}

  bool Passed() {
    auto now = Clock::now();
    if (!cut_at_ && g_stop.load()) cut_at_ = now + drain_;
    return now >= timeout_ || (cut_at_ && now >= *cut_at_);
  }
  bool RunEnded() const { return cut_at_.has_value(); }

 private:
  Clock::time_point timeout_;
  Clock::duration drain_;
  std::optional<Clock::time_point> cut_at_;
};

// Sets user n's title to bench-<seq>. Called from the writer thread only.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual WriteOutcome Write(uint64_t seq, int user, WriteDeadline* deadline) = 0;

 protected:
  WriteOutcome Fail(const std::string& why) {
    if (++failures_ <= kMaxReportedFailures)
      std::fprintf(stderr, "loadgen: write failed: %s\n", why.c_str());
    return WriteOutcome::kFailed;
  }
  // A write whose deadline passed: unfinished if the run ended meanwhile, else failed.
  WriteOutcome GiveUp(const WriteDeadline& deadline) {
    return deadline.RunEnded() ? WriteOutcome::kUnfinished : Fail("no answer within the timeout");
  }

 private:
  int failures_ = 0;
};

// host:port → a connected TCP socket with Nagle off (one small request, then wait), or -1.
int ConnectTcp(const std::string& host_port) {
  size_t colon = host_port.rfind(':');
  std::string host = host_port.substr(0, colon), port = host_port.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  int one = 1;
  if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// MSG_NOSIGNAL: a peer that closed is an error value here, not a SIGPIPE.
bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

enum class Io { kOk, kClosed, kBroken, kTimeout };

// Appends what the socket has to *in, waiting in kWriterTick slices until the deadline.
Io ReadSome(int fd, std::string* in, WriteDeadline* deadline) {
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(kWriterTick.count()));
    if (ready < 0 && errno != EINTR) return Io::kBroken;
    if (ready > 0) {
      char buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        in->append(buf, static_cast<size_t>(n));
        return Io::kOk;
      }
      // A reset is a close too: data sent to a socket the server had closed draws an RST.
      if (n == 0 || errno == ECONNRESET) return Io::kClosed;
      if (errno != EINTR && errno != EAGAIN) return Io::kBroken;
    }
    if (deadline->Passed()) return Io::kTimeout;
  }
}

struct HttpResponse {
  int status = 0;
  bool keep_alive = true;
  long long content_length = -1;  // -1: the body runs to the close (RFC 9112 §6.3)
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The status line and the headers that frame the body; false if it is not HTTP/1.x or the body
// is chunked (skydir always sends Content-Length, and this client stays minimal).
bool ParseHead(const std::string& head, HttpResponse* r) {
  std::istringstream lines(head);
  std::string line;
  if (!std::getline(lines, line) || std::sscanf(line.c_str(), "HTTP/1.%*d %d", &r->status) != 1)
    return false;
  while (std::getline(lines, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = Lower(line.substr(0, colon));
    std::string value = Lower(line.substr(colon + 1));
    if (name == "content-length") r->content_length = std::atoll(value.c_str());
    if (name == "connection" && value.find("close") != std::string::npos) r->keep_alive = false;
    if (name == "transfer-encoding") return false;
  }
  if (r->status == 204 || r->status == 304) r->content_length = 0;
  if (r->content_length < 0) r->keep_alive = false;
  return true;
}

// Reads one whole response (head and body) to the request just sent. kClosed: the server
// closed before the first byte, which on a reused connection means it had timed it out.
Io ReadResponse(int fd, WriteDeadline* deadline, HttpResponse* r) {
  std::string in;
  size_t head_end;
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
    if (in.size() > kMaxResponseHead) return Io::kBroken;
    Io io = ReadSome(fd, &in, deadline);
    if (io == Io::kClosed && !in.empty()) return Io::kBroken;
    if (io != Io::kOk) return io;
  }
  if (!ParseHead(in.substr(0, head_end + 2), r)) return Io::kBroken;
  // The body is only counted, not kept.
  long long have = static_cast<long long>(in.size() - (head_end + 4));
  while (r->content_length < 0 || have < r->content_length) {
    std::string more;
    Io io = ReadSome(fd, &more, deadline);
    if (io == Io::kClosed && r->content_length < 0) return Io::kOk;
    if (io != Io::kOk) return io == Io::kClosed ? Io::kBroken : io;
    have += static_cast<long long>(more.size());
  }
  return Io::kOk;
}

// --ids-file: "username id" a line (bench/run writes it from `skydir user list`). Returns the
// REST ids of the users first_user.. in order, or nothing if one of them is missing.
std::vector<std::string> LoadIds(const Options& o) {
  std::ifstream file(o.ids_file);
  std::unordered_map<std::string, std::string> by_name;
  for (std::string line; std::getline(file, line);) {
    std::istringstream fields(line);
    std::string name, id;
    if (fields >> name >> id) by_name[name] = id;
  }
  std::vector<std::string> ids;
  for (int n = o.first_user; n < o.first_user + o.users; ++n) {
    auto it = by_name.find(Uid(n));
    if (it == by_name.end()) {
      std::fprintf(stderr, "loadgen: %s has no id for %s\n", o.ids_file.c_str(), Uid(n).c_str());
      return {};
    }
    ids.push_back(it->second);
  }
  return ids;
}

// skydir's REST API: PUT /api/systemusers/{id} {"jobTitle":"bench-<seq>"} with the org's API
// key, over one keep-alive connection that is reopened when the server closes it.
class HttpWriter final : public Writer {
 public:
  HttpWriter(const Options& o, std::vector<std::string> ids) : o_(o), ids_(std::move(ids)) {}
  ~HttpWriter() override { Disconnect(); }

  WriteOutcome Write(uint64_t seq, int user, WriteDeadline* deadline) override {
    std::string request = Request(seq, ids_[user - o_.first_user]);
    // The server may close an idle kept-alive connection just as the request goes out: one
    // retry on a fresh connection, as HTTP clients do (RFC 9112 §9.3.1).
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = fd_ >= 0;
      if (!reused && (fd_ = ConnectTcp(o_.write_http)) < 0)
        return Fail("cannot connect to " + o_.write_http);
      HttpResponse response;
      Io io = SendAll(fd_, request) ? ReadResponse(fd_, deadline, &response) : Io::kClosed;
      if (io == Io::kOk) {
        if (!response.keep_alive) Disconnect();
        if (response.status == 200) return WriteOutcome::kOk;
        return Fail("HTTP " + std::to_string(response.status));
      }
      Disconnect();
      if (io == Io::kTimeout) return GiveUp(*deadline);
      if (io == Io::kBroken || !reused) break;
    }
    return Fail("connection to " + o_.write_http + " broke");
  }

 private:
  std::string Request(uint64_t seq, const std::string& id) const {
    std::string body = "{\"jobTitle\":\"bench-" + std::to_string(seq) + "\"}";
    return "PUT /api/systemusers/" + id + " HTTP/1.1\r\nHost: " + o_.write_http +
           "\r\nx-api-key: " + o_.api_key +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  void Disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  const Options& o_;
  std::vector<std::string> ids_;  // REST id of user first_user + i
  int fd_ = -1;
};

// Any LDAP server (slapd here): modify, replace title (RFC 4511 §4.6), on a connection of its
// own bound as --write-ldap-dn, reopened after a timeout or a lost connection.
class LdapWriter final : public Writer {
 public:
  explicit LdapWriter(const Options& o) : o_(o) {}
  ~LdapWriter() override { Disconnect(); }

  WriteOutcome Write(uint64_t seq, int user, WriteDeadline* deadline) override {
    if (!ld_ && !Open()) return Fail("cannot bind as " + o_.write_ldap_dn);
    std::string title = "bench-" + std::to_string(seq);
    char type[] = "title";
    char* values[] = {title.data(), nullptr};
    LDAPMod mod{};
    mod.mod_op = LDAP_MOD_REPLACE;
    mod.mod_type = type;
    mod.mod_values = values;
    LDAPMod* mods[] = {&mod, nullptr};
    int msgid = 0;
    if (ldap_modify_ext(ld_, UserDn(o_, user).c_str(), mods, nullptr, nullptr, &msgid) !=
        LDAP_SUCCESS) {
      Disconnect();
      return Fail("modify could not be sent");
    }
    return Await(msgid, deadline);
  }

 private:
  bool Open() {
    ld_ = Connect(o_);
    if (!ld_) return false;
    // Bounds the synchronous connect and bind; the modify is bounded by the deadline.
    timeval limit{static_cast<time_t>(kWriteTimeout.count()), 0};
    ldap_set_option(ld_, LDAP_OPT_NETWORK_TIMEOUT, &limit);
    ldap_set_option(ld_, LDAP_OPT_TIMEOUT, &limit);
    if (Bind(ld_, o_.write_ldap_dn, o_.write_ldap_pw) == LDAP_SUCCESS) return true;
    Disconnect();
    return false;
  }

  WriteOutcome Await(int msgid, WriteDeadline* deadline) {
    for (;;) {
      timeval tick{0, static_cast<suseconds_t>(kWriterTick.count() * 1000)};
      LDAPMessage* res = nullptr;
      int got = ldap_result(ld_, msgid, LDAP_MSG_ALL, &tick, &res);
      if (got > 0) {
        int code = LDAP_OTHER;
        int parsed = ldap_parse_result(ld_, res, &code, nullptr, nullptr, nullptr, nullptr, 1);
        if (parsed != LDAP_SUCCESS) code = parsed;
        if (code == LDAP_SUCCESS) return WriteOutcome::kOk;
        return Fail("LDAP result " + std::to_string(code) + " (" + ldap_err2string(code) + ")");
      }
      if (got < 0) {
        Disconnect();
        return Fail("LDAP connection lost");
      }
      if (deadline->Passed()) {
        ldap_abandon_ext(ld_, msgid, nullptr, nullptr);
        Disconnect();  // the server may still be working on it: start clean
        return GiveUp(*deadline);
      }
    }
  }

  void Disconnect() {
    Close(ld_);
    ld_ = nullptr;
  }

  const Options& o_;
  LDAP* ld_ = nullptr;
};

// Sleeps until `when` in kWriterTick slices; false as soon as the run has ended.
bool SleepUntilOrStop(Clock::time_point when) {
  while (!g_stop.load()) {
    auto now = Clock::now();
    if (now >= when) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(when - now, kWriterTick));
  }
  return false;
}

// Writes on a fixed schedule, one every 1/rate seconds, one at a time. A write that outlasts
// its slot makes the next ones go back to back until the schedule is met again, so the offered
// rate holds whenever the server keeps up on average; a server that cannot shows as fewer
// writes attempted. The write in flight when the run ends gets --write-drain seconds.
void RunPacedWriter(const Options& o, Writer* writer, WriterStats* s) {
  std::mt19937_64 rng(0xbeef);
  std::uniform_int_distribution<int> user(o.first_user, o.first_user + o.users - 1);
  auto period = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / o.writes_per_sec));
  for (auto next = Clock::now(); SleepUntilOrStop(next);) {
    int n = user(rng);
    WriteDeadline deadline(o.write_drain);
    auto t0 = Clock::now();
    WriteOutcome outcome = writer->Write(s->started++, n, &deadline);
    if (outcome == WriteOutcome::kOk) {
      ++s->ok;
      s->micros.push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
    } else if (outcome == WriteOutcome::kFailed) {
      ++s->failed;
    } else {
      ++s->unfinished;
    }
    next += period;
  }
  std::sort(s->micros.begin(), s->micros.end());
}

// The in-process writer the options ask for; null for --write-cmd. Exits on options that
// cannot work (no writer named, users missing from --ids-file), before anything is measured.
std::unique_ptr<Writer> MakeWriter(const Options& o) {
  if (!o.write_ldap_dn.empty()) return std::make_unique<LdapWriter>(o);
  if (!o.write_http.empty()) {
    std::vector<std::string> ids = LoadIds(o);
    if (ids.empty()) std::exit(2);
    return std::make_unique<HttpWriter>(o, std::move(ids));
  }
  if (o.write_cmd.empty()) {
    std::fprintf(stderr, "loadgen: search-uid-with-writes needs --write-http, --write-ldap-dn "
                         "or --write-cmd\n");
    std::exit(2);
  }
  return nullptr;
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

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  if (o.base.empty()) Usage();
  if (o.workload == "ready") return Ready(o);
  const bool writes = o.workload == "search-uid-with-writes";
  if (writes) o.workload = "search-uid";
  if (o.workload != "search-uid" && o.workload != "bind" && o.workload != "groups-of-user" &&
      o.workload != "bitwarden-sync")
    Usage();
  std::unique_ptr<Writer> in_process = writes ? MakeWriter(o) : nullptr;

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
    writer = in_process ? std::thread(RunPacedWriter, std::cref(o), in_process.get(), &ws)
                        : std::thread(RunCommandWriter, std::cref(o), &ws);
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
