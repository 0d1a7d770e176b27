// Bearer-token authentication: JWT verification into a Caller, and minting
// of tokens for local use (candorctl token mint, tests).
//
// Tokens are verified with Debian's libjwt. Because libjwt 1.10 trusts the
// token's own `alg` header and does not check `exp`, the verifier checks
// both itself: a token must use exactly the algorithm the server was
// configured with (HS256 with a shared secret, or RS256 with an identity
// provider's public key) and must carry an unexpired `exp`.
//
// TokenVerifier is immutable after creation and safe to use from any thread.
#ifndef CANDOR_SERVICES_COMMON_AUTH_H_
#define CANDOR_SERVICES_COMMON_AUTH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor {

enum class Role { kEmployee, kReviewer, kAdmin, kOperator, kService };

// The claim spelling of a role ("employee", "reviewer", ...).
absl::string_view RoleClaim(Role role);
// Parses a claim spelling; INVALID_ARGUMENT for an unknown role.
absl::StatusOr<Role> ParseRoleClaim(absl::string_view claim);

// Who is calling, as established by a verified token.
struct Caller {
  // The token's `sub`: a staff resource name
  // (`organizations/{org}/staffMembers/{id}`), `operator`, or a service name.
  std::string subject;
  // The token's `org`; empty for operators and cross-organization services.
  std::string organization_id;
  // The staff member id within the organization when `subject` names one.
  std::string staff_member_id;
  std::vector<Role> roles;
  // The `authorization` header the caller presented, forwarded on calls a
  // service makes on the caller's behalf (see internal_call.h).
  std::string authorization;
  // When the server gives up on the call (see call.h); calls made on the
  // caller's behalf end by then too.
  absl::Time deadline = absl::InfiniteFuture();

  bool HasRole(Role role) const;
  // True when the caller is the staff member
  // `organizations/{org}/staffMembers/{id}`.
  bool IsStaffMember(absl::string_view org, absl::string_view id) const;
};

// The claims a minted token carries.
struct TokenClaims {
  std::string subject;
  std::string organization_id;  // empty: no `org` claim
  std::vector<Role> roles;
  absl::Duration ttl = absl::Hours(1);
};

// Mints an HS256 token signed with `secret`. For local use: a deployment with
// an external identity provider uses its tokens (RS256) instead.
absl::StatusOr<std::string> MintHs256Token(const TokenClaims& claims,
                                           absl::string_view secret,
                                           absl::Time now = absl::Now());

// Reads a secret or key file and strips surrounding whitespace; NOT_FOUND or
// FAILED_PRECONDITION with the path when it cannot be used.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path);

class TokenVerifier {
 public:
  // Verifies HS256 tokens signed with `secret` (at least 32 bytes).
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> ForHs256Secret(
      std::string secret);
  // Verifies RS256 tokens with a PEM public key.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> ForRs256PublicKey(
      std::string public_key_pem);

  // Verifies `authorization` (the whole header value, "Bearer <jwt>").
  // UNAUTHENTICATED with a short reason when the token is missing,
  // malformed, signed with another key or algorithm, or expired.
  absl::StatusOr<Caller> Verify(absl::string_view authorization,
                                absl::Time now = absl::Now()) const;

 private:
  TokenVerifier(int algorithm, std::string key)
      : algorithm_(algorithm), key_(std::move(key)) {}

  const int algorithm_;  // a jwt_alg_t
  const std::string key_;
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_AUTH_H_
