// How a handler runs a client-streaming call that needs the whole stream
// before it can act (an import, a batch of events): authenticate once,
// accept each message as it arrives (validate, authorize on the first,
// collect), then run the work once on the executor and answer after it.
//
//   return GatherClientStream<ImportStaffMembersRequest>(
//       *env_, context, kImportStaffMembersMethod,
//       /*accept=*/[state](const Caller& caller, Request& message) {...},
//       /*run=*/[this, state, response](const Caller& caller) {...});
//
// Like a unary call (call.h), a mutating stream is charged to the caller's
// write limit, and its deadline is cut to the server's limit. A message
// `accept` refuses, a cancelled stream, or a full executor ends the call at
// once with that status; `run` is never called then. The access
// log gets one line for the call. Thread-safe as the callback API is: one
// message at a time.
#ifndef CANDOR_SERVICES_COMMON_CLIENT_STREAM_H_
#define CANDOR_SERVICES_COMMON_CLIENT_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "services/common/call.h"
#include "services/common/grpc_status.h"

namespace candor {

template <typename Request>
class GatheringReadReactor : public grpc::ServerReadReactor<Request> {
 public:
  using Accept = std::function<absl::Status(const Caller&, Request&)>;
  using Run = std::function<absl::Status(const Caller&)>;

  GatheringReadReactor(const CallEnvironment& env,
                       grpc::CallbackServerContext* context,
                       absl::string_view method, Accept accept, Run run)
      : env_(env),
        context_(context),
        method_(method),
        accept_(std::move(accept)),
        run_(std::move(run)),
        start_(absl::Now()) {
    absl::StatusOr<Caller> caller = Authenticate(env_, *context_);
    if (!caller.ok()) {
      End(caller.status());
      return;
    }
    caller_ = *std::move(caller);
    caller_.deadline = CallDeadline(env_, *context_, start_);
    if (IsMutatingMethod(method_)) {
      absl::Status allowed = ChargeWrite(env_, caller_);
      if (!allowed.ok()) {
        End(allowed);
        return;
      }
    }
    this->StartRead(&message_);
  }

  void OnReadDone(bool ok) override {
    if (caller_.deadline <= absl::Now()) {
      End(
          absl::DeadlineExceededError("the stream ran past its deadline (the "
                                      "server's limit or the client's)"));
      return;
    }
    if (!ok) {  // the client finished sending, or went away
      if (context_->IsCancelled()) {
        End(absl::CancelledError("the client cancelled the stream"));
        return;
      }
      absl::Status queued = Offload(
          env_,
          [this] {
            End(caller_.deadline <= absl::Now()
                    ? absl::DeadlineExceededError(
                          "the deadline passed while the call waited to run")
                    : run_(caller_));
          },
          [this](const absl::Status& shed) { End(shed); });
      if (!queued.ok()) End(queued);
      return;
    }
    absl::Status accepted = accept_(caller_, message_);
    if (!accepted.ok()) {
      End(accepted);
      return;
    }
    message_.Clear();
    this->StartRead(&message_);
  }

  void OnDone() override { delete this; }

 private:
  void End(const absl::Status& status) {
    LogCall(env_, method_, start_, status, caller_.subject, "");
    this->Finish(ToGrpcStatus(status));
  }

  const CallEnvironment& env_;
  grpc::CallbackServerContext* const context_;
  const absl::string_view method_;  // a constant: outlives the call
  const Accept accept_;
  const Run run_;
  const absl::Time start_;
  Caller caller_;
  Request message_;
};

// Starts a GatheringReadReactor; gRPC deletes it when the call is done.
template <typename Request>
grpc::ServerReadReactor<Request>* GatherClientStream(
    const CallEnvironment& env, grpc::CallbackServerContext* context,
    absl::string_view method,
    typename GatheringReadReactor<Request>::Accept accept,
    typename GatheringReadReactor<Request>::Run run) {
  return new GatheringReadReactor<Request>(env, context, method,
                                           std::move(accept), std::move(run));
}

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_CLIENT_STREAM_H_
