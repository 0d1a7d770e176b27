#include "services/advocacy/story.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor::advocacy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kNow = 1'700'000'000'000'000;

StoryRecord Valid() {
  StoryRecord r;
  r.title = "Our new Berlin office";
  r.summary = "We opened an office.\nIt has a garden.";
  r.url = "https://example.com/news/berlin?x=1#top";
  r.talking_points = {"120 desks", "Opened in March"};
  r.audience_departments = {"Sales"};
  return r;
}

std::string MessageOf(const absl::Status& status) {
  return std::string(status.message());
}

TEST(StoryTest, ValidStoryPasses) {
  EXPECT_TRUE(ValidateNewStory(Valid(), kNow, "story.").ok());
  StoryRecord minimal;
  minimal.title = "T";
  minimal.summary = "S";
  EXPECT_TRUE(ValidateNewStory(minimal, kNow, "story.").ok());
}

TEST(StoryTest, FieldsAreCheckedWithTheirPath) {
  StoryRecord r = Valid();
  r.title = "";
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.title: required"));
  r = Valid();
  r.title = std::string(201, 'a');
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.title"));
  r = Valid();
  r.title = "two\nlines";
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.title"));
  r = Valid();
  r.summary = std::string(2001, 's');
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.summary"));
  r = Valid();
  r.talking_points = {"fine", ""};
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.talking_points[1]"));
  r = Valid();
  r.talking_points = {std::string(501, 'p')};
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.talking_points[0]"));
  r = Valid();
  r.talking_points.assign(21, "p");
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.talking_points: at most 20"));
  r = Valid();
  r.expire_time_us = kNow;
  EXPECT_THAT(MessageOf(ValidateNewStory(r, kNow, "story.")),
              HasSubstr("story.expire_time: must be in the future"));
  r.expire_time_us = kNow + 1;
  EXPECT_TRUE(ValidateNewStory(r, kNow, "story.").ok());
}

TEST(StoryTest, UrlsMustBeHttpsWithAHost) {
  for (const char* good :
       {"", "https://example.com", "HTTPS://Example.COM/a/b?c=d#e",
        "https://example.com:8443/x", "https://[2001:db8::1]/x",
        "https://sub-domain.example.co.uk/path/ünïcode"}) {
    EXPECT_TRUE(CheckStoryUrl("story.url", good).ok()) << good;
  }
  for (const char* bad :
       {"http://example.com", "javascript:alert(1)", "https://",
        "https:///path", "https://?q", "ftp://example.com", "example.com",
        "//example.com", "https://user:pw@example.com",
        "https://good.com@evil.com/", "https://exa mple.com",
        "https://example.com/\x01", "https://example..com",
        "https://.example.com",
        "https://example.com:", "https://example.com:123456",
        "https://example.com:80a", "https://ex_ample.com"}) {
    absl::Status status = CheckStoryUrl("story.url", bad);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("story.url: ")))
        << bad;
  }
  EXPECT_FALSE(
      CheckStoryUrl("story.url", "https://e.com/" + std::string(2000, 'a'))
          .ok());
}

TEST(StoryTest, AudienceIsTrimmedDedupedAndBounded) {
  auto audience =
      NormalizeAudience({" Sales ", "sales", "Engineering", "SALES"},
                        "story.audience_departments");
  ASSERT_TRUE(audience.ok()) << audience.status();
  EXPECT_THAT(*audience, ElementsAre("Sales", "Engineering"));

  EXPECT_THAT(
      MessageOf(NormalizeAudience({"Sales", "  "}, "story.audience_departments")
                    .status()),
      HasSubstr("story.audience_departments[1]"));
  EXPECT_THAT(MessageOf(NormalizeAudience({std::string(101, 'd')},
                                          "story.audience_departments")
                            .status()),
              HasSubstr("story.audience_departments[0]"));
  std::vector<std::string> many;
  for (int i = 0; i < 51; ++i) many.push_back("D" + std::to_string(i));
  EXPECT_THAT(
      MessageOf(NormalizeAudience(many, "story.audience_departments").status()),
      HasSubstr("at most 50"));
  // Repeats do not count against the limit.
  std::vector<std::string> repeated(60, "Sales");
  EXPECT_TRUE(NormalizeAudience(repeated, "story.audience_departments").ok());
}

