#include "clients/cli/duration.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::testing::HasSubstr;

TEST(ParseDurationTest, AcceptsEachUnit) {
  EXPECT_EQ(*ParseDuration("500ms"), absl::Milliseconds(500));
  EXPECT_EQ(*ParseDuration("10s"), absl::Seconds(10));
  EXPECT_EQ(*ParseDuration("30m"), absl::Minutes(30));
  EXPECT_EQ(*ParseDuration("12h"), absl::Hours(12));
  EXPECT_EQ(*ParseDuration("7d"), absl::Hours(7 * 24));
}

TEST(ParseDurationTest, AddsTerms) {
  EXPECT_EQ(*ParseDuration("1h30m"), absl::Minutes(90));
  EXPECT_EQ(*ParseDuration("1d12h"), absl::Hours(36));
}

TEST(ParseDurationTest, RejectsWhatIsNotADuration) {
  for (const char* text : {"", "10", "s", "1.5h", "-1h", "10x", "1h 30m", "0s",
                           "11000d", "99999999999999999999s"}) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(text);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
}

TEST(ParseDurationTest, ErrorNamesTheTextAndTheForm) {
  absl::StatusOr<absl::Duration> parsed = ParseDuration("10y");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              HasSubstr("\"10y\": unknown unit \"y\""));
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("7d"));
}

}  // namespace
}  // namespace candor::cli
