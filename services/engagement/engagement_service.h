// candor.engagement.v1.EngagementService: the gRPC edge of the engagement
// service (shares, events, metrics, leaderboard, notifications, personal
// data). Thread-safe.
//
// Files: one per family of RPCs, <family>_handlers.cc. A new RPC goes in
// the class as a CANDOR_UNARY_RPC line (services/common/call.h), and its
// Do<Method> body (or, when it streams, its reactor) in the file of its
// family:
//   shares_handlers.cc         CreateShare, GetShare, ListShares
//   events_handlers.cc         RecordEngagementEvents
//   metrics_handlers.cc        GetEngagementMetrics, GetLeaderboard,
//                              UpdateLeaderboardParticipation
//   notifications_handlers.cc  ListNotifications, MarkNotificationsRead,
//                              WatchNotifications, and the import of
//                              advocacy events into inboxes
//   personal_data_handlers.cc  ExportPersonalData, ErasePersonalData
// engagement_service.cc constructs the service and defines the helpers the
// family files share (engagement_internal.h). The domain rules are pure
// code in share.h and share_compliance.h; the SQL is in
// engagement_repository.h and notifications.h.
#ifndef CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_SERVICE_H_
#define CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "db/pool.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/common/staff_state_cache.h"
#include "services/engagement/engagement_repository.h"
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
    // Lists the staff of a story's audience (NEW_STORY notifications).
    std::shared_ptr<grpc::Channel> staff;
    ServiceTokenSource* service_tokens = nullptr;  // not owned
    absl::Duration staff_state_ttl = kDefaultStaffStateTtl;
  };
  // Set once, before the service is marked SERVING.
  void SetDependencies(const Dependencies& dependencies);

  // --- shares (shares_handlers.cc) -------------------------------------------

  CANDOR_UNARY_RPC(CreateShare, v1::Share);
  CANDOR_UNARY_RPC(GetShare, v1::Share);
  CANDOR_UNARY_RPC(ListShares, v1::ListSharesResponse);

  // --- events (events_handlers.cc) -------------------------------------------

  grpc::ServerReadReactor<v1::RecordEngagementEventsRequest>*
  RecordEngagementEvents(grpc::CallbackServerContext* context,
                         v1::RecordEngagementEventsResponse* response) override;

  // --- metrics and the leaderboard (metrics_handlers.cc) ---------------------

  CANDOR_UNARY_RPC(GetEngagementMetrics, v1::EngagementMetrics);
  CANDOR_UNARY_RPC(GetLeaderboard, v1::Leaderboard);
  CANDOR_UNARY_RPC(UpdateLeaderboardParticipation,
                   v1::LeaderboardParticipation);

  // --- notifications (notifications_handlers.cc) -----------------------------

  CANDOR_UNARY_RPC(ListNotifications, v1::ListNotificationsResponse);
  CANDOR_UNARY_RPC(MarkNotificationsRead, v1::MarkNotificationsReadResponse);
  grpc::ServerWriteReactor<v1::WatchNotificationsResponse>* WatchNotifications(
      grpc::CallbackServerContext* context,
      const v1::WatchNotificationsRequest* request) override;
  // The reactor of one WatchNotifications stream.
  class WatchReactor;

  // --- personal data (personal_data_handlers.cc) -----------------------------

  CANDOR_UNARY_RPC(ExportPersonalData, v1::PersonalData);
  CANDOR_UNARY_RPC(ErasePersonalData, v1::ErasePersonalDataResponse);

 private:
  // --- events ----------------------------------------------------------------

  // Records the events read from one stream (in stream order) and fills
  // `response`; answers after the commit.
  absl::Status DoRecordEngagementEvents(
      const Caller& caller, const std::string& org,
      const std::vector<v1::EngagementEvent>& events,
      v1::RecordEngagementEventsResponse* response);

  // --- metrics and the leaderboard -------------------------------------------

  // A staff member's display name as `caller` may read it; "" when unknown.
  std::string DisplayNameOf(const Caller& caller,
                            const std::string& staff_member);

  // --- notifications ---------------------------------------------------------

  // Imports the advocacy events of `org` that are new since its cursor
  // (advocacy_event_cursors) into the inboxes they concern, then wakes
  // those inboxes' streams; runs before every inbox read (engagement pulls
  // from advocacy: advocacy never calls engagement). Best effort: on an
  // error the events stay pending and the next read retries. Idempotent
  // under concurrency (the cursor is re-checked under its row lock).
  void ImportAdvocacyEvents(const std::string& org);

  // All the SQL of shares, events, metrics and the leaderboard.
  EngagementRepository repository_;
  const CallEnvironment* const env_;
  db::Pool* const pool_;
  const PageTokenCodec* const page_tokens_;
  const std::string tracking_base_url_;
  Notifications notifications_;
  std::unique_ptr<advocacy::v1::AdvocacyService::Stub> advocacy_;
  std::unique_ptr<transparency::v1::TransparencyService::Stub> transparency_;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  ServiceTokenSource* service_tokens_ = nullptr;
  // Whether a staff caller is still ACTIVE: every write asks first
  // (staff_state_cache.h; set by SetDependencies).
  std::unique_ptr<StaffStateCache> staff_states_;
};

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_SERVICE_H_
