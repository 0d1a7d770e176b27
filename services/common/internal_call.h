// Calls one service makes to another (docs/ARCHITECTURE.md: a service reaches
// another only through its gRPC stub). The call carries the original
// caller's credentials, so the other service authorizes it exactly as if the
// caller had asked directly, and a deadline, so a slow dependency cannot
// hold a worker forever. Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_INTERNAL_CALL_H_
#define CANDOR_SERVICES_COMMON_INTERNAL_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/service_token.h"

namespace candor {

inline constexpr absl::Duration kInternalCallTimeout = absl::Seconds(5);

// A client context acting for `caller`, with a deadline: `timeout` from
// now, or the caller's own deadline when that comes first.
std::unique_ptr<grpc::ClientContext> OnBehalfOf(
    const Caller& caller, absl::Duration timeout = kInternalCallTimeout);

// A client context acting as the service itself (the service role, with
// `tokens`' current token), for work that no caller's credentials cover:
// reading another service's event feed, recording a decision. The deadline
// is `timeout` from now.
absl::StatusOr<std::unique_ptr<grpc::ClientContext>> AsService(
    ServiceTokenSource& tokens, absl::Duration timeout = kInternalCallTimeout);

// The status of a finished internal call as an absl::Status. A dependency
// that cannot be reached is UNAVAILABLE, naming `dependency`.
absl::Status FromInternalCall(const grpc::Status& status,
                              absl::string_view dependency);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_INTERNAL_CALL_H_
