#include "services/engagement/share.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/random/random.h"
#include "tests/support/status_matchers.h"

namespace candor::engagement {
namespace {

using ::testing::HasSubstr;

constexpr char kApproved[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";

TEST(MaterialDifferenceTest, SameTextIsNotDifferent) {
  EXPECT_DOUBLE_EQ(TextResemblance(kApproved, kApproved), 1.0);
  EXPECT_FALSE(MaterialDifference(kApproved, kApproved).has_value());
}

TEST(MaterialDifferenceTest, CaseAndPunctuationDoNotMatter) {
  EXPECT_FALSE(MaterialDifference(
                   kApproved,
                   "#AD proud of what our team shipped this week - search is "
                   "now twice as fast and I spent a month testing it myself")
                   .has_value());
}

TEST(MaterialDifferenceTest, OtherTextDiffersWithScore) {
  auto why = MaterialDifference(
      kApproved, "#ad Our product is the best, buy it now, guaranteed!");
  ASSERT_TRUE(why.has_value());
  EXPECT_THAT(*why, HasSubstr("differs materially"));
  EXPECT_THAT(*why, HasSubstr("below 0.80"));
}

TEST(MaterialDifferenceTest, AddedSentenceLowersResemblance) {
  const std::string longer =
      std::string(kApproved) +
      " Also, everyone should buy our premium plan today because it is the "
      "best deal anyone will ever see anywhere.";
  EXPECT_LT(TextResemblance(kApproved, longer), kMaterialResemblance);
}

TEST(SharePacingTest, LimitDefaultsToTen) {
  EXPECT_EQ(SharePacingLimit(0), 10);
  EXPECT_EQ(SharePacingLimit(2), 2);
}

TEST(SharePacingTest, BelowLimitPasses) {
  EXPECT_TRUE(CheckSharePacing({}, 2, 1000).ok());
  EXPECT_TRUE(CheckSharePacing({900}, 2, 1000).ok());
}

TEST(SharePacingTest, AtLimitSaysWhenNextIsAllowed) {
  const int64_t now = int64_t{1700000000} * 1000000;
  const absl::Status status =
      CheckSharePacing({now - 1000000, now - 3600 * int64_t{1000000}}, 2, now);
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(status.message(), HasSubstr("share_pacing: 2 shares"));
  EXPECT_THAT(status.message(), HasSubstr("at most 2 a day"));
  // The older of the two frees its slot 23 h from now.
  EXPECT_THAT(status.message(), HasSubstr("(in 1380 minutes)"));
}

TEST(TrackingCodeTest, TwelveLowercaseBase32Characters) {
  absl::BitGen gen;
  const std::string a = NewTrackingCode(gen);
  const std::string b = NewTrackingCode(gen);
  EXPECT_EQ(a.size(), 12u);
  EXPECT_NE(a, b);
  for (char c : a) {
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << a;
  }
}

TEST(ShareFilterTest, ParsesClauses) {
  auto filter = ParseShareFilter(
      "o1",
      "state = NONCOMPLIANT AND author = \"organizations/o1/staffMembers/s1\" "
      "AND post = \"organizations/o1/posts/p1\"");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->state, ShareState::kNoncompliant);
  EXPECT_EQ(filter->author_id, "s1");
  EXPECT_EQ(filter->post_id, "p1");
  EXPECT_TRUE(ParseShareFilter("o1", "").ok());
}

TEST(ShareFilterTest, RejectsBadFilters) {
  EXPECT_THAT(ParseShareFilter("o1", "state = MAYBE"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseShareFilter("o1", "colour = red"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ParseShareFilter("o1", "author = \"organizations/o2/staffMembers/s\""),
      StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      ParseShareFilter("o1", "author = organizations/o1/staffMembers/s"),
      StatusIs(absl::StatusCode::kInvalidArgument));
}

EventInput GoodEvent(int64_t now) {
  EventInput e;
  e.event_id = "ev-1_A";
  e.share = "organizations/o1/shares/s1";
  e.kind = 1;
  e.count = 0;
  e.has_occurred_time = true;
  e.occurred_time_us = now;
  return e;
}

TEST(ValidateEventTest, GoodEventPasses) {
  const int64_t now = int64_t{1700000000} * 1000000;
  EXPECT_FALSE(ValidateEvent("o1", GoodEvent(now), now).has_value());
  EventInput by_code = GoodEvent(now);
  by_code.share.clear();
  by_code.tracking_code = "abcdefghijkl";
  EXPECT_FALSE(ValidateEvent("o1", by_code, now).has_value());
}

TEST(ValidateEventTest, EachProblemNamesItsField) {
  const int64_t now = int64_t{1700000000} * 1000000;
  struct Case {
    void (*mutate)(EventInput&, int64_t);
    const char* field;
  };
  const Case cases[] = {
      {[](EventInput& e, int64_t) { e.event_id.clear(); }, "event_id"},
      {[](EventInput& e, int64_t) { e.event_id = "bad id"; }, "event_id"},
      {[](EventInput& e, int64_t) { e.event_id = std::string(65, 'a'); },
       "event_id"},
      {[](EventInput& e, int64_t) { e.tracking_code = "abc"; }, "share"},
      {[](EventInput& e, int64_t) { e.share.clear(); }, "share"},
      {[](EventInput& e, int64_t) { e.share = "organizations/o2/shares/s"; },
       "share"},
      {[](EventInput& e, int64_t) { e.kind = 0; }, "kind"},
      {[](EventInput& e, int64_t) { e.kind = 6; }, "kind"},
      {[](EventInput& e, int64_t) { e.count = -1; }, "count"},
      {[](EventInput& e, int64_t) { e.count = 1000001; }, "count"},
      {[](EventInput& e, int64_t) { e.has_occurred_time = false; },
       "occurred_time"},
      {[](EventInput& e, int64_t at) {
         e.occurred_time_us = at + 6 * 60 * int64_t{1000000};
       },
       "occurred_time"},
      {[](EventInput& e, int64_t at) {
         e.occurred_time_us = at - 401 * kDayMicros;
       },
       "occurred_time"},
  };
  for (const Case& c : cases) {
    EventInput e = GoodEvent(now);
    c.mutate(e, now);
    auto problem = ValidateEvent("o1", e, now);
    ASSERT_TRUE(problem.has_value()) << c.field;
    EXPECT_EQ(problem->field, c.field);
  }
  EventInput max = GoodEvent(now);
  max.count = kMaxEventCount;
  max.occurred_time_us = now + 4 * 60 * int64_t{1000000};
  EXPECT_FALSE(ValidateEvent("o1", max, now).has_value());
  EXPECT_EQ(EffectiveCount(0), 1);
  EXPECT_EQ(EffectiveCount(7), 7);
}

TEST(MetricsTotalsTest, AddsByKind) {
  MetricsTotals t;
  t.AddEvents(1, 3);
  t.AddEvents(2, 4);
  t.AddEvents(3, 5);
  t.AddEvents(4, 6);
  t.AddEvents(5, 7);
  t.AddEvents(1, 1);
  EXPECT_EQ(t.clicks, 4);
  EXPECT_EQ(t.reactions, 4);
  EXPECT_EQ(t.comments, 5);
  EXPECT_EQ(t.reshares, 6);
  EXPECT_EQ(t.impressions, 7);
}

TEST(LeaderboardTest, FormulaIsPublishedAndSentimentFree) {
  const std::string formula = LeaderboardFormula();
  EXPECT_THAT(formula, HasSubstr("1.0 per compliant share"));
  EXPECT_THAT(formula, HasSubstr("0.1 per click"));
  EXPECT_THAT(formula, HasSubstr("0.5 per reshare"));
  EXPECT_THAT(formula, HasSubstr("never scored"));
  EXPECT_DOUBLE_EQ(LeaderboardScore(2, 3, 1), 2.8);
}

TEST(LeaderboardTest, RanksByScoreThenName) {
  std::vector<LeaderboardRow> rows(4);
  rows[0].staff_member_id = "b";
  rows[0].compliant_shares = 1;  // 1.0
  rows[1].staff_member_id = "a";
  rows[1].clicks = 10;  // 1.0
  rows[2].staff_member_id = "c";
  rows[2].reshares = 4;           // 2.0
  rows[3].staff_member_id = "d";  // 0
  RankLeaderboard(rows, 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].staff_member_id, "c");
  EXPECT_EQ(rows[0].rank, 1);
  EXPECT_DOUBLE_EQ(rows[0].score, 2.0);
  EXPECT_EQ(rows[1].staff_member_id, "a");
  EXPECT_EQ(rows[1].rank, 2);
  EXPECT_EQ(rows[2].staff_member_id, "b");
  EXPECT_EQ(rows[2].rank, 3);
}

}  // namespace
}  // namespace candor::engagement
