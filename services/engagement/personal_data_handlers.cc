// EngagementService: a person's data (ExportPersonalData,
// ErasePersonalData): their shares, inbox and leaderboard participation.
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/export_page.h"
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

}  // namespace

absl::Status EngagementService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_ASSIGN_OR_RETURN(ExportPage page,
                          ExportPage::Start(*page_tokens_, request));
  ShareFilter filter;
  filter.author_id = person.id;
  CANDOR_RETURN_IF_ERROR(page.Section(
      0,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<ShareRecord>> {
        CANDOR_ASSIGN_OR_RETURN(TimeCursor before, TimeCursorAfter(after));
        return repository_.ListShares(person.org, filter, before, limit);
      },
      [&](const ShareRecord& share) {
        v1::Share* out = response->add_shares();
        ShareToProto(share, tracking_base_url_, out);
        return out;
      },
      [](const ShareRecord& share) {
        return TimeKey(share.create_time_us, share.share_id);
      }));
  // Newest first: each page continues below the last sequence it took (0,
  // a section's start, is no bound).
  CANDOR_RETURN_IF_ERROR(page.Section(
      1,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<NotificationRecord>> {
        CANDOR_ASSIGN_OR_RETURN(int64_t before, NumberAfter(after));
        return notifications_.ListNewestFirst(person.org, person.id, before,
                                              /*unread_only=*/false, limit);
      },
      [&](const NotificationRecord& n) {
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
        return out;
      },
      [](const NotificationRecord& n) { return NumberKey(n.sequence); }));
  if (page.first()) {
    CANDOR_ASSIGN_OR_RETURN(auto participation, repository_.FindParticipation(
                                                    person.org, person.id));
    if (participation.has_value()) {
      v1::LeaderboardParticipation* out =
          response->mutable_leaderboard_participation();
      out->set_staff_member(person.name);
      out->set_participate(participation->first);
      *out->mutable_update_time() =
          TimeUtil::MicrosecondsToTimestamp(participation->second);
    }
  }
  response->set_next_page_token(page.next_page_token());
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
