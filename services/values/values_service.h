// candor.values.v1.ValuesService: the gRPC edge of the values service.
// Thread-safe.
#ifndef CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_
#define CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_

#include "candor/values/v1/values.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"

namespace candor::values {

namespace v1 = ::candor::values::v1;

class ValuesService final : public v1::ValuesService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.values.v1.ValuesService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  ValuesService(const CallEnvironment* env, db::Pool* pool,
                const PageTokenCodec* page_tokens);

 private:
  const CallEnvironment* const env_;
  db::Pool* const pool_;
  const PageTokenCodec* const page_tokens_;
};

}  // namespace candor::values

#endif  // CANDOR_SERVICES_VALUES_VALUES_SERVICE_H_
