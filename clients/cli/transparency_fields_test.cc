#include "clients/cli/transparency_fields.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;
using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

constexpr char kRuleset[] = R"pb(
  display_name: "Acme rules"
  description: "Say who you work for."
  # A comment.
  rules {
    id: "disclosure"
    title: "Say you work here"
    severity: BLOCK
    disclosure { accepted: "#ad" accepted: "I work at {org}" }
  }
  rules {
    id: "sensitive-terms"
    title: "No promises about money"
    severity: REVIEW
    sensitive_terms { patterns: "guaranteed\\s+returns" }
  }
)pb";

TEST(ParseRulesetTextTest, ReadsRulesOfEveryKindGiven) {
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText(kRuleset, "acme.textpb");
  ASSERT_TRUE(ruleset.ok()) << ruleset.status();
  EXPECT_EQ(ruleset->display_name(), "Acme rules");
  ASSERT_EQ(ruleset->rules_size(), 2);
  EXPECT_EQ(ruleset->rules(0).severity(), transparencypb::Rule::BLOCK);
  EXPECT_EQ(RuleKindText(ruleset->rules(0)), "disclosure");
  EXPECT_EQ(ruleset->rules(0).disclosure().accepted_size(), 2);
  EXPECT_EQ(RuleKindText(ruleset->rules(1)), "sensitive_terms");
  EXPECT_EQ(ruleset->rules(1).sensitive_terms().patterns(0),
            "guaranteed\\s+returns");
}

TEST(ParseRulesetTextTest, ErrorsNameFileLineAndColumn) {
  const std::string text =
      "display_name: \"x\"\n"
      "rules {\n"
      "  id: \"a\"\n"
      "  severty: BLOCK\n"
      "}\n";
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText(text, "rules.textpb");
  ASSERT_FALSE(ruleset.ok());
  EXPECT_EQ(ruleset.status().code(), absl::StatusCode::kInvalidArgument);
  // Line 4 (1-based); the parser gives the column just after the name.
  EXPECT_THAT(std::string(ruleset.status().message()),
              ContainsRegex("^rules\\.textpb:4:10: .*severty"))
      << ruleset.status();
}

TEST(ParseRulesetTextTest, BadEnumValuesAreErrors) {
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText("rules {\n  id: \"a\"\n  severity: SOMETIMES\n}\n", "f");
  ASSERT_FALSE(ruleset.ok());
  // The parser reports it where it noticed, just after the value.
  EXPECT_THAT(std::string(ruleset.status().message()),
              ContainsRegex("^f:[34]:[0-9]+: .*SOMETIMES"))
      << ruleset.status();
}

TEST(ParseRulesetTextTest, UnknownFieldsAreErrors) {
  absl::StatusOr<transparencypb::Ruleset> ruleset = ParseRulesetText(
      "display_name: \"x\"\nrules { id: \"a\" severty: BLOCK }\n", "f");
  ASSERT_FALSE(ruleset.ok());
  EXPECT_THAT(ruleset.status().message(), HasSubstr("f:2:"));
  EXPECT_THAT(ruleset.status().message(), HasSubstr("severty"));
}

TEST(ParseRulesetTextTest, SyntaxErrorsArePositioned) {
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText("rules {\n  id: \"a\"\n", "f.textpb");
  ASSERT_FALSE(ruleset.ok());
  EXPECT_THAT(std::string(ruleset.status().message()),
              ContainsRegex("^f\\.textpb:[0-9]+:[0-9]+: "));
}

TEST(ParseRulesetTextTest, TwoKindsInOneRuleAreRefused) {
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText("rules { id: \"a\" length {} share_pacing {} }\n", "f");
  ASSERT_FALSE(ruleset.ok());
  EXPECT_THAT(ruleset.status().message(), HasSubstr("f:1:"));
}

std::string Jwt(const std::string& payload) {
  return absl::WebSafeBase64Escape(R"({"alg":"HS256","typ":"JWT"})") + "." +
         absl::WebSafeBase64Escape(payload) + ".c2lnbmF0dXJl";
}

TEST(TokenSubjectTest, ReadsSubWithoutVerifying) {
  absl::StatusOr<std::string> subject = TokenSubject(
      Jwt(R"({"sub":"organizations/acme/staffMembers/ada","org":"acme",)"
          R"("roles":["employee"],"exp":1900000000})"));
  ASSERT_TRUE(subject.ok()) << subject.status();
  EXPECT_EQ(*subject, "organizations/acme/staffMembers/ada");
}

