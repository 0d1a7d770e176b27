// An in-process Candor server for integration tests: every service, wired
// as candord wires them (ServiceHost), on a real gRPC port (127.0.0.1, chosen
// by the kernel) over the test database, with tokens minted from a test
// secret. Shared by the tests of one binary
// (TestServer::Get()); each test makes its own organization. Thread-safe.
#ifndef CANDOR_TESTS_SUPPORT_TEST_SERVER_H_
#define CANDOR_TESTS_SUPPORT_TEST_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "services/candord/service_host.h"
#include "services/common/access_log.h"
#include "services/common/auth.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "tests/support/matchers.h"
#include "tests/support/proto_namespaces.h"

namespace candor::testing {

// The HS256 secret the test server trusts.
inline constexpr char kTestJwtSecret[] =
    "test-secret-test-secret-test-secret-0123";

// One in-process host over the test database, trusting the test secret and
// sealing page tokens with the test key, so its tokens and page tokens work
// on any other TestHost: TestServer's, or another replica over the same
// database (a restarted server, a second replica). Dies when it cannot
// start.
class TestHost {
 public:
  // Hosts `services`; `adjust` may change the options before the start.
  explicit TestHost(std::vector<std::string> services,
                    const std::function<void(HostOptions&)>& adjust = nullptr);
  TestHost(const TestHost&) = delete;
  TestHost& operator=(const TestHost&) = delete;

  ServiceHost& host() { return *host_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

 private:
  std::unique_ptr<TokenVerifier> verifier_;
  AccessLog access_log_{nullptr};
  std::unique_ptr<PageTokenCodec> page_tokens_;
  std::unique_ptr<ServiceTokenSource> service_tokens_;
  std::unique_ptr<ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

class TestServer {
 public:
  static TestServer& Get();
  // Changes the options the server starts with (production defaults
  // otherwise, e.g. the rate limits). Only before the first Get(): a test
  // binary that needs other limits calls it from a static initializer.
  static void Configure(std::function<void(HostOptions&)> adjust);

  std::shared_ptr<grpc::Channel> channel() { return host_.channel(); }
  std::unique_ptr<staffpb::StaffService::Stub> StaffStub();
  std::unique_ptr<valuespb::ValuesService::Stub> ValuesStub();
  std::unique_ptr<advocacypb::AdvocacyService::Stub> AdvocacyStub();
  std::unique_ptr<engagementpb::EngagementService::Stub> EngagementStub();
  // The tracking-link HTTP endpoint's port (on 127.0.0.1).
  int tracking_port() { return host_.host().tracking_port(); }
  // The server's metrics, as GET /metrics would show them.
  std::string MetricsText() { return host_.host().metrics().Render(); }

  // Tokens signed with kTestJwtSecret, valid for an hour.
  static std::string OperatorToken();
  static std::string StaffToken(const std::string& staff_name,
                                std::vector<Role> roles);
  // A client context carrying `token` (none when empty) and a 10 s deadline.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token);

  struct Organization {
    std::string id;          // "org-123-4"
    std::string name;        // "organizations/org-123-4"
    std::string admin_name;  // the founding admin's resource name
    std::string admin_token;
  };
  // Creates a new organization with a founding admin through the API.
  Organization CreateOrganization(const std::string& prefix = "org");

  // Creates a staff member of `department` with `roles`
  // as the organization's admin; fails the test on error.
  staffpb::StaffMember CreateStaff(
      const Organization& org, const std::string& employee_id,
      std::vector<staffpb::StaffMember::Role> roles = {},
      const std::string& department = "Engineering");

 private:
  TestServer();

  TestHost host_;
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_SERVER_H_
