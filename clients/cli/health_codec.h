// The two messages of grpc.health.v1.Health/Check, encoded by hand: Debian
// ships no generated health client, and the messages are one field each.
//   HealthCheckRequest  { string service = 1; }
//   HealthCheckResponse { ServingStatus status = 1; }
#ifndef CANDOR_CLIENTS_CLI_HEALTH_CODEC_H_
#define CANDOR_CLIENTS_CLI_HEALTH_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace candor::cli {

// HealthCheckResponse.ServingStatus values.
enum class ServingStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3,
};

// The wire bytes of a HealthCheckRequest for `service` ("" = the server).
std::string EncodeHealthCheckRequest(std::string_view service);

// The status in a HealthCheckResponse's wire bytes; fields other than
// `status` are skipped. INVALID_ARGUMENT when the bytes are not a message.
absl::StatusOr<ServingStatus> DecodeHealthCheckResponse(std::string_view bytes);

// "SERVING", "NOT_SERVING", "UNKNOWN" or "SERVICE_UNKNOWN".
std::string_view ServingStatusName(ServingStatus status);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_HEALTH_CODEC_H_
