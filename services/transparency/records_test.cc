#include "services/transparency/records.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::transparency {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(DecisionFilterTest, ParsesVerdictAndDecider) {
  auto empty = ParseDecisionFilter("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->verdict, 0);
  EXPECT_FALSE(empty->automatic_only);

  auto both =
      ParseDecisionFilter("verdict = NEEDS_REVIEW AND decider = automatic");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->verdict, kVerdictNeedsReview);
  EXPECT_TRUE(both->automatic_only);

  auto reviewer =
      ParseDecisionFilter("decider = \"organizations/acme/staffMembers/r1\"");
  ASSERT_TRUE(reviewer.ok());
  EXPECT_EQ(reviewer->decider_name, "organizations/acme/staffMembers/r1");
}

TEST(DecisionFilterTest, RejectsOtherFilters) {
  for (const char* bad :
       {"verdict = MAYBE", "color = red", "verdict", "decider = bob"}) {
    auto parsed = ParseDecisionFilter(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(parsed.status().message().substr(0, 7), "filter:") << bad;
  }
}

ReportDecision D(std::string post, int64_t revision, bool automatic,
                 int verdict, int64_t time_us,
                 std::vector<std::string> failed = {}) {
  return ReportDecision{std::move(post), revision, automatic,
                        verdict,         time_us,  std::move(failed)};
}

TEST(ReportBuilderTest, CountsOverridesAndTimeInReview) {
  ReportBuilder builder(/*start_us=*/100, /*end_us=*/1000);
  // Before the range: context only.
  builder.Add(D("p0", 1, true, kVerdictRejected, 50, {"disclosure"}));
  // p0's appeal approved inside the range: an override.
  builder.Add(D("p0", 1, false, kVerdictApproved, 150));
  // p1 goes to review at 200, a human approves at 260 (60 in review).
  builder.Add(D("p1", 1, true, kVerdictNeedsReview, 200, {"no-coordination"}));
  builder.Add(D("p1", 1, false, kVerdictApproved, 260));
  // p2 to review at 300, rejected at 400 (100 in review), not an override.
  builder.Add(D("p2", 1, true, kVerdictNeedsReview, 300,
                {"no-coordination", "sensitive-terms"}));
  builder.Add(D("p2", 1, false, kVerdictRejected, 400));
  // p3 automatic approval; after the range: not counted.
  builder.Add(D("p3", 1, true, kVerdictApproved, 500));
  builder.Add(D("p4", 1, true, kVerdictApproved, 1000));

  ReportCounts counts = builder.Finish();
  EXPECT_EQ(counts.decisions_total, 6);
  EXPECT_EQ(counts.automatic_decisions, 3);
  EXPECT_EQ(counts.human_decisions, 3);
  EXPECT_THAT(counts.by_verdict, ElementsAre(Pair(kVerdictApproved, 3),
                                             Pair(kVerdictNeedsReview, 2),
                                             Pair(kVerdictRejected, 1)));
  EXPECT_THAT(counts.failed_by_rule, ElementsAre(Pair("no-coordination", 2),
                                                 Pair("sensitive-terms", 1)));
  EXPECT_EQ(counts.human_overrides, 1);
  EXPECT_EQ(counts.median_time_in_review_us, 60);  // lower middle of 60, 100
}

TEST(ReportBuilderTest, EmptyRangeIsAllZero) {
  ReportCounts counts = ReportBuilder(0, 10).Finish();
  EXPECT_EQ(counts.decisions_total, 0);
  EXPECT_TRUE(counts.by_verdict.empty());
  EXPECT_EQ(counts.median_time_in_review_us, 0);
}

}  // namespace
}  // namespace candor::transparency