TEST(StoryTest, ValueReferencesAreOfTheOrganizationAndDistinct) {
  auto refs = ParseValueReferences(
      "acme",
      {"organizations/acme/values/honesty", "organizations/acme/values/care",
       "organizations/acme/values/honesty"},
      "story.values");
  ASSERT_TRUE(refs.ok()) << refs.status();
  ASSERT_EQ(refs->size(), 2u);
  EXPECT_EQ((*refs)[0].value_id, "honesty");
  EXPECT_EQ((*refs)[1].index, 1u);
  EXPECT_EQ((*refs)[1].value_id, "care");

  EXPECT_THAT(MessageOf(ParseValueReferences("acme",
                                             {"organizations/acme/values/a",
                                              "organizations/other/values/b"},
                                             "story.values")
                            .status()),
              HasSubstr("story.values[1]"));
  EXPECT_THAT(
      MessageOf(
          ParseValueReferences("acme", {"values/a"}, "story.values").status()),
      HasSubstr("story.values[0]"));
  EXPECT_THAT(
      MessageOf(ParseValueReferences("acme", {"organizations/acme/stories/a"},
                                     "story.values")
                    .status()),
      HasSubstr("story.values[0]"));
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) {
    eleven.push_back("organizations/acme/values/v" + std::to_string(i));
  }
  EXPECT_THAT(
      MessageOf(ParseValueReferences("acme", eleven, "story.values").status()),
      HasSubstr("story.values: at most 10"));
  EXPECT_EQ(ValueName("acme", "care"), "organizations/acme/values/care");
}

TEST(StoryTest, EmployeesSeeActiveUnexpiredStoriesForTheirDepartment) {
  StoryRecord s = Valid();  // for Sales
  EXPECT_TRUE(VisibleToEmployee(s, "Sales", kNow));
  EXPECT_TRUE(VisibleToEmployee(s, " sales ", kNow));
  EXPECT_FALSE(VisibleToEmployee(s, "Engineering", kNow));
  EXPECT_FALSE(VisibleToEmployee(s, "", kNow));

  s.audience_departments.clear();  // everyone
  EXPECT_TRUE(VisibleToEmployee(s, "", kNow));
  EXPECT_TRUE(VisibleToEmployee(s, "Engineering", kNow));

  s.expire_time_us = kNow + 1;
  EXPECT_TRUE(VisibleToEmployee(s, "Engineering", kNow));
  s.expire_time_us = kNow;
  EXPECT_FALSE(VisibleToEmployee(s, "Engineering", kNow));

  s.expire_time_us = 0;
  s.state = StoryState::kArchived;
  EXPECT_FALSE(VisibleToEmployee(s, "Engineering", kNow));
}

TEST(StoryTest, UpdatablePaths) {
  for (const std::string& path : UpdatableStoryPaths()) {
    EXPECT_TRUE(CheckUpdatableStoryPath(path).ok()) << path;
  }
  for (const char* path : {"name", "state", "create_time", "update_time",
                           "etag", "creator", "nope", ""}) {
    absl::Status status = CheckUpdatableStoryPath(path);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("update_mask")))
        << path;
  }
}

TEST(StoryTest, Filters) {
  EXPECT_FALSE(ParseStoryFilter("")->has_value());
  EXPECT_FALSE(ParseStoryFilter("   ")->has_value());
  EXPECT_EQ(**ParseStoryFilter("state = ACTIVE"), StoryState::kActive);
  EXPECT_EQ(**ParseStoryFilter("state=ARCHIVED"), StoryState::kArchived);
  for (const char* bad : {"state", "state = ", "state = active", "title = x",
                          "state = ACTIVE AND state = ARCHIVED", "= ACTIVE"}) {
    EXPECT_THAT(
        ParseStoryFilter(bad),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter")))
        << bad;
  }
}

TEST(StoryTest, StringListsRoundTripAnyText) {
  const std::vector<std::string> items = {
      "a", "", "with:colon", "3:abc", "line\nbreak", "ünï"};
  EXPECT_EQ(DecodeStringList(EncodeStringList(items)), items);
  EXPECT_THAT(DecodeStringList(""), IsEmpty());
  EXPECT_THAT(DecodeStringList(EncodeStringList({})), IsEmpty());
  EXPECT_THAT(DecodeStringList("1:a99:b"), ElementsAre("a"));
}

}  // namespace
}  // namespace candor::advocacy
