// A real HAProxy (the Debian package, /usr/sbin/haproxy) in front of
// candord replicas, started by a test as a child process: gRPC over
// plaintext HTTP/2 in and out, every call balanced on its own (round robin
// per request, not per connection), servers taken out of rotation by
// candord's HTTP readiness endpoint (GET /readyz on --health_listen), and a
// request that found its server dead retried on another one.
#ifndef CANDOR_TESTS_SUPPORT_HAPROXY_H_
#define CANDOR_TESTS_SUPPORT_HAPROXY_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace candor::testing {

struct HaproxyServer {
  std::string name;     // "r1"
  std::string address;  // candord's gRPC port, "127.0.0.1:PORT"
  int health_port = 0;  // candord's --health_listen port
};

struct HaproxyBackend {
  std::string name;  // "transparency"
  // Request paths routed here by prefix ("/candor.transparency.v1."); none
  // for the default backend (exactly one backend must be the default).
  std::vector<std::string> path_prefixes;
  std::vector<HaproxyServer> servers;
};

// The haproxy binary: the first on PATH, else /usr/sbin/haproxy; empty
// when there is none.
std::string HaproxyPath();

// The configuration Haproxy::Start writes: a frontend on 127.0.0.1:`port`
// and `backends`.
std::string HaproxyConfig(int port,
                          const std::vector<HaproxyBackend>& backends);

class Haproxy {
 public:
  Haproxy() = default;
  Haproxy(const Haproxy&) = delete;
  Haproxy& operator=(const Haproxy&) = delete;
  ~Haproxy() { Stop(); }

  // Writes `dir`/haproxy.cfg for `backends`, has haproxy check it (-c), and
  // starts it in the foreground (-db) on 127.0.0.1:`port`, logging every
  // request to `dir`/haproxy.log; waits until the port takes connections.
  // Empty on success, else why not.
  std::string Start(const std::string& dir, int port,
                    const std::vector<HaproxyBackend>& backends);
  // Stops haproxy (SIGTERM, SIGKILL after 5 s). Nothing when not running.
  void Stop();

  bool running() const { return pid_ > 0; }
  // "127.0.0.1:PORT", where clients connect.
  const std::string& Address() const { return address_; }
  // haproxy's own messages and one line per request (backend/server, status).
  std::string Log() const;
  // Requests HAProxy sent to another server after theirs failed them
  // (refused the connection, or closed it without answering), from the log.
  int Redispatched() const;

 private:
  std::string address_;
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_HAPROXY_H_
