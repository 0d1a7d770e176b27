#include "services/common/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/parse_errors.h"

namespace candor {

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options, const std::vector<HostedService>& services) {
  // Both are process-wide switches read when a server is built.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  InstallParseErrorCapture();
  grpc::ServerBuilder builder;
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(MakeParseErrorInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           ServerCredentials(options.tls), &port);
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  builder.SetMaxSendMessageSize(options.max_send_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             options.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             options.keepalive_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Let clients keep their connections alive with pings every 10 s or more
  // without being told they ping too often.
  builder.AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  // gRPC binds with SO_REUSEPORT by default: a second candord on a port in
  // use would start and silently take half its calls. Fail to start instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (const HostedService& hosted : services) {
    builder.RegisterService(hosted.service);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (address in use or not valid?)"));
  }
  return std::unique_ptr<Server>(new Server(std::move(server), port, services));
}

Server::Server(std::unique_ptr<grpc::Server> server, int port,
               const std::vector<HostedService>& services)
    : server_(std::move(server)), port_(port) {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  for (const HostedService& hosted : services) {
    serving_[hosted.name] = false;
    health->SetServingStatus(hosted.name, false);
  }
  health->SetServingStatus("", false);
  health->SetServingStatus(kLivenessService, true);
}

Server::~Server() {
  Shutdown(std::chrono::milliseconds(0));
  server_->Wait();
}

void Server::SetServing(const std::string& service, bool serving) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = serving_.find(service);
  if (it == serving_.end()) return;  // not hosted here
  it->second = serving;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus(service, serving);
  health->SetServingStatus("", AllServingLocked());
}

bool Server::AllServing() {
  std::lock_guard<std::mutex> lock(mu_);
  return AllServingLocked();
}

bool Server::AllServingLocked() const {
  return std::all_of(serving_.begin(), serving_.end(),
                     [](const auto& entry) { return entry.second; });
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  server_->Shutdown(std::chrono::system_clock::now() + grace);
}

void Server::Wait() { server_->Wait(); }

}  // namespace candor
