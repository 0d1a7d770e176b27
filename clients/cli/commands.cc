#include "clients/cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "clients/cli/duration.h"
#include "clients/cli/health_codec.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/staff_import.h"
#include "clients/cli/token_claims.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/common/auth.h"

namespace candor::cli {
namespace {

using ::candor::staff::v1::StaffService;
namespace staffpb = ::candor::staff::v1;

const absl::Duration kDefaultTimeout = absl::Seconds(10);
// An import of a whole company sends and checks every row in one call.
const absl::Duration kDefaultImportTimeout = absl::Seconds(120);
constexpr size_t kImportRowsPerMessage = 500;

int UsageError(const std::string& command, const absl::Status& status) {
  std::cerr << "candorctl: " << command << ": " << status.message() << "\n";
  return kExitUsage;
}

// One command's connection to the server: every call it makes carries the
// deadline and the token.
class Connection {
 public:
  Connection(const GlobalOptions& global, std::string command,
             absl::Duration timeout)
      : global_(global),
        command_(std::move(command)),
        timeout_(timeout),
        channel_(grpc::CreateChannel(
            global.address,
            global.tls ? grpc::SslCredentials(grpc::SslCredentialsOptions())
                       : grpc::InsecureChannelCredentials())),
        staff_(StaffService::NewStub(channel_)) {}

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A context for one call: the deadline starts now.
  std::unique_ptr<grpc::ClientContext> NewContext() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    if (!global_.token.empty()) {
      context->AddMetadata("authorization", "Bearer " + global_.token);
    }
    return context;
  }

  StaffService::Stub& staff() { return *staff_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  absl::Duration timeout() const { return timeout_; }

  // Prints what went wrong and returns the exit code for it.
  int CallFailed(const grpc::Status& status) const {
    std::cerr << DescribeCallError(command_, status, global_.address, timeout_,
                                   !global_.token.empty());
    return kExitFailed;
  }

 private:
  const GlobalOptions& global_;
  const std::string command_;
  const absl::Duration timeout_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<StaffService::Stub> staff_;
};

// Opens the connection for `command`, or prints why --timeout is wrong.
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
  return std::make_unique<Connection>(global, command, timeout);
}

void Print(const GlobalOptions& global,
           const google::protobuf::Message& message,
           const std::string& table_text) {
  std::cout << (global.output == OutputFormat::kJson ? ToJson(message)
                                                     : table_text);
}

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

}  // namespace

int RunTokenMint(const TokenMintOptions& options) {
  const std::string command = "token mint";
  absl::StatusOr<absl::Duration> ttl = ParseDuration(options.ttl);
  if (!ttl.ok()) {
    return UsageError(command, absl::InvalidArgumentError(absl::StrCat(
                                   "--ttl: ", ttl.status().message())));
  }
  absl::StatusOr<TokenClaims> claims = BuildTokenClaims(
      options.organization, options.subject, options.roles, *ttl);
  if (!claims.ok()) return UsageError(command, claims.status());
  absl::StatusOr<std::string> secret = ReadKeyFile(options.secret_file);
  if (!secret.ok()) return UsageError(command, secret.status());
  absl::StatusOr<std::string> token = MintHs256Token(*claims, *secret);
  if (!token.ok()) {
    std::cerr << "candorctl: " << command << ": " << token.status().message()
              << "\n";
    return kExitFailed;
  }
  std::cout << *token << "\n";
  return kExitOk;
}

int RunHealth(const GlobalOptions& global, const std::string& service) {
  std::unique_ptr<Connection> connection =
      Open(global, "health", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;

  const std::string request_bytes = EncodeHealthCheckRequest(service);
  grpc::Slice request_slice(request_bytes);
  const grpc::ByteBuffer request(&request_slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  grpc::CompletionQueue queue;
  grpc::GenericStub stub(connection->channel());
  // Health checks carry no token.
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + connection->timeout()));
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check", request,
                            &queue);
  call->StartCall();
  int finished_tag = 0;
  call->Finish(&response, &status, &finished_tag);
  void* tag = nullptr;
  bool ok = false;
  queue.Next(&tag, &ok);  // the only event: the call finished
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!status.ok()) return connection->CallFailed(status);

  std::vector<grpc::Slice> slices;
  std::string response_bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      response_bytes.append(reinterpret_cast<const char*>(slice.begin()),
                            slice.size());
    }
  }
  absl::StatusOr<ServingStatus> serving =
      DecodeHealthCheckResponse(response_bytes);
  if (!serving.ok()) {
    std::cerr << "candorctl: health: " << serving.status().message() << "\n";
    return kExitFailed;
  }
  const std::string_view name = ServingStatusName(*serving);
  if (global.output == OutputFormat::kJson) {
    std::cout << "{\n  \"status\": \"" << name << "\"\n}\n";
  } else {
    std::cout << name << "\n";
  }
  return *serving == ServingStatus::kServing ? kExitOk : kExitFailed;
}

