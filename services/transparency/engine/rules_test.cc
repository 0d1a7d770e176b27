#include "services/transparency/engine/rules.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::transparency {
namespace {

using ::testing::HasSubstr;

Rule Make(std::string id, RuleKind kind) {
  return Rule{std::move(id), "A title", "Why", Severity::kReview,
              std::move(kind)};
}

absl::Status CreateOne(RuleKind kind) {
  std::vector<Rule> rules;
  rules.push_back(Make("r", std::move(kind)));
  return Ruleset::Create(std::move(rules)).status();
}

TEST(DefaultRulesetTest, OneRuleOfEachKindWithRulesMdSeverities) {
  const Ruleset ruleset = DefaultRuleset();
  const std::vector<Rule>& rules = ruleset.rules();
  ASSERT_EQ(rules.size(), 9u);
  std::set<size_t> kinds;
  for (const Rule& rule : rules) {
    kinds.insert(rule.kind.index());
    EXPECT_FALSE(rule.rationale.empty()) << rule.id;
  }
  EXPECT_EQ(kinds.size(), 9u);
  const std::vector<std::pair<std::string, Severity>> expected = {
      {"disclosure", Severity::kBlock},
      {"own-words", Severity::kBlock},
      {"no-coordination", Severity::kReview},
      {"real-author", Severity::kBlock},
      {"incentive-disclosure", Severity::kBlock},
      {"sensitive-terms", Severity::kReview},
      {"link-domains", Severity::kReview},
      {"length", Severity::kBlock},
      {"share-pacing", Severity::kReview}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rules[i].id, expected[i].first);
    EXPECT_EQ(rules[i].severity, expected[i].second) << rules[i].id;
  }
  EXPECT_EQ(RuleKindName(rules[1].kind), "own_words");
  EXPECT_EQ(ruleset.patterns(5).size(), DefaultSensitivePatterns().size());
  EXPECT_TRUE(ruleset.patterns(0).empty());
}

TEST(DefaultRulesetTest, DefaultsAreRulesMdDefaults) {
  EXPECT_DOUBLE_EQ(OwnWordsRule{}.max_copied, 0.5);
  EXPECT_EQ(NoCoordinationRule{}.max_similar_authors, 2);
  EXPECT_DOUBLE_EQ(NoCoordinationRule{}.threshold, 0.5);
  EXPECT_EQ(NoCoordinationRule{}.window_days, 30);
  EXPECT_EQ(SharePacingRule{}.max_per_day, 10);
  EXPECT_EQ(DisclosureRule{}.visible_prefix.at(Network::kLinkedIn), 210);
  EXPECT_EQ(DisclosureRule{}.visible_prefix.at(Network::kFacebook), 480);
  EXPECT_EQ(DisclosureRule{}.visible_prefix.at(Network::kInstagram), 125);
  EXPECT_EQ(DisclosureRule{}.visible_prefix.count(Network::kX), 0u);
  EXPECT_EQ(DisclosureRule{}.visible_prefix.count(Network::kMastodon), 0u);
  EXPECT_EQ(LengthRule{}.max_chars.at(Network::kX), 280);
  EXPECT_EQ(LengthRule{}.max_chars.at(Network::kLinkedIn), 3000);
  EXPECT_EQ(LengthRule{}.max_chars.at(Network::kFacebook), 63206);
  EXPECT_EQ(LengthRule{}.max_chars.at(Network::kInstagram), 2200);
  EXPECT_EQ(LengthRule{}.max_chars.at(Network::kMastodon), 500);
  EXPECT_THAT(IncentiveDisclosureRule{}.accepted,
              testing::ElementsAre("#ad", "#sponsored"));
  EXPECT_TRUE(LinkDomainsRule{}.allowed_hosts.empty());
}

TEST(RulesetTest, LongestCoordinationWindowIsTheWidestNoCoordinationRule) {
  EXPECT_EQ(LongestCoordinationWindowDays(DefaultRuleset()), 30);
  NoCoordinationRule week;
  week.window_days = 7;
  NoCoordinationRule quarter;
  quarter.window_days = 90;
  EXPECT_EQ(
      LongestCoordinationWindowDays(*Ruleset::Create(
          {Make("a", week), Make("b", quarter), Make("c", OwnWordsRule{})})),
      90);
  EXPECT_EQ(LongestCoordinationWindowDays(
                *Ruleset::Create({Make("a", OwnWordsRule{})})),
            0);
}

