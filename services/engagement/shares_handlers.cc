// EngagementService: shares (CreateShare, GetShare, ListShares).
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/time_cursor.h"
#include "services/common/validation.h"
#include "services/engagement/engagement_internal.h"
#include "services/engagement/engagement_service.h"
#include "services/engagement/share.h"
#include "services/engagement/share_compliance.h"

namespace candor::engagement {
namespace {

namespace advocacypb = ::candor::advocacy::v1;
namespace tpb = ::candor::transparency::v1;

// Tracking-code collisions are retried this many times.
constexpr int kTrackingCodeAttempts = 5;

absl::Status CheckExternalUrl(absl::string_view url) {
  if (url.empty()) return absl::OkStatus();
  if (url.size() > 2000) {
    return InvalidField("share.external_url", "at most 2000 characters");
  }
  if (!absl::StartsWith(url, "https://") || url.size() <= 8 ||
      std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    return InvalidField("share.external_url", "must be an https URL");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EngagementService::DoCreateShare(
    const Caller& caller, const v1::CreateShareRequest& request,
    v1::Share* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> post_name,
      ParseResourceName("parent", request.parent(), kPostPattern));
  const std::string& org = post_name[0];
  const std::string& post_id = post_name[1];
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  if (caller.staff_member_id.empty()) {
    return absl::PermissionDeniedError("shares are made by staff members");
  }
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  if (!request.has_share()) return InvalidField("share", "required");
  const v1::Share& in = request.share();
  if (in.network() == common::v1::NETWORK_UNSPECIFIED ||
      !common::v1::Network_IsValid(in.network())) {
    return InvalidField("share.network", "required");
  }
  CANDOR_RETURN_IF_ERROR(CheckText("share.published_text", in.published_text(),
                                   kMaxPublishedTextChars, Presence::kRequired,
                                   /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckExternalUrl(in.external_url()));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (env_->limits != nullptr) {
    CANDOR_RETURN_IF_ERROR(env_->limits->shares.Charge(caller.subject));
  }
  if (advocacy_ == nullptr || transparency_ == nullptr) {
    return absl::UnavailableError(
        "the advocacy and transparency services are not connected; retry");
  }

  // The post, as the caller sees it: NOT_FOUND when they cannot.
  advocacypb::Post post;
  {
    advocacypb::GetPostRequest get;
    get.set_name(request.parent());
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        advocacy_->GetPost(context.get(), get, &post), "the advocacy service"));
  }
  const std::string author_name = StaffMemberName(org, caller.staff_member_id);
  if (post.author() != author_name) {
    return absl::PermissionDeniedError("only the post's author can share it");
  }
  if (post.state() != advocacypb::Post::APPROVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("only APPROVED posts can be shared; ", request.parent(),
                     " is ", advocacypb::Post::State_Name(post.state())));
  }
  if (post.network() != in.network()) {
    return InvalidField("share.network",
                        absl::StrCat("must be the post's network, ",
                                     common::v1::Network_Name(post.network())));
  }

