// Whether a share complies with the published ruleset, free of gRPC and
// SQL: which rules apply to shares, and the verdict on a published text.
// Pure functions and plain structs; thread-safe.
//
// A share is judged on two things: its disclosure (the ruleset's
// disclosure rules, evaluated again by the transparency service on the
// published text) and material difference from the approved post
// (MaterialDifference). Share pacing is enforced when the share is stored
// (CheckSharePacing), with the limit chosen here.
#ifndef CANDOR_SERVICES_ENGAGEMENT_SHARE_COMPLIANCE_H_
#define CANDOR_SERVICES_ENGAGEMENT_SHARE_COMPLIANCE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "services/engagement/share.h"

namespace candor::engagement {

// Stored explanations and notification messages stay below the columns'
// 2000 characters.
inline constexpr size_t kMaxExplanationBytes = 1800;

// What a published ruleset asks of shares.
struct SharePolicy {
  // The ids of its disclosure rules. Empty: the published text needs no
  // evaluation.
  absl::flat_hash_set<std::string> disclosure_rules;
  // The tightest of its share_pacing limits (SharePacingLimit); nullopt
  // when it has no share_pacing rule.
  std::optional<int> pacing_limit;
};

SharePolicy PolicyFrom(const transparency::v1::Ruleset& ruleset);

// The compliance of one share.
struct ShareVerdict {
  ShareState state = ShareState::kCompliant;
  // The problems, one sentence each, joined by spaces and cut to
  // kMaxExplanationBytes; empty when compliant.
  std::string explanation;
};

// Judges `published_text`, shared from a post approved as `approved_text`.
// `disclosure_evaluation` is the evaluation of the published text, or null
// when none was made (the policy has no disclosure rules); each failed
// result of one of the policy's disclosure rules is a problem, and so is a
// material difference.
ShareVerdict JudgeShare(
    const SharePolicy& policy,
    const transparency::v1::Evaluation* disclosure_evaluation,
    absl::string_view approved_text, absl::string_view published_text);

// The NONCOMPLIANT_SHARE notification's message for a share of the post
// `post` (its resource name) judged noncompliant for `explanation`; at most
// kMaxExplanationBytes.
std::string NoncompliantShareMessage(absl::string_view post,
                                     absl::string_view explanation);

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_SHARE_COMPLIANCE_H_
