#include "services/engagement/share_compliance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "candor/transparency/v1/transparency.pb.h"
#include "services/engagement/share.h"

namespace candor::engagement {
namespace {

namespace tpb = ::candor::transparency::v1;

using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr char kApproved[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";
constexpr char kRewritten[] =
    "#ad Our product is the best, buy it now, guaranteed!";
constexpr char kLost[] =
    "The published text lost its disclosure (rule disclose): no accepted "
    "disclosure was found.";

tpb::Rule* AddRule(tpb::Ruleset& ruleset, const std::string& id) {
  tpb::Rule* rule = ruleset.add_rules();
  rule->set_id(id);
  return rule;
}

void AddPacing(tpb::Ruleset& ruleset, const std::string& id, int max_per_day) {
  AddRule(ruleset, id)->mutable_share_pacing()->set_max_per_day(max_per_day);
}

// A ruleset with one disclosure rule, "disclose", and a length rule.
SharePolicy DisclosurePolicy() {
  tpb::Ruleset ruleset;
  AddRule(ruleset, "disclose")->mutable_disclosure();
  AddRule(ruleset, "length")->mutable_length();
  return PolicyFrom(ruleset);
}

void AddResult(tpb::Evaluation& evaluation, const std::string& rule_id,
               bool passed, const std::string& explanation) {
  tpb::RuleResult* result = evaluation.add_results();
  result->set_rule_id(rule_id);
  result->set_passed(passed);
  result->set_explanation(explanation);
}

TEST(PolicyFromTest, NoDisclosureOrPacingRules) {
  tpb::Ruleset ruleset;
  AddRule(ruleset, "length")->mutable_length();
  AddRule(ruleset, "own-words")->mutable_own_words();
  const SharePolicy policy = PolicyFrom(ruleset);
  EXPECT_TRUE(policy.disclosure_rules.empty());
  EXPECT_FALSE(policy.pacing_limit.has_value());
}

TEST(PolicyFromTest, CollectsDisclosureRules) {
  tpb::Ruleset ruleset;
  AddRule(ruleset, "disclose")->mutable_disclosure();
  AddRule(ruleset, "incentive")->mutable_incentive_disclosure();
  AddRule(ruleset, "disclose-too")->mutable_disclosure();
  EXPECT_THAT(PolicyFrom(ruleset).disclosure_rules,
              UnorderedElementsAre("disclose", "disclose-too"));
}

TEST(PolicyFromTest, TightestPacingLimitWins) {
  tpb::Ruleset ruleset;
  AddPacing(ruleset, "pacing-5", 5);
  AddPacing(ruleset, "pacing-default", 0);  // 10
  AddPacing(ruleset, "pacing-3", 3);
  EXPECT_EQ(PolicyFrom(ruleset).pacing_limit, std::optional<int>(3));
}

TEST(PolicyFromTest, PacingLimitDefaultsToTen) {
  tpb::Ruleset ruleset;
  AddPacing(ruleset, "pacing", 0);
  EXPECT_EQ(PolicyFrom(ruleset).pacing_limit, std::optional<int>(10));
}

TEST(JudgeShareTest, NoDisclosureRulesAndSameTextIsCompliant) {
  const ShareVerdict verdict =
      JudgeShare(PolicyFrom(tpb::Ruleset()), nullptr, kApproved, kApproved);
  EXPECT_EQ(verdict.state, ShareState::kCompliant);
  EXPECT_EQ(verdict.explanation, "");
}

TEST(JudgeShareTest, KeptDisclosureIsCompliant) {
  tpb::Evaluation evaluation;
  AddResult(evaluation, "disclose", true, "found #ad");
  const ShareVerdict verdict =
      JudgeShare(DisclosurePolicy(), &evaluation, kApproved, kApproved);
  EXPECT_EQ(verdict.state, ShareState::kCompliant);
  EXPECT_EQ(verdict.explanation, "");
}

TEST(JudgeShareTest, LostDisclosure) {
  tpb::Evaluation evaluation;
  AddResult(evaluation, "disclose", false, "no accepted disclosure was found.");
  // Failures of other rules are not the share's concern.
  AddResult(evaluation, "length", false, "too long");
  AddResult(evaluation, "not-in-policy", false, "whatever");
  const ShareVerdict verdict =
      JudgeShare(DisclosurePolicy(), &evaluation, kApproved, kApproved);
  EXPECT_EQ(verdict.state, ShareState::kNoncompliant);
  EXPECT_EQ(verdict.explanation, kLost);
}

TEST(JudgeShareTest, MaterialDifference) {
  const ShareVerdict verdict =
      JudgeShare(PolicyFrom(tpb::Ruleset()), nullptr, kApproved, kRewritten);
  EXPECT_EQ(verdict.state, ShareState::kNoncompliant);
  EXPECT_EQ(verdict.explanation, *MaterialDifference(kApproved, kRewritten));
}

TEST(JudgeShareTest, LostDisclosureAndMaterialDifference) {
  tpb::Evaluation evaluation;
  AddResult(evaluation, "disclose", false, "no accepted disclosure was found.");
  const ShareVerdict verdict =
      JudgeShare(DisclosurePolicy(), &evaluation, kApproved, kRewritten);
  EXPECT_EQ(verdict.state, ShareState::kNoncompliant);
  EXPECT_EQ(
      verdict.explanation,
      std::string(kLost) + " " + *MaterialDifference(kApproved, kRewritten));
}

TEST(JudgeShareTest, LongExplanationIsTruncatedOnACharacterBoundary) {
  tpb::Evaluation evaluation;
  std::string long_explanation;
  for (int i = 0; i < 1500; ++i) long_explanation += "\xC3\xA9";  // é
  AddResult(evaluation, "disclose", false, long_explanation);
  const ShareVerdict verdict =
      JudgeShare(DisclosurePolicy(), &evaluation, kApproved, kApproved);
  EXPECT_EQ(verdict.state, ShareState::kNoncompliant);
  const std::string prefix =
      "The published text lost its disclosure (rule disclose): ";
  // Whole two-byte characters after the ASCII prefix, cut within a byte of
  // the limit.
  EXPECT_LE(verdict.explanation.size(), kMaxExplanationBytes);
  EXPECT_GE(verdict.explanation.size(), kMaxExplanationBytes - 1);
  EXPECT_THAT(verdict.explanation, StartsWith(prefix));
  EXPECT_EQ((verdict.explanation.size() - prefix.size()) % 2, 0u);
}

TEST(NoncompliantShareMessageTest, NamesThePostAndTheProblems) {
  EXPECT_EQ(NoncompliantShareMessage("organizations/acme/posts/p1", kLost),
            std::string("Your share of organizations/acme/posts/p1 is not "
                        "compliant: ") +
                kLost + " Please edit or remove it.");
}

TEST(NoncompliantShareMessageTest, IsTruncated) {
  const std::string explanation(kMaxExplanationBytes, 'x');
  const std::string message =
      NoncompliantShareMessage("organizations/acme/posts/p1", explanation);
  EXPECT_EQ(message.size(), kMaxExplanationBytes);
  EXPECT_THAT(message, StartsWith("Your share of organizations/acme/posts/p1"));
}

TEST(TruncateTest, CutsOnACharacterBoundary) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("abcdef", 3), "abc");
  EXPECT_EQ(Truncate("a\xC3\xA9z", 2), "a");
  EXPECT_EQ(Truncate("a\xC3\xA9z", 3), "a\xC3\xA9");
}

}  // namespace
}  // namespace candor::engagement
