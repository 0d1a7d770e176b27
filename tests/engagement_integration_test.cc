// EngagementService shares, events, metrics and the leaderboard over real
// gRPC against the real database, with the real staff, advocacy and
// transparency services behind it. Each test makes its own organization.
#include <google/protobuf/util/time_util.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::TimeUtil;
using Event = engagementpb::EngagementEvent;

// Text every rule of the default ruleset passes.
constexpr char kGoodText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";
// The same text without its disclosure.
constexpr char kUndisclosedText[] =
    "Proud of what our team shipped this week: search is now twice as fast, "
    "and I spent a month testing it myself.";
// Disclosed, but other words.
constexpr char kOtherText[] =
    "#ad Come work with us: we hire engineers in every team, the office has "
    "great coffee and the people are kind.";

using Person = TestPerson;

class EngagementTest : public OrgTest {
 protected:
  EngagementTest() : OrgTest("engagement") {}

  // An employee `id` who is an advocate: consent and a linked LinkedIn
  // account.
  Person MakePerson(const std::string& id) {
    return ::candor::testing::MakePerson(org_, id);
  }

  Post CreatePost(const Person& author, const std::string& text) {
    return MustCreatePost(author, org_.name, text);
  }

  // A post by `author` with kGoodText (or `text`), submitted: APPROVED.
  Post ApprovedPost(const Person& author, const std::string& text = kGoodText) {
    const advocacypb::SubmitPostResponse out =
        MustSubmitPost(author, org_.name, text);
    EXPECT_EQ(out.post().state(), Post::APPROVED);
    return out.post();
  }

  grpc::Status CreateShare(const std::string& token, const std::string& post,
                           const std::string& text, Share* out,
                           const std::string& request_id = "",
                           common::v1::Network network = common::v1::LINKEDIN) {
    engagementpb::CreateShareRequest request;
    request.set_parent(post);
    request.mutable_share()->set_network(network);
    request.mutable_share()->set_published_text(text);
    request.mutable_share()->set_external_url(
        "https://www.linkedin.com/feed/update/1");
    request.set_request_id(request_id);
    return engagement_->CreateShare(TestServer::Context(token).get(), request,
                                    out);
  }

  Share MustShare(const Person& author, const Post& post,
                  const std::string& text) {
    Share share;
    const grpc::Status status =
        CreateShare(author.token, post.name(), text, &share);
    EXPECT_TRUE(status.ok()) << "CreateShare: " << status.error_message();
    return share;
  }

  // Sends `events` in messages of `per_message`.
  grpc::Status Record(const std::string& token,
                      const std::vector<Event>& events,
                      engagementpb::RecordEngagementEventsResponse* out,
                      size_t per_message = 100) {
    auto context = TestServer::Context(token);
    auto writer = engagement_->RecordEngagementEvents(context.get(), out);
    engagementpb::RecordEngagementEventsRequest request;
    request.set_parent(org_.name);
    for (size_t i = 0; i < events.size(); ++i) {
      *request.add_events() = events[i];
      if (request.events_size() == static_cast<int>(per_message)) {
        writer->Write(request);
        request.Clear();
      }
    }
    if (request.events_size() > 0 || events.empty()) {
      if (events.empty()) request.set_parent(org_.name);
      writer->Write(request);
    }
    writer->WritesDone();
    return writer->Finish();
  }

  engagementpb::EngagementMetrics Metrics(
      const std::string& token, const std::string& subject,
      StatusCode expected = StatusCode::OK) {
    engagementpb::GetEngagementMetricsRequest request;
    request.set_subject(subject);
    engagementpb::EngagementMetrics out;
    const grpc::Status status = engagement_->GetEngagementMetrics(
        TestServer::Context(token).get(), request, &out);
    EXPECT_EQ(status.error_code(), expected)
        << subject << ": " << status.error_message();
    return out;
  }

