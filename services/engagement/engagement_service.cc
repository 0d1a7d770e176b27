#include "services/engagement/engagement_service.h"

namespace candor::engagement {

EngagementService::EngagementService(const CallEnvironment* env, db::Pool* pool,
                                     const PageTokenCodec* page_tokens,
                                     std::string tracking_base_url)
    : env_(env),
      pool_(pool),
      page_tokens_(page_tokens),
      tracking_base_url_(std::move(tracking_base_url)),
      notifications_(pool) {}

EngagementService::~EngagementService() = default;

void EngagementService::SetDependencies(const Dependencies& dependencies) {
  advocacy_ = advocacy::v1::AdvocacyService::NewStub(dependencies.advocacy);
  transparency_ =
      transparency::v1::TransparencyService::NewStub(dependencies.transparency);
  service_tokens_ = dependencies.service_tokens;
}

}  // namespace candor::engagement
