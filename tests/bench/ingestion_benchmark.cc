// Benchmarks of engagement event ingestion (Google Benchmark), against the
// real in-process server (TestServer) over a private MariaDB with durable
// commits (innodb_flush_log_at_trx_commit=1, sync_binlog=1). They print
// numbers; the only thing checked is that exactly the distinct events are
// stored.
//
//   BM_RecordEventsStreamed  N events (default 100,000; CANDOR_BENCH_EVENTS)
//                            streamed through RecordEngagementEvents in
//                            messages of 500, 1% of them repeating an earlier
//                            event_id. The response arrives after the commit,
//                            so every event acknowledged is durable:
//                            events_per_s counts them. Afterwards
//                            GetEngagementMetrics must show exactly the
//                            distinct events (stored_distinct), or the binary
//                            exits with a message.
//   BM_OneRowPerTransactionBaseline
//                            the baseline: one single-row INSERT IGNORE per
//                            committed transaction, straight into
//                            candor_engagement.engagement_events (no gRPC).
//                            It is slow, so it runs min(N, 5,000) events by
//                            default (CANDOR_BENCH_BASELINE_EVENTS) and
//                            reports the rate; the `events` counter says how
//                            many.
//
// A stream holds at most 100,000 events (kMaxEventsPerStream); larger N is
// sent as several streams, one after another.
//
//   build/tests/bench/candor_ingestion_benchmark
#include <cppconn/prepared_statement.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/common/clock.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using Clock = std::chrono::steady_clock;
using ::google::protobuf::util::TimeUtil;
using Event = engagementpb::EngagementEvent;

constexpr int kEventsPerMessage = 500;
constexpr int64_t kMaxEventsPerStream = 100000;  // the server's limit
// Every 100th event repeats an earlier event_id: 1% duplicates.
constexpr int64_t kDuplicateEvery = 100;

constexpr char kGoodText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";

constexpr char kInsertOneEvent[] =
    "INSERT IGNORE INTO engagement_events (organization_id, event_id, "
    "share_id, kind, count, occurred_time_us, recorded_time_us) VALUES "
    "(?, ?, ?, ?, ?, ?, ?)";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "candor_ingestion_benchmark: %s\n", message.c_str());
  std::fflush(stderr);
  std::exit(1);  // atexit stops the test database
}

void Check(const grpc::Status& status, const char* what) {
  if (!status.ok()) {
    Die(absl::StrCat(what, ": ", status.error_message(), " (code ",
                     static_cast<int>(status.error_code()), ")"));
  }
}

int64_t EnvCount(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  int64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n <= 0) {
    Die(absl::StrCat(name, " must be a positive integer, not '", value, "'"));
  }
  return n;
}

int64_t EventCount() {
  static const int64_t n = EnvCount("CANDOR_BENCH_EVENTS", 100000);
  return n;
}

int64_t BaselineEventCount() {
  static const int64_t n = EnvCount("CANDOR_BENCH_BASELINE_EVENTS",
                                    std::min<int64_t>(EventCount(), 5000));
  return n;
}

// A context with a token and a deadline long enough for a big stream.
std::unique_ptr<grpc::ClientContext> LongContext(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::minutes(10));
  return context;
}

// One organization, an advocate (consent + LinkedIn), an approved post and
// a share of it, made through the API like engagement_integration_test.
struct Setup {
  TestServer::Organization org;
  staffpb::StaffMember author;
  std::string author_token;
  std::string post;
  engagementpb::Share share;
  std::string share_id;
};

const Setup& GetSetup() {
  static const Setup* const setup = [] {
    auto* s = new Setup();
    TestServer& server = TestServer::Get();
    s->org = server.CreateOrganization("ingest");
    s->author = server.CreateStaff(s->org, "B1");
    s->author_token = EmployeeToken(s->author);

    auto staff = server.StaffStub();
    staffpb::UpdateStaffMemberRequest update;
    staffpb::StaffMember* change = update.mutable_staff_member();
    change->set_name(s->author.name());
    change->set_advocacy_consent(true);
    auto* account = change->add_social_accounts();
    account->set_network(common::v1::LINKEDIN);
    account->set_handle("b1-" + s->org.id);
    update.mutable_update_mask()->add_paths("advocacy_consent");
    update.mutable_update_mask()->add_paths("social_accounts");
    staffpb::StaffMember updated;
    Check(staff->UpdateStaffMember(TestServer::Context(s->author_token).get(),
                                   update, &updated),
          "UpdateStaffMember");
    s->author = updated;

    auto advocacy = server.AdvocacyStub();
    advocacypb::CreatePostRequest create;
    create.set_parent(s->org.name);
    create.mutable_post()->set_network(common::v1::LINKEDIN);
    create.mutable_post()->set_text(kGoodText);
    advocacypb::Post post;
    Check(advocacy->CreatePost(TestServer::Context(s->author_token).get(),
                               create, &post),
          "CreatePost");
    advocacypb::SubmitPostRequest submit;
    submit.set_name(post.name());
    advocacypb::SubmitPostResponse submitted;
    Check(advocacy->SubmitPost(TestServer::Context(s->author_token).get(),
                               submit, &submitted),
          "SubmitPost");
    if (submitted.post().state() != advocacypb::Post::APPROVED) {
      Die("the benchmark post was not approved");
    }
    s->post = submitted.post().name();

    auto engagement = server.EngagementStub();
    engagementpb::CreateShareRequest share;
    share.set_parent(s->post);
    share.mutable_share()->set_network(common::v1::LINKEDIN);
    share.mutable_share()->set_published_text(kGoodText);
    share.mutable_share()->set_external_url(
        "https://www.linkedin.com/feed/update/1");
    Check(engagement->CreateShare(TestServer::Context(s->author_token).get(),
                                  share, &s->share),
          "CreateShare");
    const size_t slash = s->share.name().rfind('/');
    s->share_id = s->share.name().substr(slash + 1);
    return s;
  }();
  return *setup;
}

