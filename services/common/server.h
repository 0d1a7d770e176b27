// Server bootstrap shared by every deployment shape of candord: listening
// port, message size limits, keepalive, gRPC health v1 with a status per
// service, and server reflection (v1alpha, what Debian's gRPC serves).
//
// Server is thread-safe.
#ifndef CANDOR_SERVICES_COMMON_SERVER_H_
#define CANDOR_SERVICES_COMMON_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/tls.h"

namespace candor {

struct ServerOptions {
  // "127.0.0.1:50051"; port 0 picks a free port (see Server::port()).
  std::string listen_address = "127.0.0.1:50051";
  int max_receive_message_bytes = 4 * 1024 * 1024;
  int max_send_message_bytes = 16 * 1024 * 1024;
  // Pings idle connections so dead peers (a phone that left the network)
  // are noticed.
  int keepalive_time_ms = 30'000;
  int keepalive_timeout_ms = 10'000;
  // TLS, and mutual TLS with a client CA; plaintext without an identity.
  ServerTls tls;
};

class Server {
 public:
  struct HostedService {
    std::string name;        // full name, e.g. "candor.staff.v1.StaffService"
    grpc::Service* service;  // not owned; must outlive the Server
  };

  // Starts serving `services`, each NOT_SERVING in health until
  // SetServing(name, true).
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, const std::vector<HostedService>& services);

  ~Server();

  // gRPC health's name for liveness: SERVING from start to shutdown,
  // whatever the databases do (services/candord/health_http.h).
  static constexpr char kLivenessService[] = "liveness";

  // Sets a hosted service's health status. The overall status ("") is
  // SERVING while every hosted service is: readiness.
  void SetServing(const std::string& service, bool serving);
  // Whether every hosted service is SERVING.
  bool AllServing();

  int port() const { return port_; }
  grpc::Server& grpc_server() { return *server_; }

  // Stops accepting calls and waits up to `grace` for running ones.
  void Shutdown(std::chrono::milliseconds grace);
  void Wait();

 private:
  Server(std::unique_ptr<grpc::Server> server, int port,
         const std::vector<HostedService>& services);

  bool AllServingLocked() const;  // with mu_ held

  std::unique_ptr<grpc::Server> server_;
  const int port_;

  std::mutex mu_;
  std::map<std::string, bool> serving_;  // guarded by mu_
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_SERVER_H_
