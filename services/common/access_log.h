// One JSON line per call: time, method, code, latency, caller, request_id.
// Written whole with a single write so concurrent lines never interleave.
// Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_ACCESS_LOG_H_
#define CANDOR_SERVICES_COMMON_ACCESS_LOG_H_

#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor {

struct AccessRecord {
  absl::string_view method;  // "/candor.staff.v1.StaffService/GetStaffMember"
  absl::string_view code;    // "OK", "NOT_FOUND", ...
  absl::Duration latency;
  absl::string_view caller;  // the token subject; empty when unauthenticated
  absl::string_view request_id;
  absl::string_view message;  // the error message for failed calls
};

class AccessLog {
 public:
  // Writes to `sink` (not owned; stderr by default). nullptr disables.
  explicit AccessLog(std::FILE* sink = stderr) : sink_(sink) {}

  void Write(const AccessRecord& record, absl::Time now = absl::Now()) const;

  // The line Write() would emit, without the trailing newline.
  static std::string Format(const AccessRecord& record, absl::Time now);

 private:
  std::FILE* const sink_;
};

// Escapes `text` for use inside a JSON string.
std::string JsonEscape(absl::string_view text);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_ACCESS_LOG_H_
