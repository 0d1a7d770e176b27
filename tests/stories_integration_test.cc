// AdvocacyService stories over real gRPC against the real database, with
// the real staff and values services behind it: the behaviour a user of the
// API sees. Each test makes its own organization.
//
// Tests whose name contains "Value" create and retire values through
// ValuesService, so they need it implemented.
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::TimeUtil;

google::protobuf::Timestamp In(absl::Duration d) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() + d));
}

class StoriesTest : public OrgTest {
 protected:
  StoriesTest() : OrgTest("stories") {}

  // A staff member of `department` with `roles` (EMPLOYEE always).
  StaffMember Person(const TestServer::Organization& org, const std::string& id,
                     const std::string& department,
                     std::vector<StaffMember::Role> roles = {}) {
    return server_.CreateStaff(org, id, std::move(roles), department);
  }
  StaffMember Person(const std::string& id, const std::string& department,
                     std::vector<StaffMember::Role> roles = {}) {
    return Person(org_, id, department, std::move(roles));
  }

  // A new ACTIVE value of `org`, created by its admin; its name.
  std::string CreateValue(const TestServer::Organization& org,
                          const std::string& title) {
    return MustCreateValue(org, title);
  }
  std::string CreateValue(const std::string& title) {
    return MustCreateValue(org_, title);
  }

  void RetireValue(const std::string& name) {
    valuespb::RetireValueRequest request;
    request.set_name(name);
    valuespb::Value value;
    grpc::Status status = values_->RetireValue(
        TestServer::Context(org_.admin_token).get(), request, &value);
    EXPECT_TRUE(status.ok()) << "RetireValue: " << status.error_message();
    EXPECT_EQ(value.state(), valuespb::Value::RETIRED);
  }

  static Story NewStory(const std::string& title) {
    Story story;
    story.set_title(title);
    story.set_summary(
        "What happened, in a few sentences.\nAnd why it matters.");
    return story;
  }

  grpc::Status Create(const std::string& token, const Story& story, Story* out,
                      const std::string& story_id = "",
                      const std::string& request_id = "") {
    advocacypb::CreateStoryRequest request;
    request.set_parent(org_.name);
    *request.mutable_story() = story;
    request.set_story_id(story_id);
    request.set_request_id(request_id);
    return advocacy_->CreateStory(TestServer::Context(token).get(), request,
                                  out);
  }

  // Creates `story` as the admin; fails the test on error.
  Story MustCreate(const Story& story) {
    Story out;
    grpc::Status status = Create(org_.admin_token, story, &out);
    EXPECT_TRUE(status.ok()) << "CreateStory: " << status.error_message();
    return out;
  }

  grpc::Status Get(const std::string& token, const std::string& name,
                   Story* out) {
    advocacypb::GetStoryRequest request;
    request.set_name(name);
    return advocacy_->GetStory(TestServer::Context(token).get(), request, out);
  }

  grpc::Status List(const std::string& token, const std::string& filter,
                    int page_size, const std::string& page_token,
                    advocacypb::ListStoriesResponse* out) {
    advocacypb::ListStoriesRequest request;
    request.set_parent(org_.name);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return advocacy_->ListStories(TestServer::Context(token).get(), request,
                                  out);
  }

  // The names of every story `token` lists with `filter`, following pages.
  std::vector<std::string> ListNames(const std::string& token,
                                     const std::string& filter = "",
                                     int page_size = 100) {
    return NamesOf(ListAll<advocacypb::ListStoriesResponse>(
        "ListStories",
        [&](const std::string& page_token,
            advocacypb::ListStoriesResponse* page) {
          return List(token, filter, page_size, page_token, page);
        },
        &advocacypb::ListStoriesResponse::stories, page_size));
  }

  grpc::Status Update(const std::string& token, const Story& story,
                      std::vector<std::string> paths, Story* out) {
    advocacypb::UpdateStoryRequest request;
    *request.mutable_story() = story;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    return advocacy_->UpdateStory(TestServer::Context(token).get(), request,
                                  out);
  }

