// Staff events reach the audit log (docs/RULES.md: every role change and
// deactivation is audited): StaffService records them in the transaction of
// the change and serves them to services (ListStaffEvents); the
// TransparencyService pulls them into the organization's audit chain before
// it reads or appends, each exactly once.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/auth.h"
#include "tests/support/matchers.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

namespace tpb = ::candor::transparency::v1;
using grpc::StatusCode;
using ::testing::IsEmpty;
using StaffMember = staffpb::StaffMember;

// A service token with no organization (reaches every organization).
std::string OrglessServiceToken() {
  TokenClaims claims;
  claims.subject = "services/transparency";
  claims.roles = {Role::kService};
  return *MintHs256Token(claims, kTestJwtSecret);
}

class StaffEventsAuditTest : public OrgTest {
 protected:
  StaffEventsAuditTest() : OrgTest("events") {}

  grpc::Status ListEvents(const std::string& token, int64_t after,
                          staffpb::ListStaffEventsResponse* out,
                          const std::string& parent = "") {
    staffpb::ListStaffEventsRequest request;
    request.set_parent(parent.empty() ? org_.name : parent);
    request.set_after_sequence(after);
    return staff_->ListStaffEvents(TestServer::Context(token).get(), request,
                                   out);
  }

  std::vector<staffpb::StaffEvent> Events() {
    staffpb::ListStaffEventsResponse response;
    grpc::Status status = ListEvents(ServiceToken(org_), 0, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.events().begin(), response.events().end()};
  }

  grpc::Status SetRoles(const StaffMember& member,
                        std::vector<StaffMember::Role> roles) {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(member.name());
    for (auto role : roles) request.mutable_staff_member()->add_roles(role);
    request.mutable_update_mask()->add_paths("roles");
    StaffMember response;
    return staff_->UpdateStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &response);
  }

  grpc::Status Deactivate(const StaffMember& member,
                          const std::string& reason) {
    staffpb::DeactivateStaffMemberRequest request;
    request.set_name(member.name());
    request.set_reason(reason);
    StaffMember response;
    return staff_->DeactivateStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &response);
  }

  std::vector<tpb::AuditEntry> AuditLog(const std::string& token) {
    return ::candor::testing::AuditLog(token, org_.name);
  }

  static int CountAction(const std::vector<tpb::AuditEntry>& entries,
                         const std::string& action) {
    int n = 0;
    for (const auto& e : entries) n += e.action() == action ? 1 : 0;
    return n;
  }
};

TEST_F(StaffEventsAuditTest, RoleChangeAndDeactivationAreAuditedOnceInOrder) {
  const StaffMember promoted = server_.CreateStaff(org_, "P1");
  const StaffMember leaver = server_.CreateStaff(org_, "L1");
  const std::string employee_token = EmployeeToken(promoted);

  // An existing entry first: the default ruleset's publication on first use.
  {
    tpb::GetPublishedRulesetRequest request;
    request.set_parent(org_.name);
    tpb::Ruleset ruleset;
    ASSERT_TRUE(
        transparency_
            ->GetPublishedRuleset(TestServer::Context(employee_token).get(),
                                  request, &ruleset)
            .ok());
  }
  const std::vector<tpb::AuditEntry> before = AuditLog(employee_token);
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(before[0].action(), "ruleset.publish");

  ASSERT_TRUE(
      SetRoles(promoted, {StaffMember::EMPLOYEE, StaffMember::REVIEWER}).ok());
  ASSERT_TRUE(Deactivate(leaver, "left the company").ok());

  // Listed concurrently, the events are imported exactly once.
  std::vector<std::vector<tpb::AuditEntry>> seen(4);
  {
    std::vector<std::thread> readers;
    for (size_t i = 0; i < seen.size(); ++i) {
      readers.emplace_back([&, i] { seen[i] = AuditLog(employee_token); });
    }
    for (auto& reader : readers) reader.join();
  }
  for (const auto& log : seen) {
    ASSERT_EQ(log.size(), 3u);
  }
  const std::vector<tpb::AuditEntry> entries = AuditLog(org_.admin_token);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action(), "ruleset.publish");
  EXPECT_EQ(entries[0].hash(), before[0].hash());

  EXPECT_EQ(entries[1].sequence(), 2);
  EXPECT_EQ(entries[1].action(), "roles.change");
  EXPECT_EQ(entries[1].actor(), org_.admin_name);
  EXPECT_EQ(entries[1].subject(), promoted.name());
  EXPECT_EQ(entries[1].details(), "roles: employee -> employee,reviewer");

  EXPECT_EQ(entries[2].sequence(), 3);
  EXPECT_EQ(entries[2].action(), "staff.deactivate");
  EXPECT_EQ(entries[2].actor(), org_.admin_name);
  EXPECT_EQ(entries[2].subject(), leaver.name());
  EXPECT_EQ(entries[2].details(), "left the company");
  EXPECT_EQ(entries[2].prev_hash(), entries[1].hash());

  tpb::VerifyAuditLogRequest verify;
  verify.set_parent(org_.name);
  tpb::VerifyAuditLogResponse verified;
  ASSERT_TRUE(transparency_
                  ->VerifyAuditLog(TestServer::Context(employee_token).get(),
                                   verify, &verified)
                  .ok());
  EXPECT_TRUE(verified.ok());
  EXPECT_EQ(verified.entries_checked(), 3);

  // A later change is appended after, once.
  ASSERT_TRUE(SetRoles(promoted, {StaffMember::EMPLOYEE}).ok());
  const std::vector<tpb::AuditEntry> after = AuditLog(employee_token);
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[3].action(), "roles.change");
  EXPECT_EQ(after[3].details(), "roles: employee,reviewer -> employee");
  EXPECT_EQ(CountAction(AuditLog(employee_token), "roles.change"), 2);
}

