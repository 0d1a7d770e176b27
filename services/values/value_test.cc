#include "services/values/value.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::values {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ValueTest, RevisionIds) {
  EXPECT_EQ(RevisionId(12), "12");
  EXPECT_EQ(*ParseSequenceId("page_token", "12"), 12);
  for (const char* bad :
       {"", "0", "-1", "+1", " 1", "1a", "abc", "9999999999999999999999"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<int64_t> parsed = ParseSequenceId("page_token", bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(std::string(parsed.status().message()),
                StartsWith("page_token: "));
  }
}

TEST(ValueTest, TitleIsRequiredSingleLineAndBounded) {
  EXPECT_TRUE(ValidateTitle("value.", "Candor").ok());
  EXPECT_TRUE(ValidateTitle("value.", std::string(120, 'a')).ok());
  EXPECT_THAT(std::string(ValidateTitle("value.", "").message()),
              StartsWith("value.title: "));
  EXPECT_THAT(std::string(ValidateTitle("value.", "   ").message()),
              HasSubstr("required"));
  EXPECT_THAT(
      std::string(ValidateTitle("value.", std::string(121, 'a')).message()),
      HasSubstr("at most 120"));
  EXPECT_THAT(std::string(ValidateTitle("value.", "two\nlines").message()),
              HasSubstr("control character"));
  // Characters, not bytes: 120 two-byte letters fit.
  std::string umlauts;
  for (int i = 0; i < 120; ++i) umlauts += "ä";
  EXPECT_TRUE(ValidateTitle("", umlauts).ok());
}

TEST(ValueTest, StatementAndFeedbackAreMultilineAndBounded) {
  EXPECT_TRUE(
      ValidateStatement("value.", "We say what we mean.\nAlways.").ok());
  EXPECT_THAT(
      std::string(
          ValidateStatement("value.", std::string(2001, 's')).message()),
      StartsWith("value.statement: at most 2000"));
  EXPECT_THAT(std::string(ValidateStatement("value.", "bell\a").message()),
              StartsWith("value.statement: "));
  EXPECT_TRUE(ValidateFeedbackText("feedback.", "Line one\n\tLine two").ok());
  EXPECT_THAT(std::string(ValidateFeedbackText("feedback.", "").message()),
              StartsWith("feedback.text: required"));
  EXPECT_THAT(
      std::string(
          ValidateFeedbackText("feedback.", std::string(2001, 'f')).message()),
      StartsWith("feedback.text: at most 2000"));
  EXPECT_THAT(std::string(ValidateFeedbackText("feedback.", "\xff").message()),
              HasSubstr("UTF-8"));
}

TEST(ValueTest, ValueIdLikeOtherResourceIds) {
  EXPECT_TRUE(ValidateValueId("value_id", "be-candid-2").ok());
  EXPECT_FALSE(ValidateValueId("value_id", "Be-Candid").ok());
  EXPECT_FALSE(ValidateValueId("value_id", "-x").ok());
  EXPECT_FALSE(ValidateValueId("value_id", "a/b").ok());
  EXPECT_FALSE(ValidateValueId("value_id", std::string(64, 'a')).ok());
  EXPECT_THAT(std::string(ValidateValueId("value_id", "").message()),
              StartsWith("value_id: "));
}

TEST(ValueTest, UpdatePathsFromMaskOrFromNonEmptyFields) {
  ValueUpdate u = *ResolveUpdatePaths({"title"}, false, true);
  EXPECT_TRUE(u.title);
  EXPECT_FALSE(u.statement);
  u = *ResolveUpdatePaths({}, false, true);
  EXPECT_FALSE(u.title);
  EXPECT_TRUE(u.statement);
  u = *ResolveUpdatePaths({}, true, true);
  EXPECT_TRUE(u.title && u.statement);

  EXPECT_THAT(
      std::string(ResolveUpdatePaths({}, false, false).status().message()),
      StartsWith("update_mask: "));
  EXPECT_THAT(
      std::string(ResolveUpdatePaths({"state"}, true, true).status().message()),
      StartsWith("update_mask: 'state' cannot"));
  EXPECT_THAT(std::string(ResolveUpdatePaths({"title", "colour"}, true, true)
                              .status()
                              .message()),
              HasSubstr("unknown field 'colour'"));
}

TEST(ValueTest, FilterIsStateOnly) {
  EXPECT_FALSE(ParseValueFilter("")->has_value());
  EXPECT_FALSE(ParseValueFilter("  ")->has_value());
  EXPECT_EQ(**ParseValueFilter("state = ACTIVE"), ValueState::kActive);
  EXPECT_EQ(**ParseValueFilter("state=RETIRED"), ValueState::kRetired);
  EXPECT_EQ(**ParseValueFilter("  state =  RETIRED "), ValueState::kRetired);
  for (const char* bad : {"state", "state = active", "state = ACTIVE AND x = y",
                          "title = x", "= ACTIVE", "state == ACTIVE"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<std::optional<ValueState>> parsed = ParseValueFilter(bad);
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(std::string(parsed.status().message()), StartsWith("filter: "));
  }
}

TEST(ValueTest, AnonymousTimeIsTheStartOfTheUtcDay) {
  constexpr int64_t kDay = int64_t{86'400} * 1'000'000;
  const int64_t midnight = int64_t{19'700} * kDay;
  EXPECT_EQ(AnonymousTime(midnight), midnight);
  EXPECT_EQ(AnonymousTime(midnight + 1), midnight);
  EXPECT_EQ(AnonymousTime(midnight + kDay - 1), midnight);
  EXPECT_EQ(AnonymousTime(midnight + kDay), midnight + kDay);
  EXPECT_EQ(AnonymousTime(-1), -kDay);
}

}  // namespace
}  // namespace candor::values
