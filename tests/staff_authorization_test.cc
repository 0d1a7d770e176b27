// Authorization of every StaffService method, as a table: each method is
// called by every kind of caller (no token, broken tokens, another
// organization's admin, the organization's employees, reviewer and admin, an
// operator and a service) and must answer the code the contract promises
// (API.md "Auth", services/common/authz.h):
//
//   missing or invalid token                    -> UNAUTHENTICATED
//   a resource of another organization          -> NOT_FOUND (never a hint)
//   a valid caller of the organization without
//   the role (or an operator outside an org)    -> PERMISSION_DENIED
//   an allowed caller                           -> OK and the expected result
//
// Real server, real gRPC, real MariaDB (tests/support).
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using grpc::StatusCode;

enum class Method {
  kCreateOrganization,
  kGetOrganization,
  kCreateStaffMember,
  kGetStaffMember,
  kListStaffMembers,
  kUpdateSelfField,   // UpdateStaffMember of `bio`
  kUpdateAdminField,  // UpdateStaffMember of `department`
  kDeactivateStaffMember,
  kImportStaffMembers,
};

// The kinds of caller (tests/support/test_callers.h).
using Who = CallerKind;

const char* MethodName(Method m) {
  switch (m) {
    case Method::kCreateOrganization: return "CreateOrganization";
    case Method::kGetOrganization: return "GetOrganization";
    case Method::kCreateStaffMember: return "CreateStaffMember";
    case Method::kGetStaffMember: return "GetStaffMember";
    case Method::kListStaffMembers: return "ListStaffMembers";
    case Method::kUpdateSelfField: return "UpdateStaffMember(bio)";
    case Method::kUpdateAdminField: return "UpdateStaffMember(department)";
    case Method::kDeactivateStaffMember: return "DeactivateStaffMember";
    case Method::kImportStaffMembers: return "ImportStaffMembers";
  }
  return "?";
}

struct Case {
  Method method;
  Who who;
  StatusCode expected;
};

// --- fixtures ---------------------------------------------------------------

std::string NextEmployeeId(const std::string& prefix) {
  static int counter = 0;
  return absl::StrCat(prefix, ++counter);
}

struct Fixture {
  TestServer::Organization org;    // the organization acted on
  TableCallers callers;            // every kind of caller, with a token
  staffpb::StaffMember colleague;  // the "other person" of read cases

  Fixture() {
    TestServer& server = TestServer::Get();
    org = server.CreateOrganization("authz");
    CallerOptions options;
    options.other_prefix = "authz-other";
    options.employee_id = NextEmployeeId("E");
    options.reviewer_id = NextEmployeeId("R");
    callers = MakeTableCallers(org, options);
    colleague = server.CreateStaff(org, NextEmployeeId("C"));
  }

  // The staff member a call acts on: the caller themself for kEmployeeSelf,
  // else a fresh person (so that a call that wrongly succeeds changes no
  // other case) or the shared colleague for reads.
  std::string Target(Who who, bool fresh) {
    if (who == Who::kEmployeeSelf) return callers.employee.name();
    if (!fresh) return colleague.name();
    return TestServer::Get().CreateStaff(org, NextEmployeeId("T")).name();
  }
};

// --- one function per method ------------------------------------------------

grpc::Status CallCreateOrganization(Fixture&, Who, const std::string& token) {
  staffpb::CreateOrganizationRequest request;
  request.set_organization_id(UniqueId("authz-new"));
  request.mutable_organization()->set_display_name("New Company");
  request.mutable_first_admin()->set_employee_id("A1");
  request.mutable_first_admin()->set_display_name("Founder");
  request.mutable_first_admin()->set_email("founder@new.example");
  staffpb::Organization response;
  grpc::Status status = TestServer::Get().StaffStub()->CreateOrganization(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.name(), "organizations/" + request.organization_id());
    EXPECT_FALSE(response.founding_admin().empty());
  }
  return status;
}

grpc::Status CallGetOrganization(Fixture& fx, Who, const std::string& token) {
  staffpb::GetOrganizationRequest request;
  request.set_name(fx.org.name);
  staffpb::Organization response;
  grpc::Status status = TestServer::Get().StaffStub()->GetOrganization(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.name(), fx.org.name);
    EXPECT_EQ(response.founding_admin(), fx.org.admin_name);
  }
  return status;
}

