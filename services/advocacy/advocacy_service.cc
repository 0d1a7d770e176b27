#include "services/advocacy/advocacy_service.h"

namespace candor::advocacy {

AdvocacyService::AdvocacyService(const CallEnvironment* env, db::Pool* pool,
                                 const PageTokenCodec* page_tokens)
    : env_(env), pool_(pool), page_tokens_(page_tokens) {}

void AdvocacyService::SetDependencies(std::shared_ptr<grpc::Channel> staff,
                                      std::shared_ptr<grpc::Channel> values) {
  staff_ = staff::v1::StaffService::NewStub(staff);
  values_ = values::v1::ValuesService::NewStub(values);
}

}  // namespace candor::advocacy
