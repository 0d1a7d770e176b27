// candord: the one Candor server binary. Runs every service (the default,
// for a laptop or a small company) or the subset named by --services, each
// with its own schema and connection pool, behind one gRPC port.
//
//   candord --services=all --listen=127.0.0.1:50051 --db_port=3307 ...
//   candord --migrate_only ...   # apply schema migrations and exit
#include <malloc.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "db/durability.h"
#include "services/candord/service_host.h"
#include "services/common/access_log.h"
#include "services/common/auth.h"
#include "services/common/idempotency.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/common/status_macros.h"
#include "services/common/tls.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "address:port to serve gRPC on");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain to serve gRPC over TLS (with --tls_key_file); "
          "empty: plaintext, for loopback development only");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificates; when set, every client must present a "
          "certificate signed by one of them (mutual TLS)");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificates that services in other processes "
          "(--staff_address, ...) must prove themselves with; when set, calls "
          "to them use TLS");
ABSL_FLAG(
    std::string, tls_client_cert_file, "",
    "PEM certificate chain presented to services in other processes "
    "that require mutual TLS (with --tls_client_key_file); default: "
    "--tls_cert_file, which then needs the clientAuth extended key usage");
ABSL_FLAG(std::string, tls_client_key_file, "",
          "PEM private key of --tls_client_cert_file");
ABSL_FLAG(std::string, services, "all",
          "comma-separated services to run (staff, values, transparency, "
          "advocacy, engagement, privacy), or all");
ABSL_FLAG(std::string, staff_address, "",
          "where the staff service listens, when it does not run here");
ABSL_FLAG(std::string, values_address, "",
          "where the values service listens, when it does not run here");
ABSL_FLAG(std::string, transparency_address, "",
          "where the transparency service listens, when it does not run here");
ABSL_FLAG(std::string, advocacy_address, "",
          "where the advocacy service listens, when it does not run here");
ABSL_FLAG(std::string, engagement_address, "",
          "where the engagement service listens, when it does not run here");
ABSL_FLAG(std::string, tracking_base_url, "http://127.0.0.1:50052",
          "the public base of tracking links: <base>/r/<code>");
ABSL_FLAG(std::string, tracking_listen, "127.0.0.1:50052",
          "address:port of the tracking-link HTTP endpoint (GET /r/<code>), "
          "served when the engagement service runs here; empty: not served");
ABSL_FLAG(bool, tracking_trust_forwarded_for, false,
          "count tracking-link visitors by the last X-Forwarded-For entry: "
          "only when --tracking_listen is reachable solely through a proxy "
          "that appends it (HAProxy option forwardfor)");
ABSL_FLAG(std::string, metrics_listen, "",
          "address:port where Prometheus metrics are served (GET /metrics); "
          "keep it on loopback or a private network; empty: not served");
ABSL_FLAG(std::string, health_listen, "",
          "host:port for plain HTTP GET /livez and /readyz (load balancers, "
          "probes); empty: off (gRPC health answers the same: service "
          "\"liveness\", and \"\" for readiness)");
ABSL_FLAG(std::string, audit_signing_key_file, "",
          "Ed25519 private key (PEM, `openssl genpkey -algorithm ed25519`) "
          "that signs the audit log's tree heads; every replica needs the "
          "same one, and the database must not hold it (docs/AUDIT.md). "
          "Empty: a key that dies with the process");
ABSL_FLAG(std::string, service_token_file, "",
          "a service-role token for calls services make as themselves, kept "
          "fresh by the platform (with --jwt_rs256_public_key_file); with an "
          "HS256 secret candord mints its own");
ABSL_FLAG(std::string, db_host, "127.0.0.1", "MariaDB host");
ABSL_FLAG(int, db_port, 3306, "MariaDB port");
ABSL_FLAG(std::string, db_socket, "",
          "MariaDB Unix socket; when set, db_host and db_port are not used");
ABSL_FLAG(std::string, db_user, "candor", "MariaDB user");
ABSL_FLAG(std::string, db_password_file, "",
          "file holding the MariaDB password");
ABSL_FLAG(int, db_pool_size, 8,
          "connections per service, and worker threads per service");