grpc::Status CallCreateStaffMember(Fixture& fx, Who, const std::string& token) {
  const std::string employee_id = NextEmployeeId("N");
  staffpb::CreateStaffMemberRequest request;
  request.set_parent(fx.org.name);
  request.mutable_staff_member()->set_employee_id(employee_id);
  request.mutable_staff_member()->set_display_name("New Person");
  request.mutable_staff_member()->set_email(employee_id + "@new.example");
  staffpb::StaffMember response;
  grpc::Status status = TestServer::Get().StaffStub()->CreateStaffMember(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.name().rfind(fx.org.name + "/staffMembers/", 0), 0u)
        << response.name();
    EXPECT_EQ(response.employee_id(), employee_id);
  }
  return status;
}

grpc::Status CallGetStaffMember(Fixture& fx, Who who, const std::string& token) {
  staffpb::GetStaffMemberRequest request;
  request.set_name(fx.Target(who, /*fresh=*/false));
  staffpb::StaffMember response;
  grpc::Status status = TestServer::Get().StaffStub()->GetStaffMember(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.name(), request.name());
    // Email is private: the person themself and admins only.
    const bool private_view = who == Who::kEmployeeSelf || who == Who::kAdmin;
    EXPECT_EQ(response.email().empty(), !private_view) << response.email();
  }
  return status;
}

grpc::Status CallListStaffMembers(Fixture& fx, Who, const std::string& token) {
  staffpb::ListStaffMembersRequest request;
  request.set_parent(fx.org.name);
  request.set_page_size(1000);
  staffpb::ListStaffMembersResponse response;
  grpc::Status status = TestServer::Get().StaffStub()->ListStaffMembers(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_GE(response.staff_members_size(), 4);
  }
  return status;
}

grpc::Status CallUpdate(Fixture& fx, Who who, const std::string& token,
                        const std::string& path) {
  staffpb::UpdateStaffMemberRequest request;
  request.mutable_staff_member()->set_name(fx.Target(who, /*fresh=*/true));
  const std::string value = NextEmployeeId("value-");
  if (path == "bio") request.mutable_staff_member()->set_bio(value);
  if (path == "department") request.mutable_staff_member()->set_department(value);
  request.mutable_update_mask()->add_paths(path);
  staffpb::StaffMember response;
  grpc::Status status = TestServer::Get().StaffStub()->UpdateStaffMember(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_EQ(path == "bio" ? response.bio() : response.department(), value);
  }
  return status;
}

grpc::Status CallUpdateSelfField(Fixture& fx, Who who, const std::string& token) {
  return CallUpdate(fx, who, token, "bio");
}

grpc::Status CallUpdateAdminField(Fixture& fx, Who who, const std::string& token) {
  return CallUpdate(fx, who, token, "department");
}

grpc::Status CallDeactivateStaffMember(Fixture& fx, Who who,
                                       const std::string& token) {
  staffpb::DeactivateStaffMemberRequest request;
  request.set_name(fx.Target(who, /*fresh=*/true));
  request.set_reason("left the company");
  staffpb::StaffMember response;
  grpc::Status status = TestServer::Get().StaffStub()->DeactivateStaffMember(
      TestServer::Context(token).get(), request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.state(), staffpb::StaffMember::INACTIVE);
  }
  return status;
}

grpc::Status CallImportStaffMembers(Fixture& fx, Who, const std::string& token) {
  const std::string employee_id = NextEmployeeId("I");
  staffpb::ImportStaffMembersRequest request;
  request.set_parent(fx.org.name);
  request.set_validate_only(true);  // nothing changes, even when allowed
  auto* row = request.add_rows();
  row->set_employee_id(employee_id);
  row->set_display_name("Imported Person");
  row->set_email(employee_id + "@import.example");
  staffpb::ImportStaffMembersResponse response;
  auto context = TestServer::Context(token);
  auto stub = TestServer::Get().StaffStub();
  auto writer = stub->ImportStaffMembers(context.get(), &response);
  writer->Write(request);  // false when the server already answered
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (status.ok()) {
    EXPECT_EQ(response.rows_total(), 1);
    EXPECT_EQ(response.created_count(), 1);
    EXPECT_EQ(response.errors_size(), 0);
    EXPECT_FALSE(response.applied());
  }
  return status;
}