TEST(RulesetTest, RejectsBadIdsAndTitles) {
  std::vector<Rule> rules = {Make("ok", OwnWordsRule{}),
                             Make("ok", LengthRule{})};
  EXPECT_THAT(Ruleset::Create(rules).status().message(),
              HasSubstr("rules[1].id"));
  for (const char* id : {"", "Upper", "has space", "under_score"}) {
    EXPECT_THAT(Ruleset::Create({Make(id, OwnWordsRule{})}),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << id;
  }
  Rule untitled = Make("x", OwnWordsRule{});
  untitled.title = "  ";
  EXPECT_THAT(Ruleset::Create({untitled}).status().message(),
              HasSubstr("rules[0].title"));
  Rule bad_severity = Make("x", OwnWordsRule{});
  bad_severity.severity = static_cast<Severity>(7);
  EXPECT_THAT(Ruleset::Create({bad_severity}).status().message(),
              HasSubstr("rules[0].severity"));
}

TEST(RulesetTest, RejectsParametersOutOfRange) {
  EXPECT_THAT(CreateOne(OwnWordsRule{1.5}).message(),
              HasSubstr("own_words.max_copied"));
  EXPECT_THAT(CreateOne(NoCoordinationRule{0, 0.5, 30}).message(),
              HasSubstr("max_similar_authors"));
  EXPECT_THAT(CreateOne(NoCoordinationRule{2, 0.0, 30}).message(),
              HasSubstr("threshold"));
  EXPECT_THAT(CreateOne(NoCoordinationRule{2, 0.5, 0}).message(),
              HasSubstr("window_days"));
  EXPECT_THAT(CreateOne(SharePacingRule{0}).message(),
              HasSubstr("max_per_day"));
  DisclosureRule no_phrases;
  no_phrases.accepted.clear();
  EXPECT_THAT(CreateOne(no_phrases).message(),
              HasSubstr("disclosure.accepted"));
  DisclosureRule bad_prefix;
  bad_prefix.visible_prefix[Network::kX] = 0;
  EXPECT_THAT(CreateOne(bad_prefix).message(), HasSubstr("visible_prefix"));
  LengthRule bad_network;
  bad_network.max_chars[static_cast<Network>(9)] = 10;
  EXPECT_THAT(CreateOne(bad_network).message(), HasSubstr("unknown network"));
  EXPECT_THAT(CreateOne(LinkDomainsRule{{"Example.COM"}}).message(),
              HasSubstr("allowed_hosts"));
  EXPECT_THAT(CreateOne(SensitiveTermsRule{}).message(), HasSubstr("patterns"));
}

TEST(RulesetTest, PatternsMustCompile) {
  const absl::Status status =
      CreateOne(SensitiveTermsRule{{"fine", "(unclosed"}});
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("rules[0].sensitive_terms.patterns[1]")));
  EXPECT_TRUE(CreateOne(SensitiveTermsRule{{R"(project\s+falcon)"}}).ok());
}

TEST(RulesetTest, ListsAndPatternsAreBounded) {
  SensitiveTermsRule many;
  for (int i = 0; i < 101; ++i)
    many.patterns.push_back(absl::StrCat("term", i));
  EXPECT_THAT(CreateOne(many).message(), HasSubstr("at most 100 entries"));
  many.patterns.resize(100);
  EXPECT_TRUE(CreateOne(many).ok());
  EXPECT_THAT(CreateOne(SensitiveTermsRule{{std::string(201, 'a')}}).message(),
              HasSubstr("patterns[0]: at most 200 bytes"));
  DisclosureRule phrases;
  phrases.accepted.assign(101, "#ad");
  EXPECT_THAT(CreateOne(phrases).message(), HasSubstr("disclosure.accepted"));
  LinkDomainsRule hosts;
  hosts.allowed_hosts.assign(101, "example.com");
  EXPECT_THAT(CreateOne(hosts).message(), HasSubstr("allowed_hosts"));
}

TEST(RulesetTest, NetworkNames) {
  EXPECT_EQ(NetworkName(Network::kLinkedIn), "LinkedIn");
  EXPECT_EQ(NetworkName(Network::kMastodon), "Mastodon");
  EXPECT_EQ(NetworkName(Network::kUnspecified), "the network");
}

}  // namespace
}  // namespace candor::transparency