  grpc::Status Archive(const std::string& token, const std::string& name,
                       Story* out, const std::string& request_id = "") {
    advocacypb::ArchiveStoryRequest request;
    request.set_name(name);
    request.set_request_id(request_id);
    return advocacy_->ArchiveStory(TestServer::Context(token).get(), request,
                                   out);
  }
};

// --- the "done means" -------------------------------------------------------

TEST_F(StoriesTest, StoryWithValuesReachesItsDepartmentOnly) {
  const std::string honesty = CreateValue("Honesty");
  const std::string care = CreateValue("Care");
  const std::string unused = CreateValue("Speed");
  ASSERT_FALSE(HasFailure());
  const StaffMember seller = Person("S1", "Sales");
  const StaffMember engineer = Person("E1", "Engineering");

  Story story = NewStory("We opened a Berlin office");
  story.set_url("https://example.com/news/berlin");
  story.add_talking_points("120 desks");
  story.add_talking_points("Opened in March");
  story.add_values(honesty);
  story.add_values(care);
  story.add_audience_departments("Sales");
  Story created;
  ASSERT_TRUE(Create(org_.admin_token, story, &created).ok());
  EXPECT_EQ(created.name().rfind(org_.name + "/stories/", 0), 0u)
      << created.name();
  EXPECT_EQ(created.title(), story.title());
  EXPECT_EQ(created.summary(), story.summary());
  EXPECT_EQ(created.url(), story.url());
  EXPECT_THAT(created.talking_points(),
              ElementsAre("120 desks", "Opened in March"));
  EXPECT_THAT(created.values(), ElementsAre(honesty, care));
  EXPECT_THAT(created.audience_departments(), ElementsAre("Sales"));
  EXPECT_EQ(created.state(), Story::ACTIVE);
  EXPECT_FALSE(created.has_expire_time());
  EXPECT_TRUE(created.has_create_time());
  EXPECT_EQ(created.etag(), "\"1\"");
  EXPECT_EQ(created.creator(), org_.admin_name);

  // The seller sees it, in Get and in List.
  Story seen;
  ASSERT_TRUE(Get(EmployeeToken(seller), created.name(), &seen).ok());
  EXPECT_EQ(seen.SerializeAsString(), created.SerializeAsString());
  EXPECT_THAT(ListNames(EmployeeToken(seller)), ElementsAre(created.name()));

  // The engineer does not: not listed, and Get says it does not exist.
  EXPECT_THAT(ListNames(EmployeeToken(engineer)), IsEmpty());
  EXPECT_THAT(Get(EmployeeToken(engineer), created.name(), &seen),
              GrpcStatusIs(StatusCode::NOT_FOUND, created.name()));

  // A story for everyone reaches both.
  const Story everyone = MustCreate(NewStory("Quarterly results"));
  EXPECT_THAT(ListNames(EmployeeToken(engineer)), ElementsAre(everyone.name()));
  EXPECT_THAT(ListNames(EmployeeToken(seller)),
              ElementsAre(everyone.name(), created.name()));
  EXPECT_TRUE(Get(EmployeeToken(engineer), everyone.name(), &seen).ok());
}

// Another replica's feed cache shows a new story within its TTL
// (docs/ARCHITECTURE.md, "State in memory": 1 s), not at once, and never
// later. Prints the staleness measured.
TEST_F(StoriesTest, ReplicaFeedIsStaleAtMostItsTtl) {
  TestHost other({"staff", "values", "transparency", "advocacy"});
  auto other_stub = advocacypb::AdvocacyService::NewStub(other.channel());
  const StaffMember reader = Person("R1", "Sales");
  advocacypb::ListFeedRequest request;
  request.set_parent(org_.name);
  request.set_page_size(10);
  auto feed_has = [&](const std::string& story) {
    advocacypb::ListFeedResponse feed;
    const grpc::Status status = other_stub->ListFeed(
        TestServer::Context(EmployeeToken(reader)).get(), request, &feed);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const advocacypb::FeedItem& item : feed.items()) {
      if (item.story().name() == story) return true;
    }
    return false;
  };
  EXPECT_FALSE(feed_has("none"));  // the other replica caches the feed

  const Story created = MustCreate(NewStory("Town hall on Friday"));
  const absl::Time written = absl::Now();
  constexpr absl::Duration kFeedTtl = absl::Seconds(1);
  absl::Duration stale;
  while (!feed_has(created.name())) {
    stale = absl::Now() - written;
    ASSERT_LE(stale, kFeedTtl + absl::Seconds(2)) << "the feed stays stale";
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::cout << "feed staleness across replicas: "
            << absl::ToInt64Milliseconds(stale) << " ms (TTL "
            << absl::FormatDuration(kFeedTtl) << ")\n";
}