using CallFn = std::function<grpc::Status(Fixture&, Who, const std::string&)>;

CallFn CallFor(Method m) {
  switch (m) {
    case Method::kCreateOrganization: return CallCreateOrganization;
    case Method::kGetOrganization: return CallGetOrganization;
    case Method::kCreateStaffMember: return CallCreateStaffMember;
    case Method::kGetStaffMember: return CallGetStaffMember;
    case Method::kListStaffMembers: return CallListStaffMembers;
    case Method::kUpdateSelfField: return CallUpdateSelfField;
    case Method::kUpdateAdminField: return CallUpdateAdminField;
    case Method::kDeactivateStaffMember: return CallDeactivateStaffMember;
    case Method::kImportStaffMembers: return CallImportStaffMembers;
  }
  return nullptr;
}

// --- the table --------------------------------------------------------------

constexpr Method kAllMethods[] = {
    Method::kCreateOrganization, Method::kGetOrganization,
    Method::kCreateStaffMember,  Method::kGetStaffMember,
    Method::kListStaffMembers,   Method::kUpdateSelfField,
    Method::kUpdateAdminField,   Method::kDeactivateStaffMember,
    Method::kImportStaffMembers};

std::vector<Case> Cases() {
  constexpr StatusCode OK = StatusCode::OK;
  constexpr StatusCode NF = StatusCode::NOT_FOUND;
  constexpr StatusCode PD = StatusCode::PERMISSION_DENIED;
  std::vector<Case> cases;
  // Every broken token is refused before anything else, for every method.
  for (Method m : kAllMethods) {
    for (Who w : {Who::kNoToken, Who::kExpired, Who::kBadSignature, Who::kHs512,
                  Who::kAlgNone}) {
      cases.push_back({m, w, StatusCode::UNAUTHENTICATED});
    }
  }
  const std::vector<Case> valid_callers = {
      // Operator only; it is not a call about an existing organization, so
      // everyone else with a valid token is simply not allowed.
      {Method::kCreateOrganization, Who::kOtherOrgAdmin, PD},
      {Method::kCreateOrganization, Who::kEmployee, PD},
      {Method::kCreateOrganization, Who::kReviewer, PD},
      {Method::kCreateOrganization, Who::kAdmin, PD},
      {Method::kCreateOrganization, Who::kOperator, OK},
      {Method::kCreateOrganization, Who::kService, PD},

      // Staff of the organization, services of it, and operators.
      {Method::kGetOrganization, Who::kOtherOrgAdmin, NF},
      {Method::kGetOrganization, Who::kEmployee, OK},
      {Method::kGetOrganization, Who::kReviewer, OK},
      {Method::kGetOrganization, Who::kAdmin, OK},
      {Method::kGetOrganization, Who::kOperator, OK},
      {Method::kGetOrganization, Who::kService, OK},

      // Admin only. A service of the org is a valid caller of the org
      // without the role: PERMISSION_DENIED (authz.h, API.md).
      {Method::kCreateStaffMember, Who::kOtherOrgAdmin, NF},
      {Method::kCreateStaffMember, Who::kEmployee, PD},
      {Method::kCreateStaffMember, Who::kReviewer, PD},
      {Method::kCreateStaffMember, Who::kAdmin, OK},
      {Method::kCreateStaffMember, Who::kOperator, PD},
      {Method::kCreateStaffMember, Who::kService, PD},

      // Any staff of the org (email only to self and admins), services of it.
      {Method::kGetStaffMember, Who::kOtherOrgAdmin, NF},
      {Method::kGetStaffMember, Who::kEmployee, OK},
      {Method::kGetStaffMember, Who::kEmployeeSelf, OK},
      {Method::kGetStaffMember, Who::kReviewer, OK},
      {Method::kGetStaffMember, Who::kAdmin, OK},
      {Method::kGetStaffMember, Who::kOperator, PD},
      {Method::kGetStaffMember, Who::kService, OK},

      {Method::kListStaffMembers, Who::kOtherOrgAdmin, NF},
      {Method::kListStaffMembers, Who::kEmployee, OK},
      {Method::kListStaffMembers, Who::kReviewer, OK},
      {Method::kListStaffMembers, Who::kAdmin, OK},
      {Method::kListStaffMembers, Who::kOperator, PD},
      {Method::kListStaffMembers, Who::kService, OK},

      // bio is the person's own: not even an admin changes someone else's.
      {Method::kUpdateSelfField, Who::kOtherOrgAdmin, NF},
      {Method::kUpdateSelfField, Who::kEmployee, PD},
      {Method::kUpdateSelfField, Who::kEmployeeSelf, OK},
      {Method::kUpdateSelfField, Who::kReviewer, PD},
      {Method::kUpdateSelfField, Who::kAdmin, PD},
      {Method::kUpdateSelfField, Who::kOperator, PD},
      {Method::kUpdateSelfField, Who::kService, PD},

      // department is an employment field: admins only, not the person.
      {Method::kUpdateAdminField, Who::kOtherOrgAdmin, NF},
      {Method::kUpdateAdminField, Who::kEmployee, PD},
      {Method::kUpdateAdminField, Who::kEmployeeSelf, PD},
      {Method::kUpdateAdminField, Who::kReviewer, PD},
      {Method::kUpdateAdminField, Who::kAdmin, OK},
      {Method::kUpdateAdminField, Who::kOperator, PD},
      {Method::kUpdateAdminField, Who::kService, PD},

      {Method::kDeactivateStaffMember, Who::kOtherOrgAdmin, NF},
      {Method::kDeactivateStaffMember, Who::kEmployee, PD},
      {Method::kDeactivateStaffMember, Who::kReviewer, PD},
      {Method::kDeactivateStaffMember, Who::kAdmin, OK},
      {Method::kDeactivateStaffMember, Who::kOperator, PD},
      {Method::kDeactivateStaffMember, Who::kService, PD},

      {Method::kImportStaffMembers, Who::kOtherOrgAdmin, NF},
      {Method::kImportStaffMembers, Who::kEmployee, PD},
      {Method::kImportStaffMembers, Who::kReviewer, PD},
      {Method::kImportStaffMembers, Who::kAdmin, OK},
      {Method::kImportStaffMembers, Who::kOperator, PD},
      {Method::kImportStaffMembers, Who::kService, PD},
  };
  cases.insert(cases.end(), valid_callers.begin(), valid_callers.end());
  return cases;
}

