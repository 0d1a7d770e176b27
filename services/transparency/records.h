// Transparency domain: the records the repository stores and returns,
// page cursors, the ListDecisions filter, and the transparency report's
// arithmetic. No gRPC and no SQL: unit-tested alone. Value types and pure
// functions; thread-safe (a ReportBuilder belongs to one thread).
#ifndef CANDOR_SERVICES_TRANSPARENCY_RECORDS_H_
#define CANDOR_SERVICES_TRANSPARENCY_RECORDS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::transparency {

// The proto enum numbers (candor.transparency.v1).
inline constexpr int kRulesetDraft = 1;
inline constexpr int kRulesetPublished = 2;
inline constexpr int kVerdictApproved = 1;
inline constexpr int kVerdictNeedsReview = 2;
inline constexpr int kVerdictRejected = 3;

// The id of the shipped default ruleset once published for an
// organization, and who publishes it.
inline constexpr char kDefaultRulesetId[] = "default";
inline constexpr char kCandorActor[] = "candor";
inline constexpr char kAutomaticDecider[] = "automatic";

struct RulesetRecord {
  std::string organization_id;
  std::string ruleset_id;
  int state = kRulesetDraft;
  // A serialized candor.transparency.v1.Ruleset: display_name, description
  // and rules (output-only fields live in the columns below).
  std::string body;
  int64_t create_time_us = 0;
  int64_t publish_time_us = 0;  // 0 while a draft
  std::string publisher;        // staff resource name or "candor"
};

struct DecisionRecord {
  std::string organization_id;
  std::string decision_id;
  std::string post_id;
  int64_t post_revision = 0;
  std::string author_id;   // the post's author (staff_member_id)
  std::string decider_id;  // reviewer's staff_member_id; "" when automatic
  int verdict = 0;
  int outcome = 0;
  int64_t create_time_us = 0;
  // The serialized candor.transparency.v1.Decision as returned.
  std::string body;
};

// A post's row in post_shingles: its fingerprint, and its place in the
// organization's fingerprint feed (V0003__fingerprint_feed.sql).
struct PostShinglesRecord {
  std::string organization_id;
  std::string post_id;
  std::string author_id;
  int64_t time_us = 0;
  std::string shingles;  // EncodeShingleSet; empty when removed
  int64_t feed_sequence = 0;
  // Rejected, or its author erased: replicas take it out of their index.
  bool removed = false;
};

// A parsed ListDecisions filter: terms joined by AND, each
// `verdict = APPROVED|NEEDS_REVIEW|REJECTED`, `decider = automatic` or
// `decider = "organizations/{org}/staffMembers/{id}"` (quotes optional).
struct DecisionFilter {
  int verdict = 0;  // 0: any
  bool automatic_only = false;
  std::string decider_name;  // a reviewer's resource name; "" for any
};
// INVALID_ARGUMENT naming `filter` for anything else.
absl::StatusOr<DecisionFilter> ParseDecisionFilter(absl::string_view filter);

// What the report needs of one decision.
struct ReportDecision {
  std::string post_id;
  int64_t post_revision = 0;
  bool automatic = false;
  int verdict = 0;
  int64_t time_us = 0;
  std::vector<std::string> failed_rule_ids;
};

struct ReportCounts {
  int64_t decisions_total = 0;
  int64_t automatic_decisions = 0;
  int64_t human_decisions = 0;
  std::map<int, int64_t> by_verdict;  // verdict -> count
  std::vector<std::pair<std::string, int64_t>> failed_by_rule;  // by count
  int64_t human_overrides = 0;
  int64_t median_time_in_review_us = 0;  // 0 when nothing was reviewed
};

// Builds the report from decisions fed in time order (ties in any fixed
// order). Decisions before `start_us` are context only: an automatic
// decision before the range still pairs with a human one inside it (for
// overrides and time in review), but only decisions in [start_us, end_us)
// are counted.
//
//   - human_overrides: human decisions whose verdict differs from the latest
//     automatic APPROVED or REJECTED verdict on the same post revision (an
//     automatic NEEDS_REVIEW asks for a human; answering it is no override);
//   - time in review: from a post's automatic NEEDS_REVIEW decision to the
//     next human decision on that post; the median over human decisions in
//     the range that have one (the lower middle of an even count).
//
// Memory: one entry per post with an automatic decision seen.
class ReportBuilder {
 public:
  ReportBuilder(int64_t start_us, int64_t end_us)
      : start_us_(start_us), end_us_(end_us) {}

  void Add(const ReportDecision& decision);
  ReportCounts Finish();

 private:
  struct PostState {
    absl::flat_hash_map<int64_t, int> automatic_verdicts;  // revision ->
    int64_t review_since_us = -1;  // automatic NEEDS_REVIEW awaiting a human
  };

  const int64_t start_us_;
  const int64_t end_us_;
  ReportCounts counts_;
  std::map<std::string, int64_t> failed_;
  absl::flat_hash_map<std::string, PostState> posts_;
  std::vector<int64_t> review_times_us_;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_RECORDS_H_