TEST_F(StoriesTest, ReviewerCreatesStoriesWithValues) {
  const std::string value = CreateValue("Openness");
  const StaffMember reviewer = Person("R1", "Comms", {StaffMember::REVIEWER});
  Story story = NewStory("A reviewer's story");
  story.add_values(value);
  story.add_values(value);  // repeats collapse
  Story created;
  ASSERT_TRUE(Create(ReviewerToken(reviewer), story, &created).ok());
  EXPECT_THAT(created.values(), ElementsAre(value));
  EXPECT_EQ(created.creator(), reviewer.name());
}

TEST_F(StoriesTest, AudienceMatchesDepartmentsIgnoringCaseAndSpaces) {
  const StaffMember seller = Person("S2", "Sales");
  Story story = NewStory("For sales");
  story.add_audience_departments("  sales ");
  story.add_audience_departments("SALES");
  story.add_audience_departments("Support");
  const Story created = MustCreate(story);
  EXPECT_THAT(created.audience_departments(), ElementsAre("sales", "Support"));
  Story seen;
  EXPECT_TRUE(Get(EmployeeToken(seller), created.name(), &seen).ok());
  EXPECT_THAT(ListNames(EmployeeToken(seller)), ElementsAre(created.name()));
}

TEST_F(StoriesTest, ExpiredAndArchivedStoriesAreHiddenFromEmployeesOnly) {
  const StaffMember engineer = Person("E2", "Engineering");
  const StaffMember reviewer = Person("R2", "Comms", {StaffMember::REVIEWER});
  const std::string employee = EmployeeToken(engineer);

  Story expiring = NewStory("Expires soon");
  *expiring.mutable_expire_time() = In(absl::Milliseconds(1500));
  const Story expired = MustCreate(expiring);
  Story later = NewStory("Expires later");
  *later.mutable_expire_time() = In(absl::Hours(24));
  const Story current = MustCreate(later);
  const Story archived = MustCreate(NewStory("Old news"));
  Story out;
  ASSERT_TRUE(Archive(org_.admin_token, archived.name(), &out).ok());
  EXPECT_EQ(out.state(), Story::ARCHIVED);

  Story seen;
  EXPECT_TRUE(Get(employee, expired.name(), &seen).ok()) << "not expired yet";
  absl::SleepFor(absl::Milliseconds(1600));

  EXPECT_THAT(ListNames(employee), ElementsAre(current.name()));
  EXPECT_THAT(Get(employee, expired.name(), &seen),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  EXPECT_THAT(Get(employee, archived.name(), &seen),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  EXPECT_TRUE(Get(employee, current.name(), &seen).ok());
  // Filters narrow an employee's view; they never widen it.
  EXPECT_THAT(ListNames(employee, "state = ARCHIVED"), IsEmpty());
  EXPECT_THAT(ListNames(employee, "state = ACTIVE"),
              ElementsAre(current.name()));

  for (const std::string& token : {ReviewerToken(reviewer), org_.admin_token}) {
    EXPECT_THAT(ListNames(token),
                ElementsAre(archived.name(), current.name(), expired.name()));
    EXPECT_THAT(ListNames(token, "state = ACTIVE"),
                ElementsAre(current.name(), expired.name()));
    EXPECT_THAT(ListNames(token, "state = ARCHIVED"),
                ElementsAre(archived.name()));
    ASSERT_TRUE(Get(token, archived.name(), &seen).ok());
    EXPECT_EQ(seen.state(), Story::ARCHIVED);
    ASSERT_TRUE(Get(token, expired.name(), &seen).ok());
    EXPECT_EQ(seen.expire_time().seconds(), expiring.expire_time().seconds());
  }
}

// --- values
// -------------------------------------------------------------------

TEST_F(StoriesTest,
       ValueThatIsRetiredMissingOrForeignIsRefusedAndNothingStored) {
  const std::string active = CreateValue("Fairness");
  const std::string retired = CreateValue("Old value");
  RetireValue(retired);
  const TestServer::Organization other =
      server_.CreateOrganization("stories-other");
  const std::string foreign = CreateValue(other, "Theirs");
  ASSERT_FALSE(HasFailure());

  Story story = NewStory("Refused");
  story.add_values(active);
  story.add_values(retired);
  Story out;
  EXPECT_THAT(Create(org_.admin_token, story, &out),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "story.values[1]: "));
  EXPECT_THAT(Create(org_.admin_token, story, &out),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "retired"));

  story.clear_values();
  story.add_values(org_.name + "/values/no-such-value");
  EXPECT_THAT(Create(org_.admin_token, story, &out),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT,
                           "story.values[0]: no such value"));

  story.clear_values();
  story.add_values(foreign);
  EXPECT_THAT(Create(org_.admin_token, story, &out),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "story.values[0]"));
  // The same value id, asked for in this organization, does not exist here.
  story.clear_values();
  story.add_values(org_.name + foreign.substr(foreign.find("/values/")));
  EXPECT_THAT(Create(org_.admin_token, story, &out),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "story.values[0]"));

  EXPECT_THAT(ListNames(org_.admin_token), IsEmpty()) << "nothing stored";

  // Updates are checked the same way, and leave the story as it was.
  Story good = NewStory("Good");
  good.add_values(active);
  const Story created = MustCreate(good);
  Story change;
  change.set_name(created.name());
  change.add_values(retired);
  EXPECT_THAT(Update(org_.admin_token, change, {"values"}, &out),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "story.values[0]"));
  Story seen;
  ASSERT_TRUE(Get(org_.admin_token, created.name(), &seen).ok());
  EXPECT_THAT(seen.values(), ElementsAre(active));
  EXPECT_EQ(seen.etag(), created.etag());

  // Values may be cleared, or replaced by active ones.
  change.clear_values();
  ASSERT_TRUE(Update(org_.admin_token, change, {"values"}, &out).ok());
  EXPECT_THAT(out.values(), IsEmpty());
  change.add_values(active);
  ASSERT_TRUE(Update(org_.admin_token, change, {}, &out).ok());
  EXPECT_THAT(out.values(), ElementsAre(active));
}

