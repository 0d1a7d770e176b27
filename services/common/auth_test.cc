#include "services/common/auth.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

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
  auto caller =
      Verifier()->Verify("Bearer " + *MintHs256Token(claims, kSecret));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->organization_id.empty());
  EXPECT_TRUE(caller->HasRole(Role::kOperator));
}

TEST(AuthTest, RejectsMissingMalformedAndForeignTokens) {
  auto verifier = Verifier();
  EXPECT_THAT(verifier->Verify(""),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(verifier->Verify("Basic abc"),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(verifier->Verify("Bearer not.a.jwt"),
              StatusIs(absl::StatusCode::kUnauthenticated));
  auto other = MintHs256Token(StaffClaims(), std::string(40, 'x'));
  EXPECT_THAT(verifier->Verify("Bearer " + *other).status().message(),
              HasSubstr("invalid token"));
}

TEST(AuthTest, RejectsExpiredToken) {
  TokenClaims claims = StaffClaims();
  claims.ttl = absl::Minutes(5);
  auto token = MintHs256Token(claims, kSecret, absl::Now() - absl::Hours(1));
  auto caller = Verifier()->Verify("Bearer " + *token);
  EXPECT_THAT(caller, StatusIs(absl::StatusCode::kUnauthenticated,
                               HasSubstr("expired")));
}

TEST(AuthTest, RejectsSubjectOfAnotherOrganization) {
  TokenClaims claims = StaffClaims();
  claims.organization_id = "other";
  auto caller =
      Verifier()->Verify("Bearer " + *MintHs256Token(claims, kSecret));
  EXPECT_THAT(caller, StatusIs(absl::StatusCode::kUnauthenticated));
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
  EXPECT_THAT(caller, StatusIs(absl::StatusCode::kUnauthenticated,
                               HasSubstr("algorithm")));
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
  EXPECT_THAT(MintHs256Token(StaffClaims(), "short"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// An RSA key pair in PEM, made fresh for the test.
struct RsaKeys {
  std::string private_pem;
  std::string public_pem;
};

RsaKeys MakeRsaKeys() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(size));
    BIO_free(bio);
    return pem;
  };
  BIO* private_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(private_bio, key, nullptr, nullptr, 0, nullptr,
                           nullptr);
  BIO* public_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(public_bio, key);
  EVP_PKEY_free(key);
  return RsaKeys{to_string(private_bio), to_string(public_bio)};
}

std::string SignedToken(jwt_alg_t alg, const std::string& key) {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grants_json(
      jwt, R"({"sub":"organizations/acme/staffMembers/ada","org":"acme",
               "roles":["employee"],"exp":4102444800})");
  jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
              static_cast<int>(key.size()));
  char* raw = jwt_encode_str(jwt);
  std::string token = raw == nullptr ? "" : raw;
  free(raw);
  jwt_free(jwt);
  return token;
}

TEST(AuthTest, Rs256TokensOfTheIdentityProviderVerify) {
  const RsaKeys keys = MakeRsaKeys();
  auto verifier = TokenVerifier::ForRs256PublicKey(keys.public_pem);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto caller = (*verifier)->Verify(
      "Bearer " + SignedToken(JWT_ALG_RS256, keys.private_pem));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->staff_member_id, "ada");

  const RsaKeys other = MakeRsaKeys();
  EXPECT_THAT((*verifier)->Verify(
                  "Bearer " + SignedToken(JWT_ALG_RS256, other.private_pem)),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

// The classic confusion: an HS256 token whose HMAC key is the server's RSA
// public key (which is public). libjwt alone would accept it.
TEST(AuthTest, Rs256VerifierRefusesHs256KeyedWithThePublicKey) {
  const RsaKeys keys = MakeRsaKeys();
  auto verifier = TokenVerifier::ForRs256PublicKey(keys.public_pem);
  ASSERT_TRUE(verifier.ok());
  auto caller = (*verifier)->Verify(
      "Bearer " + SignedToken(JWT_ALG_HS256, keys.public_pem));
  EXPECT_THAT(caller, StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(AuthTest, RefusesUnsignedAlgNone) {
  // header {"alg":"none","typ":"JWT"}, payload with a far expiry, no signature
  const std::string token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
      "eyJzdWIiOiJvcGVyYXRvciIsInJvbGVzIjpbIm9wZXJhdG9yIl0sImV4cCI6NDEwMjQ0NDgw"
      "MH0.";
  EXPECT_THAT(Verifier()->Verify("Bearer " + token),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace candor