std::string CodeName(StatusCode code) { return std::string(GrpcCodeName(code)); }

TEST(StaffAuthorizationTest, EveryMethodForEveryCaller) {
  Fixture fx;
  ASSERT_FALSE(HasFailure()) << "fixtures could not be created";
  const std::vector<Case> cases = Cases();
  int mismatches = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(MethodName(c.method), " as ", CallerName(c.who)));
    const grpc::Status status = CallFor(c.method)(fx, c.who, fx.callers.TokenFor(c.who));
    if (status.error_code() != c.expected) ++mismatches;
    EXPECT_EQ(CodeName(status.error_code()), CodeName(c.expected))
        << MethodName(c.method) << " as " << CallerName(c.who) << ": got \""
        << status.error_message() << "\"";
    // The broken-token answers say why, under "authorization".
    if (c.expected == StatusCode::UNAUTHENTICATED) {
      EXPECT_EQ(status.error_message().rfind("authorization: ", 0), 0u)
          << status.error_message();
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << cases.size() << " cases";
}

// Every method has a row for every caller it can meaningfully have (the
// "self" caller only where there is a person to act on).
TEST(StaffAuthorizationTest, TableCoversEveryMethodAndCaller) {
  const std::vector<Case> cases = Cases();
  for (Method m : kAllMethods) {
    for (const Who who : kAllCallerKinds) {
      const bool self_applies = m == Method::kGetStaffMember ||
                                m == Method::kUpdateSelfField ||
                                m == Method::kUpdateAdminField;
      if (who == Who::kEmployeeSelf && !self_applies) continue;
      int rows = 0;
      for (const Case& c : cases) rows += c.method == m && c.who == who;
      EXPECT_EQ(rows, 1) << MethodName(m) << " as " << CallerName(who);
    }
  }
}

