#include "services/engagement/share_compliance.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace candor::engagement {

namespace tpb = ::candor::transparency::v1;

SharePolicy PolicyFrom(const tpb::Ruleset& ruleset) {
  SharePolicy policy;
  for (const tpb::Rule& rule : ruleset.rules()) {
    if (rule.has_disclosure()) policy.disclosure_rules.insert(rule.id());
    if (rule.has_share_pacing()) {
      const int limit = SharePacingLimit(rule.share_pacing().max_per_day());
      policy.pacing_limit =
          policy.pacing_limit ? std::min(*policy.pacing_limit, limit) : limit;
    }
  }
  return policy;
}

ShareVerdict JudgeShare(const SharePolicy& policy,
                        const tpb::Evaluation* disclosure_evaluation,
                        absl::string_view approved_text,
                        absl::string_view published_text) {
  std::vector<std::string> problems;
  if (disclosure_evaluation != nullptr) {
    for (const tpb::RuleResult& result : disclosure_evaluation->results()) {
      if (!result.passed() &&
          policy.disclosure_rules.contains(result.rule_id())) {
        problems.push_back(
            absl::StrCat("The published text lost its disclosure (rule ",
                         result.rule_id(), "): ", result.explanation()));
      }
    }
  }
  if (std::optional<std::string> difference =
          MaterialDifference(approved_text, published_text)) {
    problems.push_back(*std::move(difference));
  }
  ShareVerdict verdict;
  verdict.state =
      problems.empty() ? ShareState::kCompliant : ShareState::kNoncompliant;
  verdict.explanation =
      Truncate(absl::StrJoin(problems, " "), kMaxExplanationBytes);
  return verdict;
}

std::string NoncompliantShareMessage(absl::string_view post,
                                     absl::string_view explanation) {
  return Truncate(absl::StrCat("Your share of ", post, " is not compliant: ",
                               explanation, " Please edit or remove it."),
                  kMaxExplanationBytes);
}

}  // namespace candor::engagement
