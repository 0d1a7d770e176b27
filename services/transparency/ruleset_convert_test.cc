#include "services/transparency/ruleset_convert.h"

#include <google/protobuf/text_format.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::transparency {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

v1::Ruleset Parse(const std::string& text) {
  v1::Ruleset ruleset;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &ruleset))
      << text;
  return ruleset;
}

TEST(RulesetConvertTest, DefaultRulesRoundTripAndValidate) {
  v1::Ruleset proto;
  proto.set_display_name("Default");
  DefaultRulesToProto(&proto);
  EXPECT_EQ(proto.rules_size(), 9);
  EXPECT_TRUE(ValidateRulesetProto("ruleset.", proto).ok());
  auto engine = ToEngineRuleset(proto);
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_EQ(engine->rules().size(), DefaultRules().size());
  for (size_t i = 0; i < engine->rules().size(); ++i) {
    EXPECT_EQ(engine->rules()[i].id, DefaultRules()[i].id);
    EXPECT_EQ(engine->rules()[i].kind.index(), DefaultRules()[i].kind.index());
  }
}

TEST(RulesetConvertTest, ZeroParametersMeanDefaults) {
  auto engine = ToEngineRuleset(Parse(R"pb(
    display_name: "x"
    rules {
      id: "a"
      title: "A"
      severity: BLOCK
      own_words {}
    }
    rules {
      id: "b"
      title: "B"
      severity: REVIEW
      no_coordination { threshold: 0.6 }
    }
    rules {
      id: "c"
      title: "C"
      severity: REVIEW
      share_pacing {}
    }
  )pb"));
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_EQ(std::get<OwnWordsRule>(engine->rules()[0].kind).max_copied, 0.5);
  const auto& nc = std::get<NoCoordinationRule>(engine->rules()[1].kind);
  EXPECT_EQ(nc.threshold, 0.6);
  EXPECT_EQ(nc.max_similar_authors, 2);
  EXPECT_EQ(nc.window_days, 30);
  EXPECT_EQ(std::get<SharePacingRule>(engine->rules()[2].kind).max_per_day, 10);
  EXPECT_EQ(engine->rules()[1].severity, Severity::kReview);
}

struct BadCase {
  const char* text;
  const char* field;
};

TEST(RulesetConvertTest, BadRulesetsNameTheField) {
  const BadCase cases[] = {
      {R"pb(rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            })pb",
       "ruleset.display_name"},
      {R"pb(display_name: "x")pb", "ruleset.rules"},
      {R"pb(display_name: "x"
            rules {
              id: "Bad Id"
              title: "A"
              severity: BLOCK
              length {}
            })pb",
       "ruleset.rules[0].id"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            }
            rules {
              id: "a"
              title: "B"
              severity: BLOCK
              length {}
            })pb",
       "ruleset.rules[1].id"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: ""
              severity: BLOCK
              length {}
            })pb",
       "ruleset.rules[0].title"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              length {}
            })pb",
       "ruleset.rules[0].severity"},
      {R"pb(display_name: "x"
            rules { id: "a" title: "A" severity: BLOCK })pb",
       "ruleset.rules[0].kind"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            }
            rules {
              id: "b"
              title: "B"
              severity: REVIEW
              sensitive_terms { patterns: "(unclosed" }
            })pb",
       "ruleset.rules[1].sensitive_terms.patterns[0]"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              own_words { max_copied: 1.5 }
            })pb",
       "ruleset.rules[0].own_words.max_copied"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              no_coordination { window_days: -1 }
            })pb",
       "ruleset.rules[0].no_coordination.window_days"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: REVIEW
              share_pacing { max_per_day: -3 }
            })pb",
       "ruleset.rules[0].share_pacing.max_per_day"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: REVIEW
              link_domains { allowed_hosts: "Not A Host" }
            })pb",
       "ruleset.rules[0].link_domains.allowed_hosts"},
  };
  for (const BadCase& c : cases) {
    absl::Status status = ValidateRulesetProto("ruleset.", Parse(c.text));
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument)) << c.text;
    EXPECT_THAT(std::string(status.message()),
                StartsWith(std::string(c.field) + ":"))
        << c.text;
  }
}

TEST(RulesetConvertTest, ResultsKeepRepeatedEvidenceKeys) {
  RuleResult result;
  result.rule_id = "no-coordination";
  result.title = "No copy-paste";
  result.severity = Severity::kReview;
  result.passed = false;
  result.explanation = "two colleagues posted nearly the same";
  result.evidence = {
      {"similar_post", "p1"}, {"similar_post", "p2"}, {"authors", "2"}};
  google::protobuf::RepeatedPtrField<v1::RuleResult> out;
  ResultsToProto({result}, &out);
  ASSERT_EQ(out.size(), 1);
  EXPECT_EQ(out[0].severity(), v1::Rule::REVIEW);
  EXPECT_FALSE(out[0].passed());
  EXPECT_EQ(out[0].evidence().at("similar_post"), "p1");
  EXPECT_EQ(out[0].evidence().at("similar_post_2"), "p2");
  EXPECT_EQ(out[0].evidence().at("authors"), "2");
  EXPECT_THAT(FailedRuleIds({result}),
              ::testing::ElementsAre("no-coordination"));
}

}  // namespace
}  // namespace candor::transparency
