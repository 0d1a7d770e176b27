#include "tests/support/haproxy.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "tests/support/e2e.h"

namespace candor::testing {
namespace {

// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected =
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return connected;
}

bool IsExecutable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string HaproxyPath() {
  // Debian installs it in /usr/sbin, which a developer's PATH may lack.
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      const std::string candidate = absl::StrCat(dir, "/haproxy");
      if (IsExecutable(candidate)) return candidate;
    }
  }
  return IsExecutable("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "";
}

std::string HaproxyConfig(int port,
                          const std::vector<HaproxyBackend>& backends) {
  // Timeouts are generous: a slow call under load on two cores must not be
  // cut by the proxy. As deploy/local/up does: a request that could not
  // reach its server (refused: the server is dead and the checks have not
  // noticed yet) goes to another; one a server may have started is never
  // resent by the proxy (it fails, and the client retries with its
  // request_id).
  std::string config = absl::StrCat(
      "global\n"
      "  log stderr format raw local0 info\n"
      "  maxconn 2000\n"
      "\n"
      "defaults\n"
      "  mode http\n"
      "  log global\n"
      "  option httplog\n"
      "  option dontlognull\n"
      "  timeout connect 2s\n"
      "  timeout client 60s\n"
      "  timeout server 60s\n"
      "  retries 2\n"
      "  option redispatch\n"
      "  retry-on conn-failure\n"
      "\n"
      "frontend grpc\n"
      "  bind 127.0.0.1:",
      port, " proto h2\n");
  std::string default_backend;
  for (const HaproxyBackend& backend : backends) {
    if (backend.path_prefixes.empty()) {
      default_backend = backend.name;
      continue;
    }
    absl::StrAppend(&config, "  use_backend ", backend.name, " if { path_beg ",
                    absl::StrJoin(backend.path_prefixes, " "), " }\n");
  }
  absl::StrAppend(&config, "  default_backend ", default_backend, "\n");
  for (const HaproxyBackend& backend : backends) {
    // Health checks speak HTTP/1.1 to the health port: the servers' own
    // protocol (h2) would otherwise be used for them too.
    absl::StrAppend(&config, "\nbackend ", backend.name,
                    "\n"
                    "  balance roundrobin\n"
                    "  option httpchk\n"
                    "  http-check send meth GET uri /readyz ver HTTP/1.1 hdr "
                    "Host candord\n"
                    "  http-check expect status 200\n"
                    "  default-server inter 500ms fall 2 rise 1\n");
    for (const HaproxyServer& server : backend.servers) {
      absl::StrAppend(&config, "  server ", server.name, " ", server.address,
                      " proto h2 check port ", server.health_port,
                      " check-proto h1\n");
    }
  }
  return config;
}

std::string Haproxy::Start(const std::string& dir, int port,
                           const std::vector<HaproxyBackend>& backends) {
  if (running()) return "";
  const std::string haproxy = HaproxyPath();
  if (haproxy.empty()) {
    return "haproxy is not installed (Debian package haproxy; "
           "deploy/local/packages.txt)";
  }
  const std::string config_path = dir + "/haproxy.cfg";
  if (!WriteFile(config_path, HaproxyConfig(port, backends))) {
    return "cannot write " + config_path;
  }
  const CommandResult checked = RunCommand({haproxy, "-c", "-f", config_path},
                                           {}, std::chrono::seconds(30));
  if (checked.exit_code != 0) {
    return absl::StrCat("haproxy -c rejects ", config_path, ":\n",
                        checked.Describe(), "\n", ReadFile(config_path));
  }
  address_ = absl::StrCat("127.0.0.1:", port);
  log_path_ = dir + "/haproxy.log";
  pid_ = SpawnLogged({haproxy, "-f", config_path, "-db"}, log_path_);
  if (pid_ <= 0) return "cannot start haproxy";
  // Bounded: haproxy binds within milliseconds of starting.
  for (int i = 0; i < 100; ++i) {
    if (Accepts(port)) return "";
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::StrCat("haproxy exited (status ", status, "); its log:\n",
                          Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Stop();
  return absl::StrCat("haproxy did not listen on ", address_, "; its log:\n",
                      Log());
}

void Haproxy::Stop() {
  if (pid_ <= 0) return;
  // SIGTERM: haproxy's hard stop, connections closed at once.
  StopProcess(pid_, SIGTERM, std::chrono::seconds(5));
  pid_ = -1;
}

std::string Haproxy::Log() const {
  return log_path_.empty() ? "" : ReadFile(log_path_);
}

int Haproxy::Redispatched() const {
  // In an httplog line the connection counts come right after the
  // termination state: "actconn/feconn/beconn/srv_conn/retries", the
  // retries prefixed with '+' when the request went to another server.
  int redispatched = 0;
  for (const std::string& line : Lines(Log())) {
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (fields.size() < 11) continue;
    const std::vector<absl::string_view> counts =
        absl::StrSplit(fields[10], '/');
    if (counts.size() == 5 && absl::StartsWith(counts[4], "+")) ++redispatched;
  }
  return redispatched;
}

}  // namespace candor::testing
