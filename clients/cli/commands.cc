#include "clients/cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "clients/cli/command_line.h"
#include "clients/cli/connection.h"
#include "clients/cli/duration.h"
#include "clients/cli/health_codec.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/staff_import.h"
#include "clients/cli/staff_update.h"
#include "clients/cli/token_claims.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/common/auth.h"

namespace candor::cli {
namespace {

namespace staffpb = ::candor::staff::v1;
using StaffStub = staffpb::StaffService::Stub;

const char kStaffName[] = "organizations/ORG/staffMembers/ID";

// An import of a whole company sends and checks every row in one call.
const absl::Duration kDefaultImportTimeout = absl::Seconds(120);
constexpr size_t kImportRowsPerMessage = 500;

struct TokenMintOptions {
  std::string secret_file;
  std::string organization;
  std::string subject;
  std::vector<std::string> roles;
  std::string ttl = "1h";
};

struct OrgCreateOptions {
  std::string organization_id;
  std::string display_name;
  std::string admin_email;
  std::string admin_name;
  std::string admin_employee_id = "E0001";
  std::string request_id;
};

struct StaffCreateOptions {
  std::string parent;
  std::string employee_id;
  std::string display_name;
  std::string email;
  std::string department;
  std::string title;
  std::string location;
  std::string manager;
  std::vector<std::string> roles;
  std::string staff_member_id;
  std::string request_id;
};

struct StaffDeactivateOptions {
  std::string name;
  std::string reason;
  std::string request_id;
};

struct StaffImportOptions {
  std::string parent;
  std::string file;  // "-" reads standard input
  bool dry_run = false;
};

// Needs no server, so no global option.
int RunTokenMint(const GlobalOptions& /*global*/,
                 const TokenMintOptions& options) {
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
  staffpb::CreateOrganizationRequest request;
  request.set_organization_id(options.organization_id);
  request.mutable_organization()->set_display_name(options.display_name);
  staffpb::StaffMember* admin = request.mutable_first_admin();
  admin->set_display_name(options.admin_name);
  admin->set_email(options.admin_email);
  admin->set_employee_id(options.admin_employee_id);
  request.set_request_id(options.request_id);
  return CallAndPrint(global, "org create", request,
                      &StaffStub::CreateOrganization, &DescribeOrganization);
}

int RunOrgGet(const GlobalOptions& global, const std::string& name) {
  staffpb::GetOrganizationRequest request;
  request.set_name(OrganizationName(name));
  return CallAndPrint(global, "org get", request, &StaffStub::GetOrganization,
                      &DescribeOrganization);
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
  return CallAndPrint(global, command, request, &StaffStub::CreateStaffMember,
                      &DescribeStaffMember);
}

int RunStaffList(const GlobalOptions& global, const ListOptions& options) {
  staffpb::ListStaffMembersRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  return ListAndPrint(global, "staff list", request, options.page,
                      &StaffStub::ListStaffMembers,
                      &staffpb::ListStaffMembersResponse::staff_members,
                      StaffMemberTable(), &AddStaffMemberRow, "staff members");
}

// `staff update`'s flags as given; each becomes a field of StaffUpdateFlags
// only when its option was given.
struct StaffUpdateOptions {
  std::string name;
  std::string employee_id, display_name, email, department, title, location,
      manager, bio, consent, etag;
  std::vector<std::string> roles, social_accounts;
  bool clear_social = false;
  CLI::Option *employee_id_option = nullptr, *display_name_option = nullptr,
              *email_option = nullptr, *department_option = nullptr,
              *title_option = nullptr, *location_option = nullptr,
              *manager_option = nullptr, *roles_option = nullptr,
              *bio_option = nullptr, *consent_option = nullptr,
              *social_option = nullptr, *etag_option = nullptr;