// Clicks recorded on the organization's shares (each event counts 1).
int64_t StoredClicks(const Setup& setup) {
  auto stub = TestServer::Get().EngagementStub();
  engagementpb::GetEngagementMetricsRequest request;
  request.set_subject(setup.org.name);
  engagementpb::EngagementMetrics metrics;
  Check(
      stub->GetEngagementMetrics(
          TestServer::Context(setup.org.admin_token).get(), request, &metrics),
      "GetEngagementMetrics");
  return metrics.clicks();
}

// The event ids of a run: "<prefix>-<i>", with every kDuplicateEvery-th
// repeating the id of the event 50 before it. Returns the distinct count.
int64_t EventIds(const std::string& prefix, int64_t n,
                 std::vector<std::string>* ids) {
  ids->clear();
  ids->reserve(static_cast<size_t>(n));
  int64_t distinct = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i % kDuplicateEvery == kDuplicateEvery - 1) {
      ids->push_back((*ids)[static_cast<size_t>(i - 50)]);
    } else {
      ids->push_back(absl::StrCat(prefix, "-", i));
      ++distinct;
    }
  }
  return distinct;
}

int Run() {
  static int run = 0;
  return ++run;
}

struct Results {
  double streamed_per_s = 0;
  double baseline_per_s = 0;
  int64_t streamed_events = 0;
  int64_t baseline_events = 0;
  int64_t distinct = 0;
  int64_t stored_distinct = -1;
};

Results& GetResults() {
  static Results results;
  return results;
}

