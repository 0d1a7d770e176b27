// Limits (OWASP API4) over real gRPC against the real services: per-caller
// rate limits on writes, shares and engagement events answer
// RESOURCE_EXHAUSTED with a google.rpc.RetryInfo and change nothing; an
// oversized message, string or repeated field, and a page_size above its
// cap are refused; a stream that outlives the server's call limit is cut
// off even when its client allows more.
//
// This binary's server runs with small limits that barely refill (see the
// Configure call below), so what passes and what is refused does not
// depend on how fast the machine is.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/retry_info.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;
using Post = advocacypb::Post;
using Share = engagementpb::Share;
using Event = engagementpb::EngagementEvent;

// One token per 1,000 s: nothing refills during a test.
constexpr double kTrickle = 0.001;
constexpr int kWriteBurst = 10;
constexpr int kShareBurst = 2;
constexpr int kEventBurst = 50;
constexpr absl::Duration kMaxCall = absl::Seconds(2);

const bool kConfigured = [] {
  TestServer::Configure([](HostOptions& options) {
    options.write_rate = {kTrickle, kWriteBurst};
    options.share_rate = {kTrickle, kShareBurst};
    options.event_rate = {kTrickle, kEventBurst};
    options.max_call_duration = kMaxCall;
  });
  return true;
}();

constexpr char kGoodText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";

// The refusal of a rate limit: RESOURCE_EXHAUSTED naming the limit, with a
// retry delay in the details trailer.
void ExpectRateLimited(const grpc::Status& status, const std::string& limit) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("rate limit"));
  EXPECT_THAT(status.error_message(), HasSubstr(limit));
  const std::optional<absl::Duration> delay =
      RetryDelayFromDetails(status.error_details());
  ASSERT_TRUE(delay.has_value()) << "no RetryInfo in the details trailer";
  EXPECT_GT(*delay, absl::ZeroDuration());
}

class LimitsTest : public ::testing::Test {
 protected:
  LimitsTest()
      : server_(TestServer::Get()),
        org_(server_.CreateOrganization("limits")),
        staff_(server_.StaffStub()),
        advocacy_(server_.AdvocacyStub()),
        engagement_(server_.EngagementStub()) {}

  // A staff member with their own token, made by the admin.
  std::pair<staffpb::StaffMember, std::string> Person(const std::string& id) {
    staffpb::StaffMember member = server_.CreateStaff(org_, id);
    return {member, EmployeeToken(member)};
  }

  grpc::Status CreatePost(const std::string& token, const std::string& text,
                          Post* out) {
    advocacypb::CreatePostRequest request;
    request.set_parent(org_.name);
    request.mutable_post()->set_network(common::v1::LINKEDIN);
    request.mutable_post()->set_text(text);
    return advocacy_->CreatePost(TestServer::Context(token).get(), request,
                                 out);
  }

