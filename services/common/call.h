// How a gRPC handler runs a call: authenticate, run the body on the bounded
// executor (database work never blocks gRPC's threads), map the status, and
// write the access log line.
//
// A service declares each unary RPC with one line in its class, and
// writes the body, Do<Method>, in a .cc file:
//
//   class StaffService final : public v1::StaffService::CallbackService {
//    public:
//     CANDOR_UNARY_RPC(GetStaffMember, v1::StaffMember);
//     ...
//   };
//
//   absl::Status StaffService::DoGetStaffMember(
//       const Caller& caller, const v1::GetStaffMemberRequest& request,
//       v1::StaffMember* response) { ... }
//
// A full executor queue answers RESOURCE_EXHAUSTED; a call whose deadline
// passed or that was cancelled while queued is not run. A mutating call
// (IsMutatingMethod) is charged to the caller's write rate limit first. The
// server bounds every call's deadline by `max_call_duration`, whatever the
// client asked, and hands it on in Caller::deadline so calls to other
// services end with it.
#ifndef CANDOR_SERVICES_COMMON_CALL_H_
#define CANDOR_SERVICES_COMMON_CALL_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "services/common/access_log.h"
#include "services/common/auth.h"
#include "services/common/executor.h"
#include "services/common/method_name.h"
#include "services/common/metrics.h"
#include "services/common/rate_limiter.h"

namespace candor {

// What every handler needs; owned by the server, shared by all services.
struct CallEnvironment {
  const TokenVerifier* verifier = nullptr;
  BoundedExecutor* executor = nullptr;
  const AccessLog* access_log = nullptr;
  Metrics* metrics = nullptr;      // optional
  CallerLimits* limits = nullptr;  // optional: no per-caller limits
  // The longest a call may run, from its arrival; a client deadline further
  // out (or none) is cut to this.
  absl::Duration max_call_duration = absl::InfiniteDuration();
};

// How long a refused caller is told to wait when the server is overloaded
// (queue full, or waited too long for a worker).
inline constexpr absl::Duration kOverloadRetryDelay = absl::Milliseconds(200);

// The Caller for the call's `authorization` metadata.
absl::StatusOr<Caller> Authenticate(const CallEnvironment& env,
                                    const grpc::ServerContextBase& context);

// The request's `request_id` field, when its message has one.
std::string RequestIdOf(const google::protobuf::Message& request);

// Whether `method` ("/candor.advocacy.v1.AdvocacyService/UpdatePost") may
// change anything: every method but those named with the read-only verbs
// Get, List, Watch, Verify and Evaluate (a dry run), as the API names them.
// By name rather than by a request_id field, because some writes (Update*,
// ApprovePost, EndorseValue, ...) are idempotent without one.
bool IsMutatingMethod(absl::string_view method);

// The deadline the server holds a call to: the client's, cut to
// env.max_call_duration after `start`.
absl::Time CallDeadline(const CallEnvironment& env,
                        const grpc::ServerContextBase& context,
                        absl::Time start);

// Charges a mutating call to `caller`'s write limit. Callers with the
// service role are not limited: their writes are made on behalf of calls
// that were charged when they arrived.
absl::Status ChargeWrite(const CallEnvironment& env, const Caller& caller);

// Writes the access log line for a finished call and records its metrics.
void LogCall(const CallEnvironment& env, absl::string_view method,
             absl::Time start, const absl::Status& status,
             absl::string_view caller, absl::string_view request_id);

// Whether the access log may name the caller. kAnonymous is for calls whose
// author must stay unknown (anonymous feedback): the line then says
// "anonymous" and carries no request_id.
enum class CallerLogging { kNamed, kAnonymous };

// Runs a unary call as described above. `request` and `body` must stay valid
// until the call finishes (they do: gRPC keeps request and response alive
// until Finish).
grpc::ServerUnaryReactor* RunUnary(
    const CallEnvironment& env, grpc::CallbackServerContext* context,
    absl::string_view method, const google::protobuf::Message& request,
    std::function<absl::Status(const Caller&)> body,
    CallerLogging logging = CallerLogging::kNamed);

// Runs a unary call whose body is `service->*body`, the shape every handler
// has (see the top of this file), under the method name its request names.
template <typename Service, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeUnary(
    const CallEnvironment& env, grpc::CallbackServerContext* context,
    const Request* request, Response* response, Service* service,
    absl::Status (Service::*body)(const Caller&, const Request&, Response*),
    CallerLogging logging = CallerLogging::kNamed) {
  return RunUnary(
      env, context, MethodName<Request>(), *request,
      [=](const Caller& caller) {
        return (service->*body)(caller, *request, response);
      },
      logging);
}

// Declares one unary RPC inside a service class: the gRPC override, which
// serves the call with ServeUnary, and its body
// `absl::Status Do##Method(caller, request, response)`, which the service
// defines in a .cc file. The class needs a `const CallEnvironment* env_`
// member, and `v1` must name its API's namespace (the request type is
// `v1::Method##Request`).
#define CANDOR_UNARY_RPC(Method, Response)                               \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* context, \
                                   const v1::Method##Request* request,   \
                                   Response* response) override {        \
    return ::candor::ServeUnary(                                         \
        *env_, context, request, response, this,                         \
        &std::remove_pointer_t<decltype(this)>::Do##Method);             \
  }                                                                      \
  absl::Status Do##Method(const Caller& caller,                          \
                          const v1::Method##Request& request,            \
                          Response* response)

// Runs `work` on the executor, or returns RESOURCE_EXHAUSTED when its queue
// is full. For streaming handlers that finish on their own. When the work
// waits too long in the queue (see BoundedExecutor), `shed` runs instead
// with the RESOURCE_EXHAUSTED status to answer; without `shed` the work
// always runs.
absl::Status Offload(const CallEnvironment& env, std::function<void()> work,
                     std::function<void(const absl::Status&)> shed = nullptr);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_CALL_H_
