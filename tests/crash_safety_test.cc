// Crash safety (docs/ARCHITECTURE.md, "Exactly-once writes": via
// request_id). Many advocates each run a short script of mutating calls
// (create a post, submit it, share it, report engagement on the share; two
// rounds) against candord as a child process; midway candord is killed with
// SIGKILL and restarted on the same database. Every call the client did not
// see answered is sent again, unchanged (same request_id, same body), until
// it is. Afterwards, counting through the API:
//   - every acknowledged write is there exactly once, and nothing else is
//     (posts, decisions, shares per author; engagement totals per org);
//   - a call sent again after the crash returns the resource of its first
//     run when that run had committed (a replay, not a second resource);
//   - acknowledged calls sent again after the restart replay their stored
//     response, field for field;
//   - every organization's audit chain verifies.
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/fault_clients.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;

constexpr int kOrgs = 10;
constexpr int kAdvocatesPerOrg = 13;
constexpr int kRounds = 2;
// Create post, submit it, share it, report engagement.
constexpr int kStepsPerRound = 4;
constexpr int kStepsPerAdvocate = kRounds * kStepsPerRound;
// Each event's count, by kind, for every share.
constexpr int kClicks = 3;
constexpr int kReactions = 2;
constexpr int kImpressions = 11;

enum class Phase { kBeforeKill, kDown, kRestarted };

// One mutating call of an advocate's script, as first sent and as answered.
struct Step {
  std::string method;
  std::unique_ptr<google::protobuf::Message> request;
  std::unique_ptr<google::protobuf::Message> response;
  int attempts = 0;
  // An attempt failed while candord was down: the client never saw this
  // call answered before the crash, and sent it again after the restart.
  bool unanswered_at_crash = false;
  Phase acknowledged_in = Phase::kBeforeKill;
};

struct AdvocateRun {
  const Advocate* advocate = nullptr;
  uint64_t seed = 0;
  std::vector<Step> steps;
  std::string post_names[kRounds];
  std::string share_names[kRounds];
  std::string failure;  // a call that failed for good
};

class CrashSafetyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<E2eServer>();
    const std::string error = server_->Start();
    ASSERT_TRUE(error.empty()) << error;
    clients_ = std::make_unique<FaultClients>(*server_);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
  }

  // Sends `step` until it is answered with something other than a
  // transient error (UNAVAILABLE while candord is down or restarting;
  // RESOURCE_EXHAUSTED, ABORTED or DEADLINE_EXCEEDED under load), never
  // changing the request. `call` sends step.request once.
  template <typename Call>
  grpc::Status SendUntilAnswered(Step& step, Call call) {
    const absl::Time give_up = absl::Now() + absl::Minutes(3);
    absl::Duration backoff = absl::Milliseconds(50);
    while (true) {
      ++step.attempts;
      const grpc::Status status = call();
      const Phase phase = phase_.load();
      if (status.ok()) {
        step.acknowledged_in = phase;
        if (phase == Phase::kBeforeKill) acknowledged_before_kill_++;
        if (phase == Phase::kRestarted) {
          absl::MutexLock lock(&mu_);
          if (first_ok_after_restart_ == absl::InfiniteFuture()) {
            first_ok_after_restart_ = absl::Now();
          }
        }
        return status;
      }
      const grpc::StatusCode code = status.error_code();
      const bool transient = code == grpc::StatusCode::UNAVAILABLE ||
                             code == grpc::StatusCode::RESOURCE_EXHAUSTED ||
                             code == grpc::StatusCode::ABORTED ||
                             code == grpc::StatusCode::DEADLINE_EXCEEDED;
      if (!transient || absl::Now() > give_up) return status;
      if (phase != Phase::kBeforeKill) step.unanswered_at_crash = true;
      absl::SleepFor(backoff);
      backoff = std::min(backoff * 2, absl::Milliseconds(500));
    }
  }

  // Runs `run`'s script from its first step, or from where it left off.
  void RunScript(AdvocateRun& run) {
    const Advocate& me = *run.advocate;
    auto advocacy = clients_->Advocacy();
    auto engagement = clients_->Engagement();
    for (int round = 0; round < kRounds; ++round) {
      const std::string tag = absl::StrCat(me.employee_id, "-r", round);

      Step& create = run.steps.emplace_back();
      {
        auto request = std::make_unique<advocacypb::CreatePostRequest>();
        request->set_parent(me.org_name);
        request->mutable_post()->set_network(common::v1::LINKEDIN);
        request->mutable_post()->set_text(
            UniqueApprovableText(run.seed * kRounds + round));
        request->set_request_id("post-" + tag);
        auto response = std::make_unique<advocacypb::Post>();
        create.method = "CreatePost";
        const grpc::Status status = SendUntilAnswered(create, [&] {
          return advocacy->CreatePost(FaultClients::Context(me.token).get(),
                                      *request, response.get());
        });
        run.post_names[round] = response->name();
        create.request = std::move(request);
        create.response = std::move(response);
        if (!status.ok()) {
          run.failure = "CreatePost: " + Describe(status);
          return;
        }
      }

      Step& submit = run.steps.emplace_back();
      {
        auto request = std::make_unique<advocacypb::SubmitPostRequest>();
        request->set_name(run.post_names[round]);
        request->set_request_id("submit-" + tag);
        auto response = std::make_unique<advocacypb::SubmitPostResponse>();
        submit.method = "SubmitPost";
        const grpc::Status status = SendUntilAnswered(submit, [&] {
          return advocacy->SubmitPost(FaultClients::Context(me.token).get(),
                                      *request, response.get());
        });
        const bool approved =
            response->post().state() == advocacypb::Post::APPROVED;
        submit.request = std::move(request);
        submit.response = std::move(response);
        if (!status.ok() || !approved) {
          run.failure = "SubmitPost: " + Describe(status) +
                        (approved ? "" : " (not APPROVED)");
          return;
        }
      }

      Step& share = run.steps.emplace_back();
      {
        auto request = std::make_unique<engagementpb::CreateShareRequest>();
        request->set_parent(run.post_names[round]);
        request->mutable_share()->set_network(common::v1::LINKEDIN);
        request->mutable_share()->set_published_text(
            UniqueApprovableText(run.seed * kRounds + round));
        request->mutable_share()->set_external_url(
            "https://www.linkedin.com/feed/update/" + tag);
        request->set_request_id("share-" + tag);
        auto response = std::make_unique<engagementpb::Share>();
        share.method = "CreateShare";
        const grpc::Status status = SendUntilAnswered(share, [&] {
          return engagement->CreateShare(FaultClients::Context(me.token).get(),
                                         *request, response.get());
        });
        run.share_names[round] = response->name();
        share.request = std::move(request);
        share.response = std::move(response);
        if (!status.ok()) {
          run.failure = "CreateShare: " + Describe(status);
          return;
        }
      }

      Step& events = run.steps.emplace_back();
      {
        auto request =
            std::make_unique<engagementpb::RecordEngagementEventsRequest>();
        request->set_parent(me.org_name);
        const auto now = TimeUtil::GetCurrentTime();
        const std::pair<engagementpb::EngagementEvent::Kind, int> kinds[] = {
            {engagementpb::EngagementEvent::CLICK, kClicks},
            {engagementpb::EngagementEvent::REACTION, kReactions},
            {engagementpb::EngagementEvent::IMPRESSION, kImpressions}};
        for (const auto& [kind, count] : kinds) {
          engagementpb::EngagementEvent* event = request->add_events();
          event->set_event_id(absl::StrCat(
              tag, "-", engagementpb::EngagementEvent::Kind_Name(kind)));
          event->set_share(run.share_names[round]);
          event->set_kind(kind);
          event->set_count(count);
          *event->mutable_occurred_time() = now;
        }
        auto response =
            std::make_unique<engagementpb::RecordEngagementEventsResponse>();
        events.method = "RecordEngagementEvents";
        const grpc::Status status = SendUntilAnswered(events, [&] {
          auto context = FaultClients::Context(me.token);
          auto writer =
              engagement->RecordEngagementEvents(context.get(), response.get());
          writer->Write(*request);
          writer->WritesDone();
          return writer->Finish();
        });
        const bool all_counted =
            response->errors_size() == 0 &&
            response->recorded() + response->duplicates() ==
                request->events_size();
        events.request = std::move(request);
        events.response = std::move(response);
        if (!status.ok() || !all_counted) {
          run.failure = "RecordEngagementEvents: " + Describe(status) +
                        (all_counted ? "" : " (events not all counted)");
          return;
        }
      }
      steps_done_ += kStepsPerRound;
    }
  }

  std::unique_ptr<E2eServer> server_;
  std::unique_ptr<FaultClients> clients_;
  std::atomic<Phase> phase_{Phase::kBeforeKill};
  std::atomic<int> acknowledged_before_kill_{0};
  std::atomic<int> steps_done_{0};
  absl::Mutex mu_;
  absl::Time first_ok_after_restart_ ABSL_GUARDED_BY(mu_) =
      absl::InfiniteFuture();
};