  int CountPosts(const std::string& token) {
    advocacypb::ListPostsRequest request;
    request.set_parent(org_.name);
    request.set_page_size(100);
    advocacypb::ListPostsResponse out;
    const grpc::Status status =
        advocacy_->ListPosts(TestServer::Context(token).get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.posts_size();
  }

  TestServer& server_;
  const TestServer::Organization org_;
  std::unique_ptr<staffpb::StaffService::Stub> staff_;
  std::unique_ptr<advocacypb::AdvocacyService::Stub> advocacy_;
  std::unique_ptr<engagementpb::EngagementService::Stub> engagement_;
};

TEST_F(LimitsTest, WritesBeyondACallersBurstAreRefusedAndChangeNothing) {
  auto [author, token] = Person("W1");
  auto [other, other_token] = Person("W2");
  for (int i = 0; i < kWriteBurst; ++i) {
    Post post;
    const grpc::Status status = CreatePost(token, kGoodText, &post);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  Post refused;
  ExpectRateLimited(CreatePost(token, kGoodText, &refused), "writes");
  EXPECT_EQ(CountPosts(token), kWriteBurst);

  // Reads are not writes, and another caller has a bucket of their own.
  EXPECT_EQ(CountPosts(token), kWriteBurst);
  Post theirs;
  const grpc::Status status = CreatePost(other_token, kGoodText, &theirs);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(LimitsTest, SharesAndEventsHaveLimitsOfTheirOwn) {
  auto [author, token] = Person("S1");
  {  // An advocate: consent and a linked account.
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(author.name());
    request.mutable_staff_member()->set_advocacy_consent(true);
    auto* account = request.mutable_staff_member()->add_social_accounts();
    account->set_network(common::v1::LINKEDIN);
    account->set_handle("s1-" + org_.id);
    request.mutable_update_mask()->add_paths("advocacy_consent");
    request.mutable_update_mask()->add_paths("social_accounts");
    staffpb::StaffMember updated;
    const grpc::Status status = staff_->UpdateStaffMember(
        TestServer::Context(token).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  Post post;
  ASSERT_TRUE(CreatePost(token, kGoodText, &post).ok());
  advocacypb::SubmitPostRequest submit;
  submit.set_name(post.name());
  advocacypb::SubmitPostResponse submitted;
  const grpc::Status status = advocacy_->SubmitPost(
      TestServer::Context(token).get(), submit, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(submitted.post().state(), Post::APPROVED);

  auto share = [&](int i, Share* out) {
    engagementpb::CreateShareRequest request;
    request.set_parent(post.name());
    request.mutable_share()->set_network(common::v1::LINKEDIN);
    request.mutable_share()->set_published_text(kGoodText);
    request.mutable_share()->set_external_url(
        absl::StrCat("https://www.linkedin.com/feed/update/", i));
    request.set_request_id(absl::StrCat("share-", i));
    return engagement_->CreateShare(TestServer::Context(token).get(), request,
                                    out);
  };
  std::vector<Share> shares(kShareBurst);
  for (int i = 0; i < kShareBurst; ++i) {
    const grpc::Status shared = share(i, &shares[i]);
    ASSERT_TRUE(shared.ok()) << i << ": " << shared.error_message();
  }
  Share refused;
  ExpectRateLimited(share(kShareBurst, &refused), "shares");

  // Events: the burst passes, one more is refused as it arrives, and the
  // refused stream records nothing.
  auto record = [&](int first, int count) {
    engagementpb::RecordEngagementEventsResponse out;
    auto context = TestServer::Context(token);
    auto writer = engagement_->RecordEngagementEvents(context.get(), &out);
    engagementpb::RecordEngagementEventsRequest request;
    request.set_parent(org_.name);
    for (int i = first; i < first + count; ++i) {
      Event* event = request.add_events();
      event->set_event_id(absl::StrCat("event-", i));
      event->set_share(shares[0].name());
      event->set_kind(Event::CLICK);
      event->set_count(1);
      *event->mutable_occurred_time() = TimeUtil::GetCurrentTime();
    }
    writer->Write(request);
    writer->WritesDone();
    return writer->Finish();
  };
  const grpc::Status recorded = record(0, kEventBurst);
  ASSERT_TRUE(recorded.ok()) << recorded.error_message();
  ExpectRateLimited(record(kEventBurst, 1), "engagement events");

  engagementpb::GetEngagementMetricsRequest metrics_request;
  metrics_request.set_subject(post.name());
  engagementpb::EngagementMetrics metrics;
  const grpc::Status read = engagement_->GetEngagementMetrics(
      TestServer::Context(token).get(), metrics_request, &metrics);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(metrics.clicks(), kEventBurst);
}

TEST_F(LimitsTest, OversizedInputIsRefused) {
  auto [author, token] = Person("O1");
  Post post;
  // Past the server's 4 MiB message limit: refused by gRPC before any work.
  const grpc::Status huge = CreatePost(token, std::string(5 << 20, 'a'), &post);
  EXPECT_EQ(huge.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << huge.error_message();
  EXPECT_THAT(huge.error_message(), HasSubstr("larger than max"));
  EXPECT_FALSE(RetryDelayFromDetails(huge.error_details()).has_value());
  // Within it, but past the field's own limit.
  const grpc::Status long_text =
      CreatePost(token, std::string(70'000, 'a'), &post);
  EXPECT_EQ(long_text.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(long_text.error_message(), HasSubstr("post.text"));

  // A repeated field past its cap.
  staffpb::UpdateStaffMemberRequest update;
  update.mutable_staff_member()->set_name(author.name());
  for (int i = 0; i < 11; ++i) {
    auto* account = update.mutable_staff_member()->add_social_accounts();
    account->set_network(common::v1::LINKEDIN);
    account->set_handle(absl::StrCat("handle", i));
  }
  update.mutable_update_mask()->add_paths("social_accounts");
  staffpb::StaffMember updated;
  const grpc::Status accounts = staff_->UpdateStaffMember(
      TestServer::Context(token).get(), update, &updated);
  EXPECT_EQ(accounts.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(accounts.error_message(), HasSubstr("social_accounts"));

  // A page larger than the cap.
  staffpb::ListStaffMembersRequest list;
  list.set_parent(org_.name);
  list.set_page_size(1'000'000);
  staffpb::ListStaffMembersResponse listed;
  const grpc::Status page =
      staff_->ListStaffMembers(TestServer::Context(token).get(), list, &listed);
  EXPECT_EQ(page.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(page.error_message(), HasSubstr("page_size"));
  EXPECT_EQ(CountPosts(token), 0);
}

TEST_F(LimitsTest, TheServerCutsAStreamOffAtItsOwnLimit) {
  auto [author, token] = Person("D1");
  // The client allows a minute; the server allows kMaxCall.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(60));
  engagementpb::RecordEngagementEventsResponse out;
  auto writer = engagement_->RecordEngagementEvents(&context, &out);
  engagementpb::RecordEngagementEventsRequest request;
  request.set_parent(org_.name);
  // Keep the stream open, one message every 100 ms, until the server ends
  // it (bounded: the client's own deadline is far off).
  const absl::Time start = absl::Now();
  while (writer->Write(request) && absl::Now() - start < absl::Seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const absl::Duration open_for = absl::Now() - start;
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << status.error_message();
  EXPECT_GE(open_for, kMaxCall);
  EXPECT_LT(open_for, absl::Seconds(30));
}

}  // namespace
}  // namespace candor::testing
