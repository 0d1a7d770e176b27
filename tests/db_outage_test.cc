// Database outages under load: candord (a child process, with
// --db_timeout_seconds=2) serves a steady mix of writes (CreatePost with a
// request_id) and reads (GetStaffMember, GetPost) from many advocates while
// the test's own MariaDB is frozen (SIGSTOP), shut down and started again, or
// killed (SIGKILL) right after acknowledged writes and recovered, each for at
// least 5 s.
// Throughout:
//   - every call ends OK or UNAVAILABLE, well within its client deadline
//     (10 s, longer than the server's own limits: no DEADLINE_EXCEEDED);
//   - gRPC health (overall and per service) says NOT_SERVING while the
//     database is unreachable and SERVING again after;
//   - the first OK comes within 5 s of the database being back;
//   - every acknowledged write is there afterwards.
// Also: the test database's commit settings are durable, and candord warns,
// naming the setting and its value, when one is weakened. (Killing mysqld
// tests crash recovery, not fsync: the kernel's page cache survives it, so
// innodb_flush_log_at_trx_commit=2 would pass it too; the settings check is
// what guards against that.)
#include <grpcpp/generic/generic_stub.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/health_codec.h"
#include "db/durability.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/fault_clients.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int kOrgs = 12;
constexpr int kAdvocatesPerOrg = 20;
constexpr int kGroups = 3;  // one group of advocates per outage test
constexpr int kWritesPerAdvocate = 5;
constexpr int kWorkers = 6;  // fewer than candord's 8 workers per service
constexpr auto kCallDeadline = std::chrono::seconds(10);

const std::vector<std::string>& HealthNames() {
  static const auto* const names =
      new std::vector<std::string>{"",
                                   "candor.staff.v1.StaffService",
                                   "candor.values.v1.ValuesService",
                                   "candor.transparency.v1.TransparencyService",
                                   "candor.advocacy.v1.AdvocacyService",
                                   "candor.engagement.v1.EngagementService"};
  return *names;
}

// grpc.health.v1.Health/Check for `service` ("" = overall), by hand:
// Debian ships no generated health client.
cli::ServingStatus CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                               const std::string& service) {
  const std::string request_bytes = cli::EncodeHealthCheckRequest(service);
  grpc::Slice request_slice(request_bytes);
  const grpc::ByteBuffer request(&request_slice, 1);
  grpc::ByteBuffer response;
  grpc::Status status;
  grpc::CompletionQueue queue;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(1));
  auto call = stub.PrepareUnaryCall(&context, "/grpc.health.v1.Health/Check",
                                    request, &queue);
  call->StartCall();
  int finished_tag = 0;
  call->Finish(&response, &status, &finished_tag);
  void* tag = nullptr;
  bool ok = false;
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!status.ok()) return cli::ServingStatus::kUnknown;
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  auto serving = cli::DecodeHealthCheckResponse(bytes);
  return serving.ok() ? *serving : cli::ServingStatus::kUnknown;
}

