// TransparencyService: decisions (CreateDecision, GetDecision,
// ListDecisions). What a decision may be is verdict_rules.h; this file
// parses, evaluates, and stores.
#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/time_cursor.h"
#include "services/common/validation.h"
#include "services/transparency/engine/shingles.h"
#include "services/transparency/ruleset_convert.h"
#include "services/transparency/transparency_internal.h"
#include "services/transparency/transparency_service.h"
#include "services/transparency/verdict_rules.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;
namespace staffpb = ::candor::staff::v1;

constexpr absl::string_view kDecisionPattern =
    "organizations/{organization}/posts/{post}/decisions/{decision}";
constexpr size_t kMaxNoteChars = 2000;

}  // namespace

absl::Status TransparencyService::DoCreateDecision(
    const Caller& caller, const v1::CreateDecisionRequest& request,
    v1::Decision* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> post_name,
      ParseResourceName("parent", request.parent(), kPostPattern));
  const std::string& org = post_name[0];
  const std::string& post_id = post_name[1];
  CANDOR_RETURN_IF_ERROR(CheckDecider(caller, org, request.parent()));

  if (!request.has_post()) return InvalidField("post", "required");
  CANDOR_RETURN_IF_ERROR(ValidatePostContent("post.", request.post(), org));
  if (!request.post().post().empty() &&
      request.post().post() != request.parent()) {
    return InvalidField("post.post", "must be empty or the parent post");
  }
  if (request.post_revision() < 1) {
    return InvalidField("post_revision", "required: the revision judged");
  }
  VerdictRequest asked;
  CANDOR_ASSIGN_OR_RETURN(
      asked.author_id,
      ParseStaffOf("post.author", request.post().author(), org));
  const bool human = !request.reviewer().empty();
  if (human) {
    CANDOR_ASSIGN_OR_RETURN(asked.reviewer_id,
                            ParseStaffOf("reviewer", request.reviewer(), org));
    asked.verdict = request.verdict();
    asked.cited_rule_ids.assign(request.cited_rule_ids().begin(),
                                request.cited_rule_ids().end());
    CANDOR_RETURN_IF_ERROR(CheckReviewerVerdict(asked));
  }
  CANDOR_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxNoteChars,
                                   Presence::kOptional, /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  CANDOR_RETURN_IF_ERROR(CheckNotOwnPost(asked));
  const std::string& author_id = asked.author_id;
  const std::string& reviewer_id = asked.reviewer_id;

  v1::PostContent content = request.post();
  content.set_post(request.parent());
  CANDOR_ASSIGN_OR_RETURN(Judgement judgement, Judge(caller, org, content));
  const Evaluation& evaluation = judgement.evaluation;
  CANDOR_ASSIGN_OR_RETURN(
      const v1::Decision::Verdict verdict,
      DecideVerdict(asked, *judgement.rules,
                    RulesetName(org, judgement.ruleset.ruleset_id),
                    evaluation));

  const int64_t now = NowMicros();
  DecisionRecord record;
  record.organization_id = org;
  record.decision_id = NewResourceId();
  record.post_id = post_id;
  record.post_revision = request.post_revision();
  record.author_id = author_id;
  record.decider_id = reviewer_id;
  record.verdict = verdict;
  record.outcome = OutcomeToProto(evaluation.outcome);
  record.create_time_us = now;

  v1::Decision decision;
  decision.set_name(DecisionName(org, post_id, record.decision_id));
  decision.set_post(request.parent());
  decision.set_post_revision(request.post_revision());
  decision.set_decider(human ? request.reviewer() : kAutomaticDecider);
  decision.set_verdict(verdict);
  if (human) *decision.mutable_cited_rule_ids() = request.cited_rule_ids();
  decision.set_note(request.note());
  *decision.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
  decision.set_outcome(OutcomeToProto(evaluation.outcome));
  decision.set_ruleset(RulesetName(org, judgement.ruleset.ruleset_id));
  ResultsToProto(evaluation.results, decision.mutable_results());
  record.body = decision.SerializeAsString();

  const bool rejected = verdict == v1::Decision::REJECTED;
  PostShinglesRecord shingles;
  shingles.organization_id = org;
  shingles.post_id = post_id;
  shingles.author_id = author_id;
  shingles.time_us = now;
  shingles.shingles = EncodeShingleSet(evaluation.shingles);

  AuditEntryRecord entry;
  entry.organization_id = org;
  entry.time_us = now;
  entry.actor = decision.decider();
  entry.action = "decision.create";
  entry.subject = decision.name();
  const std::vector<std::string> failed = FailedRuleIds(evaluation.results);
  entry.details = absl::StrCat(
      "verdict ", v1::Decision::Verdict_Name(verdict), "; ruleset ",
      decision.ruleset(), "; post revision ", request.post_revision(),
      "; failed rules: ", failed.empty() ? "none" : absl::StrJoin(failed, ","),
      human ? absl::StrCat("; cited rules: ",
                           request.cited_rule_ids().empty()
                               ? "none"
                               : absl::StrJoin(request.cited_rule_ids(), ","))
            : "");

  const std::vector<staffpb::StaffEvent> staff_events = PendingStaffEvents(org);
  CANDOR_RETURN_IF_ERROR(RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) -> absl::Status {
        // The decision's own row first, the organization's head lock after:
        // every decision of the organization waits for that lock, so it is
        // held only for the fingerprint, the audit append and the commit.
        // (Other holders of the head lock touch no decision rows, so this
        // order cannot deadlock with them.) The fingerprint's feed sequence
        // is taken under the lock, so sequences commit in order
        // (index_cache.h). Pending staff events go before the decision's
        // entry.
        CANDOR_RETURN_IF_ERROR(repository_.InsertDecision(tx, record));
        CANDOR_ASSIGN_OR_RETURN(
            shingles.feed_sequence,
            repository_.LockOrganizationForFingerprints(tx, org, 1));
        if (rejected) {
          CANDOR_RETURN_IF_ERROR(repository_.RemovePostShingles(
              tx, org, post_id, shingles.feed_sequence));
        } else {
          CANDOR_RETURN_IF_ERROR(repository_.UpsertPostShingles(tx, shingles));
        }
        CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, org, staff_events));
        CANDOR_RETURN_IF_ERROR(repository_.AppendAuditEntry(tx, &entry));
        *response = decision;
        return absl::OkStatus();
      }));
  // Every replica's index (this one's too) takes the post from the feed
  // before its next evaluation.
  return absl::OkStatus();
}

