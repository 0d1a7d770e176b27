// EngagementService: a person's data (ExportPersonalData,
// ErasePersonalData): their shares, inbox and leaderboard participation.
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/idempotency.h"
#include "services/common/personal_data.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/engagement/engagement_internal.h"
#include "services/engagement/engagement_service.h"
#include "services/engagement/share.h"

namespace candor::engagement {
namespace {

using ::google::protobuf::util::TimeUtil;

// An export reads everything at once; a person's shares and notifications
// number in the thousands at most.
constexpr int kMaxExportRows = 1'000'000;

}  // namespace

absl::Status EngagementService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  ShareFilter filter;
  filter.author_id = person.id;
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ShareRecord> shares,
      repository_.ListShares(person.org, filter, std::nullopt, kMaxExportRows));
  for (const ShareRecord& share : shares) {
    ShareToProto(share, tracking_base_url_, response->add_shares());
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<NotificationRecord> notifications,
      notifications_.ListNewestFirst(person.org, person.id, /*before=*/0,
                                     /*unread_only=*/false, kMaxExportRows));
  for (const NotificationRecord& n : notifications) {
    v1::Notification* out = response->add_notifications();
    out->set_name(absl::StrCat(person.name, "/notifications/", n.sequence));
    out->set_kind(v1::Notification::Kind_IsValid(n.kind)
                      ? static_cast<v1::Notification::Kind>(n.kind)
                      : v1::Notification::KIND_UNSPECIFIED);
    out->set_subject(n.subject);
    out->set_message(n.message);
    out->set_read(n.read);
    *out->mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(n.create_time_us);
  }
  CANDOR_ASSIGN_OR_RETURN(auto participation,
                          repository_.FindParticipation(person.org, person.id));
  if (participation.has_value()) {
    v1::LeaderboardParticipation* out =
        response->mutable_leaderboard_participation();
    out->set_staff_member(person.name);
    out->set_participate(participation->first);
    *out->mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(participation->second);
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PersonRef person,
      PersonToErase(caller, request.staff_member(), request.request_id()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCallerOrSelf(staff_states_.get(), caller,
                                                   person.org, person.id));
  return RunErasure(
      repository_.pool(), caller, request, response,
      [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        CANDOR_ASSIGN_OR_RETURN(int64_t shares,
                                repository_.EraseSharesOfAuthor(
                                    tx, person.org, person.id, kErasedText));
        CANDOR_ASSIGN_OR_RETURN(
            int64_t notifications,
            notifications_.DeleteInbox(tx, person.org, person.id));
        CANDOR_ASSIGN_OR_RETURN(
            int64_t participation,
            repository_.DeleteParticipation(tx, person.org, person.id));
        return shares + notifications + participation;
      });
}

}  // namespace candor::engagement
