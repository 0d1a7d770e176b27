#include "clients/cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
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
#include "clients/cli/privacy_commands.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/staff_import.h"
#include "clients/cli/token_claims.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "services/common/auth.h"

namespace candor::cli {
namespace {

namespace staffpb = ::candor::staff::v1;

// An import of a whole company sends and checks every row in one call.
const absl::Duration kDefaultImportTimeout = absl::Seconds(120);
constexpr size_t kImportRowsPerMessage = 500;

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
  std::vector<staffpb::StaffMember> members;
  staffpb::ListStaffMembersResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context,
          const staffpb::ListStaffMembersRequest& r,
          staffpb::ListStaffMembersResponse* response) {
        return connection->staff().ListStaffMembers(context, r, response);
      },
      [&](staffpb::ListStaffMembersResponse& response) {
        for (auto& member : *response.mutable_staff_members()) {
          members.push_back(member);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, members, StaffMemberTable(),
            &AddStaffMemberRow, "staff members");
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

void AddTokenCommands(CLI::App& app, Actions& actions) {
  CLI::App* token = app.add_subcommand("token", "Bearer tokens");
  token->require_subcommand(1);

  auto mint = std::make_shared<TokenMintOptions>();
  CLI::App* token_mint = token->add_subcommand(
      "mint", "Print a token signed with a shared HS256 secret");
  token_mint
      ->add_option("--secret-file", mint->secret_file,
                   "File holding the server's token secret")
      ->required();
  token_mint->add_option("--org", mint->organization,
                         "Organization id (not for operator tokens)");
  token_mint->add_option(
      "--subject", mint->subject,
      "Staff member id or name; a service's name; `operator` for operators");
  AddRepeatable(token_mint, "--role", mint->roles,
                "employee, reviewer, admin, operator or service (repeatable)")
      ->required();
  token_mint->add_option("--ttl", mint->ttl, "Lifetime, e.g. 30m, 12h, 7d")
      ->capture_default_str();
  actions.Set(token_mint, [mint] { return RunTokenMint(*mint); });
}

void AddHealthCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  auto service = std::make_shared<std::string>();
  CLI::App* health = app.add_subcommand(
      "health", "Ask the server whether it serves (exit 0 only if SERVING)");
  health->add_option("--service", *service,
                     "A service name to ask about (default: the server)");
  actions.Set(health,
              [&global, service] { return RunHealth(global, *service); });
}

void AddOrgCommands(CLI::App& app, const GlobalOptions& global,
                    Actions& actions) {
  CLI::App* org = app.add_subcommand("org", "Organizations");
  org->require_subcommand(1);

  auto create = std::make_shared<OrgCreateOptions>();
  CLI::App* org_create = org->add_subcommand(
      "create", "Create an organization and its first admin (operator)");
  org_create
      ->add_option("id", create->organization_id,
                   "Organization id: lowercase letters, digits, '-'")
      ->required();
  org_create
      ->add_option("--display-name", create->display_name,
                   "The organization's name as staff see it")
      ->required();
  org_create
      ->add_option("--admin-email", create->admin_email,
                   "The first admin's email")
      ->required();
  org_create
      ->add_option("--admin-name", create->admin_name,
                   "The first admin's display name")
      ->required();
  org_create
      ->add_option("--admin-employee-id", create->admin_employee_id,
                   "The first admin's employee id")
      ->capture_default_str();
  AddRequestId(org_create, create->request_id);
  actions.Set(org_create,
              [&global, create] { return RunOrgCreate(global, *create); });

  auto get_name = std::make_shared<std::string>();
  CLI::App* org_get = org->add_subcommand("get", "Show an organization");
  AddName(org_get, *get_name, "organizations/ID, or just ID");
  actions.Set(org_get,
              [&global, get_name] { return RunOrgGet(global, *get_name); });
}

namespace {

// `staff update`'s flags as given; each becomes a field of StaffUpdateFlags
// only when its option was given.
struct StaffUpdateArgs {
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

void AddStaffUpdateCommand(CLI::App* staff, const GlobalOptions& global,
                           Actions& actions) {
  auto args = std::make_shared<StaffUpdateArgs>();
  CLI::App* update = staff->add_subcommand(
      "update", "Change the fields given, and only those");
  AddName(update, args->name, "organizations/ORG/staffMembers/ID");
  args->employee_id_option =
      update->add_option("--employee-id", args->employee_id);
  args->display_name_option =
      update->add_option("--display-name", args->display_name);
  args->email_option = update->add_option("--email", args->email);
  args->department_option =
      update->add_option("--department", args->department);
  args->title_option = update->add_option("--title", args->title);
  args->location_option = update->add_option("--location", args->location);
  args->manager_option = update->add_option(
      "--manager", args->manager, "Staff id or name; \"\" removes the manager");
  args->roles_option =
      AddRepeatable(update, "--role", args->roles,
                    "Sets the roles: employee, reviewer, admin (repeatable)");
  args->bio_option = update->add_option("--bio", args->bio);
  args->consent_option = update->add_option("--consent", args->consent,
                                            "Advocacy consent: true or false");
  args->social_option = AddRepeatable(
      update, "--social", args->social_accounts,
      "Sets the linked accounts, NETWORK:HANDLE, e.g. linkedin:ada-l "
      "(repeatable)");
  update
      ->add_flag("--clear-social", args->clear_social,
                 "Removes every linked account")
      ->excludes(args->social_option);
  args->etag_option = AddEtag(update, args->etag, "member");
  actions.Set(update, [&global, args] {
    return RunStaffUpdate(global, args->name, args->Flags());
  });
}

}  // namespace

void AddStaffCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  CLI::App* staff = app.add_subcommand("staff", "Staff members");
  staff->require_subcommand(1);