  void Participate(const Person& person, bool participate) {
    engagementpb::UpdateLeaderboardParticipationRequest request;
    request.set_parent(person.name());
    request.set_participate(participate);
    engagementpb::LeaderboardParticipation out;
    const grpc::Status status = engagement_->UpdateLeaderboardParticipation(
        TestServer::Context(person.token).get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(out.participate(), participate);
  }

  // Publishes the current ruleset with share_pacing's max_per_day changed.
  void PublishSharePacing(int max_per_day) {
    transparencypb::GetPublishedRulesetRequest get;
    get.set_parent(org_.name);
    transparencypb::Ruleset current;
    grpc::Status status = transparency_->GetPublishedRuleset(
        TestServer::Context(org_.admin_token).get(), get, &current);
    ASSERT_TRUE(status.ok()) << status.error_message();
    transparencypb::CreateRulesetRequest create;
    create.set_parent(org_.name);
    transparencypb::Ruleset* ruleset = create.mutable_ruleset();
    ruleset->set_display_name("Slow sharing");
    bool found = false;
    for (const auto& rule : current.rules()) {
      auto* copy = ruleset->add_rules();
      *copy = rule;
      if (copy->has_share_pacing()) {
        copy->mutable_share_pacing()->set_max_per_day(max_per_day);
        found = true;
      }
    }
    ASSERT_TRUE(found) << "the default ruleset has a share_pacing rule";
    transparencypb::Ruleset draft;
    status = transparency_->CreateRuleset(
        TestServer::Context(org_.admin_token).get(), create, &draft);
    ASSERT_TRUE(status.ok()) << status.error_message();
    transparencypb::PublishRulesetRequest publish;
    publish.set_name(draft.name());
    transparencypb::Ruleset published;
    status = transparency_->PublishRuleset(
        TestServer::Context(org_.admin_token).get(), publish, &published);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  static Event MakeEvent(const std::string& id, const Share& share, int kind,
                         int64_t count, bool by_code = false) {
    Event e;
    e.set_event_id(id);
    if (by_code) {
      e.set_tracking_code(share.tracking_code());
    } else {
      e.set_share(share.name());
    }
    e.set_kind(static_cast<Event::Kind>(kind));
    e.set_count(count);
    *e.mutable_occurred_time() =
        TimeUtil::MicrosecondsToTimestamp(NowMicros() - 60 * int64_t{1000000});
    return e;
  }
};

TEST_F(EngagementTest, ShareOfApprovedPostGetsTrackingLink) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  Share share;
  grpc::Status status =
      CreateShare(author.token, post.name(), kGoodText, &share, "req-1");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(share.name(), StartsWith(org_.name + "/shares/"));
  EXPECT_EQ(share.post(), post.name());
  EXPECT_EQ(share.author(), author.name());
  EXPECT_EQ(share.state(), Share::COMPLIANT);
  EXPECT_EQ(share.compliance_explanation(), "");
  EXPECT_GE(share.tracking_code().size(), 12u);
  EXPECT_THAT(share.tracking_url(), HasSubstr("/r/" + share.tracking_code()));
  EXPECT_TRUE(share.has_create_time());

  // A retry with the same request_id answers the first share.
  Share again;
  status = CreateShare(author.token, post.name(), kGoodText, &again, "req-1");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again.name(), share.name());

  // The author and an admin read it; another employee does not.
  engagementpb::GetShareRequest get;
  get.set_name(share.name());
  Share got;
  status =
      engagement_->GetShare(TestServer::Context(author.token).get(), get, &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(got.tracking_url(), share.tracking_url());
  status = engagement_->GetShare(TestServer::Context(org_.admin_token).get(),
                                 get, &got);
  EXPECT_TRUE(status.ok()) << status.error_message();
  const Person other = MakePerson("A2");
  status =
      engagement_->GetShare(TestServer::Context(other.token).get(), get, &got);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);

