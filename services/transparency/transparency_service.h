// candor.transparency.v1.TransparencyService: the gRPC edge of the
// transparency service. Thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_SERVICE_H_
#define CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"

namespace candor::transparency {

namespace v1 = ::candor::transparency::v1;

class TransparencyService final : public v1::TransparencyService::CallbackService {
 public:
  static constexpr char kServiceName[] =
      "candor.transparency.v1.TransparencyService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  TransparencyService(const CallEnvironment* env, db::Pool* pool,
                      const PageTokenCodec* page_tokens);

  // The staff service (for author facts). Set once, before serving.
  void SetDependencies(std::shared_ptr<grpc::Channel> staff);

 private:
  const CallEnvironment* const env_;
  db::Pool* const pool_;
  const PageTokenCodec* const page_tokens_;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_SERVICE_H_