  auto create = std::make_shared<StaffCreateOptions>();
  CLI::App* staff_create =
      staff->add_subcommand("create", "Create a staff member (admin)");
  AddParent(staff_create, create->parent);
  staff_create
      ->add_option("--employee-id", create->employee_id, "The HR system's id")
      ->required();
  staff_create->add_option("--display-name", create->display_name)->required();
  staff_create->add_option("--email", create->email)->required();
  staff_create->add_option("--department", create->department);
  staff_create->add_option("--title", create->title);
  staff_create->add_option("--location", create->location);
  staff_create->add_option("--manager", create->manager,
                           "The manager's staff id or name");
  AddRepeatable(
      staff_create, "--role", create->roles,
      "employee, reviewer or admin (repeatable; employee is implied)");
  staff_create->add_option("--id", create->staff_member_id,
                           "Staff id (default: the server picks one)");
  AddRequestId(staff_create, create->request_id);
  actions.Set(staff_create,
              [&global, create] { return RunStaffCreate(global, *create); });

  auto get_name = std::make_shared<std::string>();
  CLI::App* staff_get = staff->add_subcommand("get", "Show a staff member");
  AddName(staff_get, *get_name, "organizations/ORG/staffMembers/ID");
  actions.Set(staff_get,
              [&global, get_name] { return RunStaffGet(global, *get_name); });

  auto list = std::make_shared<StaffListOptions>();
  CLI::App* staff_list = staff->add_subcommand("list", "List staff members");
  AddParent(staff_list, list->parent);
  staff_list->add_option("--filter", list->filter,
                         "e.g. 'department = \"Sales\" AND state = ACTIVE'");
  AddPageOptions(staff_list, list->page_size, list->page_token, list->all);
  actions.Set(staff_list,
              [&global, list] { return RunStaffList(global, *list); });

  AddStaffUpdateCommand(staff, global, actions);

  auto deactivate = std::make_shared<StaffDeactivateOptions>();
  CLI::App* staff_deactivate = staff->add_subcommand(
      "deactivate", "Set a staff member INACTIVE (admin)");
  AddName(staff_deactivate, deactivate->name,
          "organizations/ORG/staffMembers/ID");
  staff_deactivate
      ->add_option("--reason", deactivate->reason, "Why; shown to admins")
      ->required();
  AddRequestId(staff_deactivate, deactivate->request_id);
  actions.Set(staff_deactivate, [&global, deactivate] {
    return RunStaffDeactivate(global, *deactivate);
  });

  AddStaffPrivacyCommands(*staff, global, actions);

  auto import = std::make_shared<StaffImportOptions>();
  CLI::App* staff_import = staff->add_subcommand(
      "import",
      "Create or update staff members from a CSV file, all rows or none");
  AddParent(staff_import, import->parent);
  staff_import
      ->add_option("file", import->file,
                   "CSV with a header row: employee_id, display_name, "
                   "email, department, title, location, "
                   "manager_employee_id, roles (a;b); - for stdin")
      ->required();
  staff_import->add_flag("--dry-run", import->dry_run,
                         "Check every row; store nothing");
  actions.Set(staff_import,
              [&global, import] { return RunStaffImport(global, *import); });
}

}  // namespace candor::cli
