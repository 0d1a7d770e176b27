// Credentials a service presents when it calls another service as itself
// (not on a user's behalf): for example advocacy recording a decision,
// which only the `service` role may do.
//
// With the deployment's HS256 secret the token is minted locally and renewed
// before it expires; with an external identity provider (RS256) it is read
// from a file that the platform keeps fresh. Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_SERVICE_TOKEN_H_
#define CANDOR_SERVICES_COMMON_SERVICE_TOKEN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace candor {

class ServiceTokenSource {
 public:
  // Mints tokens with subject `subject` (e.g. "service:candord"), role
  // service and no organization, signed with `secret`.
  static std::unique_ptr<ServiceTokenSource> MintingWith(std::string secret,
                                                         std::string subject);
  // Reads the token from `path` on every use.
  static std::unique_ptr<ServiceTokenSource> FromFile(std::string path);

  // The `authorization` header value ("Bearer ..."), or UNAVAILABLE.
  absl::StatusOr<std::string> Authorization();

 private:
  ServiceTokenSource() = default;

  std::string secret_;  // minting, when set
  std::string subject_;
  std::string path_;  // reading, when set

  absl::Mutex mu_;
  std::string cached_ ABSL_GUARDED_BY(mu_);
  absl::Time renew_after_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_SERVICE_TOKEN_H_
