#include "services/common/auth.h"

#include <jwt.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace candor {
namespace {

// Owns a jwt_t.
struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// Owns a string that libjwt allocated with malloc.
struct FreeDeleter {
  void operator()(char* p) const { free(p); }
};
using MallocString = std::unique_ptr<char, FreeDeleter>;

constexpr absl::string_view kRoleClaims[] = {"employee", "reviewer", "admin",
                                             "operator", "service"};
constexpr size_t kMinHs256SecretBytes = 32;

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("authorization: ", reason));
}

absl::string_view StringField(const google::protobuf::Struct& claims,
                              const std::string& key) {
  auto it = claims.fields().find(key);
  if (it == claims.fields().end() || !it->second.has_string_value()) return {};
  return it->second.string_value();
}

}  // namespace

absl::string_view RoleClaim(Role role) {
  return kRoleClaims[static_cast<int>(role)];
}

absl::StatusOr<Role> ParseRoleClaim(absl::string_view claim) {
  for (size_t i = 0; i < std::size(kRoleClaims); ++i) {
    if (kRoleClaims[i] == claim) return static_cast<Role>(i);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown role '", claim,
      "' (expected employee, reviewer, admin, operator or service)"));
}

bool Caller::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Caller::IsStaffMember(absl::string_view org, absl::string_view id) const {
  return !staff_member_id.empty() && organization_id == org &&
         staff_member_id == id;
}

absl::StatusOr<std::string> MintHs256Token(const TokenClaims& claims,
                                           absl::string_view secret,
                                           absl::Time now) {
  if (secret.size() < kMinHs256SecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "secret: at least ", kMinHs256SecretBytes, " bytes are required"));
  }
  if (claims.subject.empty()) {
    return absl::InvalidArgumentError("subject: required");
  }
  if (claims.roles.empty()) {
    return absl::InvalidArgumentError("roles: at least one role is required");
  }
  if (claims.ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("ttl: must be positive");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);

  google::protobuf::Struct payload;
  auto& fields = *payload.mutable_fields();
  fields["sub"].set_string_value(claims.subject);
  if (!claims.organization_id.empty()) {
    fields["org"].set_string_value(claims.organization_id);
  }
  auto* roles = fields["roles"].mutable_list_value();
  for (Role role : claims.roles) {
    roles->add_values()->set_string_value(std::string(RoleClaim(role)));
  }
  fields["iat"].set_number_value(static_cast<double>(absl::ToUnixSeconds(now)));
  fields["exp"].set_number_value(
      static_cast<double>(absl::ToUnixSeconds(now + claims.ttl)));
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(payload, &json).ok() ||
      jwt_add_grants_json(jwt.get(), json.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                  reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0) {
    return absl::InternalError("could not build the token");
  }
  MallocString token(jwt_encode_str(jwt.get()));
  if (token == nullptr) return absl::InternalError("could not sign the token");
  return std::string(token.get());
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read key file ", path));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  std::string key(absl::StripAsciiWhitespace(contents.str()));
  if (key.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("key file ", path, " is empty"));
  }
  return key;
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::ForHs256Secret(
    std::string secret) {
  if (secret.size() < kMinHs256SecretBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("the HS256 secret must have at least ",
                     kMinHs256SecretBytes, " bytes"));
  }
  return std::unique_ptr<TokenVerifier>(
      new TokenVerifier(JWT_ALG_HS256, std::move(secret)));
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::ForRs256PublicKey(
    std::string public_key_pem) {
  if (!absl::StrContains(public_key_pem, "-----BEGIN PUBLIC KEY-----")) {
    return absl::FailedPreconditionError(
        "the RS256 key must be a PEM public key (BEGIN PUBLIC KEY)");
  }
  return std::unique_ptr<TokenVerifier>(
      new TokenVerifier(JWT_ALG_RS256, std::move(public_key_pem)));
}

absl::StatusOr<Caller> TokenVerifier::Verify(absl::string_view authorization,
                                             absl::Time now) const {
  if (authorization.empty()) return Unauthenticated("missing bearer token");
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
    return Unauthenticated("expected 'Bearer <token>'");
  }
  const std::string token(
      absl::StripAsciiWhitespace(authorization.substr(kBearer.size())));
  if (token.empty() || token.size() > 8192) {
    return Unauthenticated("malformed token");
  }

  jwt_t* raw = nullptr;
  // jwt_decode checks the signature with `key_` under the algorithm the token
  // names; it refuses "none" when a key is given.
  if (jwt_decode(&raw, token.c_str(),
                 reinterpret_cast<const unsigned char*>(key_.data()),
                 static_cast<int>(key_.size())) != 0 ||
      raw == nullptr) {
    return Unauthenticated("invalid token (bad signature or format)");
  }
  JwtPtr jwt(raw);
  // libjwt trusts the token's own alg: an HS256 token keyed with our RSA
  // public key would pass. Only the configured algorithm is accepted.
  if (jwt_get_alg(jwt.get()) != static_cast<jwt_alg_t>(algorithm_)) {
    return Unauthenticated("token signed with an unexpected algorithm");
  }

  MallocString json(jwt_get_grants_json(jwt.get(), nullptr));
  google::protobuf::Struct claims;
  if (json == nullptr ||
      !google::protobuf::util::JsonStringToMessage(json.get(), &claims).ok()) {
    return Unauthenticated("token claims are not a JSON object");
  }
  // libjwt does not check expiry: a token must carry exp, in the future.
  auto exp = claims.fields().find("exp");
  if (exp == claims.fields().end() || !exp->second.has_number_value()) {
    return Unauthenticated("token has no expiry (exp)");
  }
  if (absl::FromUnixSeconds(static_cast<int64_t>(exp->second.number_value())) <=
      now) {
    return Unauthenticated("token expired");
  }

  Caller caller;
  caller.authorization = std::string(authorization);
  caller.subject = std::string(StringField(claims, "sub"));
  caller.organization_id = std::string(StringField(claims, "org"));
  if (caller.subject.empty())
    return Unauthenticated("token has no subject (sub)");
  auto roles = claims.fields().find("roles");
  if (roles == claims.fields().end() || !roles->second.has_list_value()) {
    return Unauthenticated("token has no roles");
  }
  for (const auto& value : roles->second.list_value().values()) {
    auto role = ParseRoleClaim(value.string_value());
    // An unknown role grants nothing; ignoring it keeps tokens from newer
    // identity providers usable.
    if (role.ok()) caller.roles.push_back(*role);
  }
  if (caller.roles.empty()) return Unauthenticated("token has no known role");

  // A staff subject names its organization; it must agree with `org`.
  const std::vector<absl::string_view> parts =
      absl::StrSplit(caller.subject, '/');
  if (parts.size() == 4 && parts[0] == "organizations" &&
      parts[2] == "staffMembers") {
    if (parts[1] != caller.organization_id) {
      return Unauthenticated("token subject and organization disagree");
    }
    caller.staff_member_id = std::string(parts[3]);
  }
  const bool staff_role = caller.HasRole(Role::kEmployee) ||
                          caller.HasRole(Role::kReviewer) ||
                          caller.HasRole(Role::kAdmin);
  if (staff_role && caller.staff_member_id.empty()) {
    return Unauthenticated(
        "a staff token's subject must be "
        "organizations/{org}/staffMembers/{id}");
  }
  return caller;
}

}  // namespace candor
