#include "services/staff/staff_member.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::staff {
namespace {

using ::testing::HasSubstr;

StaffMemberRecord Valid() {
  StaffMemberRecord r;
  r.employee_id = "E-1.a_b";
  r.display_name = "Zoë Ångström";
  r.email = "zoe@example.com";
  return r;
}

TEST(StaffMemberTest, KeysIgnoreCaseAndAt) {
  EXPECT_EQ(HandleKey(" @Ada_L "), "ada_l");
  EXPECT_EQ(EmailKey("Ada@Example.COM"), "ada@example.com");
}

TEST(StaffMemberTest, EmploymentFieldsAreCheckedWithTheirPath) {
  EXPECT_TRUE(ValidateEmploymentFields(Valid(), "staff_member.").ok());
  StaffMemberRecord r = Valid();
  r.employee_id = "E 1";
  EXPECT_THAT(ValidateEmploymentFields(r, "staff_member.").message(),
              HasSubstr("staff_member.employee_id"));
  r = Valid();
  r.display_name = std::string(201, 'a');
  EXPECT_THAT(ValidateEmploymentFields(r, "").message(),
              HasSubstr("display_name"));
  r = Valid();
  r.department = std::string(101, 'd');
  EXPECT_THAT(ValidateEmploymentFields(r, "").message(),
              HasSubstr("department"));
}

TEST(StaffMemberTest, SocialAccountsAreCheckedOneByOne) {
  StaffMemberRecord r = Valid();
  r.social_accounts = {{1, "ada"}, {2, "ada"}};
  EXPECT_TRUE(ValidatePersonalFields(r, "").ok());
  r.social_accounts = {{1, "ada"}, {1, "@ADA"}};
  EXPECT_THAT(ValidatePersonalFields(r, "").message(),
              HasSubstr("social_accounts[1]"));
  r.social_accounts = {{9, "ada"}};
  EXPECT_THAT(ValidatePersonalFields(r, "").message(),
              HasSubstr("social_accounts[0].network"));
  r.social_accounts = {{1, "@"}};
  EXPECT_THAT(ValidatePersonalFields(r, "").message(),
              HasSubstr("social_accounts[0].handle"));
  r.social_accounts.assign(11, {1, "x"});
  EXPECT_THAT(ValidatePersonalFields(r, "").message(), HasSubstr("at most 10"));
}

TEST(StaffMemberTest, UpdatableFieldsHaveOwners) {
  EXPECT_EQ(*UpdatableFieldOwner("bio"), FieldOwner::kSelf);
  EXPECT_EQ(*UpdatableFieldOwner("advocacy_consent"), FieldOwner::kSelf);
  EXPECT_EQ(*UpdatableFieldOwner("roles"), FieldOwner::kAdmin);
  EXPECT_EQ(*UpdatableFieldOwner("department"), FieldOwner::kAdmin);
  for (const char* path :
       {"state", "name", "etag", "create_time", "nope", ""}) {
    EXPECT_THAT(UpdatableFieldOwner(path),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << path;
  }
}

TEST(StaffFilterTest, ParsesConjunctions) {
  auto filter = ParseStaffFilter(
      "department = \"Sales \\\"EU\\\"\" AND state = ACTIVE AND role = ADMIN "
      "AND advocacy_consent = true AND location=Berlin");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(*filter->department, "Sales \"EU\"");
  EXPECT_EQ(*filter->state, StaffState::kActive);
  EXPECT_EQ(*filter->role, kAdminBit);
  EXPECT_TRUE(*filter->advocacy_consent);
  EXPECT_EQ(*filter->location, "Berlin");
  EXPECT_FALSE(filter->title.has_value());
  EXPECT_TRUE(ParseStaffFilter("").ok());
}

TEST(StaffFilterTest, RejectsWhatItDoesNotUnderstand) {
  for (const char* bad :
       {"department", "department =", "= x", "department = \"x",
        "department = x OR state = ACTIVE", "salary = 3", "state = GONE",
        "role = CEO", "advocacy_consent = yes",
        "state = ACTIVE AND state = INACTIVE", "department = a department = b",
        "department = = x"}) {
    auto filter = ParseStaffFilter(bad);
    EXPECT_THAT(filter, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("filter")))
        << bad;
  }
}

}  // namespace
}  // namespace candor::staff