TEST(TokenSubjectTest, RefusesWhatIsNoJwtWithSub) {
  for (const std::string& token :
       {std::string(""), std::string("abc"), std::string("a.b"),
        std::string("a.%%%.c"), Jwt("not json"), Jwt(R"({"org":"acme"})"),
        Jwt(R"({"sub":7})")}) {
    SCOPED_TRACE(token);
    absl::StatusOr<std::string> subject = TokenSubject(token);
    ASSERT_FALSE(subject.ok());
    EXPECT_EQ(subject.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(subject.status().message(), HasSubstr("--author"));
  }
}

TEST(BuildReportRequestTest, SinceCountsBackFromNow) {
  ReportRange range;
  range.since = "30d";
  absl::StatusOr<transparencypb::GetTransparencyReportRequest> request =
      BuildReportRequest("organizations/acme", range, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->parent(), "organizations/acme");
  EXPECT_EQ(request->end_time().seconds(), 1700000000);
  EXPECT_EQ(request->start_time().seconds(), 1700000000 - 30 * 86400);
}

TEST(BuildReportRequestTest, StartAndEnd) {
  ReportRange range;
  range.start = "2023-11-01T00:00:00Z";
  range.end = "2023-11-14T22:13:20Z";
  absl::StatusOr<transparencypb::GetTransparencyReportRequest> request =
      BuildReportRequest("organizations/acme", range, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->end_time().seconds(), 1700000000);
  EXPECT_EQ(request->start_time().seconds(), 1698796800);
}

TEST(BuildReportRequestTest, NothingLeavesTheServersDefault) {
  absl::StatusOr<transparencypb::GetTransparencyReportRequest> request =
      BuildReportRequest("organizations/acme", ReportRange{}, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->has_start_time());
  EXPECT_FALSE(request->has_end_time());
}

TEST(BuildReportRequestTest, RefusesBadRanges) {
  ReportRange both;
  both.since = "7d";
  both.start = "2023-11-01T00:00:00Z";
  ReportRange bad_since;
  bad_since.since = "a month";
  ReportRange bad_start;
  bad_start.start = "yesterday";
  ReportRange backwards;
  backwards.start = "2023-11-02T00:00:00Z";
  backwards.end = "2023-11-01T00:00:00Z";
  for (const ReportRange& range : {both, bad_since, bad_start, backwards}) {
    absl::StatusOr<transparencypb::GetTransparencyReportRequest> request =
        BuildReportRequest("organizations/acme", range, kNow);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

transparencypb::RuleResult Result(const std::string& id, bool passed,
                                  transparencypb::Rule::Severity severity,
                                  const std::string& explanation) {
  transparencypb::RuleResult result;
  result.set_rule_id(id);
  result.set_passed(passed);
  result.set_severity(severity);
  result.set_explanation(explanation);
  return result;
}

TEST(DescribeEvaluationTest, OneLinePerRuleWithResultSeverityIdAndWhy) {
  transparencypb::Evaluation evaluation;
  evaluation.set_outcome(transparencypb::REJECTED);
  evaluation.set_ruleset("organizations/acme/rulesets/r1");
  *evaluation.add_results() =
      Result("disclosure", false, transparencypb::Rule::BLOCK,
             "The first 210 characters do not say you work at Acme.");
  *evaluation.add_results() =
      Result("length", true, transparencypb::Rule::BLOCK, "Within 3000.");
  *evaluation.add_results() = Result(
      "sensitive-terms", false, transparencypb::Rule::REVIEW, "\"risk-free\"");
  const std::string text = DescribeEvaluation(evaluation);
  EXPECT_THAT(text, ContainsRegex("(^|\n)outcome: +REJECTED\n"));
  EXPECT_THAT(text,
              ContainsRegex("\nruleset: +organizations/acme/rulesets/r1\n"));
  EXPECT_THAT(text,
              ContainsRegex("\nfailed_rules: +disclosure,sensitive-terms\n"));
  EXPECT_THAT(text, ContainsRegex("\nRESULT +SEVERITY +RULE +EXPLANATION\n"));
  EXPECT_THAT(text, ContainsRegex("\nFAIL +BLOCK +disclosure +The first 210 "
                                  "characters do not say you work at "
                                  "Acme\\.\n"));
  EXPECT_THAT(text, ContainsRegex("\nPASS +BLOCK +length +Within 3000\\.\n"));
  EXPECT_THAT(
      text, ContainsRegex("\nFAIL +REVIEW +sensitive-terms +\"risk-free\"\n"));
}

TEST(DescribeRulesetTest, FieldsThenRuleTable) {
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText(kRuleset, "acme.textpb");
  ASSERT_TRUE(ruleset.ok()) << ruleset.status();
  ruleset->set_name("organizations/acme/rulesets/r1");
  ruleset->set_state(transparencypb::Ruleset::PUBLISHED);
  ruleset->set_current(true);
  const std::string text = DescribeRuleset(*ruleset);
  EXPECT_THAT(text, ContainsRegex("^name: +organizations/acme/rulesets/r1\n"));
  EXPECT_THAT(text, ContainsRegex("\nstate: +PUBLISHED\n"));
  EXPECT_THAT(text, ContainsRegex("\ncurrent: +true\n"));
  EXPECT_THAT(text, ContainsRegex("\nID +SEVERITY +KIND +TITLE\n"));
  EXPECT_THAT(text, ContainsRegex("\ndisclosure +BLOCK +disclosure +Say you "
                                  "work here\n"));
  EXPECT_THAT(text, ContainsRegex("\nsensitive-terms +REVIEW +sensitive_terms "
                                  "+No promises about money\n"));
}

TEST(AuditEntryTableTest, SequenceTimeActorActionSubject) {
  transparencypb::AuditEntry entry;
  entry.set_sequence(12);
  entry.mutable_time()->set_seconds(1700000000);
  entry.set_actor("automatic");
  entry.set_action("decision.create");
  entry.set_subject("organizations/acme/posts/p1/decisions/d1");
  Table table = AuditEntryTable();
  AddAuditEntryRow(entry, table);
  EXPECT_EQ(table.Render(),
            "SEQ  TIME                  ACTOR      ACTION           SUBJECT\n"
            "12   2023-11-14T22:13:20Z  automatic  decision.create  "
            "organizations/acme/posts/p1/decisions/d1\n");
}

TEST(DescribeVerificationTest, OkOrFirstBadSequence) {
  transparencypb::VerifyAuditLogResponse response;
  response.set_ok(true);
  response.set_entries_checked(5);
  EXPECT_EQ(DescribeVerification(response), "ok: 5 entries checked\n");
  response.set_ok(false);
  response.set_first_bad_sequence(3);
  EXPECT_EQ(DescribeVerification(response),
            "NOT OK: entry 3 is the first that does not match (5 entries "
            "checked)\n");
}

TEST(DescribeReportTest, TotalsVerdictsAndRules) {
  transparencypb::TransparencyReport report;
  report.set_decisions_total(4);
  report.set_automatic_decisions(3);
  report.set_human_decisions(1);
  report.set_human_overrides(1);
  report.mutable_median_time_in_review()->set_seconds(90);
  auto* approved = report.add_by_verdict();
  approved->set_verdict(transparencypb::Decision::APPROVED);
  approved->set_count(2);
  auto* failed = report.add_failed_by_rule();
  failed->set_rule_id("disclosure");
  failed->set_failed(2);
  const std::string text = DescribeReport(report);
  EXPECT_THAT(text, ContainsRegex("(^|\n)decisions_total: +4\n"));
  EXPECT_THAT(text, ContainsRegex("\nhuman_overrides: +1\n"));
  EXPECT_THAT(text, ContainsRegex("\nmedian_time_in_review: +1m30s\n"));
  EXPECT_THAT(text, ContainsRegex("\nVERDICT +DECISIONS\nAPPROVED +2\n"));
  EXPECT_THAT(text, ContainsRegex("\nRULE +FAILED\ndisclosure +2\n"));
  EXPECT_THAT(text, Not(HasSubstr("start_time")));
}

// The example shipped for users to copy: it parses, and it is docs/RULES.md's
// default ruleset.
TEST(ShippedRulesetTest, DefaultTextpbIsTheDefaultRuleset) {
  const std::string path =
      std::string(CANDOR_SOURCE_DIR) + "/deploy/rulesets/default.textpb";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText(text.str(), path);
  ASSERT_TRUE(ruleset.ok()) << ruleset.status();
  EXPECT_FALSE(ruleset->display_name().empty());
  std::vector<std::string> rows;
  for (const transparencypb::Rule& rule : ruleset->rules()) {
    EXPECT_FALSE(rule.title().empty()) << rule.id();
    EXPECT_FALSE(rule.rationale().empty()) << rule.id();
    rows.push_back(rule.id() + " " + SeverityText(rule.severity()) + " " +
                   RuleKindText(rule));
  }
  EXPECT_THAT(
      rows,
      ElementsAre("disclosure BLOCK disclosure", "own-words BLOCK own_words",
                  "no-coordination REVIEW no_coordination",
                  "real-author BLOCK real_author",
                  "incentive-disclosure BLOCK "
                  "incentive_disclosure",
                  "sensitive-terms REVIEW sensitive_terms",
                  "link-domains REVIEW link_domains", "length BLOCK length",
                  "share-pacing REVIEW share_pacing"));
  const transparencypb::Rule& sensitive = ruleset->rules(5);
  EXPECT_THAT(sensitive.sensitive_terms().patterns(),
              Contains("guaranteed\\s+(returns?|profits?|income|gains?|"
                       "results?)"));
  EXPECT_EQ(ruleset->rules(8).share_pacing().max_per_day(), 10);
}

}  // namespace
}  // namespace candor::cli
