// candor_load: a gRPC load generator for a running candord.
//
//   candor_load --addr=127.0.0.1:50051 --scenario=list_feed --concurrency=32
//   candor_load --scenario=get_staff --rate=2000 --max_in_flight=500
//
// It first runs grpc.health.v1.Health/Check with the same shape (the
// server's floor cost per call on this machine), then the scenario, and
// prints one JSON line to stdout (and appends it to --json_out) and a short
// summary to stderr. Exit status: 0 done, 1 the server or a setup call
// failed, 2 bad flags or inputs (no secret, no manifest).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "services/common/auth.h"
#include "tests/bench/dataset.h"
#include "tests/bench/load/load_context.h"
#include "tests/bench/load/runner.h"
#include "tests/bench/load/scenarios.h"
#include "tests/bench/load/stats.h"

ABSL_FLAG(std::string, addr, "127.0.0.1:50051", "candord's gRPC address");
ABSL_FLAG(std::string, scenario, "health",
          "health, get_staff, list_feed, list_staff_deep, submit_post, "
          "evaluate_post, record_events, import_staff, verify_audit or mixed");
ABSL_FLAG(int, channels, 8, "separate connections, used round-robin");
ABSL_FLAG(int, concurrency, 16, "closed loop: calls in flight");
ABSL_FLAG(double, rate, 0,
          "open loop: calls per second on a fixed schedule (0: closed loop)");
ABSL_FLAG(int, max_in_flight, 1000,
          "open loop: scheduled calls beyond this many in flight are dropped "
          "(and counted)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured time");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2),
          "load before the measured time, not counted");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(5), "deadline of each call");
ABSL_FLAG(bool, baseline, true,
          "first run Health/Check the same way, and report the ratio");
ABSL_FLAG(std::string, jwt_secret_file, "var/jwt.secret",
          "the server's HS256 secret, to mint tokens");
ABSL_FLAG(std::string, dataset, "var/bench/dataset.txt",
          "the dataset manifest (candor_datagen writes it)");
ABSL_FLAG(uint64_t, seed, 1, "seed of every random choice");
ABSL_FLAG(std::string, json_out, "", "append the JSON line to this file too");
ABSL_FLAG(int, posts, 0,
          "submit_post: drafts to prepare (0: enough for the open-loop "
          "schedule, or 3000 in closed loop)");
ABSL_FLAG(int, import_rows, 100000, "import_staff: rows in the one stream");
ABSL_FLAG(int, repeat, 3, "verify_audit: verifications, one after another");
ABSL_FLAG(int, min_depth, 100,
          "list_staff_deep: pages of 50 walked before measuring");
ABSL_FLAG(int, events_per_stream, 5000,
          "record_events: events per stream, in messages of 500");

namespace candor::load {
namespace {

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "candor_load: %s\n", message.c_str());
  return code;
}

void WriteOptions(const std::string& scenario, const RunOptions& options,
                  int channels, JsonWriter& out) {
  out.String("scenario", scenario);
  out.String("mode", options.rate > 0 ? "open" : "closed");
  out.Int("concurrency", options.concurrency);
  out.Double("rate", options.rate);
  out.Int("max_in_flight", options.max_in_flight);
  out.Int("channels", channels);
  out.Double("duration_s", absl::ToDoubleSeconds(options.duration));
  out.Double("warmup_s", absl::ToDoubleSeconds(options.warmup));
}

// The common fields of a runner phase, and its per-method breakdown when
// it has several methods.
double WriteRun(RunResult& result, const std::vector<std::string>& methods,
                bool open_loop, JsonWriter& out) {
  WritePhase(result.total, result.seconds, out);
  if (open_loop) out.Int("dropped", result.dropped);
  if (methods.size() > 1) {
    out.BeginObject("methods");
    for (size_t i = 0; i < methods.size(); ++i) {
      out.BeginObject(methods[i]);
      WritePhase(result.by_method[i], result.seconds, out);
      out.EndObject();
    }
    out.EndObject();
  }
  return result.seconds > 0 ? result.total.ok() / result.seconds : 0;
}

std::string Summary(const std::string& label, RunResult& result) {
  const auto& l = result.total.ok_latency_us;  // sorted by WritePhase
  return absl::StrFormat(
      "%-16s %8lld ok %6lld errors %9.1f/s  p50 %.2f ms  p99 %.2f ms  "
      "max %.2f ms%s",
      label, static_cast<long long>(result.total.ok()),
      static_cast<long long>(result.total.error_count()),
      result.seconds > 0 ? result.total.ok() / result.seconds : 0,
      QuantileMs(l, 0.5), QuantileMs(l, 0.99),
      l.empty() ? 0 : l.back() / 1000.0,
      result.dropped > 0 ? absl::StrCat("  dropped ", result.dropped) : "");
}