// --- paging
// -------------------------------------------------------------------

TEST_F(StoriesTest, PagesListNewestFirstWithoutRepeats) {
  const StaffMember engineer = Person("E3", "Engineering");
  std::vector<std::string> all;      // creation order
  std::vector<std::string> visible;  // what the engineer sees
  for (int i = 0; i < 9; ++i) {
    Story story = NewStory(absl::StrCat("Story ", i));
    if (i % 3 == 1) story.add_audience_departments("Sales");
    const Story created = MustCreate(story);
    all.push_back(created.name());
    if (i % 3 != 1) visible.push_back(created.name());
  }
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> newest_first(all.rbegin(), all.rend());
  std::vector<std::string> visible_newest_first(visible.rbegin(),
                                                visible.rend());

  EXPECT_THAT(ListNames(org_.admin_token, "", 4),
              ElementsAreArray(newest_first));
  EXPECT_THAT(ListNames(org_.admin_token, "", 1),
              ElementsAreArray(newest_first));
  EXPECT_THAT(ListNames(org_.admin_token, "", 9),
              ElementsAreArray(newest_first));
  EXPECT_THAT(ListNames(EmployeeToken(engineer), "", 2),
              ElementsAreArray(visible_newest_first));

  advocacypb::ListStoriesResponse page;
  ASSERT_TRUE(List(org_.admin_token, "", 0, "", &page).ok());
  EXPECT_EQ(page.stories_size(), 9) << "page_size 0 means 50";
  EXPECT_TRUE(page.next_page_token().empty());
}