ABSL_FLAG(int, db_timeout_seconds, 10,
          "read/write timeout of every database call");
ABSL_FLAG(std::string, jwt_hs256_secret_file, "",
          "verify bearer tokens with this HS256 secret (local use)");
ABSL_FLAG(
    std::string, jwt_rs256_public_key_file, "",
    "verify bearer tokens with this RS256 PEM public key (identity provider)");
ABSL_FLAG(
    std::string, page_token_secret_file, "",
    "key for page tokens, shared by replicas; random per process when empty");
ABSL_FLAG(int, executor_queue, 1024,
          "calls that may wait for a worker before RESOURCE_EXHAUSTED");
ABSL_FLAG(
    absl::Duration, executor_max_queue_wait, absl::Milliseconds(250),
    "a call that waited longer for a worker is answered RESOURCE_EXHAUSTED "
    "instead of run, so overload sheds stale calls and admitted ones "
    "finish in time");
ABSL_FLAG(
    double, write_rate_limit, 50,
    "mutating calls per second each caller may make to each service "
    "(0: unlimited); more are answered RESOURCE_EXHAUSTED with a retry delay");
ABSL_FLAG(double, write_burst, 200, "mutating calls a caller may make at once");
ABSL_FLAG(double, share_rate_limit, 2,
          "shares per second each staff member may record (0: unlimited)");
ABSL_FLAG(double, share_burst, 20, "shares a staff member may record at once");
ABSL_FLAG(double, event_rate_limit, 20000,
          "engagement events per second each caller may record (0: unlimited)");
ABSL_FLAG(
    double, event_burst, 100000,
    "engagement events a caller may record at once (a stream holds at most "
    "100,000)");
ABSL_FLAG(absl::Duration, max_call_duration, absl::Seconds(60),
          "the longest any call may run, whatever deadline its client set");
ABSL_FLAG(absl::Duration, idempotency_retention, candor::kIdempotencyRetention,
          "how long a write's request_id replays its first answer; stored "
          "answers are deleted between this and a day later (they are "
          "personal data), and a retry after that acts again");
ABSL_FLAG(absl::Duration, staff_state_ttl, absl::Seconds(5),
          "how long a service may trust a staff member's state (ACTIVE) "
          "before asking the staff service again: a person deactivated or "
          "erased on any replica can write for at most this long; 0 asks on "
          "every write");
ABSL_FLAG(std::string, access_log, "-",
          "where to write one JSON line per call: '-' for stderr, a file path, "
          "or empty for none");
ABSL_FLAG(bool, migrate_only, false, "apply database migrations and exit");

