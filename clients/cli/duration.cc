#include "clients/cli/duration.h"

#include <cstdint>
#include <string>

namespace candor::cli {
namespace {

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(
      "invalid duration \"" + std::string(text) + "\": " + std::string(why) +
      " (use a whole number and a unit: 500ms, 30s, 30m, 12h, 7d, 1h30m)");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<absl::Duration> ParseDuration(std::string_view text) {
  constexpr int64_t kMaxNumber = int64_t{1}
                                 << 40;  // keeps sums far from overflow
  const absl::Duration kMax = absl::Hours(24 * 365 * 10);
  if (text.empty()) return Invalid(text, "empty");
  absl::Duration total = absl::ZeroDuration();
  size_t pos = 0;
  while (pos < text.size()) {
    if (!IsDigit(text[pos])) return Invalid(text, "expected a number");
    int64_t number = 0;
    while (pos < text.size() && IsDigit(text[pos])) {
      number = number * 10 + (text[pos] - '0');
      if (number > kMaxNumber) return Invalid(text, "too long");
      ++pos;
    }
    const size_t unit_begin = pos;
    while (pos < text.size() && !IsDigit(text[pos])) ++pos;
    const std::string_view unit = text.substr(unit_begin, pos - unit_begin);
    if (unit == "ms") {
      total += absl::Milliseconds(number);
    } else if (unit == "s") {
      total += absl::Seconds(number);
    } else if (unit == "m") {
      total += absl::Minutes(number);
    } else if (unit == "h") {
      total += absl::Hours(number);
    } else if (unit == "d") {
      total += absl::Hours(24 * number);
    } else if (unit.empty()) {
      return Invalid(text, "missing unit");
    } else {
      return Invalid(text, "unknown unit \"" + std::string(unit) + "\"");
    }
    if (total > kMax) return Invalid(text, "longer than 10 years");
  }
  if (total <= absl::ZeroDuration()) return Invalid(text, "must be positive");
  return total;
}

}  // namespace candor::cli
