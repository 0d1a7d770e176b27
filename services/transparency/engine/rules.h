// Transparency rules as domain values (not protos): the nine rule kinds of
// docs/RULES.md with their parameters, a validated Ruleset, and the default
// ruleset every new organization starts with.
//
// Defaults live in the member initializers, so `DisclosureRule{}` is the
// disclosure rule with docs/RULES.md's defaults. A Ruleset is built only
// through Ruleset::Create, which validates every parameter and compiles the
// sensitive-term patterns once (RE2, case-insensitive).
//
// Value types; a Ruleset is immutable after Create and may be shared by
// threads (RE2 matching is thread-safe).
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_RULES_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_RULES_H_

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace candor::transparency {

// The candor.common.v1.Network numbers.
enum class Network : int {
  kUnspecified = 0,
  kLinkedIn = 1,
  kX = 2,
  kFacebook = 3,
  kInstagram = 4,
  kMastodon = 5,
};
// "LinkedIn", "X", ...; "the network" for kUnspecified.
absl::string_view NetworkName(Network network);

enum class Severity : int {
  kBlock = 1,   // a failure rejects the post; no reviewer can approve it
  kReview = 2,  // a failure sends the post to a human reviewer
};

// Passes when an accepted disclosure starts within the network's visible
// prefix and is not buried in a run of more than `max_hashtag_run`
// hashtags. `{org}` in a phrase stands for the organization id, its display
// name, and the display name without spaces (for hashtags: "Acme Corp" ->
// "#acmecorpemployee"). Matching is case-insensitive, across any whitespace,
// and whole-word ("#ad" is not "#adventure"). Rejected labels never count,
// even when also listed as accepted.
struct DisclosureRule {
  std::vector<std::string> accepted = {"#{org}employee", "I work at {org}",
                                       "I work for {org}", "#ad"};
  std::vector<std::string> rejected = {"#spon", "#sp",     "#partner",
                                       "#ee",   "#collab", "#thanks"};
  // Characters a feed shows before "see more"; a network not listed shows
  // the whole post (X, Mastodon).
  std::map<Network, int> visible_prefix = {{Network::kLinkedIn, 210},
                                           {Network::kFacebook, 480},
                                           {Network::kInstagram, 125}};
  int max_hashtag_run = 3;
};

// Passes when the share of the post's word 3-shingles found in its story's
// summary and talking points (containment) is at most max_copied.
struct OwnWordsRule {
  double max_copied = 0.5;
};

// Passes when fewer than max_similar_authors other authors posted text with
// Jaccard >= threshold within the last window_days.
struct NoCoordinationRule {
  int max_similar_authors = 2;
  double threshold = 0.5;
  int window_days = 30;
};

// Passes when the author is active, consented to advocacy, and posts from an
// account linked to their profile on that network.
struct RealAuthorRule {};

// When the story is incentivized, passes only if one of `accepted` appears.
struct IncentiveDisclosureRule {
  std::vector<std::string> accepted = {"#ad", "#sponsored"};
};

// Passes when no pattern matches. RE2 syntax, case-insensitive, run on the
// text with whitespace runs collapsed to one space (so write `\s+` or a
// space between words).
struct SensitiveTermsRule {
  std::vector<std::string> patterns;
};

// The starter list of financial promises (FINRA 2210: no promissory claims).
std::vector<std::string> DefaultSensitivePatterns();
// Known URL shorteners: they hide where the reader goes. docs/RULES.md
// lists them; the ruleset proto cannot change them.
std::vector<std::string> DefaultShorteners();

// Passes when every link (the post's link and the links in its text, with
// or without a scheme: Tokenize in text.h) is the story's own url or goes
// to an allowed host (an exact host or a subdomain of one; an empty list
// allows any host), and none is plain http (or lacks a scheme, which
// networks open as http) or a URL shortener (whatever the allowed hosts).
struct LinkDomainsRule {
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> shorteners = DefaultShorteners();
};

// Passes when the text has at most the network's limit of characters (code
// points). A network not listed has no limit.
struct LengthRule {
  std::map<Network, int> max_chars = {{Network::kX, 280},
                                      {Network::kLinkedIn, 3000},
                                      {Network::kFacebook, 63206},
                                      {Network::kInstagram, 2200},
                                      {Network::kMastodon, 500}};
};

// Passes when the author shared fewer than max_per_day posts on the post's
// network in the last 24 hours (before this one).
struct SharePacingRule {
  int max_per_day = 10;
};

using RuleKind =
    std::variant<DisclosureRule, OwnWordsRule, NoCoordinationRule,
                 RealAuthorRule, IncentiveDisclosureRule, SensitiveTermsRule,
                 LinkDomainsRule, LengthRule, SharePacingRule>;

// "disclosure", "own_words", ... (the names in docs/RULES.md and the proto
// oneof).
absl::string_view RuleKindName(const RuleKind& kind);

struct Rule {
  std::string id;         // stable, cited by reviewers: [a-z0-9-], 1-63
  std::string title;      // shown to employees
  std::string rationale;  // why the rule exists, shown to employees
  Severity severity = Severity::kReview;
  RuleKind kind;
};

class Ruleset {
 public:
  // INVALID_ARGUMENT naming `rules[i].<field>` when an id is malformed or
  // repeated, a title is empty, a parameter is out of range, or a pattern
  // does not compile.
  static absl::StatusOr<Ruleset> Create(std::vector<Rule> rules);

  const std::vector<Rule>& rules() const { return rules_; }
  // The compiled patterns of rules()[index] (empty unless sensitive_terms),
  // in the order of its `patterns`.
  const std::vector<std::shared_ptr<const re2::RE2>>& patterns(
      size_t index) const {
    return patterns_[index];
  }

 private:
  Ruleset() = default;
  std::vector<Rule> rules_;
  std::vector<std::vector<std::shared_ptr<const re2::RE2>>> patterns_;
};

// One rule of each kind with the defaults, ids "disclosure", "own-words",
// "no-coordination", "real-author", "incentive-disclosure",
// "sensitive-terms", "link-domains", "length", "share-pacing".
std::vector<Rule> DefaultRules();
// Ruleset::Create(DefaultRules()), which cannot fail.
Ruleset DefaultRuleset();

// How many days back the ruleset's no_coordination rules look (the longest
// window_days among them; 0 when it has none): what the near-duplicate
// index must hold for it.
int LongestCoordinationWindowDays(const Ruleset& ruleset);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_RULES_H_
