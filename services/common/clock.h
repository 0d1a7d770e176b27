// The one clock reading services store: microseconds since the Unix epoch,
// UTC, as every schema keeps times. Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_CLOCK_H_
#define CANDOR_SERVICES_COMMON_CLOCK_H_

#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor {

inline int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_CLOCK_H_