namespace candor {
namespace {

absl::StatusOr<db::ConnectionOptions> DatabaseOptions() {
  db::ConnectionOptions options;
  options.unix_socket = absl::GetFlag(FLAGS_db_socket);
  options.host = absl::GetFlag(FLAGS_db_host);
  options.port = absl::GetFlag(FLAGS_db_port);
  options.user = absl::GetFlag(FLAGS_db_user);
  const std::string password_file = absl::GetFlag(FLAGS_db_password_file);
  if (!password_file.empty()) {
    CANDOR_ASSIGN_OR_RETURN(options.password, ReadKeyFile(password_file));
  }
  options.read_timeout = options.write_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_db_timeout_seconds));
  return options;
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> MakeVerifier() {
  const std::string hs256 = absl::GetFlag(FLAGS_jwt_hs256_secret_file);
  const std::string rs256 = absl::GetFlag(FLAGS_jwt_rs256_public_key_file);
  if (hs256.empty() == rs256.empty()) {
    return absl::InvalidArgumentError(
        "give exactly one of --jwt_hs256_secret_file and "
        "--jwt_rs256_public_key_file");
  }
  if (!hs256.empty()) {
    CANDOR_ASSIGN_OR_RETURN(std::string secret, ReadKeyFile(hs256));
    return TokenVerifier::ForHs256Secret(std::move(secret));
  }
  CANDOR_ASSIGN_OR_RETURN(std::string key, ReadKeyFile(rs256));
  return TokenVerifier::ForRs256PublicKey(std::move(key));
}

// Credentials for calls a service makes as itself (not for a user).
absl::StatusOr<std::unique_ptr<ServiceTokenSource>> MakeServiceTokens() {
  const std::string file = absl::GetFlag(FLAGS_service_token_file);
  if (!file.empty()) return ServiceTokenSource::FromFile(file);
  const std::string hs256 = absl::GetFlag(FLAGS_jwt_hs256_secret_file);
  if (hs256.empty()) return std::unique_ptr<ServiceTokenSource>();
  CANDOR_ASSIGN_OR_RETURN(std::string secret, ReadKeyFile(hs256));
  return ServiceTokenSource::MintingWith(std::move(secret), "service:candord");
}

absl::StatusOr<std::string> PageTokenKey() {
  const std::string file = absl::GetFlag(FLAGS_page_token_secret_file);
  if (!file.empty()) return ReadKeyFile(file);
  std::cerr << "candord: no --page_token_secret_file; page tokens will not "
               "survive a restart or work across replicas\n";
  absl::BitGen bits;
  std::string key(32, '\0');
  for (char& c : key) c = static_cast<char>(absl::Uniform<uint8_t>(bits));
  return key;
}

absl::StatusOr<std::unique_ptr<transparency::TreeHeadSigner>> AuditSigner() {
  const std::string file = absl::GetFlag(FLAGS_audit_signing_key_file);
  if (!file.empty()) return transparency::TreeHeadSigner::Load(file);
  std::cerr << "candord: no --audit_signing_key_file; audit tree heads are "
               "signed by a key that dies with this process, and replicas "
               "disagree on heads and erasure pseudonyms\n";
  return std::unique_ptr<transparency::TreeHeadSigner>();
}

absl::StatusOr<std::FILE*> OpenAccessLog() {
  const std::string path = absl::GetFlag(FLAGS_access_log);
  if (path.empty()) return nullptr;
  if (path == "-") return stderr;
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("--access_log: cannot open ", path));
  }
  return file;
}

// --NAME_rate_limit and --NAME_burst as a RateLimit.
absl::StatusOr<RateLimit> RateLimitFromFlags(absl::string_view name,
                                             double per_second, double burst) {
  if (per_second < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", name, "_rate_limit must be 0 (unlimited) or positive"));
  }
  if (per_second > 0 && burst < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, "_burst must be at least 1"));
  }
  return RateLimit{per_second, burst};
}

// TLS of the gRPC port, and of calls to services in other processes.
absl::Status ReadTls(ServerTls* server, ClientTls* remote) {
  CANDOR_ASSIGN_OR_RETURN(
      server->identity,
      ReadTlsIdentity({"--tls_cert_file", absl::GetFlag(FLAGS_tls_cert_file)},
                      {"--tls_key_file", absl::GetFlag(FLAGS_tls_key_file)}));
  const std::string client_ca = absl::GetFlag(FLAGS_tls_client_ca_file);
  if (!client_ca.empty()) {
    if (server->identity.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca_file (mutual TLS) needs --tls_cert_file and "
          "--tls_key_file");
    }
    CANDOR_ASSIGN_OR_RETURN(
        server->client_ca,
        ReadPemCertificates({"--tls_client_ca_file", client_ca}));
  }
  CANDOR_ASSIGN_OR_RETURN(
      TlsIdentity client_identity,
      ReadTlsIdentity(
          {"--tls_client_cert_file", absl::GetFlag(FLAGS_tls_client_cert_file)},
          {"--tls_client_key_file", absl::GetFlag(FLAGS_tls_client_key_file)}));
  const std::string ca = absl::GetFlag(FLAGS_tls_ca_file);
  if (ca.empty()) {
    if (!client_identity.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_cert_file needs --tls_ca_file (calls to other "
          "services use TLS only with it)");
    }
    return absl::OkStatus();
  }
  remote->enabled = true;
  CANDOR_ASSIGN_OR_RETURN(remote->root_certs,
                          ReadPemCertificates({"--tls_ca_file", ca}));
  // One certificate per process unless told otherwise: fewer files to
  // rotate, and a peer's access log names the same identity either way.
  remote->identity =
      client_identity.empty() ? server->identity : std::move(client_identity);
  return absl::OkStatus();
}

