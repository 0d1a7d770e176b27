#include "tests/support/fault_clients.h"

#include <random>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

absl::Status ToStatus(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

}  // namespace

FaultClients::FaultClients(const E2eServer& server)
    : FaultClients(server.Address(), server.jwt_secret_file()) {}

FaultClients::FaultClients(const std::string& address,
                           const std::string& jwt_secret_file) {
  auto secret = ReadKeyFile(jwt_secret_file);
  if (secret.ok()) secret_ = *secret;
  grpc::ChannelArguments arguments;
  // gRPC's default reconnect backoff grows to minutes; a test that restarts
  // the server wants the client back as soon as the server is.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  channel_ = grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), arguments);
}

std::unique_ptr<staff::v1::StaffService::Stub> FaultClients::Staff() const {
  return staff::v1::StaffService::NewStub(channel_);
}
std::unique_ptr<advocacy::v1::AdvocacyService::Stub> FaultClients::Advocacy()
    const {
  return advocacy::v1::AdvocacyService::NewStub(channel_);
}
std::unique_ptr<engagement::v1::EngagementService::Stub>
FaultClients::Engagement() const {
  return engagement::v1::EngagementService::NewStub(channel_);
}
std::unique_ptr<transparency::v1::TransparencyService::Stub>
FaultClients::Transparency() const {
  return transparency::v1::TransparencyService::NewStub(channel_);
}

std::string FaultClients::Token(const std::string& org_id,
                                const std::string& subject,
                                std::vector<Role> roles) const {
  TokenClaims claims;
  claims.subject = subject;
  claims.organization_id = org_id;
  claims.roles = std::move(roles);
  claims.ttl = absl::Hours(2);
  auto token = MintHs256Token(claims, secret_);
  return token.ok() ? *token : "";
}