  // Lists: the author sees theirs, the other employee none, the admin all.
  engagementpb::ListSharesRequest list;
  list.set_parent(org_.name);
  engagementpb::ListSharesResponse page;
  status = engagement_->ListShares(TestServer::Context(author.token).get(),
                                   list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.shares_size(), 1);
  EXPECT_EQ(page.shares(0).name(), share.name());
  status = engagement_->ListShares(TestServer::Context(other.token).get(), list,
                                   &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(page.shares_size(), 0);
  list.set_filter("author = \"" + author.name() + "\"");
  status = engagement_->ListShares(TestServer::Context(other.token).get(), list,
                                   &page);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  status = engagement_->ListShares(TestServer::Context(org_.admin_token).get(),
                                   list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(page.shares_size(), 1);
}

TEST_F(EngagementTest, ListSharesPagesNewestFirstWithFilters) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i)
    names.push_back(MustShare(author, post, kGoodText).name());
  names.push_back(MustShare(author, post, kOtherText).name());  // noncompliant
  engagementpb::ListSharesRequest list;
  list.set_parent(org_.name);
  list.set_page_size(3);
  engagementpb::ListSharesResponse page;
  grpc::Status status = engagement_->ListShares(
      TestServer::Context(author.token).get(), list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.shares_size(), 3);
  EXPECT_EQ(page.shares(0).name(), names[3]);
  EXPECT_EQ(page.shares(2).name(), names[1]);
  ASSERT_FALSE(page.next_page_token().empty());
  list.set_page_token(page.next_page_token());
  status = engagement_->ListShares(TestServer::Context(author.token).get(),
                                   list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.shares_size(), 1);
  EXPECT_EQ(page.shares(0).name(), names[0]);
  EXPECT_EQ(page.next_page_token(), "");

  list.Clear();
  list.set_parent(org_.name);
  list.set_filter("state = NONCOMPLIANT AND post = \"" + post.name() + "\"");
  status = engagement_->ListShares(TestServer::Context(org_.admin_token).get(),
                                   list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.shares_size(), 1);
  EXPECT_EQ(page.shares(0).name(), names[3]);
  list.set_filter("state = maybe");
  status = engagement_->ListShares(TestServer::Context(org_.admin_token).get(),
                                   list, &page);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
}

TEST_F(EngagementTest, OnlyApprovedPostsOfTheAuthorOnTheirNetwork) {
  const Person author = MakePerson("A1");
  const Post draft = CreatePost(author, kGoodText);
  Share share;
  grpc::Status status =
      CreateShare(author.token, draft.name(), kGoodText, &share);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION)
      << status.error_message();

  const Post post = ApprovedPost(author);
  const Person other = MakePerson("A2");
  status = CreateShare(other.token, post.name(), kGoodText, &share);
  EXPECT_TRUE(status.error_code() == StatusCode::PERMISSION_DENIED ||
              status.error_code() == StatusCode::NOT_FOUND)
      << status.error_code() << " " << status.error_message();
  status = CreateShare(author.token, post.name(), kGoodText, &share, "",
                       common::v1::X);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  status = CreateShare(author.token, post.name(), "", &share);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  status =
      CreateShare(author.token, org_.name + "/posts/nope", kGoodText, &share);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
}

TEST_F(EngagementTest, LostDisclosureIsNoncompliantAndNotified) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  const Share share = MustShare(author, post, kUndisclosedText);
  EXPECT_EQ(share.state(), Share::NONCOMPLIANT);
  EXPECT_THAT(share.compliance_explanation(), HasSubstr("disclosure"));
  EXPECT_FALSE(share.tracking_code().empty());

  engagementpb::ListNotificationsRequest request;
  request.set_parent(author.name());
  engagementpb::ListNotificationsResponse out;
  const grpc::Status status = engagement_->ListNotifications(
      TestServer::Context(author.token).get(), request, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(out.notifications_size(), 1);
  EXPECT_EQ(out.notifications(0).kind(),
            engagementpb::Notification::NONCOMPLIANT_SHARE);
  EXPECT_EQ(out.notifications(0).subject(), share.name());
}

TEST_F(EngagementTest, MateriallyDifferentTextIsNoncompliant) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  const Share share = MustShare(author, post, kOtherText);
  EXPECT_EQ(share.state(), Share::NONCOMPLIANT);
  EXPECT_THAT(share.compliance_explanation(), HasSubstr("differs materially"));
  EXPECT_THAT(share.compliance_explanation(), HasSubstr("resemblance"));
  // A small edit is not material.
  const Share close = MustShare(
      author, post,
      "#ad Proud of what our team shipped this week: search is now twice as "
      "fast, and I spent a month testing it myself!");
  EXPECT_EQ(close.state(), Share::COMPLIANT) << close.compliance_explanation();
}