int RunOrgCreate(const GlobalOptions& global, const OrgCreateOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "org create", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::CreateOrganizationRequest request;
  request.set_organization_id(options.organization_id);
  request.mutable_organization()->set_display_name(options.display_name);
  staffpb::StaffMember* admin = request.mutable_first_admin();
  admin->set_display_name(options.admin_name);
  admin->set_email(options.admin_email);
  admin->set_employee_id(options.admin_employee_id);
  request.set_request_id(options.request_id);
  staffpb::Organization org;
  const grpc::Status status = connection->staff().CreateOrganization(
      connection->NewContext().get(), request, &org);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, org, DescribeOrganization(org));
  return kExitOk;
}

int RunOrgGet(const GlobalOptions& global, const std::string& name) {
  std::unique_ptr<Connection> connection =
      Open(global, "org get", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::GetOrganizationRequest request;
  request.set_name(OrganizationName(name));
  staffpb::Organization org;
  const grpc::Status status = connection->staff().GetOrganization(
      connection->NewContext().get(), request, &org);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, org, DescribeOrganization(org));
  return kExitOk;
}

int RunStaffCreate(const GlobalOptions& global,
                   const StaffCreateOptions& options) {
  const std::string command = "staff create";
  staffpb::CreateStaffMemberRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_staff_member_id(options.staff_member_id);
  request.set_request_id(options.request_id);
  staffpb::StaffMember* member = request.mutable_staff_member();
  member->set_employee_id(options.employee_id);
  member->set_display_name(options.display_name);
  member->set_email(options.email);
  member->set_department(options.department);
  member->set_title(options.title);
  member->set_location(options.location);
  if (!options.manager.empty()) {
    member->set_manager(StaffMemberName(request.parent(), options.manager));
  }
  for (const std::string& text : options.roles) {
    absl::StatusOr<staffpb::StaffMember::Role> role = ParseStaffRole(text);
    if (!role.ok()) return UsageError(command, role.status());
    member->add_roles(*role);
  }

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::StaffMember created;
  const grpc::Status status = connection->staff().CreateStaffMember(
      connection->NewContext().get(), request, &created);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, created, DescribeStaffMember(created));
  return kExitOk;
}

int RunStaffGet(const GlobalOptions& global, const std::string& name) {
  std::unique_ptr<Connection> connection =
      Open(global, "staff get", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::GetStaffMemberRequest request;
  request.set_name(name);
  staffpb::StaffMember member;
  const grpc::Status status = connection->staff().GetStaffMember(
      connection->NewContext().get(), request, &member);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, member, DescribeStaffMember(member));
  return kExitOk;
}

int RunStaffList(const GlobalOptions& global, const StaffListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "staff list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::ListStaffMembersRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);

  if (!options.all) {
    staffpb::ListStaffMembersResponse response;
    const grpc::Status status = connection->staff().ListStaffMembers(
        connection->NewContext().get(), request, &response);
    if (!status.ok()) return connection->CallFailed(status);
    if (global.output == OutputFormat::kJson) {
      std::cout << ToJson(response);
      return kExitOk;
    }
    Table table = StaffMemberTable();
    for (const auto& member : response.staff_members()) {
      AddStaffMemberRow(member, table);
    }
    std::cout << table.Render();
    if (!response.next_page_token().empty()) {
      std::cerr << "candorctl: more staff members: add --page-token "
                << response.next_page_token() << " (or --all)\n";
    }
    return kExitOk;
  }

  std::vector<staffpb::StaffMember> members;
  while (true) {
    staffpb::ListStaffMembersResponse response;
    const grpc::Status status = connection->staff().ListStaffMembers(
        connection->NewContext().get(), request, &response);
    if (!status.ok()) return connection->CallFailed(status);
    for (auto& member : *response.mutable_staff_members()) {
      members.push_back(std::move(member));
    }
    if (response.next_page_token().empty()) break;
    if (response.next_page_token() == request.page_token()) {
      std::cerr << "candorctl: staff list: the server returned the same "
                   "page token twice; stopping\n";
      return kExitFailed;
    }
    request.set_page_token(response.next_page_token());
  }
  if (global.output == OutputFormat::kJson) {
    std::vector<const google::protobuf::Message*> messages;
    for (const auto& member : members) messages.push_back(&member);
    std::cout << ToJsonArray(messages);
    return kExitOk;
  }
  Table table = StaffMemberTable();
  for (const auto& member : members) AddStaffMemberRow(member, table);
  std::cout << table.Render();
  return kExitOk;
}