TEST_F(StoriesTest, PageTokensAreBoundToTheirQuery) {
  for (int i = 0; i < 3; ++i) MustCreate(NewStory(absl::StrCat("S", i)));
  advocacypb::ListStoriesResponse page;
  ASSERT_TRUE(List(org_.admin_token, "", 1, "", &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  advocacypb::ListStoriesResponse other;
  EXPECT_THAT(List(org_.admin_token, "state = ACTIVE", 1,
                   page.next_page_token(), &other),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "page_token"));
  EXPECT_THAT(List(org_.admin_token, "", 1, "not-a-token", &other),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "page_token"));
  EXPECT_THAT(List(org_.admin_token, "", -1, "", &other),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "page_size"));
  EXPECT_THAT(List(org_.admin_token, "", 1001, "", &other),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "page_size"));
  for (const char* filter :
       {"state = GONE", "title = x", "state", "' OR 1=1 --"}) {
    EXPECT_THAT(List(org_.admin_token, filter, 10, "", &other),
                GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "filter"))
        << filter;
  }
}

// --- updates, etags, archive, request_id
// ----------------------------------------

TEST_F(StoriesTest, UpdateChangesOnlyTheMaskAndChecksTheEtag) {
  Story story = NewStory("Before");
  story.set_url("https://example.com/a");
  story.add_talking_points("one");
  story.add_audience_departments("Sales");
  *story.mutable_expire_time() = In(absl::Hours(48));
  const Story created = MustCreate(story);
  const StaffMember engineer = Person("E4", "Engineering");

  Story change;
  change.set_name(created.name());
  change.set_title("After");
  change.set_summary("ignored: not in the mask");
  change.set_etag(created.etag());
  Story updated;
  ASSERT_TRUE(Update(org_.admin_token, change, {"title"}, &updated).ok());
  EXPECT_EQ(updated.title(), "After");
  EXPECT_EQ(updated.summary(), created.summary());
  EXPECT_EQ(updated.url(), created.url());
  EXPECT_EQ(updated.etag(), "\"2\"");
  EXPECT_EQ(updated.create_time().seconds(), created.create_time().seconds());

  // The etag that was current before is stale now.
  EXPECT_THAT(Update(org_.admin_token, change, {"title"}, &updated),
              GrpcStatusIs(StatusCode::ABORTED, "etag"));

  // Clearing fields through the mask; the audience change reaches employees.
  Story clear;
  clear.set_name(created.name());
  ASSERT_TRUE(
      Update(org_.admin_token, clear,
             {"url", "talking_points", "audience_departments", "expire_time"},
             &updated)
          .ok());
  EXPECT_EQ(updated.url(), "");
  EXPECT_THAT(updated.talking_points(), IsEmpty());
  EXPECT_THAT(updated.audience_departments(), IsEmpty());
  EXPECT_FALSE(updated.has_expire_time());
  EXPECT_THAT(ListNames(EmployeeToken(engineer)), ElementsAre(created.name()));

  clear.add_audience_departments("Marketing");
  ASSERT_TRUE(Update(org_.admin_token, clear, {}, &updated).ok())
      << "an empty mask updates the non-empty fields";
  EXPECT_THAT(updated.audience_departments(), ElementsAre("Marketing"));
  EXPECT_EQ(updated.title(), "After");
  EXPECT_THAT(ListNames(EmployeeToken(engineer)), IsEmpty());

  // Archived stories do not change; archiving again changes nothing.
  Story archived;
  ASSERT_TRUE(Archive(org_.admin_token, created.name(), &archived).ok());
  EXPECT_EQ(archived.state(), Story::ARCHIVED);
  change.set_etag("");
  EXPECT_THAT(Update(org_.admin_token, change, {"title"}, &updated),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "archived"));
  Story again;
  ASSERT_TRUE(Archive(org_.admin_token, created.name(), &again).ok());
  EXPECT_EQ(again.etag(), archived.etag());
  EXPECT_EQ(again.state(), Story::ARCHIVED);
}

