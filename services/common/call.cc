#include "services/common/call.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/retry_info.h"

namespace candor {

absl::StatusOr<Caller> Authenticate(const CallEnvironment& env,
                                    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view header;
  if (it != metadata.end())
    header = absl::string_view(it->second.data(), it->second.size());
  return env.verifier->Verify(header);
}

std::string RequestIdOf(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return {};
  }
  return request.GetReflection()->GetString(request, field);
}

bool IsMutatingMethod(absl::string_view method) {
  const size_t slash = method.rfind('/');
  const absl::string_view name =
      slash == absl::string_view::npos ? method : method.substr(slash + 1);
  for (absl::string_view read :
       {"Get", "List", "Watch", "Verify", "Evaluate"}) {
    if (absl::StartsWith(name, read)) return false;
  }
  return true;
}

absl::Time CallDeadline(const CallEnvironment& env,
                        const grpc::ServerContextBase& context,
                        absl::Time start) {
  const absl::Time client = absl::FromChrono(context.deadline());
  return std::min(client, start + env.max_call_duration);
}

absl::Status ChargeWrite(const CallEnvironment& env, const Caller& caller) {
  if (env.limits == nullptr || caller.HasRole(Role::kService)) {
    return absl::OkStatus();
  }
  return env.limits->writes.Charge(caller.subject);
}

void LogCall(const CallEnvironment& env, absl::string_view method,
             absl::Time start, const absl::Status& status,
             absl::string_view caller, absl::string_view request_id) {
  const absl::Duration latency = absl::Now() - start;
  if (env.metrics != nullptr)
    env.metrics->RecordCall(method, status.code(), latency);
  if (env.access_log == nullptr) return;
  const std::string code(absl::StatusCodeToString(status.code()));
  env.access_log->Write(AccessRecord{method, code, latency, caller, request_id,
                                     status.message()});
}

absl::Status Offload(const CallEnvironment& env, std::function<void()> work,
                     std::function<void(const absl::Status&)> shed) {
  std::function<void()> on_shed;
  if (shed) {
    on_shed = [shed = std::move(shed)] {
      shed(WithRetryDelay(
          absl::ResourceExhaustedError("server overloaded: the call waited too "
                                       "long for a worker; retry with "
                                       "backoff"),
          kOverloadRetryDelay));
    };
  }
  if (!env.executor->TrySubmit(std::move(work), std::move(on_shed))) {
    return WithRetryDelay(
        absl::ResourceExhaustedError(
            "server busy: too many calls waiting; retry with backoff"),
        kOverloadRetryDelay);
  }
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* RunUnary(
    const CallEnvironment& env, grpc::CallbackServerContext* context,
    absl::string_view method, const google::protobuf::Message& request,
    std::function<absl::Status(const Caller&)> body, CallerLogging logging) {
  const absl::Time start = absl::Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool anonymous = logging == CallerLogging::kAnonymous;
  std::string request_id = anonymous ? "" : RequestIdOf(request);

  absl::StatusOr<Caller> caller = Authenticate(env, *context);
  if (!caller.ok()) {
    LogCall(env, method, start, caller.status(), "", request_id);
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  caller->deadline = CallDeadline(env, *context, start);

  const std::string subject = anonymous ? "anonymous" : caller->subject;
  if (IsMutatingMethod(method)) {
    absl::Status allowed = ChargeWrite(env, *caller);
    if (!allowed.ok()) {
      LogCall(env, method, start, allowed, subject, request_id);
      reactor->Finish(ToGrpcStatus(allowed));
      return reactor;
    }
  }
  auto run = [&env, context, reactor, method, start, request_id, subject,
              caller = *std::move(caller), body = std::move(body)]() {
    absl::Status status;
    if (context->IsCancelled()) {
      status = absl::CancelledError("the client cancelled the call");
    } else if (caller.deadline <= absl::Now()) {
      status = absl::DeadlineExceededError(
          "the deadline passed while the call waited to run");
    } else {
      status = body(caller);
    }
    LogCall(env, method, start, status, subject, request_id);
    reactor->Finish(ToGrpcStatus(status));
  };
  auto shed = [&env, reactor, method, start, request_id,
               subject](const absl::Status& status) {
    LogCall(env, method, start, status, subject, request_id);
    reactor->Finish(ToGrpcStatus(status));
  };
  absl::Status queued = Offload(env, std::move(run), std::move(shed));
  if (!queued.ok()) {
    LogCall(env, method, start, queued, subject, request_id);
    reactor->Finish(ToGrpcStatus(queued));
  }
  return reactor;
}

}  // namespace candor