TEST_F(EngagementTest, SharePacingLimitsSharesPerDay) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  PublishSharePacing(2);
  MustShare(author, post, kGoodText);
  MustShare(author, post, kGoodText);
  Share third;
  const grpc::Status status =
      CreateShare(author.token, post.name(), kGoodText, &third);
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("share_pacing: 2 shares"));
  EXPECT_THAT(status.error_message(), HasSubstr("next share is allowed at"));
}

// Concurrent shares of one author cannot together pass the limit: the
// pacing read locks the author's recent shares. Losers of a lock conflict
// answer ABORTED (retry) or, once the limit is reached, RESOURCE_EXHAUSTED.
TEST_F(EngagementTest, SharePacingHoldsUnderConcurrentShares) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  PublishSharePacing(2);
  constexpr int kThreads = 6;
  std::vector<grpc::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto stub = server_.EngagementStub();
      engagementpb::CreateShareRequest request;
      request.set_parent(post.name());
      request.mutable_share()->set_network(common::v1::LINKEDIN);
      request.mutable_share()->set_published_text(kGoodText);
      Share out;
      results[i] = stub->CreateShare(TestServer::Context(author.token).get(),
                                     request, &out);
    });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0;
  for (const grpc::Status& status : results) {
    if (status.ok()) {
      ++ok;
    } else {
      EXPECT_TRUE(status.error_code() == StatusCode::RESOURCE_EXHAUSTED ||
                  status.error_code() == StatusCode::ABORTED)
          << status.error_code() << " " << status.error_message();
    }
  }
  EXPECT_LE(ok, 2);
  EXPECT_GE(ok, 1);
  // Whatever raced, the limit holds afterwards.
  Share more;
  for (int i = ok; i < 2; ++i) {
    ASSERT_TRUE(CreateShare(author.token, post.name(), kGoodText, &more).ok());
  }
  EXPECT_EQ(
      CreateShare(author.token, post.name(), kGoodText, &more).error_code(),
      StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(EngagementTest, EventsAreRecordedOnceWithIndexedErrorsAndExactSums) {
  const Person author = MakePerson("A1");
  const Post post = ApprovedPost(author);
  const Share share = MustShare(author, post, kGoodText);

  // 1,000 events: 985 new, 10 repeating an earlier event_id, 5 bad.
  std::vector<Event> events;
  std::map<int, int64_t> sums;  // by kind, over the new events
  std::set<int64_t> bad_indexes;
  int unique = 0;
  for (int i = 0; i < 1000; ++i) {
    if (i % 200 == 7) {  // 5 bad ones
      Event bad = MakeEvent(absl::StrCat("bad-", i), share, 1, 1);
      switch (i / 200) {
        case 0:
          bad.set_event_id("has space");
          break;
        case 1:
          bad.set_kind(Event::KIND_UNSPECIFIED);
          break;
        case 2:
          bad.set_count(2000000);
          break;
        case 3:
          bad.clear_occurred_time();
          break;
        default:
          bad.set_tracking_code("also");
          break;
      }
      bad_indexes.insert(i);
      events.push_back(bad);
    } else if (i % 100 == 50) {  // 10 duplicates of earlier ids
      Event dup = MakeEvent(absl::StrCat("ev-", i / 100), share, 2, 99);
      events.push_back(dup);
    } else {
      const int kind = 1 + unique % 5;
      const int64_t count = unique % 3;  // 0 counts as 1
      events.push_back(MakeEvent(absl::StrCat("ev-", unique), share, kind,
                                 count, /*by_code=*/unique % 2 == 1));
      sums[kind] += count == 0 ? 1 : count;
      ++unique;
    }
  }
  ASSERT_EQ(unique, 985);

  engagementpb::RecordEngagementEventsResponse out;
  grpc::Status status = Record(author.token, events, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.received(), 1000);
  EXPECT_EQ(out.recorded(), 985);
  EXPECT_EQ(out.duplicates(), 10);
  ASSERT_EQ(out.errors_size(), 5);
  std::set<int64_t> indexes;
  for (const auto& error : out.errors()) indexes.insert(error.index());
  EXPECT_EQ(indexes, bad_indexes);
  EXPECT_EQ(out.errors(0).field(), "event_id");
  EXPECT_EQ(out.errors(1).field(), "kind");
  EXPECT_EQ(out.errors(2).field(), "count");
  EXPECT_EQ(out.errors(3).field(), "occurred_time");
  EXPECT_EQ(out.errors(4).field(), "share");

  const auto check = [&](const engagementpb::EngagementMetrics& m) {
    EXPECT_EQ(m.shares(), 1);
    EXPECT_EQ(m.noncompliant_shares(), 0);
    EXPECT_EQ(m.clicks(), sums[1]);
    EXPECT_EQ(m.reactions(), sums[2]);
    EXPECT_EQ(m.comments(), sums[3]);
    EXPECT_EQ(m.reshares(), sums[4]);
    EXPECT_EQ(m.impressions(), sums[5]);
  };
  check(Metrics(author.token, org_.name));
  check(Metrics(author.token, post.name()));
  check(Metrics(author.token, author.name()));
  check(Metrics(org_.admin_token, author.name()));

  // Everything again: nothing new.
  status = Record(author.token, events, &out, 333);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.received(), 1000);
  EXPECT_EQ(out.recorded(), 0);
  EXPECT_EQ(out.duplicates(), 995);
  EXPECT_EQ(out.errors_size(), 5);
  check(Metrics(author.token, org_.name));
}