int RunStaffUpdate(const GlobalOptions& global, const std::string& name,
                   const StaffUpdateFlags& flags) {
  const std::string command = "staff update";
  absl::StatusOr<staffpb::UpdateStaffMemberRequest> request =
      BuildUpdateRequest(name, flags);
  if (!request.ok()) return UsageError(command, request.status());
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::StaffMember updated;
  const grpc::Status status = connection->staff().UpdateStaffMember(
      connection->NewContext().get(), *request, &updated);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, updated, DescribeStaffMember(updated));
  return kExitOk;
}

int RunStaffDeactivate(const GlobalOptions& global,
                       const StaffDeactivateOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "staff deactivate", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  staffpb::DeactivateStaffMemberRequest request;
  request.set_name(options.name);
  request.set_reason(options.reason);
  request.set_request_id(options.request_id);
  staffpb::StaffMember member;
  const grpc::Status status = connection->staff().DeactivateStaffMember(
      connection->NewContext().get(), request, &member);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, member, DescribeStaffMember(member));
  return kExitOk;
}

int RunStaffImport(const GlobalOptions& global,
                   const StaffImportOptions& options) {
  const std::string command = "staff import";
  const std::string file_name = options.file == "-" ? "stdin" : options.file;
  absl::StatusOr<std::string> text = ReadWholeFile(options.file);
  if (!text.ok()) return UsageError(command, text.status());
  absl::StatusOr<std::vector<ImportRow>> rows =
      ReadStaffImportCsv(*text, file_name);
  if (!rows.ok()) {
    // One "FILE:LINE:COLUMN: problem" per line, as editors understand them.
    std::cerr << rows.status().message() << "\n"
              << "candorctl: " << command << ": " << file_name
              << " has problems; nothing was sent\n";
    return kExitUsage;
  }
  const size_t row_count = rows->size();
  std::vector<staffpb::ImportStaffMembersRequest> requests =
      BuildImportRequests(OrganizationName(options.parent), options.dry_run,
                          *std::move(rows), kImportRowsPerMessage);

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultImportTimeout);
  if (connection == nullptr) return kExitUsage;
  std::unique_ptr<grpc::ClientContext> context = connection->NewContext();
  staffpb::ImportStaffMembersResponse response;
  std::unique_ptr<grpc::ClientWriter<staffpb::ImportStaffMembersRequest>>
      writer = connection->staff().ImportStaffMembers(context.get(), &response);
  for (const auto& request : requests) {
    // False: the call is over (the server answered early or failed);
    // Finish says how.
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return connection->CallFailed(status);

  if (global.output == OutputFormat::kJson) {
    std::cout << ToJson(response);
  } else {
    std::cout << RenderFields({
        {"file", file_name},
        {"rows", absl::StrCat(response.rows_total())},
        {"created", absl::StrCat(response.created_count())},
        {"updated", absl::StrCat(response.updated_count())},
        {"unchanged", absl::StrCat(response.unchanged_count())},
        {"applied", response.applied() ? "yes"
                    : options.dry_run  ? "no (dry run)"
                                       : "no"},
    });
  }
  for (const auto& error : response.errors()) {
    std::cerr << FormatImportRowError(file_name, error) << "\n";
  }
  if (response.errors_size() > 0) {
    std::cerr << "candorctl: " << command << ": " << response.errors_size()
              << (response.errors_size() == 1 ? " error" : " errors")
              << "; nothing was stored\n";
    return kExitFailed;
  }
  if (static_cast<size_t>(response.rows_total()) != row_count) {
    std::cerr << "candorctl: " << command << ": warning: sent " << row_count
              << " rows, the server counted " << response.rows_total() << "\n";
  }
  return kExitOk;
}

}  // namespace candor::cli
