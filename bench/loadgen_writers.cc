// loadgen's writers for workload (e): a process per write (--write-cmd, the fallback) and the
// in-process HTTP and LDAP writers, one thread and one connection each.
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
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "loadgen.h"

extern char** environ;

namespace loadgen {
namespace {

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


}  // namespace

std::function<void(WriterStats*)> PrepareWriter(const Options& o) {
  std::shared_ptr<Writer> writer = MakeWriter(o);
  if (!writer) return [&o](WriterStats* s) { RunCommandWriter(o, s); };
  return [&o, writer](WriterStats* s) { RunPacedWriter(o, writer.get(), s); };
}

}  // namespace loadgen
