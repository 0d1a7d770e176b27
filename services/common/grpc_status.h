// The edge between absl::Status (used everywhere inside) and grpc::Status
// (used only by handlers). Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_GRPC_STATUS_H_
#define CANDOR_SERVICES_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace candor {

// Same code, same message (the codes share their numbering), and a
// google.rpc.RetryInfo detail when the status carries a retry delay
// (retry_info.h).
grpc::Status ToGrpcStatus(const absl::Status& status);

// "OK", "NOT_FOUND", ...
absl::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_GRPC_STATUS_H_
