#include "services/common/grpc_status.h"

#include <string>

#include "services/common/retry_info.h"

namespace candor {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // The details trailer (a google.rpc.Status) only when there is something
  // beyond code and message to say: a retry delay.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), StatusDetailsBin(status));
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  // absl's names are the canonical gRPC names.
  static const std::string* const kNames = [] {
    auto* names = new std::string[17];
    for (int i = 0; i <= 16; ++i) {
      names[i] = absl::StatusCodeToString(static_cast<absl::StatusCode>(i));
    }
    return names;
  }();
  const int index = static_cast<int>(code);
  if (index < 0 || index > 16) return "UNKNOWN";
  return kNames[index];
}

}  // namespace candor