absl::Status TransparencyService::DoGetDecision(
    const Caller& caller, const v1::GetDecisionRequest& request,
    v1::Decision* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("name", request.name(), kDecisionPattern));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name[0], request.name()));
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  absl::StatusOr<DecisionRecord> record =
      repository_.FindDecision(name[0], name[2]);
  if (absl::IsNotFound(record.status())) return not_found;
  CANDOR_RETURN_IF_ERROR(record.status());
  if (record->post_id != name[1]) return not_found;
  if (!SeesAllDecisions(caller) &&
      !caller.IsStaffMember(name[0], record->author_id)) {
    return not_found;
  }
  return DecisionToProto(*record, response);
}

absl::Status TransparencyService::DoListDecisions(
    const Caller& caller, const v1::ListDecisionsRequest& request,
    v1::ListDecisionsResponse* response) {
  DecisionQuery query;
  std::string org;
  if (absl::StrContains(request.parent(), "/posts/")) {
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<std::string> post,
        ParseResourceName("parent", request.parent(), kPostPattern));
    org = post[0];
    query.post_id = post[1];
  } else {
    CANDOR_ASSIGN_OR_RETURN(org,
                            ParseOrganizationName("parent", request.parent()));
  }
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(DecisionFilter filter,
                          ParseDecisionFilter(request.filter()));
  query.verdict = filter.verdict;
  query.automatic_only = filter.automatic_only;
  if (!filter.decider_name.empty()) {
    CANDOR_ASSIGN_OR_RETURN(query.decider_id,
                            ParseStaffOf("filter", filter.decider_name, org));
  }
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartListPage(request, request.parent(), request.filter()));
  CANDOR_ASSIGN_OR_RETURN(const TimeCursor before, NewestFirstStart(page));
  if (!SeesAllDecisions(caller)) {
    // Authors see their own posts' decisions only.
    if (caller.staff_member_id.empty()) return absl::OkStatus();
    query.author_id = caller.staff_member_id;
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<DecisionRecord> decisions,
      repository_.ListDecisions(org, query, before, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, decisions, [](const DecisionRecord& d) {
        return EncodeTimeCursor({d.create_time_us, d.decision_id});
      }));
  for (const DecisionRecord& decision : decisions) {
    CANDOR_RETURN_IF_ERROR(
        DecisionToProto(decision, response->add_decisions()));
  }
  return absl::OkStatus();
}

}  // namespace candor::transparency
