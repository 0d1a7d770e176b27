// Clients for fault tests (crash_safety_test, db_outage_test): gRPC stubs
// to an E2eServer (candord as a child process) over a channel that
// reconnects quickly after the server comes back, tokens minted from the
// server's own secret, and organizations of advocates (consenting staff
// members with a linked LinkedIn account) made through the API.
//
// Fault tests spread their load over many advocates, each making a handful
// of calls, so that per-caller limits do not shape what they measure.
#ifndef CANDOR_TESTS_SUPPORT_FAULT_CLIENTS_H_
#define CANDOR_TESTS_SUPPORT_FAULT_CLIENTS_H_

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "services/common/auth.h"
#include "tests/support/e2e.h"

namespace candor::testing {

// A staff member who may post and share, with an employee token.
struct Advocate {
  std::string org_id;    // "crash-123-4"
  std::string org_name;  // "organizations/crash-123-4"
  std::string name;      // "organizations/crash-123-4/staffMembers/..."
  std::string employee_id;
  std::string token;
};

struct AdvocateOrg {
  std::string id;
  std::string name;
  std::string admin_token;  // ADMIN and EMPLOYEE of the organization
  std::vector<Advocate> advocates;
};

class FaultClients {
 public:
  // For `server`, which must be started (its secret file is read here).
  explicit FaultClients(const E2eServer& server);
  // For whatever serves `address` (a load balancer in front of replicas)
  // with tokens signed by the HS256 secret in `jwt_secret_file`.
  FaultClients(const std::string& address, const std::string& jwt_secret_file);

  std::unique_ptr<staff::v1::StaffService::Stub> Staff() const;
  std::unique_ptr<advocacy::v1::AdvocacyService::Stub> Advocacy() const;
  std::unique_ptr<engagement::v1::EngagementService::Stub> Engagement() const;
  std::unique_ptr<transparency::v1::TransparencyService::Stub> Transparency()
      const;
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // A token signed with the server's secret.
  std::string Token(const std::string& org_id, const std::string& subject,
                    std::vector<Role> roles) const;

  // A context carrying `token` with a deadline `timeout` from now.
  static std::unique_ptr<grpc::ClientContext> Context(
      const std::string& token,
      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // As the admin of `org`: its posts and its decisions (one page of up to
  // 1000), and VerifyAuditLog's verdict on its audit chain.
  grpc::Status ListPosts(const AdvocateOrg& org,
                         advocacy::v1::ListPostsResponse* out) const;
  grpc::Status ListDecisions(
      const AdvocateOrg& org,
      transparency::v1::ListDecisionsResponse* out) const;
  grpc::Status VerifyAuditLog(
      const AdvocateOrg& org,
      transparency::v1::VerifyAuditLogResponse* out) const;

  // Creates an organization (id from UniqueId(prefix); an operator of its
  // own makes it) and `advocates` staff members in it (one import), each of
  // whom consents to advocacy and links a LinkedIn account.
  absl::StatusOr<AdvocateOrg> MakeOrg(const std::string& prefix,
                                      int advocates) const;

 private:
  std::string secret_;
  std::shared_ptr<grpc::Channel> channel_;
};

// Text that every rule of the default ruleset approves and that shares few
// word triples with any other `seed` (the no-coordination rule sends posts
// that resemble other people's to review).
std::string UniqueApprovableText(uint64_t seed);

// The message of a failed status, for assertion messages.
std::string Describe(const grpc::Status& status);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_FAULT_CLIENTS_H_
