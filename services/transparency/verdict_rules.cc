#include "services/transparency/verdict_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/authz.h"
#include "services/common/validation.h"
#include "services/transparency/ruleset_convert.h"

namespace candor::transparency {

absl::Status CheckDecider(const Caller& caller, absl::string_view org,
                          absl::string_view resource) {
  return RequireServiceOf(caller, org, resource, "record decisions");
}

absl::Status CheckReviewerVerdict(const VerdictRequest& request) {
  if (!request.human()) return absl::OkStatus();
  if (request.verdict != v1::Decision::APPROVED &&
      request.verdict != v1::Decision::REJECTED) {
    return InvalidField("verdict", "a reviewer decides APPROVED or REJECTED");
  }
  if (request.verdict == v1::Decision::REJECTED &&
      request.cited_rule_ids.empty()) {
    return InvalidField("cited_rule_ids",
                        "a rejection cites at least one rule");
  }
  return absl::OkStatus();
}

absl::Status CheckNotOwnPost(const VerdictRequest& request) {
  if (request.human() && request.reviewer_id == request.author_id) {
    return absl::PermissionDeniedError(
        "reviewer: nobody reviews their own post");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Decision::Verdict> DecideVerdict(
    const VerdictRequest& request, const Ruleset& rules,
    absl::string_view ruleset_name, const Evaluation& evaluation) {
  if (!request.human()) {
    return static_cast<v1::Decision::Verdict>(
        OutcomeToProto(evaluation.outcome));
  }
  if (request.cited_rule_ids.size() > static_cast<size_t>(kMaxRules)) {
    return InvalidField(
        "cited_rule_ids",
        absl::StrCat("at most ", kMaxRules, " (a ruleset has no more rules)"));
  }
  for (size_t i = 0; i < request.cited_rule_ids.size(); ++i) {
    const std::string& id = request.cited_rule_ids[i];
    const auto& all = rules.rules();
    if (std::none_of(all.begin(), all.end(),
                     [&](const Rule& rule) { return rule.id == id; })) {
      return InvalidField(
          absl::StrCat("cited_rule_ids[", i, "]"),
          absl::StrCat("'", id, "' is not a rule of ", ruleset_name));
    }
  }
  if (request.verdict == v1::Decision::APPROVED &&
      evaluation.outcome == Outcome::kRejected) {
    std::vector<std::string> blocking;
    for (const RuleResult& result : evaluation.results) {
      if (!result.passed && result.severity == Severity::kBlock) {
        blocking.push_back(result.rule_id);
      }
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "a BLOCK rule fails (", absl::StrJoin(blocking, ", "),
        "); no reviewer can approve this post until its author fixes it"));
  }
  return request.verdict;
}

}  // namespace candor::transparency