std::unique_ptr<grpc::ClientContext> FaultClients::Context(
    const std::string& token, std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

grpc::Status FaultClients::ListPosts(
    const AdvocateOrg& org, advocacy::v1::ListPostsResponse* out) const {
  advocacy::v1::ListPostsRequest request;
  request.set_parent(org.name);
  request.set_page_size(1000);
  return Advocacy()->ListPosts(Context(org.admin_token).get(), request, out);
}

grpc::Status FaultClients::ListDecisions(
    const AdvocateOrg& org,
    transparency::v1::ListDecisionsResponse* out) const {
  transparency::v1::ListDecisionsRequest request;
  request.set_parent(org.name);
  request.set_page_size(1000);
  return Transparency()->ListDecisions(Context(org.admin_token).get(), request,
                                       out);
}

grpc::Status FaultClients::VerifyAuditLog(
    const AdvocateOrg& org,
    transparency::v1::VerifyAuditLogResponse* out) const {
  transparency::v1::VerifyAuditLogRequest request;
  request.set_parent(org.name);
  return Transparency()->VerifyAuditLog(Context(org.admin_token).get(), request,
                                        out);
}

absl::StatusOr<AdvocateOrg> FaultClients::MakeOrg(const std::string& prefix,
                                                  int advocates) const {
  AdvocateOrg org;
  org.id = UniqueId(prefix);
  org.name = "organizations/" + org.id;
  auto staff = Staff();

  staffpb::CreateOrganizationRequest create;
  create.set_organization_id(org.id);
  create.mutable_organization()->set_display_name("Faults " + org.id);
  create.mutable_first_admin()->set_employee_id("admin");
  create.mutable_first_admin()->set_display_name("Ada Admin");
  create.mutable_first_admin()->set_email("admin@" + org.id + ".example");
  create.set_request_id("create-" + org.id);
  staffpb::Organization created;
  const std::string operator_token =
      Token("", "operator-" + org.id, {Role::kOperator});
  // Retried: the server may still be settling after a fault.
  grpc::Status status;
  for (int attempt = 0; attempt < 20; ++attempt) {
    status = staff->CreateOrganization(Context(operator_token).get(), create,
                                       &created);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  if (!status.ok()) return ToStatus(status, "CreateOrganization");
  org.admin_token =
      Token(org.id, created.founding_admin(), {Role::kAdmin, Role::kEmployee});

  staffpb::ImportStaffMembersResponse imported;
  {
    auto context = Context(org.admin_token);
    auto writer = staff->ImportStaffMembers(context.get(), &imported);
    staffpb::ImportStaffMembersRequest request;
    request.set_parent(org.name);
    for (int i = 0; i < advocates; ++i) {
      auto* row = request.add_rows();
      row->set_employee_id(absl::StrCat("adv", i));
      row->set_display_name(absl::StrCat("Advocate ", i));
      row->set_email(absl::StrCat("adv", i, "@", org.id, ".example"));
      row->set_department("Engineering");
    }
    writer->Write(request);
    writer->WritesDone();
    status = writer->Finish();
  }
  if (!status.ok()) return ToStatus(status, "ImportStaffMembers");
  if (imported.created_count() != advocates) {
    return absl::InternalError(
        absl::StrCat("ImportStaffMembers created ", imported.created_count()));
  }

  staffpb::ListStaffMembersRequest list;
  list.set_parent(org.name);
  list.set_page_size(1000);
  staffpb::ListStaffMembersResponse listed;
  status =
      staff->ListStaffMembers(Context(org.admin_token).get(), list, &listed);
  if (!status.ok()) return ToStatus(status, "ListStaffMembers");
  for (const staffpb::StaffMember& member : listed.staff_members()) {
    if (member.name() == created.founding_admin()) continue;
    Advocate advocate;
    advocate.org_id = org.id;
    advocate.org_name = org.name;
    advocate.name = member.name();
    advocate.employee_id = member.employee_id();
    advocate.token = Token(org.id, member.name(), {Role::kEmployee});

    staffpb::UpdateStaffMemberRequest update;
    staffpb::StaffMember* change = update.mutable_staff_member();
    change->set_name(member.name());
    change->set_advocacy_consent(true);
    auto* account = change->add_social_accounts();
    account->set_network(common::v1::LINKEDIN);
    account->set_handle(
        absl::AsciiStrToLower(member.employee_id() + "-" + org.id));
    update.mutable_update_mask()->add_paths("advocacy_consent");
    update.mutable_update_mask()->add_paths("social_accounts");
    staffpb::StaffMember updated;
    status = staff->UpdateStaffMember(Context(advocate.token).get(), update,
                                      &updated);
    if (!status.ok()) return ToStatus(status, "UpdateStaffMember");
    org.advocates.push_back(std::move(advocate));
  }
  if (static_cast<int>(org.advocates.size()) != advocates) {
    return absl::InternalError(
        absl::StrCat("listed ", org.advocates.size(), " advocates"));
  }
  return org;
}

std::string UniqueApprovableText(uint64_t seed) {
  static constexpr const char* kWords[] = {
      "team",    "search",   "faster",  "customers", "shipped",  "week",
      "proud",   "testing",  "month",   "release",   "feature",  "office",
      "coffee",  "people",   "kind",    "learned",   "design",   "review",
      "launch",  "mobile",   "garden",  "river",     "morning",  "project",
      "support", "writing",  "music",   "planning",  "friends",  "energy",
      "library", "students", "winter",  "summer",    "journey",  "careful",
      "bright",  "simple",   "quiet",   "honest",    "curious",  "patient",
      "metrics", "privacy",  "weekend", "mentoring", "hiring",   "reading",
      "bicycle", "kitchen",  "travel",  "ocean",     "mountain", "village",
      "answers", "storage",  "network", "painting",  "windows",  "clouds",
      "puzzle",  "lantern",  "harbor",  "meadow"};
  std::mt19937_64 random(seed * 0x9E3779B97F4A7C15ULL + 12345);
  std::string text = "#ad";
  for (int i = 0; i < 30; ++i) {
    absl::StrAppend(&text, " ",
                    kWords[random() % (sizeof(kWords) / sizeof(kWords[0]))]);
  }
  return text + ".";
}

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ",
                      status.error_message());
}

}  // namespace candor::testing
