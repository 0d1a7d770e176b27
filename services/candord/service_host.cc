#include "services/candord/service_host.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "db/migrations.h"
#include "services/advocacy/advocacy_service.h"
#include "services/common/call.h"
#include "services/common/executor.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/engagement/engagement_service.h"
#include "services/privacy/privacy_service.h"
#include "services/staff/staff_service.h"
#include "services/transparency/transparency_service.h"
#include "services/values/values_service.h"

namespace candor {

// One hosted service and what it owns. Members are destroyed in reverse
// order: the service before its executor (which drains queued calls), the
// executor before the pool those calls use.
struct ServiceHost::Hosted {
  std::string name;       // "staff"
  std::string full_name;  // "candor.staff.v1.StaffService"
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<BoundedExecutor> executor;
  std::unique_ptr<CallerLimits> limits;
  CallEnvironment env;
  std::unique_ptr<grpc::Service> service;
  // Whether the service can answer within its budget once its database is
  // reachable (transparency: indexes warm); always, for most.
  std::function<bool()> warm = [] { return true; };
  // RefreshHealth's check of `pool`, which may outlive one refresh.
  std::thread health_check;
  std::atomic<bool> health_check_done{true};
  std::atomic<bool> healthy{false};
};

const std::vector<std::string>& ServiceHost::KnownServices() {
  static const auto* const kServices = new std::vector<std::string>{
      "staff", "values", "transparency", "advocacy", "engagement", "privacy"};
  return *kServices;
}

std::vector<std::string> ServiceHost::DependenciesOf(
    const std::string& service) {
  if (service == "values") return {"staff"};
  if (service == "transparency") return {"staff"};
  if (service == "advocacy") return {"staff", "values", "transparency"};
  if (service == "engagement") return {"advocacy", "transparency", "staff"};
  if (service == "privacy") {
    return {"staff", "values", "transparency", "advocacy", "engagement"};
  }
  return {};
}

absl::StatusOr<std::vector<std::string>> ServiceHost::ParseServices(
    const std::string& list) {
  if (list == "all") return KnownServices();
  std::vector<std::string> selected;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    const std::string service(name);
    if (std::find(KnownServices().begin(), KnownServices().end(), service) ==
        KnownServices().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "services: unknown service '", service,
          "' (known: ", absl::StrJoin(KnownServices(), ", "), ", or all)"));
    }
    if (std::find(selected.begin(), selected.end(), service) ==
        selected.end()) {
      selected.push_back(service);
    }
  }
  if (selected.empty()) return absl::InvalidArgumentError("services: empty");
  return selected;
}

