#include "services/transparency/verdict_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::transparency {
namespace {

constexpr char kOrg[] = "acme";
constexpr char kPost[] = "organizations/acme/posts/p1";
constexpr char kRuleset[] = "organizations/acme/rulesets/default";

Caller Service(std::string org = "") {
  Caller caller;
  caller.subject = "advocacy";
  caller.organization_id = std::move(org);
  caller.roles = {Role::kService};
  return caller;
}

VerdictRequest Automatic() {
  VerdictRequest request;
  request.author_id = "ann";
  return request;
}

VerdictRequest Human(v1::Decision::Verdict verdict,
                     std::vector<std::string> cited = {}) {
  VerdictRequest request;
  request.author_id = "ann";
  request.reviewer_id = "rob";
  request.verdict = verdict;
  request.cited_rule_ids = std::move(cited);
  return request;
}

RuleResult Result(const std::string& id, Severity severity, bool passed) {
  RuleResult result;
  result.rule_id = id;
  result.severity = severity;
  result.passed = passed;
  return result;
}

Evaluation Evaluated(Outcome outcome, std::vector<RuleResult> results = {}) {
  Evaluation evaluation;
  evaluation.outcome = outcome;
  evaluation.results = std::move(results);
  return evaluation;
}

absl::StatusOr<v1::Decision::Verdict> Decide(const VerdictRequest& request,
                                             const Evaluation& evaluation) {
  return DecideVerdict(request, DefaultRuleset(), kRuleset, evaluation);
}

// --- CheckDecider
// -------------------------------------------------------------

TEST(CheckDeciderTest, ServicesOfTheOrganizationOrOfNoneMayDecide) {
  EXPECT_TRUE(CheckDecider(Service(kOrg), kOrg, kPost).ok());
  EXPECT_TRUE(CheckDecider(Service(), kOrg, kPost).ok());
}

TEST(CheckDeciderTest, AnotherOrganizationIsToldNotFound) {
  EXPECT_EQ(CheckDecider(Service("globex"), kOrg, kPost),
            absl::NotFoundError("organizations/acme/posts/p1 not found"));
  Caller admin;
  admin.organization_id = "globex";
  admin.roles = {Role::kAdmin};
  EXPECT_EQ(CheckDecider(admin, kOrg, kPost),
            absl::NotFoundError("organizations/acme/posts/p1 not found"));
}

TEST(CheckDeciderTest, PeopleMayNotRecordDecisions) {
  for (Role role : {Role::kEmployee, Role::kReviewer, Role::kAdmin}) {
    Caller person;
    person.organization_id = kOrg;
    person.staff_member_id = "rob";
    person.roles = {role};
    EXPECT_EQ(
        CheckDecider(person, kOrg, kPost),
        absl::PermissionDeniedError("only services can record decisions"));
  }
}

// --- CheckReviewerVerdict
// -----------------------------------------------------

TEST(CheckReviewerVerdictTest, AutomaticDecisionsAreNotChecked) {
  VerdictRequest request = Automatic();
  request.verdict = v1::Decision::NEEDS_REVIEW;
  EXPECT_TRUE(CheckReviewerVerdict(request).ok());
}

TEST(CheckReviewerVerdictTest, AReviewerApprovesOrRejects) {
  EXPECT_TRUE(CheckReviewerVerdict(Human(v1::Decision::APPROVED)).ok());
  EXPECT_TRUE(
      CheckReviewerVerdict(Human(v1::Decision::REJECTED, {"disclosure"})).ok());
  for (v1::Decision::Verdict verdict :
       {v1::Decision::VERDICT_UNSPECIFIED, v1::Decision::NEEDS_REVIEW}) {
    EXPECT_EQ(CheckReviewerVerdict(Human(verdict)),
              absl::InvalidArgumentError(
                  "verdict: a reviewer decides APPROVED or REJECTED"));
  }
}

TEST(CheckReviewerVerdictTest, ARejectionCitesARule) {
  EXPECT_EQ(CheckReviewerVerdict(Human(v1::Decision::REJECTED)),
            absl::InvalidArgumentError(
                "cited_rule_ids: a rejection cites at least one rule"));
}

// --- CheckNotOwnPost
// ----------------------------------------------------------

TEST(CheckNotOwnPostTest, NobodyReviewsTheirOwnPost) {
  VerdictRequest request = Human(v1::Decision::APPROVED);
  EXPECT_TRUE(CheckNotOwnPost(request).ok());
  request.reviewer_id = request.author_id;
  EXPECT_EQ(
      CheckNotOwnPost(request),
      absl::PermissionDeniedError("reviewer: nobody reviews their own post"));
  EXPECT_TRUE(CheckNotOwnPost(Automatic()).ok());
}

// --- DecideVerdict
// ------------------------------------------------------------

TEST(DecideVerdictTest, AnAutomaticDecisionRecordsTheOutcome) {
  VerdictRequest request = Automatic();
  request.verdict = v1::Decision::APPROVED;  // ignored
  request.cited_rule_ids = {"not-a-rule"};   // ignored
  EXPECT_EQ(*Decide(request, Evaluated(Outcome::kApproved)),
            v1::Decision::APPROVED);
  EXPECT_EQ(*Decide(request, Evaluated(Outcome::kNeedsReview)),
            v1::Decision::NEEDS_REVIEW);
  EXPECT_EQ(*Decide(request, Evaluated(Outcome::kRejected)),
            v1::Decision::REJECTED);
}

TEST(DecideVerdictTest, AReviewerDecidesWhatTheEvaluationLeftOpen) {
  EXPECT_EQ(
      *Decide(Human(v1::Decision::APPROVED), Evaluated(Outcome::kNeedsReview)),
      v1::Decision::APPROVED);
  EXPECT_EQ(*Decide(Human(v1::Decision::REJECTED, {"share-pacing"}),
                    Evaluated(Outcome::kApproved)),
            v1::Decision::REJECTED);
  // Rejecting a post that a BLOCK rule rejects is fine.
  EXPECT_EQ(*Decide(Human(v1::Decision::REJECTED, {"disclosure", "length"}),
                    Evaluated(Outcome::kRejected)),
            v1::Decision::REJECTED);
}

TEST(DecideVerdictTest, CitationsAreRulesOfTheRuleset) {
  EXPECT_EQ(
      Decide(Human(v1::Decision::REJECTED, {"disclosure", "no-such-rule"}),
             Evaluated(Outcome::kApproved))
          .status(),
      absl::InvalidArgumentError(
          "cited_rule_ids[1]: 'no-such-rule' is not a rule of "
          "organizations/acme/rulesets/default"));
  // An approval's citations are checked too.
  EXPECT_EQ(Decide(Human(v1::Decision::APPROVED, {"Disclosure"}),
                   Evaluated(Outcome::kApproved))
                .status(),
            absl::InvalidArgumentError(
                "cited_rule_ids[0]: 'Disclosure' is not a rule of "
                "organizations/acme/rulesets/default"));
}

TEST(DecideVerdictTest, AtMostAsManyCitationsAsARulesetHasRules) {
  std::vector<std::string> cited(50, "disclosure");
  EXPECT_TRUE(Decide(Human(v1::Decision::REJECTED, cited),
                     Evaluated(Outcome::kApproved))
                  .ok());
  cited.push_back("disclosure");
  EXPECT_EQ(Decide(Human(v1::Decision::REJECTED, cited),
                   Evaluated(Outcome::kApproved))
                .status(),
            absl::InvalidArgumentError(
                "cited_rule_ids: at most 50 (a ruleset has no more rules)"));
}

TEST(DecideVerdictTest, NoReviewerApprovesOverAFailingBlockRule) {
  const Evaluation rejected = Evaluated(
      Outcome::kRejected, {Result("disclosure", Severity::kBlock, false),
                           Result("own-words", Severity::kBlock, true),
                           Result("share-pacing", Severity::kReview, false),
                           Result("length", Severity::kBlock, false)});
  EXPECT_EQ(Decide(Human(v1::Decision::APPROVED), rejected).status(),
            absl::FailedPreconditionError(
                "a BLOCK rule fails (disclosure, length); no reviewer can "
                "approve this post until its author fixes it"));
}

}  // namespace
}  // namespace candor::transparency
