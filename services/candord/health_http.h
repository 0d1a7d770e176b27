// Plain HTTP health endpoints beside the gRPC port, for load balancers and
// probes that cannot speak gRPC health (HAProxy's checks are HTTP/1.1):
//
//   GET /livez   200 while the process serves at all: restart it only when
//                this fails (a replica whose database is down, or that is
//                still warming its indexes, is alive and must not be killed);
//   GET /readyz  200 when the replica can answer within its budget (every
//                hosted service reaches its database and is warm), else 503:
//                send it work only then.
//
// The same two answers are in gRPC health: service "liveness", and ""
// (with one name per hosted service) for readiness.
#ifndef CANDOR_SERVICES_CANDORD_HEALTH_HTTP_H_
#define CANDOR_SERVICES_CANDORD_HEALTH_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace candor {

class HealthHttpServer {
 public:
  // Serves on `listen` ("host:port"; port 0 picks one). `ready` is called
  // for every /readyz and must be cheap and thread-safe.
  static absl::StatusOr<std::unique_ptr<HealthHttpServer>> Start(
      const std::string& listen, std::function<bool()> ready);
  // Stops serving.
  ~HealthHttpServer();

  int port() const;

 private:
  class Impl;
  explicit HealthHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_CANDORD_HEALTH_HTTP_H_