TEST_F(StoriesTest, RequestIdRetryCreatesOnce) {
  Story story = NewStory("Exactly once");
  Story first;
  Story second;
  ASSERT_TRUE(Create(org_.admin_token, story, &first, "", "req-1").ok());
  ASSERT_TRUE(Create(org_.admin_token, story, &second, "", "req-1").ok());
  EXPECT_EQ(second.SerializeAsString(), first.SerializeAsString());
  EXPECT_THAT(ListNames(org_.admin_token), ElementsAre(first.name()));

  story.set_title("Something else");
  EXPECT_THAT(Create(org_.admin_token, story, &second, "", "req-1"),
              GrpcStatusIs(StatusCode::INVALID_ARGUMENT, "request_id"));
  EXPECT_THAT(ListNames(org_.admin_token), ElementsAre(first.name()));

  Story archived;
  Story replayed;
  ASSERT_TRUE(
      Archive(org_.admin_token, first.name(), &archived, "arch-1").ok());
  ASSERT_TRUE(
      Archive(org_.admin_token, first.name(), &replayed, "arch-1").ok());
  EXPECT_EQ(replayed.SerializeAsString(), archived.SerializeAsString());
}

TEST_F(StoriesTest, ChosenStoryIdsAreKeptAndUnique) {
  Story out;
  ASSERT_TRUE(
      Create(org_.admin_token, NewStory("Chosen"), &out, "launch-2024").ok());
  EXPECT_EQ(out.name(), org_.name + "/stories/launch-2024");
  EXPECT_THAT(Create(org_.admin_token, NewStory("Again"), &out, "launch-2024"),
              GrpcStatusIs(StatusCode::ALREADY_EXISTS, "story_id"));
  Story seen;
  EXPECT_THAT(Get(org_.admin_token, org_.name + "/stories/nothing-here", &seen),
              GrpcStatusIs(StatusCode::NOT_FOUND, "nothing-here"));
  EXPECT_THAT(
      Archive(org_.admin_token, org_.name + "/stories/nothing-here", &seen),
      GrpcCodeIs(StatusCode::NOT_FOUND));
}

// --- bad input
// ------------------------------------------------------------------

