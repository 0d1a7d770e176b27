#include "clients/cli/staff_update.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::candor::staff::v1::StaffMember;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kName[] = "organizations/acme/staffMembers/ada";

TEST(BuildUpdateRequestTest, MaskNamesExactlyTheGivenFlags) {
  StaffUpdateFlags flags;
  flags.title = "Engineer";
  flags.department = "";  // given empty: clears the department
  flags.etag = "W/1";
  absl::StatusOr<candor::staff::v1::UpdateStaffMemberRequest> request =
      BuildUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(),
              ElementsAre("department", "title"));
  EXPECT_EQ(request->staff_member().name(), kName);
  EXPECT_EQ(request->staff_member().title(), "Engineer");
  EXPECT_EQ(request->staff_member().etag(), "W/1");
}

TEST(BuildUpdateRequestTest, SetsEveryKindOfField) {
  StaffUpdateFlags flags;
  flags.display_name = "Ada L.";
  flags.manager = "grace";
  flags.roles = std::vector<std::string>{"employee", "reviewer"};
  flags.consent = "true";
  flags.social_accounts = std::vector<std::string>{"linkedin:ada-l", "x:ada"};
  flags.bio = "Counts things.";
  absl::StatusOr<candor::staff::v1::UpdateStaffMemberRequest> request =
      BuildUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(),
              ElementsAre("display_name", "manager", "roles",
                          "advocacy_consent", "social_accounts", "bio"));
  const StaffMember& member = request->staff_member();
  EXPECT_EQ(member.manager(), "organizations/acme/staffMembers/grace");
  EXPECT_THAT(member.roles(),
              ElementsAre(StaffMember::EMPLOYEE, StaffMember::REVIEWER));
  EXPECT_TRUE(member.advocacy_consent());
  ASSERT_EQ(member.social_accounts_size(), 2);
  EXPECT_EQ(member.social_accounts(1).network(), candor::common::v1::X);
  EXPECT_EQ(member.bio(), "Counts things.");
}

TEST(BuildUpdateRequestTest, EmptyListsClearRepeatedFields) {
  StaffUpdateFlags flags;
  flags.social_accounts = std::vector<std::string>{};
  flags.manager = "";
  absl::StatusOr<candor::staff::v1::UpdateStaffMemberRequest> request =
      BuildUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(),
              ElementsAre("manager", "social_accounts"));
  EXPECT_EQ(request->staff_member().manager(), "");
  EXPECT_EQ(request->staff_member().social_accounts_size(), 0);
}

TEST(BuildUpdateRequestTest, RejectsBadValues) {
  StaffUpdateFlags consent;
  consent.consent = "maybe";
  EXPECT_FALSE(BuildUpdateRequest(kName, consent).ok());
  StaffUpdateFlags role;
  role.roles = std::vector<std::string>{"operator"};
  EXPECT_FALSE(BuildUpdateRequest(kName, role).ok());
  StaffUpdateFlags social;
  social.social_accounts = std::vector<std::string>{"friendster:ada"};
  EXPECT_FALSE(BuildUpdateRequest(kName, social).ok());
}

TEST(BuildUpdateRequestTest, NothingToUpdateIsAnError) {
  StaffUpdateFlags flags;
  flags.etag = "W/1";  // not a field to change
  absl::StatusOr<candor::staff::v1::UpdateStaffMemberRequest> request =
      BuildUpdateRequest(kName, flags);
  ASSERT_FALSE(request.ok());
  EXPECT_THAT(std::string(request.status().message()),
              HasSubstr("nothing to update"));
}

}  // namespace
}  // namespace candor::cli
