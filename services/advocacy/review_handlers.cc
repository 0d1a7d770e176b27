// The review of posts: SubmitPost (transparency's automatic decision) and
// ApprovePost/RejectPost (a reviewer's decision), each recorded by the
// transparency service and announced as a 'post.decision' event.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/advocacy/advocacy_internal.h"
#include "services/advocacy/advocacy_service.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

namespace tpb = ::candor::transparency::v1;

absl::Status RequireReviewer(const Caller& caller) {
  if (IsStoryEditor(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "only reviewers and admins decide posts in review");
}

}  // namespace

absl::Status AdvocacyService::DoApprovePost(
    const Caller& caller, const v1::ApprovePostRequest& request,
    v1::Post* response) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
  HumanDecision decision;
  decision.name = request.name();
  decision.verdict = tpb::Decision::APPROVED;
  decision.note = request.note();
  return DecidePost(caller, decision, response);
}

absl::Status AdvocacyService::DoRejectPost(const Caller& caller,
                                           const v1::RejectPostRequest& request,
                                           v1::Post* response) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
  HumanDecision decision;
  decision.name = request.name();
  decision.verdict = tpb::Decision::REJECTED;
  decision.cited_rule_ids.assign(request.cited_rule_ids().begin(),
                                 request.cited_rule_ids().end());
  decision.note = request.note();
  return DecidePost(caller, decision, response);
}

absl::Status AdvocacyService::DoSubmitPost(const Caller& caller,
                                           const v1::SubmitPostRequest& request,
                                           v1::SubmitPostResponse* response) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "submit it"));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  CANDOR_RETURN_IF_ERROR(RequireActiveAuthor(caller, current));

  // The row lock serializes concurrent submits of one post: the first
  // records the decision and moves the post on; the others then find it no
  // longer DRAFT. The decision's request_id is derived from the post and
  // revision, so a retry after a lost commit records no second decision.
  return RunIdempotent(
      posts_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            PostRecord before,
            posts_.FindPostForUpdate(tx, current.organization_id,
                                     current.post_id));
        CANDOR_RETURN_IF_ERROR(CheckCanSubmit(before.state));
        tpb::CreateDecisionRequest ask;
        ask.set_parent(PostResourceName(before));
        CANDOR_ASSIGN_OR_RETURN(*ask.mutable_post(), ContentOf(tx, before));
        ask.set_post_revision(before.revision);
        ask.set_request_id(DecisionRequestId(PostResourceName(before), "submit",
                                             before.revision));
        CANDOR_ASSIGN_OR_RETURN(tpb::Decision decision, RecordDecision(ask));
        CANDOR_ASSIGN_OR_RETURN(PostState next,
                                StateAfterVerdict(decision.verdict()));
        PostRecord after = before;
        after.state = next;
        after.latest_decision = decision.SerializeAsString();
        after.version = before.version + 1;
        after.update_time_us = NowMicros();
        CANDOR_RETURN_IF_ERROR(
            posts_.UpdatePost(tx, after, /*new_revision=*/false));
        CANDOR_RETURN_IF_ERROR(
            RecordPostDecisionEvent(tx, after, decision.verdict()));
        PostToProto(after, response->mutable_post());
        *response->mutable_decision() = std::move(decision);
        return absl::OkStatus();
      });
}

absl::Status AdvocacyService::DecidePost(const Caller& caller,
                                         const HumanDecision& decision,
                                         v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(PostRecord current,
                          FindVisiblePost(caller, "name", decision.name));
  CANDOR_RETURN_IF_ERROR(RequireReviewer(caller));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  if (current.author_id == caller.staff_member_id) {
    return absl::PermissionDeniedError(
        "nobody decides their own post; another reviewer must");
  }
  const bool approve = decision.verdict == tpb::Decision::APPROVED;
  if (!approve && decision.cited_rule_ids.empty()) {
    return InvalidField("cited_rule_ids",
                        "a rejection cites at least one rule of the "
                        "published ruleset");
  }
  for (size_t i = 0; i < decision.cited_rule_ids.size(); ++i) {
    CANDOR_RETURN_IF_ERROR(CheckResourceId(
        absl::StrCat("cited_rule_ids[", i, "]"), decision.cited_rule_ids[i]));
  }
  CANDOR_RETURN_IF_ERROR(CheckText("note", decision.note, kMaxNoteLength,
                                   Presence::kOptional, /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckCanDecide(current.state));
  CANDOR_RETURN_IF_ERROR(RequireActiveAuthor(caller, current));

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(posts_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord before,
      posts_.FindPostForUpdate(tx, current.organization_id, current.post_id));
  CANDOR_RETURN_IF_ERROR(CheckCanDecide(before.state));
  tpb::CreateDecisionRequest ask;
  ask.set_parent(PostResourceName(before));
  CANDOR_ASSIGN_OR_RETURN(*ask.mutable_post(), ContentOf(tx, before));
  ask.set_post_revision(before.revision);
  ask.set_reviewer(caller.subject);
  ask.set_verdict(static_cast<tpb::Decision::Verdict>(decision.verdict));
  for (const std::string& rule : decision.cited_rule_ids) {
    ask.add_cited_rule_ids(rule);
  }
  ask.set_note(decision.note);
  // The post's version changes with every move, so a retry of this very
  // decision replays it while a later decision on the same revision (after
  // an appeal) is a new one.
  ask.set_request_id(DecisionRequestId(PostResourceName(before),
                                       approve ? "approve" : "reject",
                                       before.version));
  CANDOR_ASSIGN_OR_RETURN(tpb::Decision recorded, RecordDecision(ask));
  PostRecord after = before;
  after.state = approve ? PostState::kApproved : PostState::kRejected;
  after.latest_decision = recorded.SerializeAsString();
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(posts_.UpdatePost(tx, after, /*new_revision=*/false));
  CANDOR_RETURN_IF_ERROR(
      RecordPostDecisionEvent(tx, after, recorded.verdict()));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  PostToProto(after, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::RecordPostDecisionEvent(db::Transaction& tx,
                                                      const PostRecord& post,
                                                      int verdict) {
  AdvocacyEventRecord event;
  event.organization_id = post.organization_id;
  event.time_us = post.update_time_us;
  event.kind = "post.decision";
  event.subject = PostResourceName(post);
  event.recipient_id = post.author_id;
  event.details = tpb::Decision::Verdict_IsValid(verdict)
                      ? tpb::Decision::Verdict_Name(
                            static_cast<tpb::Decision::Verdict>(verdict))
                      : "VERDICT_UNSPECIFIED";
  return repository_.AppendAdvocacyEvent(tx, &event);
}

}  // namespace candor::advocacy
