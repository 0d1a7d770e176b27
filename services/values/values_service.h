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
//
// Anonymous feedback is written so that nothing can attribute it: no author
// in the response, the row, the idempotency fingerprint or the access log
// line, and its time is rounded down to the day.
//
// Thread-safe: handlers share only immutable state and the repository.
//
// Files: every RPC is in values_service.cc, as its Do<Method> body and a
// CANDOR_UNARY_HANDLER line (services/common/call.h); a new RPC goes there
// too.
#ifndef CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_
#define CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_

#include "absl/status/status.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/values/values_repository.h"

namespace candor::values {

namespace v1 = ::candor::values::v1;

class ValuesService final : public v1::ValuesService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.values.v1.ValuesService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  ValuesService(const CallEnvironment* env, db::Pool* pool,
                const PageTokenCodec* page_tokens);

  grpc::ServerUnaryReactor* CreateValue(grpc::CallbackServerContext* context,
                                        const v1::CreateValueRequest* request,
                                        v1::Value* response) override;
  grpc::ServerUnaryReactor* GetValue(grpc::CallbackServerContext* context,
                                     const v1::GetValueRequest* request,
                                     v1::Value* response) override;
  grpc::ServerUnaryReactor* ListValues(
      grpc::CallbackServerContext* context,
      const v1::ListValuesRequest* request,
      v1::ListValuesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateValue(grpc::CallbackServerContext* context,
                                        const v1::UpdateValueRequest* request,
                                        v1::Value* response) override;
  grpc::ServerUnaryReactor* ListValueRevisions(
      grpc::CallbackServerContext* context,
      const v1::ListValueRevisionsRequest* request,
      v1::ListValueRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* RetireValue(grpc::CallbackServerContext* context,
                                        const v1::RetireValueRequest* request,
                                        v1::Value* response) override;
  grpc::ServerUnaryReactor* EndorseValue(grpc::CallbackServerContext* context,
                                         const v1::EndorseValueRequest* request,
                                         v1::Value* response) override;
  grpc::ServerUnaryReactor* UnendorseValue(
      grpc::CallbackServerContext* context,
      const v1::UnendorseValueRequest* request, v1::Value* response) override;
  grpc::ServerUnaryReactor* CreateValueFeedback(
      grpc::CallbackServerContext* context,
      const v1::CreateValueFeedbackRequest* request,
      v1::ValueFeedback* response) override;
  grpc::ServerUnaryReactor* ListValueFeedback(
      grpc::CallbackServerContext* context,
      const v1::ListValueFeedbackRequest* request,
      v1::ListValueFeedbackResponse* response) override;

  grpc::ServerUnaryReactor* ExportPersonalData(
      grpc::CallbackServerContext* context,
      const v1::ExportPersonalDataRequest* request,
      v1::PersonalData* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(
      grpc::CallbackServerContext* context,
      const v1::ErasePersonalDataRequest* request,
      v1::ErasePersonalDataResponse* response) override;

 private:
  absl::Status DoCreateValue(const Caller& caller,
                             const v1::CreateValueRequest& request,
                             v1::Value* response);
  absl::Status DoGetValue(const Caller& caller,
                          const v1::GetValueRequest& request,
                          v1::Value* response);
  absl::Status DoListValues(const Caller& caller,
                            const v1::ListValuesRequest& request,
                            v1::ListValuesResponse* response);
  absl::Status DoUpdateValue(const Caller& caller,
                             const v1::UpdateValueRequest& request,
                             v1::Value* response);
  absl::Status DoListValueRevisions(
      const Caller& caller, const v1::ListValueRevisionsRequest& request,
      v1::ListValueRevisionsResponse* response);
  absl::Status DoRetireValue(const Caller& caller,
                             const v1::RetireValueRequest& request,
                             v1::Value* response);
  // Endorse (`endorse`) or unendorse the value `name` as the caller.
  absl::Status DoEndorseValue(const Caller& caller,
                              const v1::EndorseValueRequest& request,
                              v1::Value* response);
  absl::Status DoUnendorseValue(const Caller& caller,
                                const v1::UnendorseValueRequest& request,
                                v1::Value* response);
  absl::Status DoSetEndorsement(const Caller& caller, const std::string& name,
                                bool endorse, v1::Value* response);
  absl::Status DoCreateValueFeedback(
      const Caller& caller, const v1::CreateValueFeedbackRequest& request,
      v1::ValueFeedback* response);
  absl::Status DoListValueFeedback(const Caller& caller,
                                   const v1::ListValueFeedbackRequest& request,
                                   v1::ListValueFeedbackResponse* response);

  absl::Status DoExportPersonalData(
      const Caller& caller, const v1::ExportPersonalDataRequest& request,
      v1::PersonalData* response);
  absl::Status DoErasePersonalData(const Caller& caller,
                                   const v1::ErasePersonalDataRequest& request,
                                   v1::ErasePersonalDataResponse* response);

  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  ValuesRepository repository_;
};

}  // namespace candor::values

#endif  // CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_
