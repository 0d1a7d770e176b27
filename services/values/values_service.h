// candor.values.v1.ValuesService: the gRPC edge of the values service.
// Each handler authorizes (role, organization, caller), validates every
// field, maps protos to domain records (value.h), and calls the repository;
// blocking work runs on the shared bounded executor (services/common/call.h).
//
// Who may call what:
//   reads (Get/ListValues, ListValueRevisions, ListValueFeedback): any staff
//     of the organization, and services of it (advocacy checks a story's
//     values with the user's forwarded token);
//   Create/Update/RetireValue: admins of the organization;
//   Endorse/UnendorseValue, CreateValueFeedback: any staff member of the
//     organization, as themself.
// Every write also needs its author still ACTIVE, asked of the staff service
// (the one service values calls; staff_state_cache.h): a deactivated or
// erased person's unexpired token changes nothing.
//
// Anonymous feedback is written so that nothing can attribute it: no author
// in the response, the row, the idempotency fingerprint or the access log
// line, and its time is rounded down to the day.
//
// Thread-safe: handlers share only immutable state and the repository.
//
// Files: each RPC is a CANDOR_UNARY_RPC line in the class
// (services/common/call.h) and its Do<Method> body in values_service.cc.
#ifndef CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_
#define CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_

#include <memory>

#include "absl/status/status.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/common/staff_state_cache.h"
#include "services/values/values_repository.h"

namespace candor::values {

namespace v1 = ::candor::values::v1;

class ValuesService final : public v1::ValuesService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.values.v1.ValuesService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  ValuesService(const CallEnvironment* env, db::Pool* pool,
                const PageTokenCodec* page_tokens);

  // What values calls: the staff service, for its callers' state.
  struct Dependencies {
    std::shared_ptr<grpc::Channel> staff;
    ServiceTokenSource* service_tokens = nullptr;  // not owned; optional
    absl::Duration staff_state_ttl = kDefaultStaffStateTtl;
  };
  // Set once, before the service is marked SERVING.
  void SetDependencies(const Dependencies& dependencies);

  CANDOR_UNARY_RPC(CreateValue, v1::Value);
  CANDOR_UNARY_RPC(GetValue, v1::Value);
  CANDOR_UNARY_RPC(ListValues, v1::ListValuesResponse);
  CANDOR_UNARY_RPC(UpdateValue, v1::Value);
  CANDOR_UNARY_RPC(ListValueRevisions, v1::ListValueRevisionsResponse);
  CANDOR_UNARY_RPC(RetireValue, v1::Value);
  CANDOR_UNARY_RPC(EndorseValue, v1::Value);
  CANDOR_UNARY_RPC(UnendorseValue, v1::Value);
  grpc::ServerUnaryReactor* CreateValueFeedback(
      grpc::CallbackServerContext* context,
      const v1::CreateValueFeedbackRequest* request,
      v1::ValueFeedback* response) override;
  CANDOR_UNARY_RPC(ListValueFeedback, v1::ListValueFeedbackResponse);

  CANDOR_UNARY_RPC(ExportPersonalData, v1::PersonalData);
  CANDOR_UNARY_RPC(ErasePersonalData, v1::ErasePersonalDataResponse);

 private:
  // Endorse (`endorse`) or unendorse the value `name` as the caller.
  absl::Status DoSetEndorsement(const Caller& caller, const std::string& name,
                                bool endorse, v1::Value* response);
  absl::Status DoCreateValueFeedback(
      const Caller& caller, const v1::CreateValueFeedbackRequest& request,
      v1::ValueFeedback* response);

  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  ValuesRepository repository_;
  // Whether a staff caller is still ACTIVE: every write asks first.
  std::unique_ptr<StaffStateCache> staff_states_;
};

}  // namespace candor::values

#endif  // CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_
