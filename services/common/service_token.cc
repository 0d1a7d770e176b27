#include "services/common/service_token.h"

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"

namespace candor {
namespace {

constexpr absl::Duration kTokenLifetime = absl::Minutes(10);
// Renew well before expiry so a token never expires in flight.
constexpr absl::Duration kRenewBefore = absl::Minutes(5);

}  // namespace

std::unique_ptr<ServiceTokenSource> ServiceTokenSource::MintingWith(
    std::string secret, std::string subject) {
  std::unique_ptr<ServiceTokenSource> source(new ServiceTokenSource());
  source->secret_ = std::move(secret);
  source->subject_ = std::move(subject);
  return source;
}

std::unique_ptr<ServiceTokenSource> ServiceTokenSource::FromFile(
    std::string path) {
  std::unique_ptr<ServiceTokenSource> source(new ServiceTokenSource());
  source->path_ = std::move(path);
  return source;
}

absl::StatusOr<std::string> ServiceTokenSource::Authorization() {
  if (!path_.empty()) {
    absl::StatusOr<std::string> token = ReadKeyFile(path_);
    if (!token.ok()) {
      return absl::UnavailableError(
          absl::StrCat("service token: ", token.status().message()));
    }
    return absl::StrCat("Bearer ", *token);
  }
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&mu_);
  if (now >= renew_after_) {
    TokenClaims claims;
    claims.subject = subject_;
    claims.roles = {Role::kService};
    claims.ttl = kTokenLifetime;
    absl::StatusOr<std::string> token = MintHs256Token(claims, secret_, now);
    if (!token.ok()) return token.status();
    cached_ = absl::StrCat("Bearer ", *token);
    renew_after_ = now + kTokenLifetime - kRenewBefore;
  }
  return cached_;
}

}  // namespace candor
