#include "tests/bench/load/load_context.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"

namespace candor::load {

LoadContext::LoadContext(std::string address, std::string jwt_secret,
                         uint64_t seed, bench::Dataset dataset,
                         ScenarioFlags flags)
    : address_(std::move(address)),
      jwt_secret_(std::move(jwt_secret)),
      seed_(seed),
      dataset_(std::move(dataset)),
      flags_(flags),
      org_name_(absl::StrCat("organizations/", dataset_.organization_id)) {}

std::string LoadContext::StaffName(const std::string& staff_id) const {
  return absl::StrCat(org_name_, "/staffMembers/", staff_id);
}

namespace {

absl::StatusOr<std::string> Mint(const std::string& secret,
                                 const std::string& subject,
                                 const std::string& org,
                                 const std::vector<std::string>& roles) {
  TokenClaims claims;
  claims.subject = subject;
  claims.organization_id = org;
  for (const std::string& role : roles) {
    absl::StatusOr<Role> parsed = ParseRoleClaim(role);
    if (!parsed.ok()) return parsed.status();
    claims.roles.push_back(*parsed);
  }
  // Longer than any run, so no token expires mid-measurement.
  claims.ttl = absl::Hours(2);
  absl::StatusOr<std::string> token = MintHs256Token(claims, secret);
  if (!token.ok()) return token.status();
  return absl::StrCat("Bearer ", *token);
}

}  // namespace

const std::string& LoadContext::Cached(const std::string& key,
                                       const std::string& subject,
                                       const std::string& org,
                                       const std::vector<std::string>& roles) {
  auto it = tokens_.find(key);
  if (it != tokens_.end()) return it->second;
  absl::StatusOr<std::string> token = Mint(jwt_secret_, subject, org, roles);
  if (!token.ok()) {
    // Minting fails only for a bad secret, which main checks first.
    std::fprintf(stderr, "candor_load: cannot mint a token: %s\n",
                 token.status().ToString().c_str());
    std::exit(2);
  }
  return tokens_.emplace(key, *std::move(token)).first->second;
}

const std::string& LoadContext::EmployeeAuth(const std::string& staff_id) {
  return Cached(absl::StrCat("employee:", staff_id), StaffName(staff_id),
                dataset_.organization_id, {"employee"});
}

const std::string& LoadContext::AdminAuth() {
  return Cached("admin", StaffName(dataset_.admin_staff_id),
                dataset_.organization_id, {"employee", "reviewer", "admin"});
}

const std::string& LoadContext::OperatorAuth() {
  return Cached("operator", "operator", "", {"operator"});
}

const std::string& LoadContext::ServiceAuth() {
  return Cached("service", "candor-load", dataset_.organization_id,
                {"service"});
}

absl::StatusOr<std::string> LoadContext::MintStaffAuth(
    const std::string& org, const std::string& staff_id, bool admin) {
  std::vector<std::string> roles = {"employee"};
  if (admin) {
    roles.push_back("reviewer");
    roles.push_back("admin");
  }
  return Mint(jwt_secret_,
              absl::StrCat("organizations/", org, "/staffMembers/", staff_id),
              org, roles);
}

std::shared_ptr<grpc::Channel> LoadContext::setup_channel() {
  if (setup_channel_ == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    setup_channel_ = grpc::CreateCustomChannel(
        address_, grpc::InsecureChannelCredentials(), args);
  }
  return setup_channel_;
}

std::unique_ptr<grpc::ClientContext> LoadContext::SetupContext(
    const std::string& auth, absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(deadline));
  if (!auth.empty()) context->AddMetadata("authorization", auth);
  return context;
}

}  // namespace candor::load
