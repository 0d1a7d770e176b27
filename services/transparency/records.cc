#include "services/transparency/records.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/validation.h"

namespace candor::transparency {

absl::StatusOr<DecisionFilter> ParseDecisionFilter(absl::string_view filter) {
  DecisionFilter parsed;
  if (absl::StripAsciiWhitespace(filter).empty()) return parsed;
  for (absl::string_view term : absl::StrSplit(filter, " AND ")) {
    std::vector<absl::string_view> sides = absl::StrSplit(term, '=');
    if (sides.size() != 2) {
      return InvalidField(
          "filter", absl::StrCat("expected `field = value`, got `", term, "`"));
    }
    const absl::string_view field = absl::StripAsciiWhitespace(sides[0]);
    absl::string_view value = absl::StripAsciiWhitespace(sides[1]);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (field == "verdict") {
      if (value == "APPROVED") {
        parsed.verdict = kVerdictApproved;
      } else if (value == "NEEDS_REVIEW") {
        parsed.verdict = kVerdictNeedsReview;
      } else if (value == "REJECTED") {
        parsed.verdict = kVerdictRejected;
      } else {
        return InvalidField("filter",
                            "verdict is APPROVED, NEEDS_REVIEW or REJECTED");
      }
    } else if (field == "decider") {
      if (value == kAutomaticDecider) {
        parsed.automatic_only = true;
      } else if (absl::StartsWith(value, "organizations/")) {
        parsed.decider_name = std::string(value);
      } else {
        return InvalidField("filter",
                            "decider is automatic or a staff resource name");
      }
    } else {
      return InvalidField("filter",
                          absl::StrCat("unknown field `", field,
                                       "`; filter on verdict or decider"));
    }
  }
  return parsed;
}

void ReportBuilder::Add(const ReportDecision& d) {
  const bool counted = d.time_us >= start_us_ && d.time_us < end_us_;
  PostState& post = posts_[d.post_id];
  if (d.automatic) {
    post.automatic_verdicts[d.post_revision] = d.verdict;
    post.review_since_us = d.verdict == kVerdictNeedsReview ? d.time_us : -1;
  } else if (counted) {
    auto automatic = post.automatic_verdicts.find(d.post_revision);
    if (automatic != post.automatic_verdicts.end() &&
        automatic->second != kVerdictNeedsReview &&
        automatic->second != d.verdict) {
      counts_.human_overrides += 1;
    }
    if (post.review_since_us >= 0) {
      review_times_us_.push_back(d.time_us - post.review_since_us);
    }
  }
  if (!d.automatic) post.review_since_us = -1;
  if (!counted) return;
  counts_.decisions_total += 1;
  (d.automatic ? counts_.automatic_decisions : counts_.human_decisions) += 1;
  counts_.by_verdict[d.verdict] += 1;
  for (const std::string& id : d.failed_rule_ids) failed_[id] += 1;
}

ReportCounts ReportBuilder::Finish() {
  counts_.failed_by_rule.assign(failed_.begin(), failed_.end());
  // Most often failed first; ties by rule id.
  std::stable_sort(
      counts_.failed_by_rule.begin(), counts_.failed_by_rule.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  if (!review_times_us_.empty()) {
    const size_t middle = (review_times_us_.size() - 1) / 2;
    std::nth_element(review_times_us_.begin(),
                     review_times_us_.begin() + middle, review_times_us_.end());
    counts_.median_time_in_review_us = review_times_us_[middle];
  }
  return counts_;
}

}  // namespace candor::transparency
