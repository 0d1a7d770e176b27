#include "services/transparency/ruleset_convert.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::transparency {
namespace {

std::vector<std::string> ListOr(
    const google::protobuf::RepeatedPtrField<std::string>& list,
    std::vector<std::string> fallback) {
  if (list.empty()) return fallback;
  return std::vector<std::string>(list.begin(), list.end());
}

// The engine rule of one proto rule; INVALID_ARGUMENT "rules[i].<field>"
// for what only the proto can get wrong (no kind, no severity).
absl::StatusOr<Rule> RuleFromProto(size_t i, const v1::Rule& in) {
  const std::string field = absl::StrCat("rules[", i, "]");
  Rule rule;
  rule.id = in.id();
  rule.title = in.title();
  rule.rationale = in.rationale();
  switch (in.severity()) {
    case v1::Rule::BLOCK:
      rule.severity = Severity::kBlock;
      break;
    case v1::Rule::REVIEW:
      rule.severity = Severity::kReview;
      break;
    default:
      return InvalidField(absl::StrCat(field, ".severity"),
                          "must be BLOCK or REVIEW");
  }
  switch (in.kind_case()) {
    case v1::Rule::kDisclosure: {
      DisclosureRule r;
      r.accepted = ListOr(in.disclosure().accepted(), r.accepted);
      r.rejected = ListOr(in.disclosure().rejected(), r.rejected);
      rule.kind = std::move(r);
      break;
    }
    case v1::Rule::kOwnWords: {
      OwnWordsRule r;
      if (in.own_words().max_copied() != 0) {
        r.max_copied = in.own_words().max_copied();
      }
      rule.kind = r;
      break;
    }
    case v1::Rule::kNoCoordination: {
      NoCoordinationRule r;
      const v1::Rule::NoCoordination& p = in.no_coordination();
      if (p.max_similar_authors() != 0) {
        r.max_similar_authors = p.max_similar_authors();
      }
      if (p.threshold() != 0) r.threshold = p.threshold();
      if (p.window_days() != 0) r.window_days = p.window_days();
      rule.kind = r;
      break;
    }
    case v1::Rule::kRealAuthor:
      rule.kind = RealAuthorRule{};
      break;
    case v1::Rule::kIncentiveDisclosure: {
      IncentiveDisclosureRule r;
      r.accepted = ListOr(in.incentive_disclosure().accepted(), r.accepted);
      rule.kind = std::move(r);
      break;
    }
    case v1::Rule::kSensitiveTerms: {
      SensitiveTermsRule r;
      r.patterns.assign(in.sensitive_terms().patterns().begin(),
                        in.sensitive_terms().patterns().end());
      rule.kind = std::move(r);
      break;
    }
    case v1::Rule::kLinkDomains: {
      LinkDomainsRule r;
      r.allowed_hosts.assign(in.link_domains().allowed_hosts().begin(),
                             in.link_domains().allowed_hosts().end());
      rule.kind = std::move(r);
      break;
    }
    case v1::Rule::kLength:
      rule.kind = LengthRule{};
      break;
    case v1::Rule::kSharePacing: {
      SharePacingRule r;
      if (in.share_pacing().max_per_day() != 0) {
        r.max_per_day = in.share_pacing().max_per_day();
      }
      rule.kind = r;
      break;
    }
    case v1::Rule::KIND_NOT_SET:
      return InvalidField(
          absl::StrCat(field, ".kind"),
          "set exactly one kind (disclosure, own_words, no_coordination, "
          "real_author, incentive_disclosure, sensitive_terms, link_domains, "
          "length, share_pacing)");
  }
  return rule;
}

void RuleToProto(const Rule& rule, v1::Rule* out) {
  out->set_id(rule.id);
  out->set_title(rule.title);
  out->set_rationale(rule.rationale);
  out->set_severity(rule.severity == Severity::kBlock ? v1::Rule::BLOCK
                                                      : v1::Rule::REVIEW);
  if (const auto* disclosure = std::get_if<DisclosureRule>(&rule.kind)) {
    auto* p = out->mutable_disclosure();
    for (const auto& a : disclosure->accepted) p->add_accepted(a);
    for (const auto& a : disclosure->rejected) p->add_rejected(a);
  } else if (const auto* own_words = std::get_if<OwnWordsRule>(&rule.kind)) {
    out->mutable_own_words()->set_max_copied(own_words->max_copied);
  } else if (const auto* no_coordination =
                 std::get_if<NoCoordinationRule>(&rule.kind)) {
    auto* p = out->mutable_no_coordination();
    p->set_max_similar_authors(no_coordination->max_similar_authors);
    p->set_threshold(no_coordination->threshold);
    p->set_window_days(no_coordination->window_days);
  } else if (std::holds_alternative<RealAuthorRule>(rule.kind)) {
    out->mutable_real_author();
  } else if (const auto* incentive =
                 std::get_if<IncentiveDisclosureRule>(&rule.kind)) {
    auto* p = out->mutable_incentive_disclosure();
    for (const auto& a : incentive->accepted) p->add_accepted(a);
  } else if (const auto* sensitive =
                 std::get_if<SensitiveTermsRule>(&rule.kind)) {
    auto* p = out->mutable_sensitive_terms();
    for (const auto& pattern : sensitive->patterns) p->add_patterns(pattern);
  } else if (const auto* links = std::get_if<LinkDomainsRule>(&rule.kind)) {
    auto* p = out->mutable_link_domains();
    for (const auto& host : links->allowed_hosts) p->add_allowed_hosts(host);
  } else if (std::holds_alternative<LengthRule>(rule.kind)) {
    out->mutable_length();
  } else if (const auto* pacing = std::get_if<SharePacingRule>(&rule.kind)) {
    out->mutable_share_pacing()->set_max_per_day(pacing->max_per_day);
  }
}

absl::StatusOr<std::vector<Rule>> RulesFromProto(const v1::Ruleset& ruleset) {
  std::vector<Rule> rules;
  rules.reserve(ruleset.rules_size());
  for (int i = 0; i < ruleset.rules_size(); ++i) {
    CANDOR_ASSIGN_OR_RETURN(Rule rule, RuleFromProto(i, ruleset.rules(i)));
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

absl::Status ValidateRulesetProto(absl::string_view prefix,
                                  const v1::Ruleset& ruleset) {
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "display_name"),
                                   ruleset.display_name(), 200,
                                   Presence::kRequired));
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "description"),
                                   ruleset.description(), 2000,
                                   Presence::kOptional, /*multiline=*/true));
  if (ruleset.rules_size() < 1 || ruleset.rules_size() > kMaxRules) {
    return InvalidField(absl::StrCat(prefix, "rules"),
                        absl::StrCat("must have 1 to ", kMaxRules, " rules"));
  }
  for (int i = 0; i < ruleset.rules_size(); ++i) {
    const v1::Rule& rule = ruleset.rules(i);
    const std::string field = absl::StrCat(prefix, "rules[", i, "]");
    CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".title"),
                                     rule.title(), 200, Presence::kRequired));
    CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".rationale"),
                                     rule.rationale(), 2000,
                                     Presence::kOptional, /*multiline=*/true));
  }
  absl::Status status = ToEngineRuleset(ruleset).status();
  if (status.ok()) return status;
  // The engine names `rules[i].<field>`; put it under the request's path.
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

