#include "clients/cli/staff_fields.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(StaffFieldsTest, OrganizationNameAcceptsIdOrName) {
  EXPECT_EQ(OrganizationName("acme"), "organizations/acme");
  EXPECT_EQ(OrganizationName("organizations/acme"), "organizations/acme");
}

TEST(StaffFieldsTest, StaffMemberNameResolvesIds) {
  EXPECT_EQ(StaffMemberName("organizations/acme", "ada"),
            "organizations/acme/staffMembers/ada");
  EXPECT_EQ(StaffMemberName("organizations/acme",
                            "organizations/acme/staffMembers/bob"),
            "organizations/acme/staffMembers/bob");
}

TEST(StaffFieldsTest, OrganizationOfStaffMemberName) {
  EXPECT_EQ(OrganizationOf("organizations/acme/staffMembers/ada"),
            "organizations/acme");
  EXPECT_EQ(OrganizationOf("ada"), "");
}

TEST(StaffFieldsTest, ParsesRolesInAnyCase) {
  EXPECT_EQ(*ParseStaffRole("Reviewer"), StaffMember::REVIEWER);
  EXPECT_EQ(*ParseStaffRole("ADMIN"), StaffMember::ADMIN);
  absl::StatusOr<StaffMember::Role> bad = ParseStaffRole("boss");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("unknown role \"boss\""));
}

TEST(StaffFieldsTest, ParsesRoleLists) {
  EXPECT_THAT(*ParseStaffRoles("employee; reviewer;", ';'),
              ElementsAre(StaffMember::EMPLOYEE, StaffMember::REVIEWER));
  EXPECT_TRUE(ParseStaffRoles("", ';')->empty());
  EXPECT_FALSE(ParseStaffRoles("employee;operator", ';').ok());
}

TEST(StaffFieldsTest, RoleText) {
  EXPECT_EQ(StaffRoleText(StaffMember::REVIEWER), "reviewer");
}

TEST(StaffFieldsTest, ParsesSocialAccounts) {
  absl::StatusOr<SocialAccount> account = ParseSocialAccount("LinkedIn:ada-l");
  ASSERT_TRUE(account.ok()) << account.status();
  EXPECT_EQ(account->network(), candor::common::v1::LINKEDIN);
  EXPECT_EQ(account->handle(), "ada-l");
  // The handle may itself hold a ':'.
  EXPECT_EQ(ParseSocialAccount("mastodon:@ada@example.social:443")->handle(),
            "@ada@example.social:443");
  EXPECT_FALSE(ParseSocialAccount("ada-l").ok());
  EXPECT_FALSE(ParseSocialAccount("myspace:ada").ok());
  EXPECT_FALSE(ParseSocialAccount("network_unspecified:ada").ok());
  EXPECT_FALSE(ParseSocialAccount("x:").ok());
}

TEST(StaffFieldsTest, ParsesBooleans) {
  EXPECT_TRUE(*ParseBool("true"));
  EXPECT_FALSE(*ParseBool("FALSE"));
  EXPECT_FALSE(ParseBool("yes").ok());
}

}  // namespace
}  // namespace candor::cli
