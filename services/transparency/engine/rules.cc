#include "services/transparency/engine/rules.h"

#include <algorithm>
#include <set>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace candor::transparency {
namespace {

absl::Status Invalid(size_t index, absl::string_view field,
                     absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("rules[", index, "].", field, ": ", problem));
}

bool IsValidRuleId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (const char c : id) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return true;
}

bool IsKnownNetwork(Network n) {
  return static_cast<int>(n) >= 1 && static_cast<int>(n) <= 5;
}

absl::Status CheckNetworkMap(size_t index, absl::string_view field,
                             const std::map<Network, int>& values) {
  for (const auto& [network, value] : values) {
    if (!IsKnownNetwork(network))
      return Invalid(index, field, "unknown network");
    if (value < 1) {
      return Invalid(index, field,
                     absl::StrCat(NetworkName(network), " must be at least 1"));
    }
  }
  return absl::OkStatus();
}

// Caps on a rule's lists, so a ruleset (published once, evaluated on every
// post) cannot make each evaluation scan or compile without bound.
constexpr size_t kMaxListEntries = 100;
constexpr size_t kMaxPatternBytes = 200;

absl::Status CheckListSize(size_t index, absl::string_view field, size_t size) {
  if (size > kMaxListEntries) {
    return Invalid(index, field,
                   absl::StrCat("at most ", kMaxListEntries, " entries"));
  }
  return absl::OkStatus();
}

absl::Status CheckPhrases(size_t index, absl::string_view field,
                          const std::vector<std::string>& phrases,
                          bool need_one) {
  if (need_one && phrases.empty())
    return Invalid(index, field, "must not be empty");
  if (auto s = CheckListSize(index, field, phrases.size()); !s.ok()) return s;
  for (const std::string& p : phrases) {
    if (absl::StripAsciiWhitespace(p).empty() || p.size() > 200) {
      return Invalid(index, field, "phrases must have 1-200 bytes");
    }
  }
  return absl::OkStatus();
}

bool IsHostName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (!(absl::ascii_islower(u) || absl::ascii_isdigit(u) || c == '.' ||
          c == '-' || u >= 0x80)) {
      return false;
    }
  }
  return host.front() != '.' && host.back() != '.';
}

