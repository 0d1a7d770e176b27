// The benchmark harness keeps working: candor_datagen loads a tiny dataset
// into a real candord, every candor_load scenario runs for a second and
// prints a JSON line with successful calls, and render-benchmarks turns the
// lines into a report. Nothing here is timed: the numbers come from
// tests/bench/run-benchmarks on a quiet machine.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

using ::testing::HasSubstr;

// True when a JSON line reports at least one successful call ("ok":N, N > 0).
bool HasOkCalls(const std::string& line) {
  const size_t at = line.find("\"ok\":");
  return at != std::string::npos && line.size() > at + 5 &&
         line[at + 5] >= '1' && line[at + 5] <= '9';
}

class BenchHarnessSmokeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new E2eServer();
    const std::string error = server_->Start();
    ASSERT_EQ(error, "") << error;
  }
  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    server_ = nullptr;
  }
  static E2eServer* server_;
};

E2eServer* BenchHarnessSmokeTest::server_ = nullptr;

TEST_F(BenchHarnessSmokeTest, LoadsATinyDatasetRunsEveryScenarioAndRenders) {
  const std::string dataset = server_->dir() + "/dataset.txt";
  const std::string results = server_->dir() + "/results.jsonl";
  const TestDatabase& database = TestDatabase::Get();
  const CommandResult loaded = RunCommand(
      {BinaryDir() + "/tests/bench/candor_datagen",
       "--addr=" + server_->Address(),
       "--jwt_secret_file=" + server_->jwt_secret_file(),
       "--db_socket=" + database.socket_path(), "--db_user=candor",
       "--db_password_file=" + database.password_file(), "--organization=smoke",
       "--staff=300", "--values=5", "--stories=10", "--posts=2000",
       "--events=20000", "--dataset=" + dataset});
  ASSERT_EQ(loaded.exit_code, 0) << loaded;

  // (run name as run-benchmarks tags it, candor_load arguments)
  const std::vector<std::pair<std::string, std::vector<std::string>>> runs = {
      {"get_staff_c64", {"--scenario=get_staff"}},
      {"list_feed_c64", {"--scenario=list_feed"}},
      {"list_staff_deep_c64", {"--scenario=list_staff_deep", "--min_depth=1"}},
      {"evaluate_post_c64", {"--scenario=evaluate_post"}},
      {"submit_post_1000",
       {"--scenario=submit_post", "--rate=50", "--posts=100"}},
      {"record_events",
       {"--scenario=record_events", "--events_per_stream=1000",
        "--baseline=false"}},
      {"import_staff",
       {"--scenario=import_staff", "--import_rows=500", "--baseline=false"}},
      {"verify_audit",
       {"--scenario=verify_audit", "--repeat=1", "--baseline=false"}},
      {"mixed_c64", {"--scenario=mixed"}},
      {"overload_list_feed_4x",
       {"--scenario=list_feed", "--rate=200", "--deadline=1s",
        "--baseline=false"}},
  };
  std::string tagged;
  for (const auto& [name, arguments] : runs) {
    SCOPED_TRACE(name);
    std::vector<std::string> argv = {
        BinaryDir() + "/tests/bench/load/candor_load",
        "--addr=" + server_->Address(),
        "--jwt_secret_file=" + server_->jwt_secret_file(),
        "--dataset=" + dataset,
        "--duration=1s",
        "--warmup=0s",
        "--concurrency=4",
        "--channels=2"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    const CommandResult run = RunCommand(argv);
    ASSERT_EQ(run.exit_code, 0) << run;
    EXPECT_TRUE(HasOkCalls(run.out)) << run.out;
    // As run-benchmarks does with jq: the run's name and candord's memory.
    ASSERT_EQ(run.out.substr(0, 1), "{");
    tagged += absl::StrCat(
        R"({"run":")", name,
        R"(","candord_rss_mib":1,"candord_hwm_mib":1,"candord_threads":1,)",
        run.out.substr(1));
  }
  ASSERT_TRUE(WriteFile(results, tagged));

  const CommandResult report =
      RunCommand({SourceDir() + "/tests/bench/render-benchmarks", results,
                  server_->dir()});
  ASSERT_EQ(report.exit_code, 0) << report;
  EXPECT_THAT(report.out, HasSubstr("| get_staff_c64 | `get_staff`"));
  EXPECT_THAT(report.out, HasSubstr("## Targets"));
  EXPECT_THAT(report.out, HasSubstr("| Import of 100,000 staff < 20 s |"));
}

}  // namespace
}  // namespace candor::testing
