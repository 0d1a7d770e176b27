// Latency and outcome statistics of one measured phase, and the small JSON
// writer candor_load prints them with.
//
// PhaseStats is filled under the runner's mutex and read after the phase
// ends; neither class is thread-safe by itself.
#ifndef CANDOR_TESTS_BENCH_LOAD_STATS_H_
#define CANDOR_TESTS_BENCH_LOAD_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace candor::load {

// Outcomes of the calls of one method (or of all methods) in the measured
// window. Latencies are kept whole, in microseconds: a sorted vector gives
// exact percentiles, and a 10 s run on this hardware stays far below the
// few million samples where a log-bucketed histogram would pay off.
struct PhaseStats {
  std::vector<int64_t> ok_latency_us;
  std::map<std::string, int64_t> errors;  // gRPC code name -> count
  int64_t units = 0;  // scenario-defined work (events, rows) of OK calls

  int64_t ok() const { return static_cast<int64_t>(ok_latency_us.size()); }
  int64_t error_count() const;
  int64_t calls() const { return ok() + error_count(); }
  void Merge(const PhaseStats& other);
};

// Writes one JSON object without whitespace. Keys and values are escaped.
class JsonWriter {
 public:
  JsonWriter& BeginObject(absl::string_view key = {});
  JsonWriter& EndObject();
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view key, absl::string_view value);
  JsonWriter& Int(absl::string_view key, int64_t value);
  JsonWriter& Double(absl::string_view key, double value);
  JsonWriter& Bool(absl::string_view key, bool value);
  JsonWriter& Null(absl::string_view key);
  // A value already written as JSON (an object built by another writer).
  JsonWriter& Raw(absl::string_view key, absl::string_view json);

  const std::string& str() const { return out_; }

 private:
  void Comma();

  std::string out_;
  bool first_ = true;
};

// Writes the common fields of a phase: calls, ok, errors, error_count,
// throughput_per_s and latency_ms {p50, p90, p99, p999, max}. Sorts the
// latencies in place.
void WritePhase(PhaseStats& stats, double seconds, JsonWriter& out);

// The latency at quantile `q` of sorted latencies, in milliseconds (0 when
// there are none).
double QuantileMs(const std::vector<int64_t>& sorted_us, double q);

}  // namespace candor::load

#endif  // CANDOR_TESTS_BENCH_LOAD_STATS_H_
