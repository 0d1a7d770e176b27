#include "clients/cli/stories_fields.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::candor::advocacy::v1::Story;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kName[] = "organizations/acme/stories/launch";
const absl::Time kNow = absl::FromUnixSeconds(1700000000);

TEST(ParseRfc3339Test, AcceptsUtcAndOffsets) {
  absl::StatusOr<google::protobuf::Timestamp> time =
      ParseRfc3339("2023-11-14T22:13:20Z");
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_EQ(time->seconds(), 1700000000);
  time = ParseRfc3339("2023-11-14T23:13:20.5+01:00");
  ASSERT_TRUE(time.ok()) << time.status();
  EXPECT_EQ(time->seconds(), 1700000000);
  EXPECT_EQ(time->nanos(), 500000000);
}

TEST(ParseRfc3339Test, RejectsOtherForms) {
  for (const char* text :
       {"", "tomorrow", "2023-11-14", "2023-11-14 22:13:20"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<google::protobuf::Timestamp> time = ParseRfc3339(text);
    ASSERT_FALSE(time.ok());
    EXPECT_EQ(time.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(time.status().message(), HasSubstr("RFC 3339"));
  }
}

TEST(BuildCreateStoryRequestTest, TakesEveryField) {
  StoryFlags flags;
  flags.title = "We opened Lisbon";
  flags.summary = "Our fifth office.";
  flags.url = "https://example.com/lisbon";
  flags.talking_points = {"120 seats", "Hiring now"};
  flags.values = {"clarity", "organizations/acme/values/care"};
  flags.audience_departments = {"Sales", "Research, Development"};
  flags.expires_in = "7d";
  absl::StatusOr<candor::advocacy::v1::CreateStoryRequest> request =
      BuildCreateStoryRequest("acme", flags, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->parent(), "organizations/acme");
  const Story& story = request->story();
  EXPECT_EQ(story.title(), "We opened Lisbon");
  EXPECT_EQ(story.summary(), "Our fifth office.");
  EXPECT_EQ(story.url(), "https://example.com/lisbon");
  EXPECT_THAT(story.talking_points(), ElementsAre("120 seats", "Hiring now"));
  EXPECT_THAT(story.values(), ElementsAre("organizations/acme/values/clarity",
                                          "organizations/acme/values/care"));
  EXPECT_THAT(story.audience_departments(),
              ElementsAre("Sales", "Research, Development"));
  EXPECT_EQ(story.expire_time().seconds(), 1700000000 + 7 * 24 * 3600);
}

TEST(BuildCreateStoryRequestTest, ExpireTimeAndBadExpiries) {
  StoryFlags flags;
  flags.title = "T";
  flags.summary = "S";
  flags.expire_time = "2030-01-01T00:00:00Z";
  absl::StatusOr<candor::advocacy::v1::CreateStoryRequest> request =
      BuildCreateStoryRequest("organizations/acme", flags, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->parent(), "organizations/acme");
  EXPECT_EQ(request->story().expire_time().seconds(), 1893456000);

  flags.expires_in = "7d";  // both
  request = BuildCreateStoryRequest("acme", flags, kNow);
  ASSERT_FALSE(request.ok());
  EXPECT_THAT(request.status().message(), HasSubstr("at most one"));

  flags.expire_time.reset();
  flags.expires_in = "a week";
  request = BuildCreateStoryRequest("acme", flags, kNow);
  ASSERT_FALSE(request.ok());
  EXPECT_THAT(request.status().message(), HasSubstr("--expires-in"));

  flags.expires_in.reset();
  flags.expire_time = "next friday";
  request = BuildCreateStoryRequest("acme", flags, kNow);
  ASSERT_FALSE(request.ok());
  EXPECT_THAT(request.status().message(), HasSubstr("--expire-time"));
}

TEST(BuildStoryUpdateRequestTest, MaskNamesExactlyTheGivenFlags) {
  StoryFlags flags;
  flags.summary = "Now with a garden.";
  flags.talking_points = {"A garden"};
  flags.audience_departments = std::vector<std::string>{};  // everyone
  flags.values = {"care"};
  flags.etag = "W/2";
  absl::StatusOr<candor::advocacy::v1::UpdateStoryRequest> request =
      BuildStoryUpdateRequest(kName, flags, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(),
              ElementsAre("summary", "talking_points", "values",
                          "audience_departments"));
  EXPECT_EQ(request->story().name(), kName);
  EXPECT_EQ(request->story().etag(), "W/2");
  EXPECT_THAT(request->story().talking_points(), ElementsAre("A garden"));
  EXPECT_THAT(request->story().values(),
              ElementsAre("organizations/acme/values/care"));
  EXPECT_THAT(request->story().audience_departments(), IsEmpty());
  EXPECT_TRUE(request->story().title().empty());
}

TEST(BuildStoryUpdateRequestTest, NoExpiryClearsTheTime) {
  StoryFlags flags;
  flags.no_expiry = true;
  absl::StatusOr<candor::advocacy::v1::UpdateStoryRequest> request =
      BuildStoryUpdateRequest(kName, flags, kNow);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(), ElementsAre("expire_time"));
  EXPECT_FALSE(request->story().has_expire_time());
}

TEST(BuildStoryUpdateRequestTest, NothingToUpdateIsInvalid) {
  StoryFlags flags;
  flags.etag = "W/2";
  absl::StatusOr<candor::advocacy::v1::UpdateStoryRequest> request =
      BuildStoryUpdateRequest(kName, flags, kNow);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(request.status().message(), HasSubstr("nothing to update"));
}

TEST(StoryOutputTest, TableAndDescription) {
  Story story;
  story.set_name(kName);
  story.set_title("Lisbon");
  story.set_state(Story::ACTIVE);
  story.mutable_expire_time()->set_seconds(1700000000);
  story.add_audience_departments("Sales");
  story.add_audience_departments("Support");
  story.add_values("organizations/acme/values/clarity");
  story.add_values("organizations/acme/values/care");
  story.add_talking_points("120 seats");
  story.add_talking_points("Hiring now");
  Story everyone;
  everyone.set_name("organizations/acme/stories/all");
  everyone.set_title("For all");

  Table table = StoryTable();
  AddStoryRow(story, table);
  AddStoryRow(everyone, table);
  const std::vector<std::string> lines =
      absl::StrSplit(table.Render(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  for (const char* header :
       {"NAME", "TITLE", "STATE", "EXPIRES", "DEPARTMENTS", "VALUES"}) {
    EXPECT_THAT(lines[0], HasSubstr(header));
  }
  EXPECT_THAT(lines[1], HasSubstr("2023-11-14T22:13:20Z"));
  EXPECT_THAT(lines[1], HasSubstr("Sales;Support"));
  EXPECT_TRUE(absl::EndsWith(lines[1], "clarity,care")) << lines[1];
  EXPECT_THAT(lines[2], HasSubstr("everyone"));

  const std::string text = DescribeStory(story);
  EXPECT_THAT(text, HasSubstr("talking_point:         120 seats\n"));
  EXPECT_THAT(text, HasSubstr("talking_point:         Hiring now\n"));
  EXPECT_THAT(text, HasSubstr("audience_departments:  Sales; Support\n"));
  EXPECT_THAT(DescribeStory(everyone),
              HasSubstr("audience_departments:  everyone\n"));
}

}  // namespace
}  // namespace candor::cli