  StaffUpdateFlags Flags() const {
    StaffUpdateFlags flags;
    flags.employee_id = IfGiven(employee_id_option, employee_id);
    flags.display_name = IfGiven(display_name_option, display_name);
    flags.email = IfGiven(email_option, email);
    flags.department = IfGiven(department_option, department);
    flags.title = IfGiven(title_option, title);
    flags.location = IfGiven(location_option, location);
    flags.manager = IfGiven(manager_option, manager);
    if (roles_option->count() > 0) flags.roles = roles;
    flags.bio = IfGiven(bio_option, bio);
    flags.consent = IfGiven(consent_option, consent);
    if (social_option->count() > 0) flags.social_accounts = social_accounts;
    if (clear_social) flags.social_accounts.emplace();
    flags.etag = IfGiven(etag_option, etag);
    return flags;
  }
};

int RunStaffUpdate(const GlobalOptions& global,
                   const StaffUpdateOptions& options) {
  return CallAndPrint(global, "staff update",
                      BuildUpdateRequest(options.name, options.Flags()),
                      &StaffStub::UpdateStaffMember, &DescribeStaffMember);
}

int RunStaffDeactivate(const GlobalOptions& global,
                       const StaffDeactivateOptions& options) {
  staffpb::DeactivateStaffMemberRequest request;
  request.set_name(options.name);
  request.set_reason(options.reason);
  request.set_request_id(options.request_id);
  return CallAndPrint(global, "staff deactivate", request,
                      &StaffStub::DeactivateStaffMember, &DescribeStaffMember);
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

}  // namespace

void AddTokenCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  CLI::App* token = app.add_subcommand("token", "Bearer tokens");
  token->require_subcommand(1);

  auto [mint, options] = AddCommand(
      *token, "mint", "Print a token signed with a shared HS256 secret", global,
      actions, &RunTokenMint);
  mint->add_option("--secret-file", options.secret_file,
                   "File holding the server's token secret")
      ->required();
  mint->add_option("--org", options.organization,
                   "Organization id (not for operator tokens)");
  mint->add_option(
      "--subject", options.subject,
      "Staff member id or name; a service's name; `operator` for operators");
  AddRepeatable(mint, "--role", options.roles,
                "employee, reviewer, admin, operator or service (repeatable)")
      ->required();
  mint->add_option("--ttl", options.ttl, "Lifetime, e.g. 30m, 12h, 7d")
      ->capture_default_str();
}

void AddHealthCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  auto [health, service] =
      AddCommand(app, "health",
                 "Ask the server whether it serves (exit 0 only if SERVING)",
                 global, actions, &RunHealth);
  health->add_option("--service", service,
                     "A service name to ask about (default: the server)");
}

void AddOrgCommands(CLI::App& app, const GlobalOptions& global,
                    Actions& actions) {
  CLI::App* org = app.add_subcommand("org", "Organizations");
  org->require_subcommand(1);

  auto [create, options] = AddCommand(
      *org, "create", "Create an organization and its first admin (operator)",
      global, actions, &RunOrgCreate);
  create
      ->add_option("id", options.organization_id,
                   "Organization id: lowercase letters, digits, '-'")
      ->required();
  create
      ->add_option("--display-name", options.display_name,
                   "The organization's name as staff see it")
      ->required();
  create
      ->add_option("--admin-email", options.admin_email,
                   "The first admin's email")
      ->required();
  create
      ->add_option("--admin-name", options.admin_name,
                   "The first admin's display name")
      ->required();
  create
      ->add_option("--admin-employee-id", options.admin_employee_id,
                   "The first admin's employee id")
      ->capture_default_str();
  AddRequestId(create, options.request_id);

  auto [get, get_name] = AddCommand(*org, "get", "Show an organization", global,
                                    actions, &RunOrgGet);
  AddName(get, get_name, "organizations/ID, or just ID");
}