absl::StatusOr<Ruleset> ToEngineRuleset(const v1::Ruleset& ruleset) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<Rule> rules, RulesFromProto(ruleset));
  return Ruleset::Create(std::move(rules));
}

void DefaultRulesToProto(v1::Ruleset* out) {
  for (const Rule& rule : DefaultRules()) RuleToProto(rule, out->add_rules());
}

v1::Outcome OutcomeToProto(Outcome outcome) {
  switch (outcome) {
    case Outcome::kApproved:
      return v1::APPROVED;
    case Outcome::kNeedsReview:
      return v1::NEEDS_REVIEW;
    case Outcome::kRejected:
      return v1::REJECTED;
  }
  return v1::OUTCOME_UNSPECIFIED;
}

void ResultsToProto(const std::vector<RuleResult>& results,
                    google::protobuf::RepeatedPtrField<v1::RuleResult>* out) {
  for (const RuleResult& result : results) {
    v1::RuleResult* r = out->Add();
    r->set_rule_id(result.rule_id);
    r->set_title(result.title);
    r->set_severity(result.severity == Severity::kBlock ? v1::Rule::BLOCK
                                                        : v1::Rule::REVIEW);
    r->set_passed(result.passed);
    r->set_explanation(result.explanation);
    // The proto's evidence is a map; a key the engine repeats (one
    // "similar_post" per post) becomes key, key_2, key_3, ...
    absl::flat_hash_map<std::string, int> seen;
    for (const EvidenceItem& item : result.evidence) {
      const int n = ++seen[item.key];
      (*r->mutable_evidence())[n == 1 ? item.key
                                      : absl::StrCat(item.key, "_", n)] =
          item.value;
    }
  }
}

std::vector<std::string> FailedRuleIds(const std::vector<RuleResult>& results) {
  std::vector<std::string> ids;
  for (const RuleResult& result : results) {
    if (!result.passed) ids.push_back(result.rule_id);
  }
  return ids;
}

Network NetworkFromProto(int network) {
  if (network < 1 || network > 5) return Network::kUnspecified;
  return static_cast<Network>(network);
}

}  // namespace candor::transparency