int Main() {
  const std::string scenario_name = absl::GetFlag(FLAGS_scenario);
  const std::string address = absl::GetFlag(FLAGS_addr);
  if (!IsKnownScenario(scenario_name)) {
    return Fail(2, absl::StrCat("unknown --scenario=", scenario_name));
  }
  RunOptions options;
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.deadline = absl::GetFlag(FLAGS_deadline);
  const int channels = absl::GetFlag(FLAGS_channels);
  if (channels < 1 || options.concurrency < 1 || options.rate < 0 ||
      options.max_in_flight < 1 || options.duration <= absl::ZeroDuration() ||
      options.warmup < absl::ZeroDuration() ||
      options.deadline <= absl::ZeroDuration()) {
    return Fail(2,
                "--channels, --concurrency, --max_in_flight, --duration "
                "and --deadline must be positive; --rate and --warmup not "
                "negative");
  }

  const bool needs_secret = scenario_name != "health";
  std::string secret;
  if (needs_secret) {
    absl::StatusOr<std::string> read =
        ReadKeyFile(absl::GetFlag(FLAGS_jwt_secret_file));
    if (!read.ok()) {
      return Fail(
          2, absl::StrCat("cannot read the JWT secret (--jwt_secret_file): ",
                          read.status().message()));
    }
    secret = *std::move(read);
  }

  bench::Dataset dataset;
  if (scenario_name != "health" && scenario_name != "import_staff") {
    absl::StatusOr<bench::Dataset> read =
        bench::ReadDataset(absl::GetFlag(FLAGS_dataset));
    if (!read.ok()) {
      return Fail(
          2, absl::StrCat(
                 "cannot read the dataset manifest --dataset=",
                 absl::GetFlag(FLAGS_dataset), ": ", read.status().message(),
                 " (run candor_datagen; small sizes such as --staff=300 "
                 "--posts=2000 --events=20000 load in seconds)"));
    }
    dataset = *std::move(read);
  }

  std::vector<Connection> connections;
  absl::Status connected =
      OpenConnections(address, channels, absl::Seconds(5), connections);
  if (!connected.ok()) return Fail(1, std::string(connected.message()));

  ScenarioFlags flags;
  flags.posts = absl::GetFlag(FLAGS_posts);
  flags.import_rows = absl::GetFlag(FLAGS_import_rows);
  flags.repeat = absl::GetFlag(FLAGS_repeat);
  flags.min_depth = absl::GetFlag(FLAGS_min_depth);
  flags.events_per_stream = absl::GetFlag(FLAGS_events_per_stream);
  LoadContext context(address, secret, absl::GetFlag(FLAGS_seed),
                      std::move(dataset), flags);

  JsonWriter out;
  out.BeginObject();
  WriteOptions(scenario_name, options, channels, out);
  std::vector<std::string> summary;

  if (!IsRunnerScenario(scenario_name)) {
    // One sequential operation: a throughput ratio to a concurrent
    // Health/Check load would compare unlike things, so no baseline.
    std::string line;
    absl::Status status = scenario_name == "import_staff"
                              ? RunImportStaff(context, out, line)
                              : RunVerifyAudit(context, out, line);
    if (!status.ok()) return Fail(1, status.ToString());
    out.Null("baseline");
    out.Null("ratio_to_baseline");
    summary.push_back(line);
  } else {
    absl::StatusOr<std::unique_ptr<Scenario>> scenario =
        MakeScenario(scenario_name, context, options, connections);
    if (!scenario.ok()) {
      return Fail(1, absl::StrCat("preparing ", scenario_name, ": ",
                                  scenario.status().ToString()));
    }
    const bool open_loop = options.rate > 0;
    double baseline_throughput = 0;
    std::string baseline_json;
    if (absl::GetFlag(FLAGS_baseline) && scenario_name != "health") {
      std::unique_ptr<Scenario> health = MakeHealthScenario();
      Runner runner(connections, *health, options);
      RunResult result = runner.Run();
      JsonWriter baseline;
      baseline.BeginObject();
      baseline_throughput =
          WriteRun(result, health->MethodNames(), open_loop, baseline);
      baseline.EndObject();
      baseline_json = baseline.str();
      summary.push_back(Summary("baseline health", result));
    }
    Runner runner(connections, **scenario, options);
    RunResult result = runner.Run();
    const double throughput =
        WriteRun(result, (*scenario)->MethodNames(), open_loop, out);
    (*scenario)->WriteFields(result, out);
    if (baseline_json.empty()) {
      out.Null("baseline");
      out.Null("ratio_to_baseline");
    } else {
      out.Raw("baseline", baseline_json);
      out.Double("ratio_to_baseline", baseline_throughput > 0
                                          ? throughput / baseline_throughput
                                          : 0);
    }
    summary.push_back(Summary(scenario_name, result));
    if (result.still_in_flight > 0) {
      summary.push_back(
          absl::StrCat("note: ", result.still_in_flight,
                       " calls had not ended when the report was taken"));
    }
    if (result.exhausted) {
      summary.push_back(
          "note: the scenario used up its prepared work before the end "
          "(raise --posts)");
    }
  }
  out.String("server", address);
  if (!context.dataset().organization_id.empty()) {
    out.String("dataset_organization", context.dataset().organization_id);
  }
  out.String("time", absl::FormatTime(absl::RFC3339_sec, absl::Now(),
                                      absl::UTCTimeZone()));
  out.EndObject();

  std::printf("%s\n", out.str().c_str());
  std::fflush(stdout);
  for (const std::string& line : summary) {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  const std::string json_out = absl::GetFlag(FLAGS_json_out);
  if (!json_out.empty()) {
    std::ofstream file(json_out, std::ios::app);
    file << out.str() << "\n";
    if (!file) return Fail(2, absl::StrCat("cannot append to ", json_out));
  }
  return 0;
}

}  // namespace
}  // namespace candor::load

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "gRPC load generator for candord; see tests/bench/load/main.cc");
  absl::ParseCommandLine(argc, argv);
  return candor::load::Main();
}
