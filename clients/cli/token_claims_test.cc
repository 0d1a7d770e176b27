#include "clients/cli/token_claims.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(BuildTokenClaimsTest, StaffTokenResolvesTheSubject) {
  absl::StatusOr<TokenClaims> claims =
      BuildTokenClaims("acme", "ada", {"employee", "admin"}, absl::Hours(12));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "organizations/acme/staffMembers/ada");
  EXPECT_EQ(claims->organization_id, "acme");
  EXPECT_THAT(claims->roles, ElementsAre(Role::kEmployee, Role::kAdmin));
  EXPECT_EQ(claims->ttl, absl::Hours(12));
}

TEST(BuildTokenClaimsTest, StaffTokenAcceptsAFullName) {
  absl::StatusOr<TokenClaims> claims = BuildTokenClaims(
      "organizations/acme", "organizations/acme/staffMembers/ada", {"employee"},
      absl::Hours(1));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->organization_id, "acme");
  EXPECT_EQ(claims->subject, "organizations/acme/staffMembers/ada");
}

TEST(BuildTokenClaimsTest, StaffTokenMustStayInItsOrganization) {
  EXPECT_FALSE(BuildTokenClaims("acme", "organizations/other/staffMembers/ada",
                                {"employee"}, absl::Hours(1))
                   .ok());
  EXPECT_FALSE(BuildTokenClaims("", "ada", {"employee"}, absl::Hours(1)).ok());
  EXPECT_FALSE(BuildTokenClaims("acme", "", {"employee"}, absl::Hours(1)).ok());
}

TEST(BuildTokenClaimsTest, OperatorTokenHasFixedSubjectAndNoOrganization) {
  absl::StatusOr<TokenClaims> claims =
      BuildTokenClaims("", "", {"operator"}, absl::Hours(1));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "operator");
  EXPECT_EQ(claims->organization_id, "");
  absl::StatusOr<TokenClaims> with_org =
      BuildTokenClaims("acme", "", {"operator"}, absl::Hours(1));
  ASSERT_FALSE(with_org.ok());
  EXPECT_THAT(std::string(with_org.status().message()), HasSubstr("--org"));
  EXPECT_FALSE(
      BuildTokenClaims("", "", {"operator", "admin"}, absl::Hours(1)).ok());
}

TEST(BuildTokenClaimsTest, ServiceTokenNamesItself) {
  absl::StatusOr<TokenClaims> claims =
      BuildTokenClaims("", "advocacy", {"service"}, absl::Hours(1));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "advocacy");
  EXPECT_EQ(claims->organization_id, "");
}

TEST(BuildTokenClaimsTest, RejectsUnknownOrNoRoles) {
  EXPECT_FALSE(BuildTokenClaims("acme", "ada", {"boss"}, absl::Hours(1)).ok());
  EXPECT_FALSE(BuildTokenClaims("acme", "ada", {}, absl::Hours(1)).ok());
}

}  // namespace
}  // namespace candor::cli
