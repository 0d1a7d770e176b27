#include "services/common/personal_data.h"

#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

Caller MakeCaller(std::string org, std::vector<Role> roles) {
  Caller caller;
  caller.subject =
      org.empty() ? "operator" : "organizations/" + org + "/staffMembers/x";
  caller.organization_id = std::move(org);
  caller.roles = std::move(roles);
  return caller;
}

TEST(ErasedPseudonymTest, SameForOnePersonDifferentForAnother) {
  const std::string a = ErasedPseudonym("organizations/acme/staffMembers/ada");
  EXPECT_EQ(a, ErasedPseudonym("organizations/acme/staffMembers/ada"));
  EXPECT_NE(a, ErasedPseudonym("organizations/acme/staffMembers/bob"));
  EXPECT_EQ(a.rfind("erased-", 0), 0u);
  EXPECT_EQ(a.size(), std::string("erased-").size() + 12);
  EXPECT_EQ(a.find("ada"), std::string::npos);
}

TEST(ParsePersonRefTest, NamesTheFieldWhenMalformed) {
  auto person = ParsePersonRef("organizations/acme/staffMembers/ada");
  ASSERT_TRUE(person.ok());
  EXPECT_EQ(person->org, "acme");
  EXPECT_EQ(person->id, "ada");
  const auto bad = ParsePersonRef("people/ada");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument,
                            ::testing::HasSubstr("staff_member")));
}

TEST(PersonalDataAccessTest, AdminsOperatorsAndServicesOnly) {
  const char kName[] = "organizations/acme/staffMembers/ada";
  EXPECT_TRUE(RequirePersonalDataAccess(MakeCaller("acme", {Role::kAdmin}),
                                        "acme", kName)
                  .ok());
  EXPECT_TRUE(RequirePersonalDataAccess(MakeCaller("", {Role::kOperator}),
                                        "acme", kName)
                  .ok());
  EXPECT_TRUE(
      RequirePersonalDataAccess(MakeCaller("", {Role::kService}), "acme", kName)
          .ok());
  EXPECT_THAT(RequirePersonalDataAccess(MakeCaller("other", {Role::kAdmin}),
                                        "acme", kName),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(RequirePersonalDataAccess(
                  MakeCaller("acme", {Role::kEmployee, Role::kReviewer}),
                  "acme", kName),
              StatusIs(absl::StatusCode::kPermissionDenied));
  // The privacy service itself is for people, not services.
  EXPECT_THAT(RequireAdminOrOperatorOf(MakeCaller("acme", {Role::kService}),
                                       "acme", kName),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(
      RequireAdminOrOperatorOf(MakeCaller("", {Role::kOperator}), "acme", kName)
          .ok());
  EXPECT_THAT(RequireAdminOrOperatorOf(MakeCaller("other", {Role::kAdmin}),
                                       "acme", kName),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace candor
