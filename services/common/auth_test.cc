#include "services/common/auth.h"

#include <jwt.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kSecret(40, 's');

TokenClaims StaffClaims() {
  TokenClaims claims;
  claims.subject = "organizations/acme/staffMembers/ada";
  claims.organization_id = "acme";
  claims.roles = {Role::kEmployee, Role::kAdmin};
  return claims;
}

std::unique_ptr<TokenVerifier> Verifier() {
  return *TokenVerifier::ForHs256Secret(kSecret);
}

TEST(AuthTest, MintedTokenVerifiesIntoCaller) {
  auto token = MintHs256Token(StaffClaims(), kSecret);
  ASSERT_TRUE(token.ok()) << token.status();
  auto caller = Verifier()->Verify("Bearer " + *token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->organization_id, "acme");
  EXPECT_EQ(caller->staff_member_id, "ada");
  EXPECT_THAT(caller->roles, ElementsAre(Role::kEmployee, Role::kAdmin));
  EXPECT_TRUE(caller->IsStaffMember("acme", "ada"));
  EXPECT_FALSE(caller->IsStaffMember("other", "ada"));
}

TEST(AuthTest, OperatorTokenHasNoOrganization) {
  TokenClaims claims;
  claims.subject = "operator";
  claims.roles = {Role::kOperator};
  auto caller = Verifier()->Verify("Bearer " + *MintHs256Token(claims, kSecret));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->organization_id.empty());
  EXPECT_TRUE(caller->HasRole(Role::kOperator));
}

TEST(AuthTest, RejectsMissingMalformedAndForeignTokens) {
  auto verifier = Verifier();
  EXPECT_EQ(verifier->Verify("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier->Verify("Basic abc").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier->Verify("Bearer not.a.jwt").status().code(),
            absl::StatusCode::kUnauthenticated);
  auto other = MintHs256Token(StaffClaims(), std::string(40, 'x'));
  EXPECT_THAT(verifier->Verify("Bearer " + *other).status().message(),
              HasSubstr("invalid token"));
}

TEST(AuthTest, RejectsExpiredToken) {
  TokenClaims claims = StaffClaims();
  claims.ttl = absl::Minutes(5);
  auto token = MintHs256Token(claims, kSecret, absl::Now() - absl::Hours(1));
  auto caller = Verifier()->Verify("Bearer " + *token);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(caller.status().message(), HasSubstr("expired"));
}

TEST(AuthTest, RejectsSubjectOfAnotherOrganization) {
  TokenClaims claims = StaffClaims();
  claims.organization_id = "other";
  auto caller = Verifier()->Verify("Bearer " + *MintHs256Token(claims, kSecret));
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
}

// libjwt accepts whatever algorithm a token names; an HS512 token signed
// with our own secret must still be refused.
TEST(AuthTest, RejectsUnexpectedAlgorithm) {
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  jwt_add_grants_json(
      jwt, R"({"sub":"organizations/acme/staffMembers/ada","org":"acme",
               "roles":["admin"],"exp":4102444800})");
  jwt_set_alg(jwt, JWT_ALG_HS512,
              reinterpret_cast<const unsigned char*>(kSecret.data()),
              static_cast<int>(kSecret.size()));
  char* token = jwt_encode_str(jwt);
  jwt_free(jwt);
  auto caller = Verifier()->Verify(std::string("Bearer ") + token);
  free(token);
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(caller.status().message(), HasSubstr("algorithm"));
}

TEST(AuthTest, RejectsTokenWithoutExpiry) {
  jwt_t* jwt = nullptr;
  ASSERT_EQ(jwt_new(&jwt), 0);
  jwt_add_grants_json(jwt, R"({"sub":"operator","roles":["operator"]})");
  jwt_set_alg(jwt, JWT_ALG_HS256,
              reinterpret_cast<const unsigned char*>(kSecret.data()),
              static_cast<int>(kSecret.size()));
  char* token = jwt_encode_str(jwt);
  jwt_free(jwt);
  auto caller = Verifier()->Verify(std::string("Bearer ") + token);
  free(token);
  EXPECT_THAT(caller.status().message(), HasSubstr("expiry"));
}

TEST(AuthTest, MintRefusesShortSecret) {
  EXPECT_EQ(MintHs256Token(StaffClaims(), "short").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace candor
