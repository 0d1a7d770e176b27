// candor.engagement.v1.EngagementService: the gRPC edge of the engagement
// service (shares, events, metrics, leaderboard, notifications).
// Thread-safe.
#ifndef CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_SERVICE_H_
#define CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/engagement/notifications.h"

namespace candor::engagement {

namespace v1 = ::candor::engagement::v1;

class EngagementService final : public v1::EngagementService::CallbackService {
 public:
  static constexpr char kServiceName[] =
      "candor.engagement.v1.EngagementService";

  // `env`, `pool` and `page_tokens` must outlive the service. Tracking URLs
  // are `<tracking_base_url>/r/<code>`.
  EngagementService(const CallEnvironment* env, db::Pool* pool,
                    const PageTokenCodec* page_tokens,
                    std::string tracking_base_url);
  ~EngagementService() override;

  struct Dependencies {
    std::shared_ptr<grpc::Channel> advocacy;
    std::shared_ptr<grpc::Channel> transparency;
    ServiceTokenSource* service_tokens = nullptr;  // not owned
  };
  // Set once, before the service is marked SERVING.
  void SetDependencies(const Dependencies& dependencies);

  // --- shares, events, metrics, leaderboard (engagement_service.cc) -------

  // --- notifications (engagement_notifications.cc) ------------------------

 private:
  const CallEnvironment* const env_;
  db::Pool* const pool_;
  const PageTokenCodec* const page_tokens_;
  const std::string tracking_base_url_;
  Notifications notifications_;
  std::unique_ptr<advocacy::v1::AdvocacyService::Stub> advocacy_;
  std::unique_ptr<transparency::v1::TransparencyService::Stub> transparency_;
  ServiceTokenSource* service_tokens_ = nullptr;
};

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_SERVICE_H_