// Polls health for every name every 100 ms and remembers, per name, when it
// first said NOT_SERVING and when it last said SERVING after that.
class HealthWatch {
 public:
  explicit HealthWatch(std::shared_ptr<grpc::Channel> channel)
      : channel_(std::move(channel)), thread_([this] { Run(); }) {}
  ~HealthWatch() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Whether `name` said NOT_SERVING at some time in [from, to].
  bool SawNotServing(const std::string& name, absl::Time from,
                     absl::Time to) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [when, status] : log_.at(name)) {
      if (when >= from && when <= to &&
          status == cli::ServingStatus::kNotServing) {
        return true;
      }
    }
    return false;
  }
  // The first time at or after `from` that `name` said SERVING.
  absl::Time FirstServing(const std::string& name, absl::Time from) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [when, status] : log_.at(name)) {
      if (when >= from && status == cli::ServingStatus::kServing) return when;
    }
    return absl::InfiniteFuture();
  }
  absl::Time FirstNotServing(const std::string& name, absl::Time from) const {
    absl::MutexLock lock(&mu_);
    for (const auto& [when, status] : log_.at(name)) {
      if (when >= from && status == cli::ServingStatus::kNotServing)
        return when;
    }
    return absl::InfiniteFuture();
  }

 private:
  void Run() {
    while (!stop_) {
      for (const std::string& name : HealthNames()) {
        const cli::ServingStatus status = CheckHealth(channel_, name);
        absl::MutexLock lock(&mu_);
        log_[name].emplace_back(absl::Now(), status);
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  std::shared_ptr<grpc::Channel> channel_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::vector<std::pair<absl::Time, cli::ServingStatus>>>
      log_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after the rest is built
};

struct CallRecord {
  std::string method;
  grpc::StatusCode code;
  std::string message;
  absl::Time start;
  absl::Time end;
};

struct AcknowledgedPost {
  const Advocate* author;
  std::string name;
  std::string text;
};

// A steady load of writes and reads by `advocates` (each writes at most
// kWritesPerAdvocate times) on kWorkers threads until Stop().
class Load {
 public:
  Load(const FaultClients& clients, std::vector<const Advocate*> advocates)
      : clients_(clients), advocates_(std::move(advocates)) {
    for (int i = 0; i < kWorkers; ++i) {
      workers_.emplace_back([this, i] { Work(i); });
    }
  }
  ~Load() { Stop(); }

  void Stop() {
    stop_ = true;
    for (std::thread& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

  std::vector<CallRecord> records() const {
    absl::MutexLock lock(&mu_);
    return records_;
  }
  std::vector<AcknowledgedPost> acknowledged() const {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }
  // The first OK that started at or after `from`.
  absl::Time FirstOkStartedAfter(absl::Time from) const {
    absl::MutexLock lock(&mu_);
    absl::Time first = absl::InfiniteFuture();
    for (const CallRecord& record : records_) {
      if (record.code == grpc::StatusCode::OK && record.start >= from) {
        first = std::min(first, record.end);
      }
    }
    return first;
  }

 private:
  void Work(int worker) {
    auto advocacy = clients_.Advocacy();
    auto staff = clients_.Staff();
    int round = 0;
    while (!stop_) {
      ++round;
      const bool write = round % 2 == 0;
      CallRecord record;
      record.start = absl::Now();
      grpc::Status status;
      if (write) {
        const int slot = next_write_++;
        const size_t index = static_cast<size_t>(slot / kWritesPerAdvocate);
        if (index >= advocates_.size()) continue;  // writes used up: reads only
        const Advocate& author = *advocates_[index];
        advocacypb::CreatePostRequest request;
        request.set_parent(author.org_name);
        request.mutable_post()->set_network(common::v1::LINKEDIN);
        request.mutable_post()->set_text(
            UniqueApprovableText(std::hash<std::string>()(author.name) + slot));
        request.set_request_id(absl::StrCat("outage-", slot));
        advocacypb::Post post;
        record.method = "CreatePost";
        status = advocacy->CreatePost(
            FaultClients::Context(author.token, kCallDeadline).get(), request,
            &post);
        if (status.ok()) {
          absl::MutexLock lock(&mu_);
          acknowledged_.push_back({&author, post.name(), post.text()});
        }
      } else {
        const Advocate& reader =
            *advocates_[(worker * 7919 + round) % advocates_.size()];
        std::string post_name;
        {
          absl::MutexLock lock(&mu_);
          if (!acknowledged_.empty() && round % 4 == 1) {
            post_name = acknowledged_[round % acknowledged_.size()].name;
          }
        }
        if (!post_name.empty()) {
          advocacypb::GetPostRequest request;
          request.set_name(post_name);
          advocacypb::Post post;
          record.method = "GetPost";
          status = advocacy->GetPost(
              FaultClients::Context(AuthorToken(post_name), kCallDeadline)
                  .get(),
              request, &post);
        } else {
          staffpb::GetStaffMemberRequest request;
          request.set_name(reader.name);
          staffpb::StaffMember member;
          record.method = "GetStaffMember";
          status = staff->GetStaffMember(
              FaultClients::Context(reader.token, kCallDeadline).get(), request,
              &member);
        }
      }
      record.end = absl::Now();
      record.code = status.error_code();
      record.message = status.error_message();
      {
        absl::MutexLock lock(&mu_);
        records_.push_back(record);
      }
      // A client backs off after an error; otherwise a steady pace.
      absl::SleepFor(status.ok() ? absl::Milliseconds(20)
                                 : absl::Milliseconds(100));
    }
  }

  std::string AuthorToken(const std::string& post_name) {
    absl::MutexLock lock(&mu_);
    for (const AcknowledgedPost& post : acknowledged_) {
      if (post.name == post_name) return post.author->token;
    }
    return "";
  }

  const FaultClients& clients_;
  const std::vector<const Advocate*> advocates_;
  std::atomic<int> next_write_{0};
  std::atomic<bool> stop_{false};
  mutable absl::Mutex mu_;
  std::vector<CallRecord> records_ ABSL_GUARDED_BY(mu_);
  std::vector<AcknowledgedPost> acknowledged_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> workers_;  // last: start after the rest is built
};

class DbOutageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new E2eServer();
    // A short query timeout, so that calls caught by a frozen database end
    // well inside the clients' 10 s deadline.
    E2eServerOptions options;
    options.candord_flags = {"--db_timeout_seconds=2"};
    startup_error_ = server_->Start(options);
    if (!startup_error_.empty()) return;
    clients_ = new FaultClients(*server_);
    orgs_ = new std::vector<AdvocateOrg>();
    for (int i = 0; i < kOrgs; ++i) {
      auto org = clients_->MakeOrg("outage", kAdvocatesPerOrg);
      if (!org.ok()) {
        startup_error_ = org.status().ToString();
        return;
      }
      orgs_->push_back(*std::move(org));
    }
  }
  static void TearDownTestSuite() {
    // The database may have been left stopped by a failed test.
    TestDatabase& database = TestDatabase::Get();
    database.Thaw();
    if (database.ServerPid() <= 0) database.Restart();
    server_->Stop();
    delete server_;
    delete clients_;
    delete orgs_;
  }
  void SetUp() override {
    ASSERT_TRUE(startup_error_.empty()) << startup_error_;
  }

  // The advocates of group `group` (kGroups of them, none shared).
  static std::vector<const Advocate*> Group(int group) {
    std::vector<const Advocate*> advocates;
    for (int i = group; i < kOrgs; i += kGroups) {
      for (const Advocate& advocate : (*orgs_)[i].advocates) {
        advocates.push_back(&advocate);
      }
    }
    return advocates;
  }

  // Every call ended OK or UNAVAILABLE, inside its deadline; prints the
  // figures under `label`.
  static void CheckCalls(const std::string& label, const Load& load,
                         absl::Time outage_start, absl::Time back) {
    const std::vector<CallRecord> records = load.records();
    std::map<grpc::StatusCode, int> by_code;
    std::map<std::string, int> failures;  // by method and message
    int during_outage = 0;
    absl::Duration longest = absl::ZeroDuration();
    absl::Duration longest_failed = absl::ZeroDuration();
    for (const CallRecord& record : records) {
      ++by_code[record.code];
      longest = std::max(longest, record.end - record.start);
      if (record.code != grpc::StatusCode::OK) {
        longest_failed = std::max(longest_failed, record.end - record.start);
        ++failures[absl::StrCat(record.method, ": ", record.message)];
      }
      if (record.start >= outage_start && record.start < back) ++during_outage;
      EXPECT_TRUE(record.code == grpc::StatusCode::OK ||
                  record.code == grpc::StatusCode::UNAVAILABLE)
          << record.method << " ended " << record.code << ": "
          << record.message;
      EXPECT_LT(record.end - record.start, absl::FromChrono(kCallDeadline))
          << record.method;
    }
    EXPECT_GT(by_code[grpc::StatusCode::OK], 0);
    EXPECT_GT(by_code[grpc::StatusCode::UNAVAILABLE], 0)
        << "the outage went unnoticed";
    const absl::Time first_ok = load.FirstOkStartedAfter(back);
    EXPECT_LT(first_ok - back, absl::Seconds(5))
        << "no OK within 5 s of the database being back";
    std::cout << label << ": " << records.size() << " calls, "
              << by_code[grpc::StatusCode::OK] << " OK, "
              << by_code[grpc::StatusCode::UNAVAILABLE]
              << " UNAVAILABLE; longest call " << absl::FormatDuration(longest)
              << ", longest failed call "
              << absl::FormatDuration(longest_failed) << "; outage lasted "
              << absl::FormatDuration(back - outage_start) << "; first OK "
              << absl::FormatDuration(first_ok - back)
              << " after the database was back; " << during_outage
              << " calls started during the outage\n";
    for (const auto& [failure, count] : failures) {
      std::cout << label << ": " << count << " x " << failure << "\n";
    }
  }

  // Health said NOT_SERVING (overall and per service) during the outage and
  // SERVING again after.
  static void CheckHealthFollowed(const std::string& label,
                                  const HealthWatch& health,
                                  absl::Time outage_start, absl::Time back) {
    for (const std::string& name : HealthNames()) {
      const std::string shown = name.empty() ? "overall" : name;
      EXPECT_TRUE(health.SawNotServing(name, outage_start, back))
          << shown << " never said NOT_SERVING during the outage";
      const absl::Time serving = health.FirstServing(name, back);
      EXPECT_LT(serving - back, absl::Seconds(10))
          << shown
          << " did not say SERVING within 10 s of the database being back";
      std::cout << label << ": health of " << shown << " NOT_SERVING "
                << absl::FormatDuration(
                       health.FirstNotServing(name, outage_start) -
                       outage_start)
                << " after the outage began, SERVING "
                << absl::FormatDuration(serving - back)
                << " after the database was back\n";
    }
  }

  // Keeps the database out of reach for at least `at_least` from
  // `outage_start` and, on a slow machine, until health has said
  // NOT_SERVING everywhere (bounded at 30 s): polling, not a fixed sleep,
  // so the checks below never race the health refresh.
  static void HoldOutage(const HealthWatch& health, absl::Time outage_start,
                         absl::Duration at_least) {
    const absl::Time cap = outage_start + absl::Seconds(30);
    while (absl::Now() < cap) {
      bool everywhere = absl::Now() - outage_start >= at_least;
      for (const std::string& name : HealthNames()) {
        everywhere =
            everywhere && health.SawNotServing(name, outage_start, absl::Now());
      }
      if (everywhere) return;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }

  // Keeps load and health running after the database is back until every
  // health name said SERVING and a call succeeded (bounded at 15 s).
  static void AwaitRecovery(const HealthWatch& health, const Load& load,
                            absl::Time back) {
    const absl::Time cap = back + absl::Seconds(15);
    while (absl::Now() < cap) {
      bool recovered = load.FirstOkStartedAfter(back) != absl::InfiniteFuture();
      for (const std::string& name : HealthNames()) {
        recovered = recovered &&
                    health.FirstServing(name, back) != absl::InfiniteFuture();
      }
      if (recovered) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    // A little more load after recovery, as acknowledged writes to check.
    absl::SleepFor(absl::Seconds(1));
  }

  // Every acknowledged write can be read back, as it was acknowledged.
  static void CheckAcknowledgedWritesKept(const Load& load) {
    auto advocacy = clients_->Advocacy();
    const std::vector<AcknowledgedPost> posts = load.acknowledged();
    EXPECT_GT(posts.size(), 0u);
    for (const AcknowledgedPost& post : posts) {
      advocacypb::GetPostRequest request;
      request.set_name(post.name);
      advocacypb::Post found;
      grpc::Status status;
      for (int attempt = 0; attempt < 20; ++attempt) {
        status = advocacy->GetPost(
            FaultClients::Context(post.author->token).get(), request, &found);
        if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
        absl::SleepFor(absl::Milliseconds(250));
      }
      ASSERT_TRUE(status.ok()) << post.name << " lost: " << Describe(status);
      EXPECT_EQ(found.text(), post.text) << post.name;
      EXPECT_EQ(found.author(), post.author->name) << post.name;
    }
  }

  static E2eServer* server_;
  static FaultClients* clients_;
  static std::vector<AdvocateOrg>* orgs_;
  static std::string startup_error_;
};

E2eServer* DbOutageTest::server_ = nullptr;
FaultClients* DbOutageTest::clients_ = nullptr;
std::vector<AdvocateOrg>* DbOutageTest::orgs_ = nullptr;
std::string DbOutageTest::startup_error_;

TEST_F(DbOutageTest, FrozenDatabaseFailsFastAndServiceResumes) {
  TestDatabase& database = TestDatabase::Get();
  HealthWatch health(clients_->channel());
  Load load(*clients_, Group(0));
  absl::SleepFor(absl::Seconds(1));

  const absl::Time frozen_at = absl::Now();
  ASSERT_TRUE(database.Freeze());
  HoldOutage(health, frozen_at, absl::Seconds(5));
  ASSERT_TRUE(database.Thaw());
  const absl::Time back = absl::Now();
  AwaitRecovery(health, load, back);
  load.Stop();
  health.Stop();

  CheckCalls("frozen database", load, frozen_at, back);
  CheckHealthFollowed("frozen database", health, frozen_at, back);
  CheckAcknowledgedWritesKept(load);
}

TEST_F(DbOutageTest, StoppedDatabaseFailsFastAndServiceResumes) {
  TestDatabase& database = TestDatabase::Get();
  HealthWatch health(clients_->channel());
  Load load(*clients_, Group(1));
  absl::SleepFor(absl::Seconds(1));

  const absl::Time stopped_at = absl::Now();
  ASSERT_TRUE(database.Shutdown());
  HoldOutage(health, stopped_at, absl::Seconds(5));
  ASSERT_TRUE(database.Restart());
  const absl::Time back = absl::Now();
  AwaitRecovery(health, load, back);
  load.Stop();
  health.Stop();

  CheckCalls("stopped database", load, stopped_at, back);
  CheckHealthFollowed("stopped database", health, stopped_at, back);
  CheckAcknowledgedWritesKept(load);
}

TEST_F(DbOutageTest, KilledDatabaseKeepsEveryAcknowledgedWrite) {
  TestDatabase& database = TestDatabase::Get();
  HealthWatch health(clients_->channel());
  Load load(*clients_, Group(2));
  absl::SleepFor(absl::Seconds(2));

  // SIGKILL while writes are being acknowledged: the last ones were
  // acknowledged moments before the kill.
  const size_t acknowledged_before = load.acknowledged().size();
  const absl::Time killed_at = absl::Now();
  ASSERT_TRUE(database.Kill());
  HoldOutage(health, killed_at, absl::Seconds(5));
  ASSERT_TRUE(database.Restart());  // InnoDB crash recovery
  const absl::Time back = absl::Now();
  AwaitRecovery(health, load, back);
  load.Stop();
  health.Stop();

  EXPECT_GT(acknowledged_before, 0u);
  CheckCalls("killed database", load, killed_at, back);
  CheckHealthFollowed("killed database", health, killed_at, back);
  CheckAcknowledgedWritesKept(load);
  std::cout << "killed database: " << acknowledged_before
            << " writes acknowledged before SIGKILL, "
            << load.acknowledged().size() << " in all; all kept\n";
}

TEST_F(DbOutageTest, TestDatabaseCommitsDurably) {
  auto variables = db::ReadDurabilityVariables(TestDatabase::Get().options());
  ASSERT_TRUE(variables.ok()) << variables.status();
  EXPECT_EQ(variables->at("innodb_flush_log_at_trx_commit"), "1");
  EXPECT_THAT(db::DurabilityWarnings(*variables), IsEmpty());
  EXPECT_THAT(server_->CandordLog(), Not(HasSubstr("database durability")));
}

TEST_F(DbOutageTest, CandordWarnsWhenCommitsAreNotDurable) {
  TestDatabase& database = TestDatabase::Get();
  // Only root may change a global; root gets in through the socket.
  auto set_flush = [&](int value) {
    const CommandResult result = RunCommand(
        {"/usr/bin/mariadb", "--no-defaults",
         "--socket=" + database.socket_path(), "-u", "root", "-e",
         absl::StrCat("SET GLOBAL innodb_flush_log_at_trx_commit = ", value)});
    return result.exit_code == 0;
  };
  ASSERT_TRUE(set_flush(2));
  E2eServer weakened;
  const std::string error = weakened.Start();
  ASSERT_TRUE(set_flush(1));
  ASSERT_TRUE(error.empty()) << error;
  EXPECT_THAT(weakened.CandordLog(),
              HasSubstr("WARNING: database durability: "
                        "innodb_flush_log_at_trx_commit=2"));
  weakened.Stop();
}

}  // namespace
}  // namespace candor::testing
