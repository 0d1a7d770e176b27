// The callers of the authorization tables: every kind of caller a method of
// an organization can have (no token, broken tokens, another organization's
// admin, the organization's employees, reviewer and admin, an operator and a
// service of the organization), their display names, and their tokens for
// one organization (TableCallers, which makes the people they need).
#ifndef CANDOR_TESTS_SUPPORT_TEST_CALLERS_H_
#define CANDOR_TESTS_SUPPORT_TEST_CALLERS_H_

#include <map>
#include <string>

#include "tests/support/test_server.h"

namespace candor::testing {

enum class CallerKind {
  kNoToken,
  kExpired,       // an admin token of the organization, expired
  kBadSignature,  // an admin token of the organization, signed by others
  kHs512,         // an admin token of the organization, HS512
  kAlgNone,       // an unsigned admin token of the organization
  kOtherOrgAdmin,
  kEmployee,      // an employee of the org (acting on someone else)
  kEmployeeSelf,  // the same employee acting on themself
  kReviewer,
  kAdmin,
  kOperator,
  kService,  // role service, org claim = the organization
};

// Every kind, in declaration order.
inline constexpr CallerKind kAllCallerKinds[] = {
    CallerKind::kNoToken,      CallerKind::kExpired,
    CallerKind::kBadSignature, CallerKind::kHs512,
    CallerKind::kAlgNone,      CallerKind::kOtherOrgAdmin,
    CallerKind::kEmployee,     CallerKind::kEmployeeSelf,
    CallerKind::kReviewer,     CallerKind::kAdmin,
    CallerKind::kOperator,     CallerKind::kService};

// "no token", "employee (on self)", ... for failure messages.
const char* CallerName(CallerKind kind);

// Tokens of a staff member with the roles their kind of caller has.
std::string EmployeeToken(const staffpb::StaffMember& member);
std::string ReviewerToken(const staffpb::StaffMember& member);
// A token of a service (role service) of `org`.
std::string ServiceToken(const TestServer::Organization& org,
                         const std::string& subject = "services/advocacy");

// What MakeTableCallers creates.
struct CallerOptions {
  std::string other_prefix = "other";  // of the other organization
  std::string employee_id = "E1";
  std::string employee_department = "Engineering";
  std::string reviewer_id = "R1";
  std::string reviewer_department = "Engineering";
  std::string service_subject = "services/advocacy";
};

// Every kind of caller of one organization, with its token.
struct TableCallers {
  TestServer::Organization org;              // the organization acted on
  TestServer::Organization other;            // someone else's (kOtherOrgAdmin)
  staffpb::StaffMember employee;             // kEmployee and kEmployeeSelf
  staffpb::StaffMember reviewer;             // kReviewer
  std::map<CallerKind, std::string> tokens;  // every kind; "" for kNoToken

  const std::string& TokenFor(CallerKind kind) const { return tokens.at(kind); }
};

// Creates, in this order, another organization, an employee and a reviewer of
// `org` (through TestServer; failures fail the test) and mints a token for
// every kind of caller.
TableCallers MakeTableCallers(const TestServer::Organization& org,
                              const CallerOptions& options = {});

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_CALLERS_H_