TEST_F(EngagementTest, EventsOnlyForOwnSharesUnlessService) {
  const Person author = MakePerson("A1");
  const Person other = MakePerson("A2");
  const Post post = ApprovedPost(author);
  const Share share = MustShare(author, post, kGoodText);
  engagementpb::RecordEngagementEventsResponse out;
  grpc::Status status =
      Record(other.token, {MakeEvent("o-1", share, 1, 5)}, &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.recorded(), 0);
  ASSERT_EQ(out.errors_size(), 1);
  EXPECT_EQ(out.errors(0).index(), 0);
  status = Record(
      ServiceToken(org_),
      {MakeEvent("s-1", share, 1, 5), MakeEvent("s-2", share, 4, 2, true)},
      &out);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(out.recorded(), 2);
  const auto m = Metrics(author.token, author.name());
  EXPECT_EQ(m.clicks(), 5);
  EXPECT_EQ(m.reshares(), 2);
  // Another person's metrics are theirs and admins'.
  Metrics(other.token, author.name(), StatusCode::PERMISSION_DENIED);
  // Value and story subjects with no shares have zero totals.
  const auto value = Metrics(author.token, org_.name + "/values/v1");
  EXPECT_EQ(value.shares(), 0);
  EXPECT_EQ(value.clicks(), 0);
  const auto story = Metrics(author.token, org_.name + "/stories/s1");
  EXPECT_EQ(story.shares(), 0);
  Metrics(author.token, org_.name + "/teams/t1", StatusCode::INVALID_ARGUMENT);
}

