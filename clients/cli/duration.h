// Durations as people type them on a command line: "30s", "30m", "12h",
// "7d", "500ms", or a sum such as "1h30m".
#ifndef CANDOR_CLIENTS_CLI_DURATION_H_
#define CANDOR_CLIENTS_CLI_DURATION_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace candor::cli {

// Parses one or more <whole number><unit> terms, units ms, s, m, h and d
// (a day is 24 hours). INVALID_ARGUMENT, naming the text and the accepted
// form, for anything else, for zero, and for more than 10 years.
absl::StatusOr<absl::Duration> ParseDuration(std::string_view text);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_DURATION_H_