  // The published ruleset: the disclosure rules and share pacing.
  tpb::Ruleset ruleset;
  {
    tpb::GetPublishedRulesetRequest get;
    get.set_parent(OrganizationName(org));
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        transparency_->GetPublishedRuleset(context.get(), get, &ruleset),
        "the transparency service"));
  }
  const SharePolicy policy = PolicyFrom(ruleset);

  // Compliance: the disclosure, judged again on the published text, and
  // material difference from the approved text.
  tpb::Evaluation evaluation;
  const tpb::Evaluation* disclosure_evaluation = nullptr;
  if (!policy.disclosure_rules.empty()) {
    tpb::EvaluatePostRequest evaluate;
    evaluate.set_parent(OrganizationName(org));
    tpb::PostContent* content = evaluate.mutable_post();
    content->set_post(request.parent());
    content->set_author(author_name);
    content->set_network(post.network());
    content->set_text(in.published_text());
    content->set_link_url(post.link_url());
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        transparency_->EvaluatePost(context.get(), evaluate, &evaluation),
        "the transparency service"));
    disclosure_evaluation = &evaluation;
  }
  ShareVerdict verdict = JudgeShare(policy, disclosure_evaluation, post.text(),
                                    in.published_text());

  ShareRecord share;
  share.organization_id = org;
  share.post_id = post_id;
  share.author_id = caller.staff_member_id;
  share.network = static_cast<int>(in.network());
  share.published_text = in.published_text();
  share.external_url = in.external_url();
  share.link_url = post.link_url();
  share.state = verdict.state;
  share.compliance_explanation = std::move(verdict.explanation);
  if (!post.story().empty()) share.story_id = LastSegment(post.story());
  std::vector<std::string> value_ids;
  for (const std::string& value : post.values()) {
    value_ids.push_back(LastSegment(value));
  }
  share.value_ids = JoinValueIds(value_ids);

  // The decision that approved the post reaches the author's inbox before
  // a notification about sharing it (advocacy events arrive by pull).
  if (share.state == ShareState::kNoncompliant) ImportAdvocacyEvents(org);

  CANDOR_RETURN_IF_ERROR(RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) -> absl::Status {
        share.create_time_us = NowMicros();
        if (policy.pacing_limit) {
          CANDOR_ASSIGN_OR_RETURN(
              std::vector<int64_t> recent,
              repository_.RecentSharesForUpdate(
                  tx, org, share.author_id, share.network,
                  share.create_time_us - kDayMicros, *policy.pacing_limit));
          CANDOR_RETURN_IF_ERROR(CheckSharePacing(recent, *policy.pacing_limit,
                                                  share.create_time_us));
        }
        absl::BitGen gen;
        absl::Status inserted;
        for (int attempt = 0; attempt < kTrackingCodeAttempts; ++attempt) {
          share.share_id = NewResourceId();
          share.tracking_code = NewTrackingCode(gen);
          inserted = repository_.InsertShare(tx, share);
          if (!absl::IsAlreadyExists(inserted)) break;
        }
        if (absl::IsAlreadyExists(inserted)) {
          return absl::AbortedError("could not choose a tracking code; retry");
        }
        CANDOR_RETURN_IF_ERROR(inserted);
        if (share.state == ShareState::kNoncompliant) {
          NewNotification notification;
          notification.organization_id = org;
          notification.staff_member_id = share.author_id;
          notification.kind =
              static_cast<int>(v1::Notification::NONCOMPLIANT_SHARE);
          notification.subject = ShareName(org, share.share_id);
          notification.message = NoncompliantShareMessage(
              request.parent(), share.compliance_explanation);
          CANDOR_RETURN_IF_ERROR(notifications_.Add(tx, notification));
        }
        ShareToProto(share, tracking_base_url_, response);
        return absl::OkStatus();
      }));
  if (response->state() == v1::Share::NONCOMPLIANT) {
    notifications_.Published(org, caller.staff_member_id);
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoGetShare(const Caller& caller,
                                           const v1::GetShareRequest& request,
                                           v1::Share* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("name", request.name(), kSharePattern));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name[0], request.name()));
  CANDOR_ASSIGN_OR_RETURN(ShareRecord share,
                          repository_.FindShare(name[0], name[1]));
  if (!IsReviewerOrAdmin(caller) && !caller.HasRole(Role::kService) &&
      !caller.IsStaffMember(name[0], share.author_id)) {
    return absl::PermissionDeniedError(
        "only the share's author, reviewers and admins can read it");
  }
  ShareToProto(share, tracking_base_url_, response);
  return absl::OkStatus();
}

absl::Status EngagementService::DoListShares(
    const Caller& caller, const v1::ListSharesRequest& request,
    v1::ListSharesResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(ShareFilter filter,
                          ParseShareFilter(org, request.filter()));
  if (!IsReviewerOrAdmin(caller)) {
    // Authors list their own shares only.
    if (caller.staff_member_id.empty()) {
      return absl::PermissionDeniedError("shares are listed by staff members");
    }
    if (filter.author_id && *filter.author_id != caller.staff_member_id) {
      return absl::PermissionDeniedError(
          "only reviewers and admins can list other staff members' shares");
    }
    filter.author_id = caller.staff_member_id;
  }
  // A token is only good for the same parent, filter and caller.
  CANDOR_ASSIGN_OR_RETURN(PageRequest page,
                          page_tokens_->StartListPage(
                              request, org, request.filter(), caller.subject));
  std::optional<TimeCursor> before;
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(before, DecodeTimeCursor(page.cursor));
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ShareRecord> shares,
      repository_.ListShares(org, filter, before, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, shares, [](const ShareRecord& s) {
        return EncodeTimeCursor({s.create_time_us, s.share_id});
      }));
  for (const ShareRecord& share : shares) {
    ShareToProto(share, tracking_base_url_, response->add_shares());
  }
  return absl::OkStatus();
}

}  // namespace candor::engagement
