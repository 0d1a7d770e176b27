// StaffService over real gRPC against the real database: the behaviour a
// user of the API sees. Each test makes its own organization.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using StaffMember = staffpb::StaffMember;

class StaffIntegrationTest : public OrgTest {
 protected:
  StaffIntegrationTest() : OrgTest("staff") {}

  grpc::Status Get(const std::string& token, const std::string& name,
                   StaffMember* out) {
    staffpb::GetStaffMemberRequest request;
    request.set_name(name);
    return staff_->GetStaffMember(TestServer::Context(token).get(), request,
                                  out);
  }

  grpc::Status List(const std::string& token, const std::string& filter,
                    int page_size, const std::string& page_token,
                    staffpb::ListStaffMembersResponse* out) {
    staffpb::ListStaffMembersRequest request;
    request.set_parent(org_.name);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return staff_->ListStaffMembers(TestServer::Context(token).get(), request,
                                    out);
  }

  // Every staff member matching `filter`, following page tokens.
  std::vector<StaffMember> ListAll(const std::string& filter, int page_size) {
    std::vector<StaffMember> all;
    std::string token;
    do {
      staffpb::ListStaffMembersResponse page;
      grpc::Status status =
          List(org_.admin_token, filter, page_size, token, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.staff_members_size(), page_size);
      all.insert(all.end(), page.staff_members().begin(),
                 page.staff_members().end());
      token = page.next_page_token();
    } while (!token.empty());
    return all;
  }

  grpc::Status Update(const std::string& token, const StaffMember& member,
                      std::vector<std::string> paths, StaffMember* out) {
    staffpb::UpdateStaffMemberRequest request;
    *request.mutable_staff_member() = member;
    for (const std::string& path : paths)
      request.mutable_update_mask()->add_paths(path);
    return staff_->UpdateStaffMember(TestServer::Context(token).get(), request,
                                     out);
  }

  grpc::Status Deactivate(const std::string& token, const std::string& name,
                          StaffMember* out) {
    staffpb::DeactivateStaffMemberRequest request;
    request.set_name(name);
    request.set_reason("left the company");
    return staff_->DeactivateStaffMember(TestServer::Context(token).get(),
                                         request, out);
  }