absl::Status ServiceHost::Migrate(const db::ConnectionOptions& database,
                                  const std::vector<std::string>& services) {
  for (const std::string& service : services) {
    CANDOR_RETURN_IF_ERROR(
        db::Migrate(database, service, db::MigrationsFor(service)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(
    const HostOptions& options) {
  if (options.pool_size < 1) {
    return absl::InvalidArgumentError("pool size: at least 1");
  }
  std::unique_ptr<ServiceHost> host(new ServiceHost());
  host->metrics_ = std::make_unique<Metrics>();
  for (const std::string& name : options.services) {
    auto hosted = std::make_unique<Hosted>();
    hosted->name = name;
    db::PoolOptions pool_options;
    pool_options.connection = options.database;
    pool_options.connection.schema = db::SchemaFor(name);
    pool_options.max_connections = options.pool_size;
    hosted->pool = std::make_unique<db::Pool>(pool_options);
    // Blocking work never needs more workers than there are connections.
    hosted->executor = std::make_unique<BoundedExecutor>(
        options.pool_size, options.executor_queue,
        options.executor_max_queue_wait);
    hosted->limits = std::make_unique<CallerLimits>(
        options.write_rate, options.share_rate, options.event_rate);
    hosted->env =
        CallEnvironment{options.verifier,     hosted->executor.get(),
                        options.access_log,   host->metrics_.get(),
                        hosted->limits.get(), options.max_call_duration};
    host->metrics_->AddService(name, hosted->pool.get(),
                               hosted->executor.get());
    if (name == "staff") {
      hosted->full_name = staff::StaffService::kServiceName;
      hosted->service = std::make_unique<staff::StaffService>(
          &hosted->env, hosted->pool.get(), options.page_tokens);
    } else if (name == "values") {
      hosted->full_name = values::ValuesService::kServiceName;
      hosted->service = std::make_unique<values::ValuesService>(
          &hosted->env, hosted->pool.get(), options.page_tokens);
    } else if (name == "transparency") {
      hosted->full_name = transparency::TransparencyService::kServiceName;
      hosted->service = std::make_unique<transparency::TransparencyService>(
          &hosted->env, hosted->pool.get(), options.page_tokens);
    } else if (name == "engagement") {
      hosted->full_name = engagement::EngagementService::kServiceName;
      hosted->service = std::make_unique<engagement::EngagementService>(
          &hosted->env, hosted->pool.get(), options.page_tokens,
          options.tracking_base_url);
    } else if (name == "advocacy") {
      hosted->full_name = advocacy::AdvocacyService::kServiceName;
      hosted->service = std::make_unique<advocacy::AdvocacyService>(
          &hosted->env, hosted->pool.get(), options.page_tokens);
    } else if (name == "privacy") {
      hosted->full_name = privacy::PrivacyService::kServiceName;
      hosted->service = std::make_unique<privacy::PrivacyService>(
          &hosted->env, options.page_tokens);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown service ", name));
    }
    host->hosted_.push_back(std::move(hosted));
  }

  std::vector<Server::HostedService> services;
  for (const auto& hosted : host->hosted_) {
    services.push_back({hosted->full_name, hosted->service.get()});
  }
  CANDOR_ASSIGN_OR_RETURN(host->server_,
                          Server::Start(options.server, services));

  // A dependency is reached in-process when it runs here, else remotely.
  auto channel_to = [&](const std::string& dependency)
      -> absl::StatusOr<std::shared_ptr<grpc::Channel>> {
    for (const auto& hosted : host->hosted_) {
      if (hosted->name == dependency) {
        return host->server_->grpc_server().InProcessChannel(
            grpc::ChannelArguments());
      }
    }
    auto remote = options.remote_addresses.find(dependency);
    if (remote == options.remote_addresses.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("service ", dependency,
                       " is neither run here nor given an address "
                       "(--",
                       dependency, "_address)"));
    }
    return MakeChannel(remote->second, options.remote_tls);
  };
  for (const auto& hosted : host->hosted_) {
    if (hosted->name == "transparency") {
      CANDOR_ASSIGN_OR_RETURN(auto staff_channel, channel_to("staff"));
      auto* transparency = static_cast<transparency::TransparencyService*>(
          hosted->service.get());
      transparency->SetDependencies(std::move(staff_channel),
                                    options.service_tokens,
                                    options.staff_state_ttl);
      if (options.audit_signer != nullptr) {
        transparency->SetAuditSigner(options.audit_signer);
      }
      transparency->StartWarmUp();
      hosted->warm = [transparency] { return transparency->Ready(); };
    } else if (hosted->name == "values") {
      values::ValuesService::Dependencies dependencies;
      CANDOR_ASSIGN_OR_RETURN(dependencies.staff, channel_to("staff"));
      dependencies.service_tokens = options.service_tokens;
      dependencies.staff_state_ttl = options.staff_state_ttl;
      static_cast<values::ValuesService*>(hosted->service.get())
          ->SetDependencies(dependencies);
    } else if (hosted->name == "advocacy") {
      if (options.service_tokens == nullptr) {
        return absl::InvalidArgumentError(
            "advocacy needs service credentials (an HS256 secret, or "
            "--service_token_file with an identity provider)");
      }
      advocacy::AdvocacyService::Dependencies dependencies;
      CANDOR_ASSIGN_OR_RETURN(dependencies.staff, channel_to("staff"));
      CANDOR_ASSIGN_OR_RETURN(dependencies.values, channel_to("values"));
      CANDOR_ASSIGN_OR_RETURN(dependencies.transparency,
                              channel_to("transparency"));
      dependencies.service_tokens = options.service_tokens;
      dependencies.staff_state_ttl = options.staff_state_ttl;
      static_cast<advocacy::AdvocacyService*>(hosted->service.get())
          ->SetDependencies(dependencies);
    } else if (hosted->name == "engagement") {
      if (options.service_tokens == nullptr) {
        return absl::InvalidArgumentError(
            "engagement needs service credentials (an HS256 secret, or "
            "--service_token_file with an identity provider)");
      }
      engagement::EngagementService::Dependencies dependencies;
      CANDOR_ASSIGN_OR_RETURN(dependencies.advocacy, channel_to("advocacy"));
      CANDOR_ASSIGN_OR_RETURN(dependencies.transparency,
                              channel_to("transparency"));
      CANDOR_ASSIGN_OR_RETURN(dependencies.staff, channel_to("staff"));
      dependencies.service_tokens = options.service_tokens;
      dependencies.staff_state_ttl = options.staff_state_ttl;
      static_cast<engagement::EngagementService*>(hosted->service.get())
          ->SetDependencies(dependencies);
      if (!options.tracking_listen.empty()) {
        engagement::TrackingServerOptions tracking;
        tracking.listen_address = options.tracking_listen;
        tracking.trust_forwarded_for = options.tracking_trust_forwarded_for;
        tracking.pool = hosted->pool.get();
        tracking.access_log = options.access_log;
        CANDOR_ASSIGN_OR_RETURN(host->tracking_,
                                engagement::TrackingServer::Start(tracking));
      }
    }
  }
  for (const auto& hosted : host->hosted_) {
    if (hosted->name != "privacy") continue;
    privacy::PrivacyService::Dependencies dependencies;
    CANDOR_ASSIGN_OR_RETURN(dependencies.staff, channel_to("staff"));
    CANDOR_ASSIGN_OR_RETURN(dependencies.values, channel_to("values"));
    CANDOR_ASSIGN_OR_RETURN(dependencies.transparency,
                            channel_to("transparency"));
    CANDOR_ASSIGN_OR_RETURN(dependencies.advocacy, channel_to("advocacy"));
    CANDOR_ASSIGN_OR_RETURN(dependencies.engagement, channel_to("engagement"));
    dependencies.service_tokens = options.service_tokens;
    dependencies.staff_state_ttl = options.staff_state_ttl;
    static_cast<privacy::PrivacyService*>(hosted->service.get())
        ->SetDependencies(dependencies);
  }
  if (!options.metrics_listen.empty()) {
    CANDOR_RETURN_IF_ERROR(host->metrics_->Serve(options.metrics_listen));
  }
  if (options.idempotency_sweep_interval > absl::ZeroDuration()) {
    ServiceHost* h = host.get();
    const absl::Duration retention = options.idempotency_retention;
    const absl::Duration interval = options.idempotency_sweep_interval;
    host->sweeper_ = std::thread([h, retention, interval] {
      do {
        h->SweepExpiredRequestIds(retention);
      } while (!h->stop_sweeping_.WaitForNotificationWithTimeout(interval));
    });
  }
  if (!options.health_listen.empty()) {
    Server* server = host->server_.get();
    CANDOR_ASSIGN_OR_RETURN(
        host->health_http_,
        HealthHttpServer::Start(options.health_listen,
                                [server] { return server->AllServing(); }));
  }
  return host;
}

// server_ is declared after hosted_, so it stops (and waits for running
// calls) before the services, executors and pools go; tracking_, declared
// last, stops first. Metrics stop being served before any of them go.
ServiceHost::~ServiceHost() {
  // The sweep uses the pools, which go with hosted_.
  stop_sweeping_.Notify();
  if (sweeper_.joinable()) sweeper_.join();
  if (metrics_ != nullptr) metrics_->StopServing();
  // Health checks use the pools, which go with hosted_.
  for (const auto& hosted : hosted_) {
    if (hosted->health_check.joinable()) hosted->health_check.join();
  }
}

void ServiceHost::RefreshHealth() {
  // Every service's database is checked at once, each on a thread of its
  // own, and a check that has not answered within kHealthCheckTimeout
  // counts as NOT_SERVING: a frozen database holds a ping for the whole
  // query timeout, and checking one service after another would keep health
  // SERVING that long times five. A check still running from an earlier
  // round is not started again; it reports when it ends.
  constexpr absl::Duration kHealthCheckTimeout = absl::Seconds(1);
  for (const auto& hosted : hosted_) {
    if (hosted->health_check.joinable() && hosted->health_check_done) {
      hosted->health_check.join();
    }
    if (!hosted->health_check.joinable()) {
      hosted->health_check_done = false;
      Hosted* h = hosted.get();
      hosted->health_check = std::thread([h] {
        h->healthy = h->pool->CheckHealth().ok();
        h->health_check_done = true;
      });
    }
  }
  const absl::Time give_up = absl::Now() + kHealthCheckTimeout;
  auto all_done = [this] {
    return std::all_of(hosted_.begin(), hosted_.end(), [](const auto& hosted) {
      return hosted->health_check_done.load();
    });
  };
  while (!all_done() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  for (const auto& hosted : hosted_) {
    server_->SetServing(hosted->full_name, hosted->health_check_done &&
                                               hosted->healthy &&
                                               hosted->warm());
  }
}

void ServiceHost::SweepExpiredRequestIds(absl::Duration retention) {
  // Small batches, each its own short statement, so the sweep never holds
  // many row locks or a long transaction next to the calls it serves.
  constexpr int kBatch = 1000;
  for (const auto& hosted : hosted_) {
    if (hosted->name == "privacy") continue;  // no schema of its own
    while (!stop_sweeping_.HasBeenNotified()) {
      absl::StatusOr<int64_t> deleted = DeleteExpiredIdempotencyKeys(
          *hosted->pool, absl::Now(), retention, kBatch);
      if (!deleted.ok()) {
        // The next sweep tries again; a database outage also shows in
        // readiness, so one line is enough.
        std::cerr << "candord: " << hosted->name
                  << ": deleting expired request ids: " << deleted.status()
                  << "\n";
        break;
      }
      if (*deleted < kBatch) break;
    }
  }
}

int ServiceHost::port() const { return server_->port(); }

int ServiceHost::health_port() const {
  return health_http_ == nullptr ? 0 : health_http_->port();
}

int ServiceHost::tracking_port() const {
  return tracking_ == nullptr ? 0 : tracking_->port();
}

void ServiceHost::Shutdown(absl::Duration grace) {
  health_http_.reset();
  if (tracking_ != nullptr) tracking_->Stop();
  server_->Shutdown(absl::ToChronoMilliseconds(grace));
}

}  // namespace candor
