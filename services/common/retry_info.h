// Telling a refused caller when to come back, the way gRPC clients across
// languages read it: a google.rpc.RetryInfo in the google.rpc.Status sent as
// the `grpc-status-details-bin` trailer (AIP-194), plus the delay in the
// human-readable message.
//
// Debian ships no googleapis protos, so the two small messages are encoded
// here by hand, field numbers per google/rpc/status.proto and
// google/rpc/error_details.proto:
//   Status    { int32 code = 1; string message = 2; repeated Any details = 3; }
//   RetryInfo { google.protobuf.Duration retry_delay = 1; }
// Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_COMMON_RETRY_INFO_H_
#define CANDOR_SERVICES_COMMON_RETRY_INFO_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace candor {

// `status` carrying a RetryInfo of `delay` (rounded up to milliseconds).
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// The delay WithRetryDelay put on `status`, if any.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// The google.rpc.Status bytes for `status` when it carries a retry delay;
// empty otherwise (then no details trailer is sent).
std::string StatusDetailsBin(const absl::Status& status);

// The retry delay in a `grpc-status-details-bin` value (a google.rpc.Status),
// if it holds a RetryInfo. For clients: candorctl and tests.
std::optional<absl::Duration> RetryDelayFromDetails(absl::string_view details);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_RETRY_INFO_H_