  grpc::Status Import(
      const std::vector<staffpb::ImportStaffMembersRequest>& messages,
      staffpb::ImportStaffMembersResponse* out) {
    auto context = TestServer::Context(org_.admin_token);
    auto writer = staff_->ImportStaffMembers(context.get(), out);
    for (const auto& message : messages) {
      if (!writer->Write(message)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  static staffpb::ImportStaffMembersRequest::Row Row(
      const std::string& employee_id, const std::string& email,
      const std::string& manager = "") {
    staffpb::ImportStaffMembersRequest::Row row;
    row.set_employee_id(employee_id);
    row.set_display_name("Imported " + employee_id);
    row.set_email(email);
    row.set_department("Sales");
    row.set_manager_employee_id(manager);
    return row;
  }
};

TEST_F(StaffIntegrationTest, OrganizationHasItsFoundingAdmin) {
  staffpb::GetOrganizationRequest request;
  request.set_name(org_.name);
  staffpb::Organization organization;
  ASSERT_TRUE(staff_
                  ->GetOrganization(TestServer::Context(org_.admin_token).get(),
                                    request, &organization)
                  .ok());
  EXPECT_EQ(organization.name(), org_.name);
  EXPECT_EQ(organization.founding_admin(), org_.admin_name);

  StaffMember admin;
  ASSERT_TRUE(Get(org_.admin_token, org_.admin_name, &admin).ok());
  EXPECT_THAT(admin.roles(),
              ElementsAre(StaffMember::EMPLOYEE, StaffMember::ADMIN));
  EXPECT_EQ(admin.state(), StaffMember::ACTIVE);
}

TEST_F(StaffIntegrationTest, CreatingAnExistingOrganizationIsAlreadyExists) {
  staffpb::CreateOrganizationRequest request;
  request.set_organization_id(org_.id);
  request.mutable_organization()->set_display_name("Again");
  request.mutable_first_admin()->set_employee_id("X1");
  request.mutable_first_admin()->set_display_name("X");
  request.mutable_first_admin()->set_email("x@x.example");
  staffpb::Organization response;
  EXPECT_THAT(
      staff_->CreateOrganization(
          TestServer::Context(TestServer::OperatorToken()).get(), request,
          &response),
      GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, "organization_id"));
}

TEST_F(StaffIntegrationTest, CreateGetAndEmailPrivacy) {
  StaffMember ada = server_.CreateStaff(org_, "E100");
  StaffMember bob = server_.CreateStaff(org_, "E101");
  EXPECT_EQ(ada.etag(), "\"1\"");

  StaffMember seen;
  ASSERT_TRUE(Get(EmployeeToken(ada), ada.name(), &seen).ok());
  EXPECT_EQ(seen.email(), ada.email()) << "a person sees their own email";
  ASSERT_TRUE(Get(EmployeeToken(bob), ada.name(), &seen).ok());
  EXPECT_EQ(seen.email(), "") << "a colleague does not";
  EXPECT_EQ(seen.display_name(), ada.display_name());
  ASSERT_TRUE(Get(org_.admin_token, ada.name(), &seen).ok());
  EXPECT_EQ(seen.email(), ada.email()) << "an admin does";

  staffpb::ListStaffMembersResponse page;
  ASSERT_TRUE(List(EmployeeToken(bob), "", 10, "", &page).ok());
  for (const StaffMember& m : page.staff_members()) {
    if (m.name() != bob.name()) {
      EXPECT_EQ(m.email(), "") << m.name();
    }
  }
}

TEST_F(StaffIntegrationTest, KeysetPaginationVisitsEveryoneOnceInOrder) {
  for (int i = 0; i < 23; ++i) server_.CreateStaff(org_, absl::StrCat("P", i));
  std::vector<StaffMember> all = ListAll("", 5);
  ASSERT_EQ(all.size(), 24u);  // + the founding admin
  std::set<std::string> names;
  for (size_t i = 0; i < all.size(); ++i) {
    names.insert(all[i].name());
    if (i > 0) {
      EXPECT_LT(all[i - 1].name(), all[i].name());
    }
  }
  EXPECT_EQ(names.size(), 24u);
}

TEST_F(StaffIntegrationTest, PageTokenIsBoundToItsQuery) {
  for (int i = 0; i < 3; ++i) server_.CreateStaff(org_, absl::StrCat("Q", i));
  staffpb::ListStaffMembersResponse page;
  ASSERT_TRUE(List(org_.admin_token, "", 1, "", &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  staffpb::ListStaffMembersResponse other;
  EXPECT_THAT(List(org_.admin_token, "department = \"Sales\"", 1,
                   page.next_page_token(), &other),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, "page_token"));
}

TEST_F(StaffIntegrationTest, FiltersByFieldsStateAndRole) {
  StaffMember ada = server_.CreateStaff(org_, "F1", {StaffMember::REVIEWER});
  server_.CreateStaff(org_, "F2");
  StaffMember gone = server_.CreateStaff(org_, "F3");
  StaffMember ignored;
  ASSERT_TRUE(Deactivate(org_.admin_token, gone.name(), &ignored).ok());

  EXPECT_EQ(ListAll("department = \"Engineering\"", 50).size(), 3u);
  EXPECT_EQ(
      ListAll("department = \"Engineering\" AND state = ACTIVE", 50).size(),
      2u);
  std::vector<StaffMember> reviewers = ListAll("role = REVIEWER", 50);
  ASSERT_EQ(reviewers.size(), 1u);
  EXPECT_EQ(reviewers[0].name(), ada.name());
  EXPECT_EQ(ListAll("role = ADMIN", 50).size(), 1u);
  EXPECT_EQ(ListAll("employee_id = F2", 50).size(), 1u);
  EXPECT_THAT(ListAll("department = \"x' OR '1'='1\"", 50), IsEmpty());
}

TEST_F(StaffIntegrationTest, SelfUpdatesPersonalFieldsAdminUpdatesEmployment) {
  StaffMember ada = server_.CreateStaff(org_, "U1");
  StaffMember change = ada;
  change.set_bio("I build things.\nSometimes they work.");
  change.set_advocacy_consent(true);
  auto* account = change.add_social_accounts();
  account->set_network(common::v1::LINKEDIN);
  account->set_handle("@Ada-L");
  StaffMember updated;
  ASSERT_TRUE(Update(EmployeeToken(ada), change,
                     {"bio", "advocacy_consent", "social_accounts"}, &updated)
                  .ok());
  EXPECT_TRUE(updated.advocacy_consent());
  EXPECT_EQ(updated.etag(), "\"2\"");
  ASSERT_EQ(updated.social_accounts_size(), 1);

  // The person may not change their department; the admin may, and not
  // their consent.
  StaffMember department = updated;
  department.set_department("Marketing");
  EXPECT_THAT(Update(EmployeeToken(ada), department, {"department"}, &updated),
              GrpcStatusIs(grpc::StatusCode::PERMISSION_DENIED, "department"));
  EXPECT_THAT(
      Update(org_.admin_token, department, {"advocacy_consent"}, &updated),
      GrpcStatusIs(grpc::StatusCode::PERMISSION_DENIED, "advocacy_consent"));
  ASSERT_TRUE(
      Update(org_.admin_token, department, {"department"}, &updated).ok());
  EXPECT_EQ(updated.department(), "Marketing");
  EXPECT_EQ(updated.bio(), "I build things.\nSometimes they work.");
  EXPECT_TRUE(updated.advocacy_consent()) << "fields outside the mask are kept";

  // A mask with one forbidden path changes nothing at all.
  StaffMember mixed = updated;
  mixed.set_bio("new bio");
  mixed.set_title("CEO");
  EXPECT_THAT(Update(EmployeeToken(ada), mixed, {"bio", "title"}, &updated),
              GrpcCodeIs(grpc::StatusCode::PERMISSION_DENIED));
  StaffMember now;
  ASSERT_TRUE(Get(org_.admin_token, ada.name(), &now).ok());
  EXPECT_EQ(now.bio(), "I build things.\nSometimes they work.");
  EXPECT_EQ(now.title(), "");
}

TEST_F(StaffIntegrationTest, StaleEtagIsAborted) {
  StaffMember ada = server_.CreateStaff(org_, "T1");
  StaffMember first = ada;
  first.set_title("Engineer");
  StaffMember updated;
  ASSERT_TRUE(Update(org_.admin_token, first, {"title"}, &updated).ok());
  StaffMember stale = ada;  // still etag "1"
  stale.set_title("Manager");
  EXPECT_THAT(Update(org_.admin_token, stale, {"title"}, &updated),
              GrpcStatusIs(grpc::StatusCode::ABORTED, "etag"));
}

TEST_F(StaffIntegrationTest, ManagerMustBeAColleague) {
  StaffMember boss = server_.CreateStaff(org_, "M1");
  StaffMember ada = server_.CreateStaff(org_, "M2");
  StaffMember change = ada;
  change.set_manager(boss.name());
  StaffMember updated;
  ASSERT_TRUE(Update(org_.admin_token, change, {"manager"}, &updated).ok());
  EXPECT_EQ(updated.manager(), boss.name());
  EXPECT_EQ(ListAll(absl::StrCat("manager = \"", boss.name(), "\""), 50).size(),
            1u);

  change.clear_etag();  // no read-modify-write guard for the next attempts
  change.set_manager(org_.name + "/staffMembers/nobody");
  EXPECT_THAT(
      Update(org_.admin_token, change, {"manager"}, &updated),
      GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, "staff_member.manager"));
  change.set_manager(ada.name());
  EXPECT_THAT(Update(org_.admin_token, change, {"manager"}, &updated),
              GrpcStatusIs(grpc::StatusCode::INVALID_ARGUMENT, "themself"));
}

TEST_F(StaffIntegrationTest, DeactivationIsIdempotentAndKeepsTheLastAdmin) {
  StaffMember ada = server_.CreateStaff(org_, "D1");
  StaffMember out;
  ASSERT_TRUE(Deactivate(org_.admin_token, ada.name(), &out).ok());
  EXPECT_EQ(out.state(), StaffMember::INACTIVE);
  EXPECT_EQ(out.deactivation_reason(), "left the company");
  ASSERT_TRUE(Deactivate(org_.admin_token, ada.name(), &out).ok());
  EXPECT_EQ(out.state(), StaffMember::INACTIVE);

  EXPECT_THAT(
      Deactivate(org_.admin_token, org_.admin_name, &out),
      GrpcStatusIs(grpc::StatusCode::FAILED_PRECONDITION, "last active admin"));
  StaffMember admin;
  ASSERT_TRUE(Get(org_.admin_token, org_.admin_name, &admin).ok());
  admin.clear_roles();
  admin.add_roles(StaffMember::EMPLOYEE);
  EXPECT_THAT(Update(org_.admin_token, admin, {"roles"}, &out),
              GrpcCodeIs(grpc::StatusCode::FAILED_PRECONDITION));

  // With a second admin, the first may step down.
  StaffMember second = server_.CreateStaff(org_, "D2", {StaffMember::ADMIN});
  ASSERT_TRUE(Update(org_.admin_token, admin, {"roles"}, &out).ok());
  EXPECT_THAT(out.roles(), ElementsAre(StaffMember::EMPLOYEE));
}

TEST_F(StaffIntegrationTest, ImportCreatesUpdatesAndResolvesManagers) {
  staffpb::ImportStaffMembersRequest first;
  first.set_parent(org_.name);
  *first.add_rows() =
      Row("I2", "i2@x.example", "I1");  // manager in a later row
  *first.add_rows() = Row("I1", "i1@x.example");
  staffpb::ImportStaffMembersRequest second;
  *second.add_rows() = Row("I3", "I3@X.example", "I1");
  staffpb::ImportStaffMembersResponse response;
  ASSERT_TRUE(Import({first, second}, &response).ok());
  EXPECT_THAT(response.errors(), IsEmpty());
  EXPECT_EQ(response.rows_total(), 3);
  EXPECT_EQ(response.created_count(), 3);
  EXPECT_TRUE(response.applied());

  std::vector<StaffMember> i1 = ListAll("employee_id = I1", 10);
  ASSERT_EQ(i1.size(), 1u);
  EXPECT_EQ(
      ListAll(absl::StrCat("manager = \"", i1[0].name(), "\""), 10).size(), 2u);

  // Again with one change: one update, two unchanged.
  second.mutable_rows(0)->set_title("Lead");
  ASSERT_TRUE(Import({first, second}, &response).ok());
  EXPECT_EQ(response.created_count(), 0);
  EXPECT_EQ(response.updated_count(), 1);
  EXPECT_EQ(response.unchanged_count(), 2);
}

TEST_F(StaffIntegrationTest, ImportWithBadRowsStoresNothingAndNamesEveryRow) {
  staffpb::ImportStaffMembersRequest request;
  request.set_parent(org_.name);
  *request.add_rows() = Row("B1", "b1@x.example");
  *request.add_rows() = Row("B2", "not-an-email");
  *request.add_rows() = Row("B1", "b1-again@x.example");
  *request.add_rows() = Row("B4", "b4@x.example", "NOBODY");
  *request.add_rows() = Row("B5", "B1@x.example");
  request.mutable_rows(0)->set_row_number(10);
  staffpb::ImportStaffMembersResponse response;
  ASSERT_TRUE(Import({request}, &response).ok());
  EXPECT_FALSE(response.applied());
  ASSERT_EQ(response.errors_size(), 4) << response.DebugString();
  EXPECT_EQ(response.errors(0).row_number(), 2);
  EXPECT_EQ(response.errors(0).field(), "email");
  EXPECT_EQ(response.errors(1).row_number(), 3);
  EXPECT_EQ(response.errors(1).field(), "employee_id");
  EXPECT_THAT(response.errors(1).reason(), HasSubstr("first on row 10"));
  EXPECT_EQ(response.errors(2).field(), "manager_employee_id");
  EXPECT_EQ(response.errors(3).field(), "email");
  EXPECT_EQ(ListAll("", 50).size(), 1u) << "only the founding admin";
}

TEST_F(StaffIntegrationTest, ImportValidateOnlyStoresNothing) {
  staffpb::ImportStaffMembersRequest request;
  request.set_parent(org_.name);
  request.set_validate_only(true);
  for (int i = 0; i < 50; ++i) {
    *request.add_rows() =
        Row(absl::StrCat("V", i), absl::StrCat("v", i, "@x.example"));
  }
  staffpb::ImportStaffMembersResponse response;
  ASSERT_TRUE(Import({request}, &response).ok());
  EXPECT_EQ(response.created_count(), 50);
  EXPECT_FALSE(response.applied());
  EXPECT_EQ(ListAll("", 100).size(), 1u);
}

TEST_F(StaffIntegrationTest, ImportOfAThousandRowsInOneCall) {
  std::vector<staffpb::ImportStaffMembersRequest> messages(4);
  messages[0].set_parent(org_.name);
  for (int i = 0; i < 1000; ++i) {
    *messages[i / 250].add_rows() =
        Row(absl::StrCat("K", i), absl::StrCat("k", i, "@x.example"),
            i == 0 ? "" : "K0");
  }
  staffpb::ImportStaffMembersResponse response;
  ASSERT_TRUE(Import(messages, &response).ok());
  EXPECT_THAT(response.errors(), IsEmpty());
  EXPECT_EQ(response.created_count(), 1000);
  EXPECT_EQ(ListAll("", 1000).size(), 1001u);
}

TEST_F(StaffIntegrationTest, RetriedCreateWithRequestIdCreatesOnce) {
  staffpb::CreateStaffMemberRequest request;
  request.set_parent(org_.name);
  request.set_request_id("7b0c7d8e-retry");
  request.mutable_staff_member()->set_employee_id("R1");
  request.mutable_staff_member()->set_display_name("Retry");
  request.mutable_staff_member()->set_email("r1@x.example");
  StaffMember first, second;
  ASSERT_TRUE(
      staff_
          ->CreateStaffMember(TestServer::Context(org_.admin_token).get(),
                              request, &first)
          .ok());
  ASSERT_TRUE(
      staff_
          ->CreateStaffMember(TestServer::Context(org_.admin_token).get(),
                              request, &second)
          .ok());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(first, second));
  EXPECT_EQ(ListAll("employee_id = R1", 10).size(), 1u);
}

TEST_F(StaffIntegrationTest, ConcurrentRetriesWithOneRequestIdCreateOnce) {
  staffpb::CreateStaffMemberRequest request;
  request.set_parent(org_.name);
  request.set_request_id("concurrent-1");
  request.mutable_staff_member()->set_employee_id("C1");
  request.mutable_staff_member()->set_display_name("Concurrent");
  request.mutable_staff_member()->set_email("c1@x.example");
  std::vector<std::thread> threads;
  std::vector<StaffMember> results(8);
  std::vector<grpc::Status> statuses(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = staff_->CreateStaffMember(
          TestServer::Context(org_.admin_token).get(), request, &results[i]);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(results[i].name(), results[0].name());
  }
  EXPECT_EQ(ListAll("employee_id = C1", 10).size(), 1u);
}

TEST_F(StaffIntegrationTest, SocialHandlesHaveOneOwner) {
  StaffMember ada = server_.CreateStaff(org_, "S1");
  StaffMember bob = server_.CreateStaff(org_, "S2");
  StaffMember change = ada;
  auto* account = change.add_social_accounts();
  account->set_network(common::v1::X);
  account->set_handle("shared");
  StaffMember out;
  ASSERT_TRUE(
      Update(EmployeeToken(ada), change, {"social_accounts"}, &out).ok());
  change = bob;
  change.clear_etag();  // Bob updates several times below
  account = change.add_social_accounts();
  account->set_network(common::v1::X);
  account->set_handle("@SHARED");
  EXPECT_THAT(
      Update(EmployeeToken(bob), change, {"social_accounts"}, &out),
      GrpcStatusIs(grpc::StatusCode::ALREADY_EXISTS, "social_accounts"));
  // The same handle on another network is someone else's account.
  account->set_network(common::v1::MASTODON);
  EXPECT_TRUE(
      Update(EmployeeToken(bob), change, {"social_accounts"}, &out).ok());
  // Ada unlinks hers; then Bob may claim it on X.
  StaffMember none = ada;
  none.clear_etag();
  none.clear_social_accounts();
  ASSERT_TRUE(Update(EmployeeToken(ada), none, {"social_accounts"}, &out).ok());
  account->set_network(common::v1::X);
  EXPECT_TRUE(
      Update(EmployeeToken(bob), change, {"social_accounts"}, &out).ok());
}

}  // namespace
}  // namespace candor::testing
