#include "tests/bench/load/stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "services/common/access_log.h"

namespace candor::load {

int64_t PhaseStats::error_count() const {
  int64_t n = 0;
  for (const auto& [code, count] : errors) n += count;
  return n;
}

void PhaseStats::Merge(const PhaseStats& other) {
  ok_latency_us.insert(ok_latency_us.end(), other.ok_latency_us.begin(),
                       other.ok_latency_us.end());
  for (const auto& [code, count] : other.errors) errors[code] += count;
  units += other.units;
}

namespace {

// `s` as a JSON string, quotes included (the access log's escaping).
void AppendEscaped(absl::string_view s, std::string& out) {
  absl::StrAppend(&out, "\"", JsonEscape(s), "\"");
}

}  // namespace

void JsonWriter::Comma() {
  if (!first_) out_.push_back(',');
  first_ = false;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  Comma();
  AppendEscaped(key, out_);
  out_.push_back(':');
  return *this;
}

JsonWriter& JsonWriter::BeginObject(absl::string_view key) {
  if (key.empty()) {
    Comma();
  } else {
    Key(key);
  }
  out_.push_back('{');
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  out_.push_back('}');
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view key, absl::string_view value) {
  Key(key);
  AppendEscaped(value, out_);
  return *this;
}

JsonWriter& JsonWriter::Int(absl::string_view key, int64_t value) {
  Key(key);
  absl::StrAppend(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::Double(absl::string_view key, double value) {
  Key(key);
  if (!std::isfinite(value)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", value);
  out_ += buf;
  return *this;
}

JsonWriter& JsonWriter::Bool(absl::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Null(absl::string_view key) {
  Key(key);
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::Raw(absl::string_view key, absl::string_view json) {
  Key(key);
  out_.append(json.data(), json.size());
  return *this;
}

double QuantileMs(const std::vector<int64_t>& sorted_us, double q) {
  if (sorted_us.empty()) return 0;
  // Nearest rank: the smallest latency that at least q of the calls beat
  // or matched, so p999 of 500 calls is the maximum, never an interpolation.
  size_t rank = static_cast<size_t>(std::ceil(q * sorted_us.size()));
  if (rank == 0) rank = 1;
  if (rank > sorted_us.size()) rank = sorted_us.size();
  return sorted_us[rank - 1] / 1000.0;
}

void WritePhase(PhaseStats& stats, double seconds, JsonWriter& out) {
  std::sort(stats.ok_latency_us.begin(), stats.ok_latency_us.end());
  out.Int("calls", stats.calls());
  out.Int("ok", stats.ok());
  out.BeginObject("errors");
  for (const auto& [code, count] : stats.errors) out.Int(code, count);
  out.EndObject();
  out.Int("error_count", stats.error_count());
  out.Double("throughput_per_s", seconds > 0 ? stats.ok() / seconds : 0);
  const auto& l = stats.ok_latency_us;
  out.BeginObject("latency_ms")
      .Double("p50", QuantileMs(l, 0.5))
      .Double("p90", QuantileMs(l, 0.9))
      .Double("p99", QuantileMs(l, 0.99))
      .Double("p999", QuantileMs(l, 0.999))
      .Double("max", l.empty() ? 0 : l.back() / 1000.0)
      .EndObject();
}

}  // namespace candor::load