TEST_F(StaffEventsAuditTest, PublicationAppendsPendingStaffEventsFirst) {
  const StaffMember promoted = server_.CreateStaff(org_, "Q1");
  // The default ruleset, published on first use (nothing pending yet).
  tpb::Ruleset current;
  {
    tpb::GetPublishedRulesetRequest request;
    request.set_parent(org_.name);
    ASSERT_TRUE(
        transparency_
            ->GetPublishedRuleset(TestServer::Context(org_.admin_token).get(),
                                  request, &current)
            .ok());
  }
  ASSERT_TRUE(SetRoles(promoted, {StaffMember::ADMIN}).ok());

  // Nobody reads the log before the next publication appends to it.
  tpb::Ruleset draft;
  {
    tpb::CreateRulesetRequest request;
    request.set_parent(org_.name);
    request.mutable_ruleset()->set_display_name("Second rules");
    *request.mutable_ruleset()->mutable_rules() = current.rules();
    grpc::Status status = transparency_->CreateRuleset(
        TestServer::Context(org_.admin_token).get(), request, &draft);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    tpb::PublishRulesetRequest request;
    request.set_name(draft.name());
    tpb::Ruleset published;
    grpc::Status status = transparency_->PublishRuleset(
        TestServer::Context(org_.admin_token).get(), request, &published);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::vector<tpb::AuditEntry> entries = AuditLog(org_.admin_token);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action(), "ruleset.publish");
  EXPECT_EQ(entries[1].action(), "roles.change");
  EXPECT_EQ(entries[1].subject(), promoted.name());
  EXPECT_EQ(entries[1].details(), "roles: employee -> employee,admin");
  EXPECT_EQ(entries[2].action(), "ruleset.publish");
  EXPECT_EQ(entries[2].subject(), draft.name());
}

TEST_F(StaffEventsAuditTest, StaffServiceRecordsEventsInSequence) {
  const StaffMember member = server_.CreateStaff(org_, "S1");
  // Not a role change: no event.
  {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(member.name());
    request.mutable_staff_member()->set_title("Engineer II");
    request.mutable_update_mask()->add_paths("title");
    StaffMember response;
    ASSERT_TRUE(
        staff_
            ->UpdateStaffMember(TestServer::Context(org_.admin_token).get(),
                                request, &response)
            .ok());
  }
  // The same roles again: no event.
  ASSERT_TRUE(SetRoles(member, {StaffMember::EMPLOYEE}).ok());
  EXPECT_THAT(Events(), IsEmpty());

  ASSERT_TRUE(
      SetRoles(member, {StaffMember::REVIEWER, StaffMember::ADMIN}).ok());
  ASSERT_TRUE(Deactivate(member, "moved on").ok());
  // Already inactive: nothing more is recorded.
  ASSERT_TRUE(Deactivate(member, "moved on again").ok());

  const std::vector<staffpb::StaffEvent> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].sequence(), 1);
  EXPECT_EQ(events[0].kind(), "roles.change");
  EXPECT_EQ(events[0].actor(), org_.admin_name);
  EXPECT_EQ(events[0].subject(), member.name());
  EXPECT_EQ(events[0].details(), "roles: employee -> employee,reviewer,admin");
  EXPECT_GT(events[0].time().seconds(), 0);
  EXPECT_EQ(events[1].sequence(), 2);
  EXPECT_EQ(events[1].kind(), "staff.deactivate");
  EXPECT_EQ(events[1].details(), "moved on");

  staffpb::ListStaffEventsResponse tail;
  ASSERT_TRUE(ListEvents(ServiceToken(org_), 1, &tail).ok());
  ASSERT_EQ(tail.events_size(), 1);
  EXPECT_EQ(tail.events(0).sequence(), 2);
}