// Exactly-once writes stand on commits that survive a crash of the database
// server; say so loudly when its settings weaken them (db/durability.h).
void WarnIfNotDurable(const db::ConnectionOptions& database) {
  auto variables = db::ReadDurabilityVariables(database);
  if (!variables.ok()) {
    std::cerr << "candord: WARNING: cannot read the database's durability "
                 "settings: "
              << variables.status().message() << "\n";
    return;
  }
  for (const std::string& warning : db::DurabilityWarnings(*variables)) {
    std::cerr << "candord: WARNING: " << warning << "\n";
  }
}

int Fail(const absl::Status& status) {
  std::cerr << "candord: " << status.message() << "\n";
  return 1;
}

int Run() {
  auto selected = ServiceHost::ParseServices(absl::GetFlag(FLAGS_services));
  if (!selected.ok()) return Fail(selected.status());
  // Before the database: a wrong certificate flag should fail at once.
  ServerTls server_tls;
  ClientTls remote_tls;
  absl::Status tls_read = ReadTls(&server_tls, &remote_tls);
  if (!tls_read.ok()) return Fail(tls_read);
  auto database = DatabaseOptions();
  if (!database.ok()) return Fail(database.status());

  absl::Status migrated = ServiceHost::Migrate(*database, *selected);
  if (!migrated.ok()) return Fail(migrated);
  WarnIfNotDurable(*database);
  if (absl::GetFlag(FLAGS_migrate_only)) {
    std::cerr << "candord: migrations applied for "
              << absl::StrJoin(*selected, ", ") << "\n";
    return 0;
  }

  auto verifier = MakeVerifier();
  if (!verifier.ok()) return Fail(verifier.status());
  auto page_token_key = PageTokenKey();
  if (!page_token_key.ok()) return Fail(page_token_key.status());
  auto access_log_file = OpenAccessLog();
  if (!access_log_file.ok()) return Fail(access_log_file.status());
  auto audit_signer = AuditSigner();
  if (!audit_signer.ok()) return Fail(audit_signer.status());
  const PageTokenCodec page_tokens(*std::move(page_token_key));
  const AccessLog access_log(*access_log_file);

  HostOptions options;
  options.services = *selected;
  options.server.listen_address = absl::GetFlag(FLAGS_listen);
  options.server.tls = server_tls;
  options.remote_tls = remote_tls;
  options.database = *database;
  options.audit_signer = audit_signer->get();
  options.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  options.executor_queue = absl::GetFlag(FLAGS_executor_queue);
  options.executor_max_queue_wait =
      absl::GetFlag(FLAGS_executor_max_queue_wait);
  auto write_rate =
      RateLimitFromFlags("write", absl::GetFlag(FLAGS_write_rate_limit),
                         absl::GetFlag(FLAGS_write_burst));
  if (!write_rate.ok()) return Fail(write_rate.status());
  options.write_rate = *write_rate;
  auto share_rate =
      RateLimitFromFlags("share", absl::GetFlag(FLAGS_share_rate_limit),
                         absl::GetFlag(FLAGS_share_burst));
  if (!share_rate.ok()) return Fail(share_rate.status());
  options.share_rate = *share_rate;
  auto event_rate =
      RateLimitFromFlags("event", absl::GetFlag(FLAGS_event_rate_limit),
                         absl::GetFlag(FLAGS_event_burst));
  if (!event_rate.ok()) return Fail(event_rate.status());
  options.event_rate = *event_rate;
  options.max_call_duration = absl::GetFlag(FLAGS_max_call_duration);
  if (options.max_call_duration <= absl::ZeroDuration()) {
    return Fail(
        absl::InvalidArgumentError("--max_call_duration must be positive"));
  }
  options.idempotency_retention = absl::GetFlag(FLAGS_idempotency_retention);
  if (options.idempotency_retention < absl::Hours(1)) {
    // Shorter would expire keys while their clients still retry.
    return Fail(absl::InvalidArgumentError(
        "--idempotency_retention must be at least 1h"));
  }
  options.staff_state_ttl = absl::GetFlag(FLAGS_staff_state_ttl);
  if (options.staff_state_ttl < absl::ZeroDuration()) {
    return Fail(
        absl::InvalidArgumentError("--staff_state_ttl must not be negative"));
  }
  for (const auto& [service, address] :
       {std::pair<std::string, std::string>{"staff",
                                            absl::GetFlag(FLAGS_staff_address)},
        {"values", absl::GetFlag(FLAGS_values_address)},
        {"transparency", absl::GetFlag(FLAGS_transparency_address)},
        {"advocacy", absl::GetFlag(FLAGS_advocacy_address)},
        {"engagement", absl::GetFlag(FLAGS_engagement_address)}}) {
    if (!address.empty()) options.remote_addresses[service] = address;
  }
  options.verifier = verifier->get();
  options.access_log = &access_log;
  options.page_tokens = &page_tokens;
  auto service_tokens = MakeServiceTokens();
  if (!service_tokens.ok()) return Fail(service_tokens.status());
  options.service_tokens = service_tokens->get();
  options.tracking_base_url = absl::GetFlag(FLAGS_tracking_base_url);
  options.tracking_listen = absl::GetFlag(FLAGS_tracking_listen);
  options.tracking_trust_forwarded_for =
      absl::GetFlag(FLAGS_tracking_trust_forwarded_for);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  auto host = ServiceHost::Start(options);
  if (!host.ok()) return Fail(host.status());

  // Health follows the databases: NOT_SERVING while a service cannot reach
  // its own.
  absl::Notification stopping;
  std::thread health([&] {
    int rounds = 0;
    do {
      (*host)->RefreshHealth();
      // glibc keeps freed memory in each thread's arena; with a worker pool
      // per service, resident size crept up by hundreds of MiB under mixed
      // load. Returning free pages every 10 s keeps it near what is in use.
      // (Fewer arenas did the same but halved ListFeed's throughput.)
      if (++rounds % 10 == 0) malloc_trim(0);
      // Every second: a database outage shows within about two.
    } while (!stopping.WaitForNotificationWithTimeout(absl::Seconds(1)));
  });

  std::cerr << "candord: serving " << absl::StrJoin(*selected, ", ") << " on "
            << options.server.listen_address
            << (server_tls.identity.empty()    ? " (plaintext)"
                : server_tls.client_ca.empty() ? " (TLS)"
                                               : " (mutual TLS)")
            << "\n";
  if (server_tls.identity.empty() &&
      !IsLoopbackAddress(options.server.listen_address)) {
    std::cerr << "candord: WARNING: serving plaintext gRPC on a non-loopback "
                 "address; bearer tokens and staff data cross the network "
                 "unencrypted. Give --tls_cert_file and --tls_key_file, or "
                 "listen on 127.0.0.1 behind a TLS proxy.\n";
  }
  if (!options.remote_addresses.empty() && !remote_tls.enabled &&
      !server_tls.identity.empty()) {
    std::cerr << "candord: WARNING: calls to other services are plaintext "
                 "while this port uses TLS; give --tls_ca_file to use TLS "
                 "for them too\n";
  }
  if ((*host)->tracking_port() != 0) {
    std::cerr << "candord: tracking links on " << options.tracking_listen
              << " (port " << (*host)->tracking_port() << ")\n";
  }
  if (!options.metrics_listen.empty()) {
    std::cerr << "candord: metrics on http://" << options.metrics_listen
              << "/metrics\n";
  }
  if ((*host)->health_port() != 0) {
    std::cerr << "candord: health on " << options.health_listen
              << " (GET /livez, /readyz; port " << (*host)->health_port()
              << ")\n";
  }

  // Signals were blocked in main() before any thread started; wait here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::cerr << "candord: stopping (signal " << signal_number << ")\n";

  stopping.Notify();
  health.join();
  (*host)->Shutdown(absl::Seconds(5));
  host->reset();
  return 0;
}

}  // namespace
}  // namespace candor

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "the Candor server: candord [--services=all|staff,...] [--migrate_only] "
      "...");
  absl::ParseCommandLine(argc, argv);
  // Every thread inherits this mask, so SIGINT/SIGTERM reach only sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return candor::Run();
}
