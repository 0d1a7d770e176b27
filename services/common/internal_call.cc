#include "services/common/internal_call.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace candor {

std::unique_ptr<grpc::ClientContext> OnBehalfOf(const Caller& caller,
                                                absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!caller.authorization.empty()) {
    context->AddMetadata("authorization", caller.authorization);
  }
  context->set_deadline(std::chrono::system_clock::now() +
                        absl::ToChronoMilliseconds(timeout));
  return context;
}

absl::Status FromInternalCall(const grpc::Status& status,
                              absl::string_view dependency) {
  if (status.ok()) return absl::OkStatus();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(
        absl::StrCat(dependency, " is unavailable; retry"));
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

}  // namespace candor
