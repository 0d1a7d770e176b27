#include "services/common/internal_call.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/retry_info.h"

namespace candor {

std::unique_ptr<grpc::ClientContext> OnBehalfOf(const Caller& caller,
                                                absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!caller.authorization.empty()) {
    context->AddMetadata("authorization", caller.authorization);
  }
  // The caller's own deadline bounds it: a dependency's answer after the
  // caller gave up helps no one and holds a worker.
  context->set_deadline(
      absl::ToChronoTime(std::min(absl::Now() + timeout, caller.deadline)));
  return context;
}

absl::StatusOr<std::unique_ptr<grpc::ClientContext>> AsService(
    ServiceTokenSource& tokens, absl::Duration timeout) {
  absl::StatusOr<std::string> authorization = tokens.Authorization();
  if (!authorization.ok()) return authorization.status();
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", *authorization);
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
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
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
  // A dependency's "retry after" holds for the caller too.
  if (std::optional<absl::Duration> delay =
          RetryDelayFromDetails(status.error_details())) {
    result = WithRetryDelay(std::move(result), *delay);
  }
  return result;
}

}  // namespace candor
