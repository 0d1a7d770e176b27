// Evaluation of a post against a ruleset: the pure core of the transparency
// service. It reads only its arguments (no clock, no I/O), so the same
// post, ruleset and corpus give the same Evaluation, byte for byte.
//
// Every rule yields a result with a sentence an employee understands and
// structured evidence. Evidence positions ("start", "end") are 0-based
// offsets in characters (code points) of the post's original text, [start,
// end); explanations count from 1, as people do.
//
// Thread-safe: Evaluate only reads its arguments (the index through const
// methods; see near_duplicate_index.h for its locking).
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_EVALUATE_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_EVALUATE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/transparency/engine/near_duplicate_index.h"
#include "services/transparency/engine/rules.h"
#include "services/transparency/engine/shingles.h"

namespace candor::transparency {

struct AuthorFacts {
  std::string staff_member_id;
  bool active = false;  // StaffMember.state == ACTIVE
  bool advocacy_consent = false;
  // Handles of the accounts the author linked on the post's network.
  std::vector<std::string> linked_handles;
};

struct StoryFacts {
  std::string story_id;
  std::string summary;
  std::vector<std::string> talking_points;
  std::string url;
  bool incentivized = false;  // sharing it earns points, prizes or rewards
};

struct PostInput {
  Network network = Network::kUnspecified;
  std::string text;
  std::string link_url;  // the link attached to the post, or empty
  // The account the post goes out from; empty when the author has not
  // chosen one (then any linked account on the network will do).
  std::string account_handle;
  AuthorFacts author;
  StoryFacts story;
};

struct EvaluationContext {
  std::string organization_id;
  std::string organization_display_name;
  int64_t now_us = 0;  // microseconds since the Unix epoch
  // The author's shares on the post's network in the 24 hours before now;
  // unknown when the caller does not count them (share_pacing then passes
  // and says where pacing is enforced instead).
  std::optional<int> shares_last_24h;
  // The organization's recent posts, for no_coordination; null when there
  // is no corpus (the rule then passes and says so).
  const NearDuplicateIndex* index = nullptr;
};

enum class Outcome : int {
  kApproved = 1,     // every rule passed
  kNeedsReview = 2,  // only REVIEW rules failed
  kRejected = 3,     // a BLOCK rule failed
};
absl::string_view OutcomeName(Outcome outcome);  // "APPROVED", ...

struct EvidenceItem {
  std::string key;
  std::string value;

  bool operator==(const EvidenceItem& o) const {
    return key == o.key && value == o.value;
  }
  // For test failure messages.
  friend std::ostream& operator<<(std::ostream& os, const EvidenceItem& item) {
    return os << item.key << "=" << item.value;
  }
};

struct RuleResult {
  std::string rule_id;
  std::string title;
  Severity severity = Severity::kReview;
  bool passed = false;
  std::string explanation;
  // Ordered; a key may repeat (one "similar_post" per post).
  std::vector<EvidenceItem> evidence;

  bool operator==(const RuleResult& o) const {
    return rule_id == o.rule_id && title == o.title && severity == o.severity &&
           passed == o.passed && explanation == o.explanation &&
           evidence == o.evidence;
  }
};

struct Evaluation {
  Outcome outcome = Outcome::kApproved;
  std::vector<RuleResult> results;  // in the ruleset's order
  // The post's shingle set: what to index (NearDuplicateIndex::Add) and to
  // store (EncodeShingleSet) once the post is published.
  ShingleSet shingles;

  bool operator==(const Evaluation& o) const {
    return outcome == o.outcome && results == o.results &&
           shingles == o.shingles;
  }
};

Evaluation Evaluate(const Ruleset& ruleset, const PostInput& post,
                    const EvaluationContext& context);

// The outcome of a set of results: REJECTED when a BLOCK rule failed,
// NEEDS_REVIEW when only REVIEW rules failed, else APPROVED.
Outcome AggregateOutcome(const std::vector<RuleResult>& results);

// A link as the link_domains rule reads it.
struct ParsedLink {
  bool valid = false;
  std::string scheme;  // "https", "http", another scheme, or "" (none)
  std::string host;    // lowercase, without user info, port or final '.'
};
ParsedLink ParseLink(absl::string_view url);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_EVALUATE_H_