namespace {

void AddStaffUpdateCommand(CLI::App* staff, const GlobalOptions& global,
                           Actions& actions) {
  auto [update, options] =
      AddCommand(*staff, "update", "Change the fields given, and only those",
                 global, actions, &RunStaffUpdate);
  AddName(update, options.name, kStaffName);
  options.employee_id_option =
      update->add_option("--employee-id", options.employee_id);
  options.display_name_option =
      update->add_option("--display-name", options.display_name);
  options.email_option = update->add_option("--email", options.email);
  options.department_option =
      update->add_option("--department", options.department);
  options.title_option = update->add_option("--title", options.title);
  options.location_option = update->add_option("--location", options.location);
  options.manager_option =
      update->add_option("--manager", options.manager,
                         "Staff id or name; \"\" removes the manager");
  options.roles_option =
      AddRepeatable(update, "--role", options.roles,
                    "Sets the roles: employee, reviewer, admin (repeatable)");
  options.bio_option = update->add_option("--bio", options.bio);
  options.consent_option = update->add_option(
      "--consent", options.consent, "Advocacy consent: true or false");
  options.social_option = AddRepeatable(
      update, "--social", options.social_accounts,
      "Sets the linked accounts, NETWORK:HANDLE, e.g. linkedin:ada-l "
      "(repeatable)");
  update
      ->add_flag("--clear-social", options.clear_social,
                 "Removes every linked account")
      ->excludes(options.social_option);
  options.etag_option = AddEtag(update, options.etag, "member");
}

}  // namespace

void AddStaffCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  CLI::App* staff = app.add_subcommand("staff", "Staff members");
  staff->require_subcommand(1);

  auto [create, create_options] =
      AddCommand(*staff, "create", "Create a staff member (admin)", global,
                 actions, &RunStaffCreate);
  AddParent(create, create_options.parent);
  create
      ->add_option("--employee-id", create_options.employee_id,
                   "The HR system's id")
      ->required();
  create->add_option("--display-name", create_options.display_name)->required();
  create->add_option("--email", create_options.email)->required();
  create->add_option("--department", create_options.department);
  create->add_option("--title", create_options.title);
  create->add_option("--location", create_options.location);
  create->add_option("--manager", create_options.manager,
                     "The manager's staff id or name");
  AddRepeatable(
      create, "--role", create_options.roles,
      "employee, reviewer or admin (repeatable; employee is implied)");
  create->add_option("--id", create_options.staff_member_id,
                     "Staff id (default: the server picks one)");
  AddRequestId(create, create_options.request_id);

  AddNameCommand(*staff, "get", "Show a staff member", kStaffName, global,
                 actions, &StaffStub::GetStaffMember, &DescribeStaffMember);

  AddListCommand(*staff, "list", "List staff members",
                 "e.g. 'department = \"Sales\" AND state = ACTIVE'", global,
                 actions, &RunStaffList);

  AddStaffUpdateCommand(staff, global, actions);

  auto [deactivate, deactivate_options] =
      AddCommand(*staff, "deactivate", "Set a staff member INACTIVE (admin)",
                 global, actions, &RunStaffDeactivate);
  AddName(deactivate, deactivate_options.name, kStaffName);
  deactivate
      ->add_option("--reason", deactivate_options.reason,
                   "Why; shown to admins")
      ->required();
  AddRequestId(deactivate, deactivate_options.request_id);

  AddStaffPrivacyCommands(*staff, global, actions);

  auto [import, import_options] = AddCommand(
      *staff, "import",
      "Create or update staff members from a CSV file, all rows or none",
      global, actions, &RunStaffImport);
  AddParent(import, import_options.parent);
  import
      ->add_option("file", import_options.file,
                   "CSV with a header row: employee_id, display_name, "
                   "email, department, title, location, "
                   "manager_employee_id, roles (a;b); - for stdin")
      ->required();
  import->add_flag("--dry-run", import_options.dry_run,
                   "Check every row; store nothing");
}

}  // namespace candor::cli