// Checks one rule's parameters; compiles patterns into `compiled`.
absl::Status CheckKind(size_t i, const RuleKind& kind,
                       std::vector<std::shared_ptr<const re2::RE2>>* compiled) {
  if (const auto* disclosure = std::get_if<DisclosureRule>(&kind)) {
    if (auto s =
            CheckPhrases(i, "disclosure.accepted", disclosure->accepted, true);
        !s.ok())
      return s;
    if (auto s =
            CheckPhrases(i, "disclosure.rejected", disclosure->rejected, false);
        !s.ok())
      return s;
    if (auto s = CheckNetworkMap(i, "disclosure.visible_prefix",
                                 disclosure->visible_prefix);
        !s.ok()) {
      return s;
    }
    if (disclosure->max_hashtag_run < 1) {
      return Invalid(i, "disclosure.max_hashtag_run", "must be at least 1");
    }
  } else if (const auto* own_words = std::get_if<OwnWordsRule>(&kind)) {
    if (!(own_words->max_copied >= 0.0 && own_words->max_copied <= 1.0)) {
      return Invalid(i, "own_words.max_copied", "must be between 0 and 1");
    }
  } else if (const auto* no_coordination =
                 std::get_if<NoCoordinationRule>(&kind)) {
    if (no_coordination->max_similar_authors < 1) {
      return Invalid(i, "no_coordination.max_similar_authors",
                     "must be at least 1");
    }
    if (!(no_coordination->threshold > 0.0 &&
          no_coordination->threshold <= 1.0)) {
      return Invalid(i, "no_coordination.threshold",
                     "must be above 0 and at most 1");
    }
    if (no_coordination->window_days < 1 ||
        no_coordination->window_days > 3660) {
      return Invalid(i, "no_coordination.window_days", "must be 1-3660");
    }
  } else if (const auto* incentive =
                 std::get_if<IncentiveDisclosureRule>(&kind)) {
    if (auto s = CheckPhrases(i, "incentive_disclosure.accepted",
                              incentive->accepted, true);
        !s.ok()) {
      return s;
    }
  } else if (const auto* sensitive = std::get_if<SensitiveTermsRule>(&kind)) {
    if (sensitive->patterns.empty()) {
      return Invalid(i, "sensitive_terms.patterns", "must not be empty");
    }
    if (auto s = CheckListSize(i, "sensitive_terms.patterns",
                               sensitive->patterns.size());
        !s.ok()) {
      return s;
    }
    re2::RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    for (size_t k = 0; k < sensitive->patterns.size(); ++k) {
      if (sensitive->patterns[k].size() > kMaxPatternBytes) {
        return Invalid(i, absl::StrCat("sensitive_terms.patterns[", k, "]"),
                       absl::StrCat("at most ", kMaxPatternBytes, " bytes"));
      }
      auto re =
          std::make_shared<const re2::RE2>(sensitive->patterns[k], options);
      if (!re->ok()) {
        return Invalid(i, absl::StrCat("sensitive_terms.patterns[", k, "]"),
                       re->error());
      }
      compiled->push_back(std::move(re));
    }
  } else if (const auto* links = std::get_if<LinkDomainsRule>(&kind)) {
    if (auto s = CheckListSize(i, "link_domains.allowed_hosts",
                               links->allowed_hosts.size());
        !s.ok()) {
      return s;
    }
    if (auto s = CheckListSize(i, "link_domains.shorteners",
                               links->shorteners.size());
        !s.ok()) {
      return s;
    }
    for (const std::string& h : links->allowed_hosts) {
      if (!IsHostName(h)) {
        return Invalid(i, "link_domains.allowed_hosts",
                       absl::StrCat("'", h, "' is not a lowercase host name"));
      }
    }
    for (const std::string& h : links->shorteners) {
      if (!IsHostName(h)) {
        return Invalid(i, "link_domains.shorteners",
                       absl::StrCat("'", h, "' is not a lowercase host name"));
      }
    }
  } else if (const auto* length = std::get_if<LengthRule>(&kind)) {
    if (auto s = CheckNetworkMap(i, "length.max_chars", length->max_chars);
        !s.ok())
      return s;
  } else if (const auto* pacing = std::get_if<SharePacingRule>(&kind)) {
    if (pacing->max_per_day < 1) {
      return Invalid(i, "share_pacing.max_per_day", "must be at least 1");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view NetworkName(Network network) {
  switch (network) {
    case Network::kLinkedIn:
      return "LinkedIn";
    case Network::kX:
      return "X";
    case Network::kFacebook:
      return "Facebook";
    case Network::kInstagram:
      return "Instagram";
    case Network::kMastodon:
      return "Mastodon";
    case Network::kUnspecified:
      break;
  }
  return "the network";
}

absl::string_view RuleKindName(const RuleKind& kind) {
  static constexpr absl::string_view kNames[] = {
      "disclosure",           "own_words",
      "no_coordination",      "real_author",
      "incentive_disclosure", "sensitive_terms",
      "link_domains",         "length",
      "share_pacing"};
  static_assert(std::variant_size_v<RuleKind> ==
                sizeof(kNames) / sizeof(kNames[0]));
  return kNames[kind.index()];
}

std::vector<std::string> DefaultSensitivePatterns() {
  return {
      R"(guaranteed\s+(returns?|profits?|income|gains?|results?))",
      R"(risk[\s-]*free)",
      R"((can['’]?t|cannot|can\s+not)\s+lose)",
      R"(double\s+your\s+(money|investment|savings))",
      R"(no[\s-]+risk)",
      R"(get\s+rich\s+quick)",
      R"(100\s*%\s+(safe|guaranteed|secure))",
      R"(sure[\s-]+(thing|bet|fire\s+investment))",
  };
}

std::vector<std::string> DefaultShorteners() {
  return {"bit.ly",  "bitly.com", "t.co",    "tinyurl.com", "goo.gl",
          "ow.ly",   "buff.ly",   "is.gd",   "v.gd",        "rebrand.ly",
          "lnkd.in", "tiny.cc",   "cutt.ly", "shorturl.at", "rb.gy",
          "t.ly",    "bl.ink",    "s.id",    "dlvr.it",     "trib.al",
          "soo.gd",  "shorte.st", "adf.ly",  "tr.im",       "qr.ae",
          "po.st",   "mcaf.ee",   "su.pr",   "x.co",        "1url.com"};
}

absl::StatusOr<Ruleset> Ruleset::Create(std::vector<Rule> rules) {
  Ruleset ruleset;
  std::set<std::string> ids;
  ruleset.patterns_.resize(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& rule = rules[i];
    if (!IsValidRuleId(rule.id)) {
      return Invalid(i, "id", "must be 1-63 characters of a-z, 0-9 and '-'");
    }
    if (!ids.insert(rule.id).second) {
      return Invalid(i, "id", absl::StrCat("'", rule.id, "' is used twice"));
    }
    if (absl::StripAsciiWhitespace(rule.title).empty()) {
      return Invalid(i, "title", "must not be empty");
    }
    if (rule.severity != Severity::kBlock &&
        rule.severity != Severity::kReview) {
      return Invalid(i, "severity", "must be BLOCK or REVIEW");
    }
    if (auto s = CheckKind(i, rule.kind, &ruleset.patterns_[i]); !s.ok())
      return s;
  }
  ruleset.rules_ = std::move(rules);
  return ruleset;
}

std::vector<Rule> DefaultRules() {
  std::vector<Rule> rules;
  rules.push_back(
      {"disclosure", "Say that you work here",
       "Readers must be able to see that you work for the company you are "
       "talking about, in the post itself and before the feed cuts it off "
       "(US FTC Endorsement Guides, EU and UK advertising rules). Ambiguous "
       "labels such as #spon or #ee do not count.",
       Severity::kBlock, DisclosureRule{}});
  rules.push_back(
      {"own-words", "Write in your own words",
       "Posts share your view, not a script: most of the post must not be "
       "copied from the story's summary or talking points.",
       Severity::kBlock, OwnWordsRule{}});
  rules.push_back(
      {"no-coordination", "No copy-paste campaigns",
       "When many colleagues publish nearly the same text it reads as a "
       "campaign presented as independent voices (FTC v. Deutsch LA); a "
       "reviewer looks at posts that resemble other people's.",
       Severity::kReview, NoCoordinationRule{}});
  rules.push_back(
      {"real-author", "Post as yourself",
       "Only active staff members who agreed to advocacy may post, and only "
       "from their own linked accounts: no fake or borrowed reviewers "
       "(FTC rule on consumer reviews, 16 CFR 465).",
       Severity::kBlock, RealAuthorRule{}});
  rules.push_back(
      {"incentive-disclosure", "Disclose rewards",
       "When sharing earns points, prizes or rewards, that incentive is a "
       "material connection and the post must say so (#ad or #sponsored).",
       Severity::kBlock, IncentiveDisclosureRule{}});
  rules.push_back(
      {"sensitive-terms", "No financial promises",
       "Promises such as \"guaranteed returns\" or \"risk-free\" are not "
       "allowed in financial communications (FINRA 2210); a reviewer checks "
       "posts that contain them.",
       Severity::kReview, SensitiveTermsRule{DefaultSensitivePatterns()}});
  rules.push_back(
      {"link-domains", "Links go where they say",
       "Readers should see where a link goes: no URL shorteners, no plain "
       "http.",
       Severity::kReview, LinkDomainsRule{}});
  rules.push_back(
      {"length", "Fits the network",
       "A post longer than the network allows is cut or refused by it.",
       Severity::kBlock, LengthRule{}});
  rules.push_back(
      {"share-pacing", "Share at a human pace",
       "Many shares in a day look automated and tire your audience.",
       Severity::kReview, SharePacingRule{}});
  return rules;
}

Ruleset DefaultRuleset() {
  absl::StatusOr<Ruleset> ruleset = Ruleset::Create(DefaultRules());
  // The defaults are fixed and covered by a unit test.
  return *std::move(ruleset);
}

int LongestCoordinationWindowDays(const Ruleset& ruleset) {
  int days = 0;
  for (const Rule& rule : ruleset.rules()) {
    if (const auto* no_coordination =
            std::get_if<NoCoordinationRule>(&rule.kind)) {
      days = std::max(days, no_coordination->window_days);
    }
  }
  return days;
}

}  // namespace candor::transparency
