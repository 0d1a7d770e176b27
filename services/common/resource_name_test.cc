#include "services/common/resource_name.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::string_view kStaff =
    "organizations/{organization}/staffMembers/{staff_member}";

TEST(ResourceNameTest, ExtractsVariables) {
  auto parts = ParseResourceName(
      "name", "organizations/acme/staffMembers/ada-1", kStaff);
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_THAT(*parts, ElementsAre("acme", "ada-1"));
  EXPECT_EQ(*ParseOrganizationName("parent", "organizations/acme"), "acme");
}

TEST(ResourceNameTest, RejectsOtherShapes) {
  for (const char* bad :
       {"", "organizations/acme", "organizations/acme/staffMembers/",
        "organizations/acme/posts/x", "organizations//staffMembers/x",
        "organizations/ACME/staffMembers/x",
        "organizations/acme/staffMembers/x/extra",
        "organizations/acme/staffMembers/x'--"}) {
    auto parts = ParseResourceName("name", bad, kStaff);
    EXPECT_THAT(parts,
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")))
        << bad;
  }
}

TEST(ResourceNameTest, ParsesAResourceUnderAnOrganization) {
  absl::StatusOr<OrgResourceName> name = ParseOrgResourceName(
      "staff_member", "organizations/acme/staffMembers/ada",
      kStaffMemberPattern);
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->org, "acme");
  EXPECT_EQ(name->id, "ada");
  EXPECT_FALSE(ParseOrgResourceName("staff_member",
                                    "organizations/acme/posts/x",
                                    kStaffMemberPattern)
                   .ok());
}

}  // namespace
}  // namespace candor