TEST_F(EngagementTest, MetricsByStoryAndValueFollowThePost) {
  const Person author = MakePerson("A1");
  const std::string value = MustCreateValue(org_, "Speed");
  const advocacypb::Story story = MustCreateStory(org_, "Faster search");
  ASSERT_FALSE(HasFailure());

  // One post with the story and the value, one without either.
  Post draft = NewPost(kGoodText);
  draft.set_story(story.name());
  draft.add_values(value);
  Post tagged;
  grpc::Status status =
      ::candor::testing::CreatePost(author.token, org_.name, draft, &tagged);
  ASSERT_TRUE(status.ok()) << status.error_message();
  advocacypb::SubmitPostResponse submitted;
  status = SubmitPost(author.token, tagged.name(), &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(submitted.post().state(), Post::APPROVED)
      << submitted.post().latest_decision().DebugString();
  const Post plain = ApprovedPost(author, kOtherText);

  const Share tagged_share = MustShare(author, submitted.post(), kGoodText);
  const Share plain_share = MustShare(author, plain, kOtherText);
  engagementpb::RecordEngagementEventsResponse out;
  ASSERT_TRUE(Record(author.token,
                     {MakeEvent("t-1", tagged_share, 1, 3),
                      MakeEvent("t-2", tagged_share, 5, 40),
                      MakeEvent("p-1", plain_share, 1, 100)},
                     &out)
                  .ok());
  ASSERT_EQ(out.recorded(), 3);
  for (const std::string& subject : {story.name(), value}) {
    const auto m = Metrics(author.token, subject);
    EXPECT_EQ(m.subject(), subject);
    EXPECT_EQ(m.shares(), 1) << subject;
    EXPECT_EQ(m.clicks(), 3) << subject;
    EXPECT_EQ(m.impressions(), 40) << subject;
  }
  const auto all = Metrics(author.token, org_.name);
  EXPECT_EQ(all.shares(), 2);
  EXPECT_EQ(all.clicks(), 103);

  // A window that ends before the events counts none of them.
  engagementpb::GetEngagementMetricsRequest request;
  request.set_subject(org_.name);
  *request.mutable_end_time() =
      TimeUtil::MicrosecondsToTimestamp(NowMicros() - 3600 * int64_t{1000000});
  engagementpb::EngagementMetrics past;
  status = engagement_->GetEngagementMetrics(
      TestServer::Context(author.token).get(), request, &past);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(past.shares(), 0);
  EXPECT_EQ(past.clicks(), 0);
}

TEST_F(EngagementTest, LeaderboardRanksParticipantsOnly) {
  const Person a = MakePerson("A1");
  const Person b = MakePerson("B1");
  const Person c = MakePerson("C1");
  const Post post_a = ApprovedPost(a);
  const Post post_b = ApprovedPost(b);
  const Share share_a = MustShare(a, post_a, kGoodText);
  MustShare(a, post_a, kGoodText);
  MustShare(a, post_a, kUndisclosedText);  // noncompliant: scores nothing
  const Share share_b = MustShare(b, post_b, kGoodText);
  engagementpb::RecordEngagementEventsResponse out;
  ASSERT_TRUE(
      Record(a.token,
             {MakeEvent("a-1", share_a, 1, 7), MakeEvent("a-2", share_a, 4, 1),
              MakeEvent("a-3", share_a, 2, 1000)},  // reactions: 0
             &out)
          .ok());
  Participate(a, true);
  Participate(c, true);
  Participate(b, true);
  Participate(b, false);

  engagementpb::GetLeaderboardRequest request;
  request.set_parent(org_.name);
  engagementpb::Leaderboard board;
  const grpc::Status status = engagement_->GetLeaderboard(
      TestServer::Context(c.token).get(), request, &board);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(board.formula(), HasSubstr("0.1 per click"));
  EXPECT_THAT(board.formula(), HasSubstr("0.5 per reshare"));
  ASSERT_EQ(board.entries_size(), 2);
  EXPECT_EQ(board.entries(0).staff_member(), a.name());
  EXPECT_EQ(board.entries(0).display_name(), a.member.display_name());
  EXPECT_EQ(board.entries(0).rank(), 1);
  EXPECT_EQ(board.entries(0).compliant_shares(), 2);
  EXPECT_EQ(board.entries(0).clicks(), 7);
  EXPECT_EQ(board.entries(0).reshares(), 1);
  EXPECT_DOUBLE_EQ(board.entries(0).score(), 2 + 0.7 + 0.5);
  EXPECT_EQ(board.entries(1).staff_member(), c.name());
  EXPECT_EQ(board.entries(1).rank(), 2);
  EXPECT_DOUBLE_EQ(board.entries(1).score(), 0);

  // Nobody opts anyone else in.
  engagementpb::UpdateLeaderboardParticipationRequest other;
  other.set_parent(b.name());
  other.set_participate(true);
  engagementpb::LeaderboardParticipation participation;
  EXPECT_EQ(engagement_
                ->UpdateLeaderboardParticipation(
                    TestServer::Context(a.token).get(), other, &participation)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace candor::testing
