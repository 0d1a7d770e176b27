#include "tests/support/test_server.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

void DieUnless(const absl::Status& status, const char* what) {
  if (status.ok()) return;
  std::cerr << "test server: " << what << ": " << status << "\n";
  std::abort();
}

// What Configure asked for, applied when the server starts.
std::function<void(HostOptions&)>& Adjustment() {
  static auto* const adjust = new std::function<void(HostOptions&)>();
  return *adjust;
}

}  // namespace

void TestServer::Configure(std::function<void(HostOptions&)> adjust) {
  Adjustment() = std::move(adjust);
}

TestServer& TestServer::Get() {
  static TestServer* const server = new TestServer();
  return *server;
}

TestHost::TestHost(std::vector<std::string> services,
                   const std::function<void(HostOptions&)>& adjust) {
  const db::ConnectionOptions& database = TestDatabase::Get().options();
  DieUnless(ServiceHost::Migrate(database, ServiceHost::KnownServices()),
            "migrate");
  verifier_ = *TokenVerifier::ForHs256Secret(kTestJwtSecret);
  page_tokens_ = std::make_unique<PageTokenCodec>("test page token key");
  service_tokens_ =
      ServiceTokenSource::MintingWith(kTestJwtSecret, "service:candord-test");

  HostOptions options;
  options.services = std::move(services);
  options.server.listen_address = "127.0.0.1:0";
  options.database = database;
  options.pool_size = 4;
  options.verifier = verifier_.get();
  options.access_log = &access_log_;
  options.page_tokens = page_tokens_.get();
  options.service_tokens = service_tokens_.get();
  options.tracking_listen = "127.0.0.1:0";
  if (adjust) adjust(options);
  auto host = ServiceHost::Start(options);
  DieUnless(host.status(), "start");
  host_ = *std::move(host);
  host_->RefreshHealth();
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                 grpc::InsecureChannelCredentials());
}

TestServer::TestServer() : host_(ServiceHost::KnownServices(), Adjustment()) {}

std::unique_ptr<staffpb::StaffService::Stub> TestServer::StaffStub() {
  return staffpb::StaffService::NewStub(channel());
}

std::unique_ptr<valuespb::ValuesService::Stub> TestServer::ValuesStub() {
  return valuespb::ValuesService::NewStub(channel());
}

std::unique_ptr<advocacypb::AdvocacyService::Stub> TestServer::AdvocacyStub() {
  return advocacypb::AdvocacyService::NewStub(channel());
}

std::unique_ptr<engagementpb::EngagementService::Stub>
TestServer::EngagementStub() {
  return engagementpb::EngagementService::NewStub(channel());
}

std::string TestServer::OperatorToken() {
  TokenClaims claims;
  claims.subject = "operator";
  claims.roles = {Role::kOperator};
  return *MintHs256Token(claims, kTestJwtSecret);
}

std::string TestServer::StaffToken(const std::string& staff_name,
                                   std::vector<Role> roles) {
  TokenClaims claims;
  claims.subject = staff_name;
  // organizations/{org}/staffMembers/{id}
  const size_t start = staff_name.find('/') + 1;
  claims.organization_id =
      staff_name.substr(start, staff_name.find('/', start) - start);
  claims.roles = std::move(roles);
  return *MintHs256Token(claims, kTestJwtSecret);
}

std::unique_ptr<grpc::ClientContext> TestServer::Context(
    const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  return context;
}

TestServer::Organization TestServer::CreateOrganization(
    const std::string& prefix) {
  Organization org;
  org.id = UniqueId(prefix);
  org.name = absl::StrCat("organizations/", org.id);
  staffpb::CreateOrganizationRequest request;
  request.set_organization_id(org.id);
  request.mutable_organization()->set_display_name("Test Company " + org.id);
  request.mutable_first_admin()->set_employee_id("A0001");
  request.mutable_first_admin()->set_display_name("First Admin");
  request.mutable_first_admin()->set_email("admin@" + org.id + ".example");
  // Each organization made by an operator of its own, so that a binary
  // with tight rate limits (limits_integration_test) makes as many as it
  // needs.
  TokenClaims operator_claims;
  operator_claims.subject = UniqueId("operator");
  operator_claims.roles = {Role::kOperator};
  staffpb::Organization response;
  grpc::Status status = StaffStub()->CreateOrganization(
      Context(*MintHs256Token(operator_claims, kTestJwtSecret)).get(), request,
      &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  org.admin_name = response.founding_admin();
  org.admin_token = StaffToken(org.admin_name, {Role::kEmployee, Role::kAdmin});
  return org;
}

staffpb::StaffMember TestServer::CreateStaff(
    const Organization& org, const std::string& employee_id,
    std::vector<staffpb::StaffMember::Role> roles,
    const std::string& department) {
  staffpb::CreateStaffMemberRequest request;
  request.set_parent(org.name);
  staffpb::StaffMember* member = request.mutable_staff_member();
  member->set_employee_id(employee_id);
  member->set_display_name("Person " + employee_id);
  member->set_email(employee_id + "@" + org.id + ".example");
  member->set_department(department);
  for (auto role : roles) member->add_roles(role);
  staffpb::StaffMember response;
  grpc::Status status = StaffStub()->CreateStaffMember(
      Context(org.admin_token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

}  // namespace candor::testing
