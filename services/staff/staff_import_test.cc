#include "services/staff/staff_import.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::staff {
namespace {

using ::testing::IsEmpty;

ImportRow Row(int64_t number, const std::string& id,
              const std::string& manager = "") {
  ImportRow row;
  row.row_number = number;
  row.employee_id = id;
  row.display_name = "Person " + id;
  row.email = id + "@example.com";
  row.manager_employee_id = manager;
  return row;
}

TEST(ImportRowFromProtoTest, CarriesEveryColumnAndTheRoles) {
  v1::ImportStaffMembersRequest::Row in;
  in.set_row_number(7);
  in.set_employee_id("E7");
  in.set_display_name("Ada");
  in.set_email("ada@example.com");
  in.set_department("Eng");
  in.set_title("Engineer");
  in.set_location("Berlin");
  in.set_manager_employee_id("E1");
  in.add_roles(v1::StaffMember::REVIEWER);
  absl::StatusOr<ImportRow> row = ImportRowFromProto(in);
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->row_number, 7);
  EXPECT_EQ(row->employee_id, "E7");
  EXPECT_EQ(row->display_name, "Ada");
  EXPECT_EQ(row->email, "ada@example.com");
  EXPECT_EQ(row->department, "Eng");
  EXPECT_EQ(row->title, "Engineer");
  EXPECT_EQ(row->location, "Berlin");
  EXPECT_EQ(row->manager_employee_id, "E1");
  EXPECT_EQ(row->roles, kEmployeeBit | kReviewerBit);
}

TEST(ImportRowFromProtoTest, NoRolesLeavesThemToThePlanAndAnUnknownOneFails) {
  v1::ImportStaffMembersRequest::Row in;
  in.set_employee_id("E7");
  absl::StatusOr<ImportRow> row = ImportRowFromProto(in);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->roles, 0u);
  in.add_roles(static_cast<v1::StaffMember::Role>(99));
  EXPECT_THAT(ImportRowFromProto(in),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("roles[0]")));
}

StaffMemberRecord Admin() {
  StaffMemberRecord r;
  r.organization_id = "acme";
  r.staff_member_id = "admin";
  r.employee_id = "A1";
  r.display_name = "Admin";
  r.email = "admin@example.com";
  r.roles = kEmployeeBit | kAdminBit;
  r.version = 3;
  return r;
}

std::function<std::string()> Ids() {
  auto next = std::make_shared<int>(0);
  return [next] { return absl::StrCat("id", ++*next); };
}

TEST(PlanImportTest, CreatesUpdatesAndLeavesEqualRowsAlone) {
  ImportRow same = Row(1, "A1");
  same.display_name = "Admin";
  same.email = "admin@example.com";
  ImportRow changed = same;
  changed.row_number = 2;
  ImportPlan plan = PlanImport({Row(2, "N1", "A1"), Row(3, "N2", "N1")},
                               {Admin()}, "acme", 100, Ids());
  EXPECT_THAT(plan.errors, IsEmpty());
  ASSERT_EQ(plan.creates.size(), 2u);
  EXPECT_EQ(plan.creates[0].manager_id, "admin");
  EXPECT_EQ(plan.creates[1].manager_id, plan.creates[0].staff_member_id);
  EXPECT_EQ(plan.creates[0].roles, kEmployeeBit);

  plan = PlanImport({same}, {Admin()}, "acme", 100, Ids());
  EXPECT_EQ(plan.unchanged, 1);
  changed.title = "Boss";
  plan = PlanImport({changed}, {Admin()}, "acme", 100, Ids());
  ASSERT_EQ(plan.updates.size(), 1u);
  EXPECT_EQ(plan.updates[0].version, 4);
  EXPECT_EQ(plan.updates[0].roles, kEmployeeBit | kAdminBit)
      << "roles kept when not given";
}

TEST(PlanImportTest, ReportsEveryBadRow) {
  ImportRow bad_email = Row(2, "N2");
  bad_email.email = "nope";
  ImportRow taken_email = Row(5, "N5");
  taken_email.email = "ADMIN@example.com";
  ImportPlan plan =
      PlanImport({Row(1, "N1"), bad_email, Row(3, "N1"), Row(4, "N4", "GHOST"),
                  taken_email, Row(6, "N6", "N6")},
                 {Admin()}, "acme", 100, Ids());
  ASSERT_EQ(plan.errors.size(), 5u);
  EXPECT_EQ(plan.errors[0].row_number, 2);
  EXPECT_EQ(plan.errors[0].field, "email");
  EXPECT_EQ(plan.errors[1].row_number, 3);
  EXPECT_EQ(plan.errors[1].field, "employee_id");
  // Pass two finds the taken email; pass three the managers.
  EXPECT_EQ(plan.errors[2].row_number, 5);
  EXPECT_EQ(plan.errors[3].row_number, 4);
  EXPECT_EQ(plan.errors[4].row_number, 6);
  EXPECT_THAT(plan.creates, IsEmpty());
}

TEST(PlanImportTest, MayNotRemoveTheLastAdmin) {
  ImportRow demote = Row(1, "A1");
  demote.display_name = "Admin";
  demote.email = "admin@example.com";
  demote.roles = kEmployeeBit;
  ImportPlan plan = PlanImport({demote}, {Admin()}, "acme", 100, Ids());
  ASSERT_EQ(plan.errors.size(), 1u);
  EXPECT_EQ(plan.errors[0].field, "roles");
  ImportRow promote = Row(2, "N1");
  promote.roles = kAdminBit;
  plan = PlanImport({demote, promote}, {Admin()}, "acme", 100, Ids());
  EXPECT_THAT(plan.errors, IsEmpty());
}

}  // namespace
}  // namespace candor::staff