TEST_F(StoriesTest, CreateStoryRefusesBadFieldsAndStoresNothing) {
  struct BadCase {
    const char* what;
    std::function<void(advocacypb::CreateStoryRequest&)> mutate;
    const char* field;
  };
  const std::string values = org_.name + "/values/";
  const std::vector<BadCase> cases = {
      {"no story", [](auto& r) { r.clear_story(); }, "story: required"},
      {"bad parent", [](auto& r) { r.set_parent("orgs/x"); }, "parent"},
      {"no title", [](auto& r) { r.mutable_story()->clear_title(); },
       "story.title: required"},
      {"blank title", [](auto& r) { r.mutable_story()->set_title("   "); },
       "story.title"},
      {"long title",
       [](auto& r) { r.mutable_story()->set_title(std::string(201, 't')); },
       "story.title"},
      {"title with a newline",
       [](auto& r) { r.mutable_story()->set_title("a\nb"); }, "story.title"},
      {"no summary", [](auto& r) { r.mutable_story()->clear_summary(); },
       "story.summary: required"},
      {"long summary",
       [](auto& r) { r.mutable_story()->set_summary(std::string(2001, 's')); },
       "story.summary"},
      {"http url",
       [](auto& r) { r.mutable_story()->set_url("http://example.com"); },
       "story.url"},
      {"javascript url",
       [](auto& r) { r.mutable_story()->set_url("javascript:alert(1)"); },
       "story.url"},
      {"url without host",
       [](auto& r) { r.mutable_story()->set_url("https://"); }, "story.url"},
      {"url with user info",
       [](auto& r) { r.mutable_story()->set_url("https://a.com@evil.com/"); },
       "story.url"},
      {"long url",
       [](auto& r) {
         r.mutable_story()->set_url("https://example.com/" +
                                    std::string(2000, 'a'));
       },
       "story.url"},
      {"21 talking points",
       [](auto& r) {
         for (int i = 0; i < 21; ++i)
           r.mutable_story()->add_talking_points("p");
       },
       "story.talking_points"},
      {"long talking point",
       [](auto& r) {
         r.mutable_story()->add_talking_points(std::string(501, 'p'));
       },
       "story.talking_points[0]"},
      {"empty talking point",
       [](auto& r) {
         r.mutable_story()->add_talking_points("fine");
         r.mutable_story()->add_talking_points("");
       },
       "story.talking_points[1]"},
      {"51 departments",
       [](auto& r) {
         for (int i = 0; i < 51; ++i) {
           r.mutable_story()->add_audience_departments(absl::StrCat("D", i));
         }
       },
       "story.audience_departments"},
      {"long department",
       [](auto& r) {
         r.mutable_story()->add_audience_departments(std::string(101, 'd'));
       },
       "story.audience_departments[0]"},
      {"blank department",
       [](auto& r) { r.mutable_story()->add_audience_departments(" "); },
       "story.audience_departments[0]"},
      {"expire time in the past",
       [](auto& r) {
         *r.mutable_story()->mutable_expire_time() = In(-absl::Minutes(1));
       },
       "story.expire_time"},
      {"expire time at the epoch",
       [](auto& r) {
         r.mutable_story()->mutable_expire_time()->set_seconds(0);
       },
       "story.expire_time"},
      {"expire time with bad nanos",
       [](auto& r) {
         *r.mutable_story()->mutable_expire_time() = In(absl::Hours(1));
         r.mutable_story()->mutable_expire_time()->set_nanos(-1);
       },
       "story.expire_time"},
      {"expire time out of range",
       [](auto& r) {
         r.mutable_story()->mutable_expire_time()->set_seconds(253402300800LL);
       },
       "story.expire_time"},
      {"malformed value name",
       [](auto& r) { r.mutable_story()->add_values("values/honesty"); },
       "story.values[0]"},
      {"value of another organization",
       [](auto& r) {
         r.mutable_story()->add_values("organizations/someone-else/values/v");
       },
       "story.values[0]"},
      {"value with a bad id",
       [&](auto& r) {
         r.mutable_story()->add_values(values + "ok");
         r.mutable_story()->add_values(values + "Not_OK");
       },
       "story.values[1]"},
      {"11 values",
       [&](auto& r) {
         for (int i = 0; i < 11; ++i) {
           r.mutable_story()->add_values(values + absl::StrCat("v", i));
         }
       },
       "story.values"},
      {"bad story_id", [](auto& r) { r.set_story_id("Bad_Id"); }, "story_id"},
      {"bad request_id", [](auto& r) { r.set_request_id("no spaces"); },
       "request_id"},
  };
  for (const BadCase& c : cases) {
    advocacypb::CreateStoryRequest request;
    request.set_parent(org_.name);
    *request.mutable_story() = NewStory("A fine title");
    c.mutate(request);
    Story out;
    EXPECT_THAT(advocacy_->CreateStory(
                    TestServer::Context(org_.admin_token).get(), request, &out),
                GrpcStatusIs(StatusCode::INVALID_ARGUMENT, c.field))
        << c.what;
  }
  EXPECT_THAT(ListNames(org_.admin_token), IsEmpty()) << "nothing stored";

  // The limits themselves are fine.
  Story edge = NewStory(std::string(200, 't'));
  edge.set_summary(std::string(2000, 's'));
  for (int i = 0; i < 20; ++i) edge.add_talking_points(std::string(500, 'p'));
  for (int i = 0; i < 50; ++i) {
    edge.add_audience_departments(std::string(98, 'd') + char('A' + i % 26) +
                                  char('a' + i / 26));
  }
  edge.set_url("https://example.com/" + std::string(1980, 'u'));
  Story out;
  ASSERT_TRUE(Create(org_.admin_token, edge, &out).ok());
  EXPECT_EQ(out.talking_points_size(), 20);
}

