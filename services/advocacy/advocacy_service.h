// candor.advocacy.v1.AdvocacyService: the gRPC edge of the advocacy service.
// Thread-safe.
#ifndef CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_
#define CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"

namespace candor::advocacy {

namespace v1 = ::candor::advocacy::v1;

class AdvocacyService final : public v1::AdvocacyService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.advocacy.v1.AdvocacyService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  AdvocacyService(const CallEnvironment* env, db::Pool* pool,
                  const PageTokenCodec* page_tokens);

  // The services advocacy depends on (in-process or remote channels). Set
  // once, before the service is marked SERVING.
  void SetDependencies(std::shared_ptr<grpc::Channel> staff,
                       std::shared_ptr<grpc::Channel> values);

 private:
  const CallEnvironment* const env_;
  db::Pool* const pool_;
  const PageTokenCodec* const page_tokens_;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  std::unique_ptr<values::v1::ValuesService::Stub> values_;
};

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_
