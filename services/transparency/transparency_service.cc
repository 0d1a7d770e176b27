#include "services/transparency/transparency_service.h"

namespace candor::transparency {

TransparencyService::TransparencyService(const CallEnvironment* env,
                                         db::Pool* pool,
                                         const PageTokenCodec* page_tokens)
    : env_(env), pool_(pool), page_tokens_(page_tokens) {}

void TransparencyService::SetDependencies(std::shared_ptr<grpc::Channel> staff) {
  staff_ = staff::v1::StaffService::NewStub(staff);
}

}  // namespace candor::transparency
