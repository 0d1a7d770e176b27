#include "clients/cli/connection.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "clients/cli/duration.h"
#include "clients/cli/output.h"
#include "grpcpp/create_channel.h"

namespace candor::cli {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ostringstream contents;
  if (path == "-") {
    contents << std::cin.rdbuf();
    return contents.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("cannot read ", path));
  }
  return contents.str();
}

namespace {

// The TLS the global options ask for, with its files read and checked.
absl::StatusOr<ClientTls> ClientTlsOf(const GlobalOptions& global) {
  ClientTls tls;
  tls.enabled = global.tls || !global.tls_ca_file.empty() ||
                !global.tls_cert_file.empty() || !global.tls_key_file.empty() ||
                !global.tls_server_name.empty();
  if (!tls.enabled) return tls;
  if (!global.tls_ca_file.empty()) {
    absl::StatusOr<std::string> roots =
        ReadPemCertificates({"--tls-ca-file", global.tls_ca_file});
    if (!roots.ok()) return roots.status();
    tls.root_certs = *std::move(roots);
  }
  absl::StatusOr<TlsIdentity> identity =
      ReadTlsIdentity({"--tls-cert-file", global.tls_cert_file},
                      {"--tls-key-file", global.tls_key_file});
  if (!identity.ok()) return identity.status();
  tls.identity = *std::move(identity);
  tls.server_name = global.tls_server_name;
  return tls;
}

}  // namespace

int UsageError(const std::string& command, const absl::Status& status) {
  std::cerr << "candorctl: " << command << ": " << status.message() << "\n";
  return kExitUsage;
}

Connection::Connection(const GlobalOptions& global, std::string command,
                       absl::Duration timeout, const ClientTls& tls)
    : global_(global),
      command_(std::move(command)),
      timeout_(timeout),
      tls_(tls.enabled),
      client_certificate_(!tls.identity.empty()),
      channel_(MakeChannel(global.address, tls)),
      staff_(candor::staff::v1::StaffService::NewStub(channel_)),
      values_(candor::values::v1::ValuesService::NewStub(channel_)),
      advocacy_(candor::advocacy::v1::AdvocacyService::NewStub(channel_)),
      transparency_(
          candor::transparency::v1::TransparencyService::NewStub(channel_)),
      engagement_(
          candor::engagement::v1::EngagementService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Connection::NewContext() const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  if (!global_.token.empty()) {
    context->AddMetadata("authorization", "Bearer " + global_.token);
  }
  return context;
}

int Connection::CallFailed(const grpc::Status& status) const {
  std::cerr << DescribeCallError(
      command_, status, global_.address, timeout_, !global_.token.empty(),
      TransportHint(status.error_message(), tls_, client_certificate_));
  return kExitFailed;
}

std::unique_ptr<Connection> Open(const GlobalOptions& global,
                                 const std::string& command,
                                 absl::Duration default_timeout) {
  absl::Duration timeout = default_timeout;
  if (!global.timeout.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(global.timeout);
    if (!parsed.ok()) {
      UsageError(command,
                 absl::InvalidArgumentError(
                     "--timeout: " + std::string(parsed.status().message())));
      return nullptr;
    }
    timeout = *parsed;
  }
  absl::StatusOr<ClientTls> tls = ClientTlsOf(global);
  if (!tls.ok()) {
    UsageError(command, tls.status());
    return nullptr;
  }
  return std::make_unique<Connection>(global, command, timeout, *tls);
}

void Print(const GlobalOptions& global,
           const google::protobuf::Message& message,
           const std::string& table_text) {
  std::cout << (global.output == OutputFormat::kJson ? ToJson(message)
                                                     : table_text);
}

void HintNextPage(const std::string& what, const std::string& next_page_token) {
  if (next_page_token.empty()) return;
  std::cerr << "candorctl: more " << what << ": add --page-token "
            << next_page_token << " (or --all)\n";
}

}  // namespace candor::cli
