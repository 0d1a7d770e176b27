// EngagementService: metrics and the leaderboard (GetEngagementMetrics,
// GetLeaderboard, UpdateLeaderboardParticipation).
#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/engagement/engagement_internal.h"
#include "services/engagement/engagement_service.h"
#include "services/engagement/share.h"

namespace candor::engagement {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr absl::string_view kValuePattern =
    "organizations/{organization}/values/{value}";
constexpr absl::string_view kStoryPattern =
    "organizations/{organization}/stories/{story}";

// Metrics and the leaderboard look back this far by default.
constexpr int64_t kDefaultWindowMicros = 30 * kDayMicros;

// [start, end) of a metrics or leaderboard request: end defaults to now,
// start to 30 days before end.
absl::Status ResolveWindow(const google::protobuf::Timestamp* start,
                           const google::protobuf::Timestamp* end,
                           int64_t* start_us, int64_t* end_us) {
  *end_us =
      end != nullptr ? TimeUtil::TimestampToMicroseconds(*end) : NowMicros();
  *start_us = start != nullptr ? TimeUtil::TimestampToMicroseconds(*start)
                               : *end_us - kDefaultWindowMicros;
  if (*start_us >= *end_us) {
    return InvalidField("start_time", "must be before end_time");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EngagementService::DoGetEngagementMetrics(
    const Caller& caller, const v1::GetEngagementMetricsRequest& request,
    v1::EngagementMetrics* response) {
  const std::string& subject_name = request.subject();
  std::vector<absl::string_view> segments = absl::StrSplit(subject_name, '/');
  std::string org;
  MetricsSubject subject;
  if (segments.size() == 2) {
    CANDOR_ASSIGN_OR_RETURN(org,
                            ParseOrganizationName("subject", subject_name));
  } else {
    absl::string_view pattern;
    std::string* target = nullptr;
    const absl::string_view collection =
        segments.size() == 4 ? segments[2] : absl::string_view();
    if (collection == "posts") {
      pattern = kPostPattern;
      target = &subject.post_id;
    } else if (collection == "staffMembers") {
      pattern = kStaffMemberPattern;
      target = &subject.author_id;
    } else if (collection == "values") {
      pattern = kValuePattern;
      target = &subject.value_id;
    } else if (collection == "stories") {
      pattern = kStoryPattern;
      target = &subject.story_id;
    } else {
      return InvalidField("subject",
                          "an organization, post, staff member, value or "
                          "story name");
    }
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<std::string> parts,
        ParseResourceName("subject", subject_name, pattern));
    org = parts[0];
    *target = parts[1];
  }
  CANDOR_RETURN_IF_ERROR(RequireStaffOrServiceOf(caller, org, subject_name));
  if (!subject.author_id.empty() && !IsReviewerOrAdmin(caller) &&
      !caller.HasRole(Role::kService) &&
      !caller.IsStaffMember(org, subject.author_id)) {
    return absl::PermissionDeniedError(
        "staff members see their own metrics; reviewers and admins anyone's");
  }
  int64_t start_us = 0;
  int64_t end_us = 0;
  CANDOR_RETURN_IF_ERROR(
      ResolveWindow(request.has_start_time() ? &request.start_time() : nullptr,
                    request.has_end_time() ? &request.end_time() : nullptr,
                    &start_us, &end_us));
  CANDOR_ASSIGN_OR_RETURN(MetricsTotals totals,
                          repository_.Metrics(org, subject, start_us, end_us));
  response->set_subject(subject_name);
  *response->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(start_us);
  *response->mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(end_us);
  response->set_shares(totals.shares);
  response->set_noncompliant_shares(totals.noncompliant_shares);
  response->set_clicks(totals.clicks);
  response->set_reactions(totals.reactions);
  response->set_comments(totals.comments);
  response->set_reshares(totals.reshares);
  response->set_impressions(totals.impressions);
  return absl::OkStatus();
}

std::string EngagementService::DisplayNameOf(const Caller& caller,
                                             const std::string& staff_member) {
  // Read as the caller: any staff member may see a colleague's name. A
  // leaderboard without a name still ranks correctly, so failures leave it
  // empty rather than failing the call.
  staff::v1::GetStaffMemberRequest request;
  request.set_name(staff_member);
  staff::v1::StaffMember member;
  if (staff_ == nullptr ||
      !staff_->GetStaffMember(OnBehalfOf(caller).get(), request, &member)
           .ok()) {
    return "";
  }
  return member.display_name();
}

absl::Status EngagementService::DoGetLeaderboard(
    const Caller& caller, const v1::GetLeaderboardRequest& request,
    v1::Leaderboard* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  if (request.limit() < 0 || request.limit() > 100) {
    return InvalidField("limit", "1 to 100, or 0 for 10");
  }
  const int limit = request.limit() == 0 ? 10 : request.limit();
  int64_t start_us = 0;
  int64_t end_us = 0;
  CANDOR_RETURN_IF_ERROR(
      ResolveWindow(request.has_start_time() ? &request.start_time() : nullptr,
                    request.has_end_time() ? &request.end_time() : nullptr,
                    &start_us, &end_us));
  CANDOR_ASSIGN_OR_RETURN(std::vector<LeaderboardRow> rows,
                          repository_.LeaderboardRows(org, start_us, end_us));
  RankLeaderboard(rows, limit);
  response->set_formula(LeaderboardFormula());
  *response->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(start_us);
  *response->mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(end_us);
  for (const LeaderboardRow& row : rows) {
    v1::Leaderboard::Entry* entry = response->add_entries();
    entry->set_rank(row.rank);
    entry->set_staff_member(StaffMemberName(org, row.staff_member_id));
    entry->set_display_name(DisplayNameOf(caller, entry->staff_member()));
    entry->set_score(row.score);
    entry->set_compliant_shares(row.compliant_shares);
    entry->set_clicks(row.clicks);
    entry->set_reshares(row.reshares);
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoUpdateLeaderboardParticipation(
    const Caller& caller,
    const v1::UpdateLeaderboardParticipationRequest& request,
    v1::LeaderboardParticipation* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("parent", request.parent(), kStaffMemberPattern));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name[0], request.parent()));
  if (!caller.IsStaffMember(name[0], name[1])) {
    return absl::PermissionDeniedError(
        "staff members opt in or out of the leaderboard themselves only");
  }
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  const int64_t now = NowMicros();
  CANDOR_RETURN_IF_ERROR(repository_.SetParticipation(
      name[0], name[1], request.participate(), now));
  response->set_staff_member(request.parent());
  response->set_participate(request.participate());
  *response->mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now);
  return absl::OkStatus();
}

}  // namespace candor::engagement