TEST_F(CrashSafetyTest,
       KilledMidwayEveryAcknowledgedWriteOnceAndRetriesReplay) {
  // Organizations of advocates, made before the load.
  std::vector<AdvocateOrg> orgs;
  for (int i = 0; i < kOrgs; ++i) {
    auto org = clients_->MakeOrg("crash", kAdvocatesPerOrg);
    ASSERT_TRUE(org.ok()) << org.status();
    orgs.push_back(*std::move(org));
  }
  std::vector<AdvocateRun> runs;
  for (const AdvocateOrg& org : orgs) {
    for (const Advocate& advocate : org.advocates) {
      AdvocateRun& run = runs.emplace_back();
      run.advocate = &advocate;
      run.seed = runs.size();
      run.steps.reserve(kStepsPerAdvocate);  // Steps are referenced in place.
    }
  }
  const int total_calls = static_cast<int>(runs.size()) * kStepsPerAdvocate;
  ASSERT_GE(total_calls, 1000);

  // Every advocate at once; SIGKILL once about 40% of the calls are answered.
  std::vector<std::thread> workers;
  for (AdvocateRun& run : runs) {
    workers.emplace_back([this, &run] { RunScript(run); });
  }
  const absl::Time load_start = absl::Now();
  while (acknowledged_before_kill_.load() < total_calls * 2 / 5 &&
         absl::Now() - load_start < absl::Minutes(3)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  phase_ = Phase::kDown;
  server_->Kill();
  const absl::Time killed_at = absl::Now();
  const int answered_at_kill = acknowledged_before_kill_.load();
  absl::SleepFor(absl::Milliseconds(500));  // retries meet a dead port
  const std::string restart_error = server_->Restart();
  const absl::Time serving_again_at = absl::Now();
  phase_ = Phase::kRestarted;
  // Joined before any assertion can return: calls not answered by a server
  // that failed to restart give up on their own (SendUntilAnswered).
  for (std::thread& worker : workers) worker.join();
  const absl::Time load_end = absl::Now();
  ASSERT_TRUE(restart_error.empty()) << restart_error;

  int unanswered_at_crash = 0;
  int replayed_creates = 0;  // sent again, answered with a pre-crash resource
  for (const AdvocateRun& run : runs) {
    ASSERT_TRUE(run.failure.empty())
        << run.advocate->name << ": " << run.failure;
    ASSERT_EQ(run.steps.size(), static_cast<size_t>(kStepsPerAdvocate));
    for (const Step& step : run.steps) {
      if (!step.unanswered_at_crash) continue;
      ++unanswered_at_crash;
      google::protobuf::Timestamp created;
      if (step.method == "CreatePost") {
        created =
            static_cast<const advocacypb::Post&>(*step.response).create_time();
      } else if (step.method == "CreateShare") {
        created = static_cast<const engagementpb::Share&>(*step.response)
                      .create_time();
      } else {
        continue;
      }
      if (absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(created)) <
          killed_at) {
        ++replayed_creates;
      }
    }
  }
  // The kill must have caught calls in flight, or it tested nothing.
  EXPECT_GT(unanswered_at_crash, 0);
  EXPECT_LT(answered_at_kill, total_calls);

  // Acknowledged calls sent again after the restart: one step per
  // advocate, cycling through the kinds, each must replay its stored answer.
  int replays_checked = 0;
  {
    auto advocacy = clients_->Advocacy();
    auto engagement = clients_->Engagement();
    for (size_t i = 0; i < runs.size(); ++i) {
      const AdvocateRun& run = runs[i];
      const Step& step = run.steps[i % kStepsPerAdvocate];
      const std::string& token = run.advocate->token;
      grpc::Status status;
      std::unique_ptr<google::protobuf::Message> again(step.response->New());
      if (step.method == "CreatePost") {
        status = advocacy->CreatePost(
            FaultClients::Context(token).get(),
            static_cast<const advocacypb::CreatePostRequest&>(*step.request),
            static_cast<advocacypb::Post*>(again.get()));
      } else if (step.method == "SubmitPost") {
        status = advocacy->SubmitPost(
            FaultClients::Context(token).get(),
            static_cast<const advocacypb::SubmitPostRequest&>(*step.request),
            static_cast<advocacypb::SubmitPostResponse*>(again.get()));
      } else if (step.method == "CreateShare") {
        status = engagement->CreateShare(
            FaultClients::Context(token).get(),
            static_cast<const engagementpb::CreateShareRequest&>(*step.request),
            static_cast<engagementpb::Share*>(again.get()));
      } else {
        auto context = FaultClients::Context(token);
        auto* answer =
            static_cast<engagementpb::RecordEngagementEventsResponse*>(
                again.get());
        auto writer = engagement->RecordEngagementEvents(context.get(), answer);
        writer->Write(
            static_cast<const engagementpb::RecordEngagementEventsRequest&>(
                *step.request));
        writer->WritesDone();
        status = writer->Finish();
        // Events are deduplicated by event_id rather than replayed.
        EXPECT_EQ(answer->recorded(), 0) << run.advocate->name;
        EXPECT_EQ(answer->duplicates(), 3) << run.advocate->name;
        ++replays_checked;
        continue;
      }
      ASSERT_TRUE(status.ok())
          << step.method << " sent again: " << Describe(status);
      EXPECT_TRUE(MessageDifferencer::Equals(*again, *step.response))
          << step.method << " sent again answered\n"
          << again->DebugString() << "instead of its first answer\n"
          << step.response->DebugString();
      ++replays_checked;
    }
  }

  // Count everything through the API, organization by organization.
  auto engagement = clients_->Engagement();
  size_t run_index = 0;
  for (const AdvocateOrg& org : orgs) {
    std::map<std::string, std::set<std::string>> expected_posts;   // by author
    std::map<std::string, std::set<std::string>> expected_shares;  // by author
    for (size_t i = 0; i < org.advocates.size(); ++i, ++run_index) {
      const AdvocateRun& run = runs[run_index];
      ASSERT_EQ(run.advocate, &org.advocates[i]);
      for (int round = 0; round < kRounds; ++round) {
        expected_posts[run.advocate->name].insert(run.post_names[round]);
        expected_shares[run.advocate->name].insert(run.share_names[round]);
      }
    }

    advocacypb::ListPostsResponse posts;
    grpc::Status status = clients_->ListPosts(org, &posts);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_TRUE(posts.next_page_token().empty());
    std::map<std::string, std::set<std::string>> found_posts;
    for (const advocacypb::Post& post : posts.posts()) {
      EXPECT_TRUE(found_posts[post.author()].insert(post.name()).second);
      EXPECT_EQ(post.state(), advocacypb::Post::APPROVED) << post.name();
    }
    EXPECT_EQ(posts.posts_size(), kAdvocatesPerOrg * kRounds) << org.name;
    EXPECT_EQ(found_posts, expected_posts) << org.name;

    // One decision per post: a retried submit recorded no second one.
    transparencypb::ListDecisionsResponse decisions;
    status = clients_->ListDecisions(org, &decisions);
    ASSERT_TRUE(status.ok()) << Describe(status);
    std::map<std::string, int> decisions_per_post;
    for (const transparencypb::Decision& decision : decisions.decisions()) {
      ++decisions_per_post[decision.post()];
    }
    EXPECT_EQ(decisions.decisions_size(), kAdvocatesPerOrg * kRounds)
        << org.name;
    for (const auto& [post, count] : decisions_per_post) {
      EXPECT_EQ(count, 1) << post;
    }

    engagementpb::ListSharesRequest list_shares;
    list_shares.set_parent(org.name);
    list_shares.set_page_size(1000);
    engagementpb::ListSharesResponse shares;
    status = engagement->ListShares(
        FaultClients::Context(org.admin_token).get(), list_shares, &shares);
    ASSERT_TRUE(status.ok()) << Describe(status);
    std::map<std::string, std::set<std::string>> found_shares;
    for (const engagementpb::Share& share : shares.shares()) {
      EXPECT_TRUE(found_shares[share.author()].insert(share.name()).second);
    }
    EXPECT_EQ(shares.shares_size(), kAdvocatesPerOrg * kRounds) << org.name;
    EXPECT_EQ(found_shares, expected_shares) << org.name;

    engagementpb::GetEngagementMetricsRequest metrics_request;
    metrics_request.set_subject(org.name);
    engagementpb::EngagementMetrics metrics;
    status = engagement->GetEngagementMetrics(
        FaultClients::Context(org.admin_token).get(), metrics_request,
        &metrics);
    ASSERT_TRUE(status.ok()) << Describe(status);
    const int shares_made = kAdvocatesPerOrg * kRounds;
    EXPECT_EQ(metrics.shares(), shares_made) << org.name;
    EXPECT_EQ(metrics.clicks(), shares_made * kClicks) << org.name;
    EXPECT_EQ(metrics.reactions(), shares_made * kReactions) << org.name;
    EXPECT_EQ(metrics.impressions(), shares_made * kImpressions) << org.name;

    transparencypb::VerifyAuditLogResponse verified;
    status = clients_->VerifyAuditLog(org, &verified);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_TRUE(verified.ok())
        << org.name << ": first bad entry " << verified.first_bad_sequence();
    EXPECT_GT(verified.entries_checked(), 0) << org.name;
  }

  absl::Time first_ok;
  {
    absl::MutexLock lock(&mu_);
    first_ok = first_ok_after_restart_;
  }
  std::cout << "crash safety: " << total_calls << " mutating calls by "
            << runs.size() << " advocates in " << orgs.size()
            << " organizations; SIGKILL after " << answered_at_kill
            << " were answered; " << unanswered_at_crash
            << " were unanswered and sent again (" << replayed_creates
            << " of them creates that had committed before the kill and "
               "replayed their resource); "
            << replays_checked << " acknowledged calls sent again replayed; "
            << "restart took "
            << absl::FormatDuration(serving_again_at - killed_at)
            << " (SIGKILL to healthy, 0.5 s pause included); first answer "
               "after restart "
            << absl::FormatDuration(first_ok - serving_again_at)
            << " after healthy; whole load "
            << absl::FormatDuration(load_end - load_start) << "\n";
}

}  // namespace
}  // namespace candor::testing