TEST_F(StaffEventsAuditTest, ConcurrentChangesGetSequencesWithoutGaps) {
  constexpr int kPeople = 8;
  std::vector<StaffMember> people;
  for (int i = 0; i < kPeople; ++i) {
    people.push_back(server_.CreateStaff(org_, "C" + std::to_string(i)));
  }
  std::atomic<int> failed{0};
  {
    std::vector<std::thread> writers;
    for (const StaffMember& person : people) {
      writers.emplace_back([&, person] {
        if (!SetRoles(person, {StaffMember::REVIEWER}).ok()) ++failed;
      });
    }
    for (auto& writer : writers) writer.join();
  }
  ASSERT_EQ(failed.load(), 0);
  const std::vector<staffpb::StaffEvent> events = Events();
  ASSERT_EQ(events.size(), static_cast<size_t>(kPeople));
  for (int i = 0; i < kPeople; ++i) EXPECT_EQ(events[i].sequence(), i + 1);
}

TEST_F(StaffEventsAuditTest, ImportRecordsOneEventPerRoleChange) {
  const StaffMember a = server_.CreateStaff(org_, "M1");
  const StaffMember b = server_.CreateStaff(org_, "M2");
  const StaffMember c = server_.CreateStaff(org_, "M3");
  auto row = [&](const StaffMember& m, std::vector<StaffMember::Role> roles) {
    staffpb::ImportStaffMembersRequest::Row r;
    r.set_employee_id(m.employee_id());
    r.set_display_name(m.display_name());
    r.set_email(m.employee_id() + "@" + org_.id + ".example");
    r.set_department(m.department());
    for (auto role : roles) r.add_roles(role);
    return r;
  };
  staffpb::ImportStaffMembersRequest request;
  request.set_parent(org_.name);
  *request.add_rows() = row(a, {StaffMember::REVIEWER});
  *request.add_rows() = row(b, {StaffMember::EMPLOYEE, StaffMember::ADMIN});
  *request.add_rows() = row(c, {StaffMember::EMPLOYEE});  // unchanged
  staffpb::ImportStaffMembersRequest::Row added;
  added.set_employee_id("M9");
  added.set_display_name("Person M9");
  added.set_email("m9@" + org_.id + ".example");
  added.set_department("Engineering");
  added.add_roles(StaffMember::REVIEWER);
  *request.add_rows() = added;  // created: not a role change

  staffpb::ImportStaffMembersResponse response;
  {
    auto context = TestServer::Context(org_.admin_token);
    auto writer = staff_->ImportStaffMembers(context.get(), &response);
    ASSERT_TRUE(writer->Write(request));
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_THAT(response.errors(), IsEmpty());
  ASSERT_TRUE(response.applied());

  const std::vector<staffpb::StaffEvent> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].sequence(), 1);
  EXPECT_EQ(events[1].sequence(), 2);
  std::vector<std::string> subjects;
  for (const auto& e : events) {
    EXPECT_EQ(e.kind(), "roles.change");
    EXPECT_EQ(e.actor(), org_.admin_name);
    subjects.push_back(e.subject());
    if (e.subject() == a.name()) {
      EXPECT_EQ(e.details(), "roles: employee -> employee,reviewer");
    } else {
      EXPECT_EQ(e.details(), "roles: employee -> employee,admin");
    }
  }
  EXPECT_THAT(subjects, ::testing::UnorderedElementsAre(a.name(), b.name()));

  // And they reach the audit log.
  const std::vector<tpb::AuditEntry> entries = AuditLog(org_.admin_token);
  EXPECT_EQ(CountAction(entries, "roles.change"), 2);
}

TEST_F(StaffEventsAuditTest, ListStaffEventsIsForServicesOnly) {
  staffpb::ListStaffEventsResponse response;
  EXPECT_TRUE(ListEvents(ServiceToken(org_), 0, &response).ok());
  EXPECT_TRUE(ListEvents(OrglessServiceToken(), 0, &response).ok());
  EXPECT_THAT(ListEvents(org_.admin_token, 0, &response),
              GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  const StaffMember employee = server_.CreateStaff(org_, "Z1");
  EXPECT_THAT(ListEvents(EmployeeToken(employee), 0, &response),
              GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(ListEvents(TestServer::OperatorToken(), 0, &response),
              GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  const TestServer::Organization other = server_.CreateOrganization("evother");
  EXPECT_THAT(ListEvents(ServiceToken(other), 0, &response),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  EXPECT_THAT(ListEvents("", 0, &response),
              GrpcCodeIs(StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(ListEvents(ServiceToken(org_), -1, &response),
              GrpcCodeIs(StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ListEvents(ServiceToken(org_), 0, &response, "organizations/"),
              GrpcCodeIs(StatusCode::INVALID_ARGUMENT));
}

}  // namespace
}  // namespace candor::testing
