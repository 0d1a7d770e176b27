// TransparencyService: evaluation (EvaluatePost) and Judge, which
// CreateDecision shares: a post against the organization's current
// ruleset, with the author's facts from the staff service.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/ruleset_convert.h"
#include "services/transparency/transparency_internal.h"
#include "services/transparency/transparency_service.h"

namespace candor::transparency {

namespace staffpb = ::candor::staff::v1;

absl::StatusOr<TransparencyService::Judgement> TransparencyService::Judge(
    const Caller& caller, absl::string_view org, const v1::PostContent& post) {
  if (staff_ == nullptr) {
    return absl::UnavailableError("the staff service is not wired; retry");
  }
  Judgement judgement;
  CANDOR_ASSIGN_OR_RETURN(judgement.ruleset, CurrentRuleset(org));
  CANDOR_ASSIGN_OR_RETURN(judgement.rules, EngineRuleset(judgement.ruleset));
  CANDOR_ASSIGN_OR_RETURN(std::string author_id,
                          ParseStaffOf("post.author", post.author(), org));

  // Author facts and the organization's name, as the caller sees them.
  staffpb::StaffMember author;
  {
    staffpb::GetStaffMemberRequest get;
    get.set_name(post.author());
    auto context = OnBehalfOf(caller);
    absl::Status status = FromInternalCall(
        staff_->GetStaffMember(context.get(), get, &author), "staff service");
    if (absl::IsNotFound(status)) {
      return InvalidField("post.author",
                          absl::StrCat(post.author(), " not found"));
    }
    CANDOR_RETURN_IF_ERROR(status);
  }
  staffpb::Organization organization;
  {
    staffpb::GetOrganizationRequest get;
    get.set_name(OrganizationName(org));
    auto context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        staff_->GetOrganization(context.get(), get, &organization),
        "staff service"));
  }

  PostInput input;
  input.network = NetworkFromProto(post.network());
  input.text = post.text();
  input.link_url = post.link_url();
  input.author.staff_member_id = author_id;
  input.author.active = author.state() == staffpb::StaffMember::ACTIVE;
  input.author.advocacy_consent = author.advocacy_consent();
  for (const staffpb::SocialAccount& account : author.social_accounts()) {
    if (account.network() == post.network()) {
      input.author.linked_handles.push_back(account.handle());
    }
  }
  input.story.story_id = post.story().name();
  input.story.summary = post.story().summary();
  input.story.talking_points.assign(post.story().talking_points().begin(),
                                    post.story().talking_points().end());
  input.story.url = post.story().url();
  input.story.incentivized = post.story().incentivized();

  EvaluationContext context;
  context.organization_id = std::string(org);
  context.organization_display_name = organization.display_name();
  context.now_us = NowMicros();
  // shares_last_24h stays unknown: the engagement service enforces share
  // pacing when a post is shared, and the rule's explanation says so.
  CANDOR_RETURN_IF_ERROR(indexes_.Use(
      org, LongestCoordinationWindowDays(*judgement.rules), context.now_us,
      [&](const NearDuplicateIndex& index) {
        context.index = &index;
        judgement.evaluation = Evaluate(*judgement.rules, input, context);
      }));
  return judgement;
}

absl::Status TransparencyService::DoEvaluatePost(
    const Caller& caller, const v1::EvaluatePostRequest& request,
    v1::Evaluation* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  if (!request.has_post()) return InvalidField("post", "required");
  CANDOR_RETURN_IF_ERROR(ValidatePostContent("post.", request.post(), org));
  CANDOR_ASSIGN_OR_RETURN(
      std::string author_id,
      ParseStaffOf("post.author", request.post().author(), org));
  if (!caller.IsStaffMember(org, author_id) && !SeesAllDecisions(caller)) {
    return absl::PermissionDeniedError(
        "only reviewers and admins can evaluate another author's post");
  }
  CANDOR_ASSIGN_OR_RETURN(Judgement judgement,
                          Judge(caller, org, request.post()));
  response->set_outcome(OutcomeToProto(judgement.evaluation.outcome));
  response->set_ruleset(RulesetName(org, judgement.ruleset.ruleset_id));
  ResultsToProto(judgement.evaluation.results, response->mutable_results());
  return absl::OkStatus();
}

}  // namespace candor::transparency