// A caller of another organization learns nothing: asking for an existing
// resource of organization A answers exactly like asking for a missing one in
// the caller's own organization B (same code, same message but the name).
TEST(StaffAuthorizationTest, OtherOrganizationLooksLikeNothing) {
  TestServer& server = TestServer::Get();
  const TestServer::Organization a = server.CreateOrganization("reveal-a");
  const TestServer::Organization b = server.CreateOrganization("reveal-b");
  const staffpb::StaffMember existing = server.CreateStaff(a, "P1");
  const std::string missing = b.name + "/staffMembers/nobody-here";
  auto stub = server.StaffStub();

  const auto shape = [](const grpc::Status& status, const std::string& name) {
    return absl::StrCat(CodeName(status.error_code()), " ",
                        absl::StrReplaceAll(status.error_message(),
                                            {{name, "<name>"}}));
  };
  const auto expect_same = [&](const char* what, const grpc::Status& foreign,
                               const grpc::Status& absent,
                               const std::string& foreign_name,
                               const std::string& absent_name) {
    SCOPED_TRACE(what);
    EXPECT_EQ(foreign.error_code(), StatusCode::NOT_FOUND) << foreign.error_message();
    EXPECT_EQ(absent.error_code(), StatusCode::NOT_FOUND) << absent.error_message();
    EXPECT_EQ(shape(foreign, foreign_name), shape(absent, absent_name));
    // Nothing of organization A leaks but the name the caller sent.
    EXPECT_EQ(foreign.error_message().find(existing.display_name()),
              std::string::npos);
  };

  {
    staffpb::GetStaffMemberRequest foreign, absent;
    foreign.set_name(existing.name());
    absent.set_name(missing);
    staffpb::StaffMember response;
    const grpc::Status f =
        stub->GetStaffMember(TestServer::Context(b.admin_token).get(), foreign, &response);
    const grpc::Status m =
        stub->GetStaffMember(TestServer::Context(b.admin_token).get(), absent, &response);
    expect_same("GetStaffMember", f, m, existing.name(), missing);
  }
  {
    staffpb::UpdateStaffMemberRequest foreign, absent;
    foreign.mutable_staff_member()->set_name(existing.name());
    foreign.mutable_staff_member()->set_department("Sales");
    foreign.mutable_update_mask()->add_paths("department");
    absent = foreign;
    absent.mutable_staff_member()->set_name(missing);
    staffpb::StaffMember response;
    const grpc::Status f = stub->UpdateStaffMember(
        TestServer::Context(b.admin_token).get(), foreign, &response);
    const grpc::Status m = stub->UpdateStaffMember(
        TestServer::Context(b.admin_token).get(), absent, &response);
    expect_same("UpdateStaffMember", f, m, existing.name(), missing);
  }
  {
    staffpb::DeactivateStaffMemberRequest foreign, absent;
    foreign.set_name(existing.name());
    foreign.set_reason("test");
    absent = foreign;
    absent.set_name(missing);
    staffpb::StaffMember response;
    const grpc::Status f = stub->DeactivateStaffMember(
        TestServer::Context(b.admin_token).get(), foreign, &response);
    const grpc::Status m = stub->DeactivateStaffMember(
        TestServer::Context(b.admin_token).get(), absent, &response);
    expect_same("DeactivateStaffMember", f, m, existing.name(), missing);
  }
  {
    // An organization: A (exists, not B's) versus one that does not exist.
    const std::string nowhere = "organizations/" + UniqueId("nowhere");
    staffpb::GetOrganizationRequest foreign, absent;
    foreign.set_name(a.name);
    absent.set_name(nowhere);
    staffpb::Organization response;
    const grpc::Status f = stub->GetOrganization(
        TestServer::Context(b.admin_token).get(), foreign, &response);
    const grpc::Status m = stub->GetOrganization(
        TestServer::Context(b.admin_token).get(), absent, &response);
    expect_same("GetOrganization", f, m, a.name, nowhere);
  }

  // And A's staff member was not touched by B's attempts.
  staffpb::GetStaffMemberRequest get;
  get.set_name(existing.name());
  staffpb::StaffMember after;
  ASSERT_TRUE(
      stub->GetStaffMember(TestServer::Context(a.admin_token).get(), get, &after).ok());
  EXPECT_EQ(after.department(), existing.department());
  EXPECT_EQ(after.state(), staffpb::StaffMember::ACTIVE);
  EXPECT_EQ(after.etag(), existing.etag());
}

}  // namespace
}  // namespace candor::testing
