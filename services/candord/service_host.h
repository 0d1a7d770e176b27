// Hosts a chosen set of Candor services in one process: one schema, one
// connection pool and one bounded executor per service (so a service that
// waits on another never starves it of workers), one gRPC server, health
// that follows each service's database, and the channels a service uses to
// reach the services it depends on: in-process when they run here, remote
// addresses otherwise; with engagement, the tracking-link HTTP endpoint
// (HostOptions::tracking_listen). Used by candord and by the tests, so both
// wire the services the same way.
//
// Thread-safe after Start().
#ifndef CANDOR_SERVICES_CANDORD_SERVICE_HOST_H_
#define CANDOR_SERVICES_CANDORD_SERVICE_HOST_H_

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "db/pool.h"
#include "services/candord/health_http.h"
#include "services/common/access_log.h"
#include "services/common/auth.h"
#include "services/common/idempotency.h"
#include "services/common/metrics.h"
#include "services/common/page_token.h"
#include "services/common/rate_limiter.h"
#include "services/common/server.h"
#include "services/common/service_token.h"
#include "services/common/staff_state_cache.h"
#include "services/common/tls.h"
#include "services/engagement/tracking_server.h"
#include "services/transparency/tree_head.h"

namespace candor {

struct HostOptions {
  // Services to run, from KnownServices().
  std::vector<std::string> services;
  ServerOptions server;
  // The database server (no schema: each service uses its own).
  db::ConnectionOptions database;
  int pool_size = 8;
  int executor_queue = 1024;
  // A call that waited longer than this for a worker is answered
  // RESOURCE_EXHAUSTED instead of run (see BoundedExecutor).
  absl::Duration executor_max_queue_wait = absl::Milliseconds(250);
  // Per-caller limits, each applied by every hosted service on its own
  // (rate_limiter.h); per_second 0 turns one off.
  RateLimit write_rate{50, 200};
  RateLimit share_rate{2, 20};
  RateLimit event_rate{20'000, 100'000};
  // The longest any call may run, whatever deadline its client set.
  absl::Duration max_call_duration = absl::Seconds(60);
  // Where services that do not run here listen ("staff" -> "host:port"),
  // for the services that depend on them.
  std::map<std::string, std::string> remote_addresses;
  // How calls to those remote services connect (TLS, client certificate).
  ClientTls remote_tls;
  // Not owned; must outlive the host.
  const TokenVerifier* verifier = nullptr;
  const AccessLog* access_log = nullptr;
  const PageTokenCodec* page_tokens = nullptr;
  // How long values, advocacy, engagement and privacy may trust a staff
  // member's state (staff_state_cache.h): a person deactivated or erased
  // on any replica can write for at most this long.
  absl::Duration staff_state_ttl = kDefaultStaffStateTtl;
  // Credentials for calls a service makes as itself; needed by advocacy
  // and engagement.
  ServiceTokenSource* service_tokens = nullptr;
  // Signs the audit log's tree heads and derives erasure pseudonyms; every
  // replica needs the same one. Null: the transparency service makes a key
  // that dies with the process (tests, one development process).
  const transparency::TreeHeadSigner* audit_signer = nullptr;
  // Where tracking links point: `<tracking_base_url>/r/<code>`.
  std::string tracking_base_url = "http://127.0.0.1:50052";
  // Where the tracking-link HTTP endpoint listens ("host:port"; port 0
  // picks one) when the engagement service runs here; empty: not served.
  std::string tracking_listen;
  // Count tracking-link visitors by X-Forwarded-For, for a tracking
  // endpoint behind a load balancer (TrackingServerOptions).
  bool tracking_trust_forwarded_for = false;
  // Where Prometheus metrics are served (GET /metrics, "127.0.0.1:9464");
  // empty: recorded (see metrics()) but not served.
  std::string metrics_listen;
  // Where GET /livez and /readyz are served (health_http.h); empty: not
  // served (gRPC health answers the same).
  std::string health_listen;
  // Stored replay answers (idempotency.h) are kept this long, then deleted
  // by a sweep of every hosted service's schema at start and every
  // `idempotency_sweep_interval`; a zero interval turns the sweep off.
  absl::Duration idempotency_retention = kIdempotencyRetention;
  absl::Duration idempotency_sweep_interval = absl::Minutes(10);
};

class ServiceHost {
 public:
  // Every service candord can run, in dependency order (a service depends
  // only on services before it).
  static const std::vector<std::string>& KnownServices();
  // The services a service calls.
  static std::vector<std::string> DependenciesOf(const std::string& service);
  // Parses "all" or a comma-separated list; INVALID_ARGUMENT naming an
  // unknown service.
  static absl::StatusOr<std::vector<std::string>> ParseServices(
      const std::string& list);

  // Applies every pending migration of `services`.
  static absl::Status Migrate(const db::ConnectionOptions& database,
                              const std::vector<std::string>& services);

  // Builds the services, starts serving, and wires their dependencies.
  // Readiness (health "" and each service's name) stays NOT_SERVING until
  // RefreshHealth() finds each service's database and the service warm
  // (transparency: its near-duplicate indexes loaded); liveness is SERVING
  // at once.
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Start(
      const HostOptions& options);

  ~ServiceHost();

  // Checks each service's database and warmth and sets its health
  // accordingly.
  void RefreshHealth();

  int port() const;
  // The HTTP health endpoint's port; 0 when it is not served.
  int health_port() const;
  // The tracking endpoint's port; 0 when it is not served here.
  int tracking_port() const;
  // The host's metrics (Prometheus text via Render()).
  const Metrics& metrics() const { return *metrics_; }
  // Stops accepting calls; waits up to `grace` for running ones.
  void Shutdown(absl::Duration grace);

 private:
  struct Hosted;
  ServiceHost() = default;

  // Declared first, so it outlives every call that records into it; the
  // destructor stops serving it before the pools it reports go.
  std::unique_ptr<Metrics> metrics_;
  std::vector<std::unique_ptr<Hosted>> hosted_;
  std::unique_ptr<Server> server_;
  // Deletes expired request ids (HostOptions::idempotency_retention) in
  // every hosted schema until `stop_sweeping_`; joined by the destructor.
  void SweepExpiredRequestIds(absl::Duration retention);
  std::thread sweeper_;
  absl::Notification stop_sweeping_;
  // Declared late: stop before the pools they read go.
  std::unique_ptr<engagement::TrackingServer> tracking_;
  std::unique_ptr<HealthHttpServer> health_http_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_CANDORD_SERVICE_HOST_H_
