// The rules of CreateDecision that need no database: who may record a
// decision, what verdict a reviewer may give, what a reviewer's decision
// must cite, and which verdict a decision records. The service
// (decisions_handlers.cc) parses the request, calls these in order, and
// does the database work; each answers OK or the status the call fails
// with.
//
// Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_VERDICT_RULES_H_
#define CANDOR_SERVICES_TRANSPARENCY_VERDICT_RULES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "services/common/auth.h"
#include "services/transparency/engine/evaluate.h"
#include "services/transparency/engine/rules.h"

namespace candor::transparency {

// What a CreateDecision request asks, once its names are parsed.
struct VerdictRequest {
  std::string author_id;    // the post's author
  std::string reviewer_id;  // the deciding reviewer; empty: automatic
  v1::Decision::Verdict verdict = v1::Decision::VERDICT_UNSPECIFIED;
  std::vector<std::string> cited_rule_ids;

  // A reviewer decides (the verdict and citations are theirs); otherwise
  // the evaluation does.
  bool human() const { return !reviewer_id.empty(); }
};

// Only services record decisions (the advocacy service, for its reviewers
// and its automatic checks). A caller of another organization is told
// `resource` is NOT_FOUND, as on every other call.
absl::Status CheckDecider(const Caller& caller, absl::string_view org,
                          absl::string_view resource);

// What a reviewer may ask before the post is evaluated: APPROVED or
// REJECTED (NEEDS_REVIEW is the evaluation's alone), and a rejection cites
// at least one rule. OK for an automatic decision.
absl::Status CheckReviewerVerdict(const VerdictRequest& request);

// Nobody reviews their own post. OK for an automatic decision.
absl::Status CheckNotOwnPost(const VerdictRequest& request);

// The verdict the decision records, once the post was evaluated against
// `rules` (the ruleset `ruleset_name`): an automatic decision records the
// evaluation's outcome; a reviewer's records their verdict, when they cite
// only rules of `rules` (at most kMaxRules) and do not approve a post that
// fails a BLOCK rule.
absl::StatusOr<v1::Decision::Verdict> DecideVerdict(
    const VerdictRequest& request, const Ruleset& rules,
    absl::string_view ruleset_name, const Evaluation& evaluation);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_VERDICT_RULES_H_
