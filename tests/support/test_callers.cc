#include "tests/support/test_callers.h"

#include <jwt.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace candor::testing {
namespace {

TokenClaims AdminClaims(const TestServer::Organization& org) {
  TokenClaims claims;
  claims.subject = org.admin_name;
  claims.organization_id = org.id;
  claims.roles = {Role::kEmployee, Role::kAdmin};
  return claims;
}

std::string GrantsJson(const TestServer::Organization& org) {
  return absl::StrCat(R"({"sub":")", org.admin_name, R"(","org":")", org.id,
                      R"(","roles":["employee","admin"],"exp":)",
                      absl::ToUnixSeconds(absl::Now() + absl::Hours(1)), "}");
}

// An admin token of `org` signed with the right secret, but HS512.
std::string Hs512Token(const TestServer::Organization& org) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, GrantsJson(org).c_str()), 0);
  const std::string secret = kTestJwtSecret;
  EXPECT_EQ(jwt_set_alg(jwt, JWT_ALG_HS512,
                        reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())),
            0);
  char* encoded = jwt_encode_str(jwt);
  jwt_free(jwt);
  std::string token = encoded == nullptr ? "" : encoded;
  free(encoded);
  EXPECT_FALSE(token.empty());
  return token;
}

// An unsigned admin token of `org`: {"alg":"none"}.
std::string AlgNoneToken(const TestServer::Organization& org) {
  return absl::StrCat(
      absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})"), ".",
      absl::WebSafeBase64Escape(GrantsJson(org)), ".");
}

}  // namespace

const char* CallerName(CallerKind kind) {
  switch (kind) {
    case CallerKind::kNoToken:
      return "no token";
    case CallerKind::kExpired:
      return "expired token";
    case CallerKind::kBadSignature:
      return "bad signature";
    case CallerKind::kHs512:
      return "HS512 token";
    case CallerKind::kAlgNone:
      return "alg none token";
    case CallerKind::kOtherOrgAdmin:
      return "other organization's admin";
    case CallerKind::kEmployee:
      return "employee";
    case CallerKind::kEmployeeSelf:
      return "employee (on self)";
    case CallerKind::kReviewer:
      return "reviewer";
    case CallerKind::kAdmin:
      return "admin";
    case CallerKind::kOperator:
      return "operator";
    case CallerKind::kService:
      return "service of the organization";
  }
  return "?";
}

std::string EmployeeToken(const staffpb::StaffMember& member) {
  return TestServer::StaffToken(member.name(), {Role::kEmployee});
}

std::string ReviewerToken(const staffpb::StaffMember& member) {
  return TestServer::StaffToken(member.name(),
                                {Role::kEmployee, Role::kReviewer});
}

std::string ServiceToken(const TestServer::Organization& org,
                         const std::string& subject) {
  TokenClaims claims;
  claims.subject = subject;
  claims.organization_id = org.id;
  claims.roles = {Role::kService};
  return *MintHs256Token(claims, kTestJwtSecret);
}

TableCallers MakeTableCallers(const TestServer::Organization& org,
                              const CallerOptions& options) {
  TestServer& server = TestServer::Get();
  TableCallers callers;
  callers.org = org;
  callers.other = server.CreateOrganization(options.other_prefix);
  callers.employee = server.CreateStaff(org, options.employee_id, {},
                                        options.employee_department);
  callers.reviewer = server.CreateStaff(org, options.reviewer_id,
                                        {staffpb::StaffMember::REVIEWER},
                                        options.reviewer_department);

  TokenClaims expired = AdminClaims(org);
  expired.ttl = absl::Minutes(5);

  std::map<CallerKind, std::string>& tokens = callers.tokens;
  tokens[CallerKind::kNoToken] = "";
  tokens[CallerKind::kExpired] =
      *MintHs256Token(expired, kTestJwtSecret, absl::Now() - absl::Hours(1));
  tokens[CallerKind::kBadSignature] =
      *MintHs256Token(AdminClaims(org), std::string(40, 'x'));
  tokens[CallerKind::kHs512] = Hs512Token(org);
  tokens[CallerKind::kAlgNone] = AlgNoneToken(org);
  tokens[CallerKind::kOtherOrgAdmin] = callers.other.admin_token;
  tokens[CallerKind::kEmployee] = EmployeeToken(callers.employee);
  tokens[CallerKind::kEmployeeSelf] = tokens[CallerKind::kEmployee];
  tokens[CallerKind::kReviewer] = ReviewerToken(callers.reviewer);
  tokens[CallerKind::kAdmin] = org.admin_token;
  tokens[CallerKind::kOperator] = TestServer::OperatorToken();
  tokens[CallerKind::kService] = ServiceToken(org, options.service_subject);
  return callers;
}

}  // namespace candor::testing