TEST_F(StoriesTest, UpdateStoryRefusesBadMasksAndValues) {
  const Story created = MustCreate(NewStory("Target"));
  struct BadCase {
    std::vector<std::string> paths;
    std::function<void(Story&)> mutate;
    StatusCode code;
    const char* field;
  };
  const std::vector<BadCase> cases = {
      {{}, [](Story&) {}, StatusCode::INVALID_ARGUMENT, "update_mask"},
      {{"nope"}, [](Story&) {}, StatusCode::INVALID_ARGUMENT, "update_mask"},
      {{"state"},
       [](Story& s) { s.set_state(Story::ARCHIVED); },
       StatusCode::INVALID_ARGUMENT,
       "update_mask"},
      {{"create_time"},
       [](Story&) {},
       StatusCode::INVALID_ARGUMENT,
       "update_mask"},
      {{"creator"}, [](Story&) {}, StatusCode::INVALID_ARGUMENT, "update_mask"},
      {{"title"}, [](Story&) {}, StatusCode::INVALID_ARGUMENT, "story.title"},
      {{"summary"},
       [](Story& s) { s.set_summary(std::string(2001, 's')); },
       StatusCode::INVALID_ARGUMENT,
       "story.summary"},
      {{"url"},
       [](Story& s) { s.set_url("http://x.com"); },
       StatusCode::INVALID_ARGUMENT,
       "story.url"},
      {{"expire_time"},
       [](Story& s) { *s.mutable_expire_time() = In(-absl::Hours(1)); },
       StatusCode::INVALID_ARGUMENT,
       "story.expire_time"},
      {{"values"},
       [](Story& s) { s.add_values("organizations/x/values/y"); },
       StatusCode::INVALID_ARGUMENT,
       "story.values[0]"},
      {{"title"},
       [](Story& s) {
         s.set_name("stories/x");
         s.set_title("T");
       },
       StatusCode::INVALID_ARGUMENT,
       "story.name"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    Story change;
    change.set_name(created.name());
    cases[i].mutate(change);
    Story out;
    EXPECT_THAT(Update(org_.admin_token, change, cases[i].paths, &out),
                GrpcStatusIs(cases[i].code, cases[i].field))
        << "case " << i;
  }
  Story seen;
  ASSERT_TRUE(Get(org_.admin_token, created.name(), &seen).ok());
  EXPECT_EQ(seen.SerializeAsString(), created.SerializeAsString())
      << "unchanged";
}

// --- authorization
// ----------------------------------------------------------------

// Which code each caller gets is tests/authorization_matrix_test.cc's; here:
// a refused write leaves the story as it was.
TEST_F(StoriesTest, RefusedWritesChangeNothing) {
  const std::string employee = EmployeeToken(Person("E9", "Engineering"));
  ASSERT_FALSE(HasFailure());
  const Story target = MustCreate(NewStory("Target"));
  Story change;
  change.set_name(target.name());
  change.set_title("Changed");
  Story out;
  EXPECT_FALSE(Update(employee, change, {"title"}, &out).ok());
  EXPECT_FALSE(Archive(employee, target.name(), &out).ok());
  Story seen;
  ASSERT_TRUE(Get(org_.admin_token, target.name(), &seen).ok());
  EXPECT_EQ(seen.etag(), target.etag());
}

// Another organization's story answers exactly like a missing one.
TEST_F(StoriesTest, OtherOrganizationsStoriesLookMissing) {
  const TestServer::Organization other =
      server_.CreateOrganization("stories-x");
  const Story theirs = MustCreate(NewStory("Ours"));
  Story out;
  const grpc::Status foreign = Get(other.admin_token, theirs.name(), &out);
  EXPECT_THAT(foreign, GrpcStatusIs(StatusCode::NOT_FOUND, theirs.name()));
  EXPECT_THAT(foreign.error_message(), Not(HasSubstr("permission")));
}

}  // namespace
}  // namespace candor::testing