void BM_RecordEventsStreamed(benchmark::State& state) {
  const Setup& setup = GetSetup();
  auto stub = TestServer::Get().EngagementStub();
  const int64_t n = EventCount();
  int64_t recorded = 0, duplicates = 0, received = 0, errors = 0, distinct = 0;
  int64_t stored = 0;
  double seconds = 0;
  for (auto _ : state) {
    std::vector<std::string> ids;
    const int64_t run_distinct = EventIds(absl::StrCat("s", Run()), n, &ids);
    const auto occurred =
        TimeUtil::MicrosecondsToTimestamp(NowMicros() - 60 * int64_t{1000000});
    // The messages, built before the clock starts: one vector per stream.
    std::vector<std::vector<engagementpb::RecordEngagementEventsRequest>>
        streams;
    for (int64_t i = 0; i < n; ++i) {
      if (i % kMaxEventsPerStream == 0) streams.emplace_back();
      auto& messages = streams.back();
      if ((i % kMaxEventsPerStream) % kEventsPerMessage == 0) {
        messages.emplace_back();
        if (messages.size() == 1) messages.back().set_parent(setup.org.name);
      }
      Event* e = messages.back().add_events();
      e->set_event_id(ids[static_cast<size_t>(i)]);
      e->set_share(setup.share.name());
      e->set_kind(Event::CLICK);
      e->set_count(1);
      *e->mutable_occurred_time() = occurred;
    }
    const int64_t before = StoredClicks(setup);

    const Clock::time_point start = Clock::now();
    for (const auto& messages : streams) {
      engagementpb::RecordEngagementEventsResponse response;
      auto context = LongContext(setup.author_token);
      auto writer = stub->RecordEngagementEvents(context.get(), &response);
      for (const auto& message : messages) {
        if (!writer->Write(message)) break;  // Finish says why
      }
      writer->WritesDone();
      Check(writer->Finish(), "RecordEngagementEvents");
      received += response.received();
      recorded += response.recorded();
      duplicates += response.duplicates();
      errors += response.errors_size();
      if (response.errors_size() > 0) {
        Die(absl::StrCat("event ", response.errors(0).index(), " (",
                         response.errors(0).event_id(),
                         ") was rejected: ", response.errors(0).field(), ": ",
                         response.errors(0).reason()));
      }
    }
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;

    // Done means: exactly the distinct events are stored.
    const int64_t run_stored = StoredClicks(setup) - before;
    if (run_stored != run_distinct) {
      Die(absl::StrCat("stored ", run_stored, " events, expected exactly the ",
                       run_distinct, " distinct ones of ", n));
    }
    distinct += run_distinct;
    stored += run_stored;
  }
  const double iterations = static_cast<double>(state.iterations());
  const double per_s = static_cast<double>(n) * iterations / seconds;
  state.counters["events"] = static_cast<double>(n);
  state.counters["events_per_s"] = per_s;
  state.counters["received"] = static_cast<double>(received) / iterations;
  state.counters["recorded"] = static_cast<double>(recorded) / iterations;
  state.counters["duplicates"] = static_cast<double>(duplicates) / iterations;
  state.counters["distinct"] = static_cast<double>(distinct) / iterations;
  state.counters["stored_distinct"] = static_cast<double>(stored) / iterations;
  state.counters["errors"] = static_cast<double>(errors) / iterations;
  state.counters["stored_ok"] = stored == distinct ? 1 : 0;
  Results& results = GetResults();
  results.streamed_per_s = per_s;
  results.streamed_events = n;
  results.distinct = distinct / static_cast<int64_t>(state.iterations());
  results.stored_distinct = stored / static_cast<int64_t>(state.iterations());
}
BENCHMARK(BM_RecordEventsStreamed)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_OneRowPerTransactionBaseline(benchmark::State& state) {
  const Setup& setup = GetSetup();
  db::PoolOptions options;
  options.connection = TestDatabase::Get().options();
  options.connection.schema = "candor_engagement";
  options.max_connections = 1;
  db::Pool pool(options);
  const int64_t n = BaselineEventCount();
  int64_t inserted = 0, distinct = 0;
  double seconds = 0;
  for (auto _ : state) {
    std::vector<std::string> ids;
    distinct += EventIds(absl::StrCat("b", Run()), n, &ids);
    const int64_t occurred_us = NowMicros() - 60 * int64_t{1000000};
    const Clock::time_point start = Clock::now();
    for (const std::string& id : ids) {
      absl::StatusOr<db::Transaction> tx = db::Transaction::Begin(pool);
      if (!tx.ok()) Die(std::string(tx.status().message()));
      absl::StatusOr<int> rows =
          db::Run("insert one event", *tx,
                  [&](db::Connection& c) -> absl::StatusOr<int> {
                    auto& insert = c.Prepare(kInsertOneEvent);
                    insert.setString(1, setup.org.id);
                    insert.setString(2, id);
                    insert.setString(3, setup.share_id);
                    insert.setInt(4, static_cast<int>(Event::CLICK));
                    insert.setInt64(5, 1);
                    insert.setInt64(6, occurred_us);
                    insert.setInt64(7, NowMicros());
                    return insert.executeUpdate();
                  });
      if (!rows.ok()) Die(std::string(rows.status().message()));
      const absl::Status committed = tx->Commit();
      if (!committed.ok()) Die(std::string(committed.message()));
      inserted += *rows;
    }
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
  }
  const double iterations = static_cast<double>(state.iterations());
  const double per_s = static_cast<double>(n) * iterations / seconds;
  state.counters["events"] = static_cast<double>(n);
  state.counters["events_per_s"] = per_s;
  state.counters["recorded"] = static_cast<double>(inserted) / iterations;
  state.counters["duplicates"] =
      static_cast<double>(n) - static_cast<double>(inserted) / iterations;
  state.counters["reduced_n"] = n < EventCount() ? 1 : 0;
  Results& results = GetResults();
  results.baseline_per_s = per_s;
  results.baseline_events = n;
  if (results.streamed_per_s > 0) {
    state.counters["streamed_over_baseline"] = results.streamed_per_s / per_s;
  }
  if (inserted / static_cast<int64_t>(state.iterations()) !=
      distinct / static_cast<int64_t>(state.iterations())) {
    Die(absl::StrCat("baseline inserted ", inserted, " rows, expected ",
                     distinct));
  }
}
BENCHMARK(BM_OneRowPerTransactionBaseline)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace candor::testing

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  const auto& r = candor::testing::GetResults();
  if (r.streamed_per_s > 0) {
    std::printf(
        "\nstreamed (500 per message, multi-row INSERT IGNORE, acknowledged = "
        "durable): %.0f events/s over %lld events\n",
        r.streamed_per_s, static_cast<long long>(r.streamed_events));
    std::printf("distinct events stored: %lld of %lld expected: %s\n",
                static_cast<long long>(r.stored_distinct),
                static_cast<long long>(r.distinct),
                r.stored_distinct == r.distinct ? "exact" : "MISMATCH");
  }
  if (r.baseline_per_s > 0) {
    std::printf(
        "baseline (one row per transaction, direct SQL): %.0f events/s over "
        "%lld events%s\n",
        r.baseline_per_s, static_cast<long long>(r.baseline_events),
        r.baseline_events < candor::testing::EventCount()
            ? " (fewer than streamed: it is slow; the rate is what compares)"
            : "");
  }
  if (r.streamed_per_s > 0 && r.baseline_per_s > 0) {
    std::printf("streamed / baseline: %.1fx\n",
                r.streamed_per_s / r.baseline_per_s);
  }
  return 0;
}
