// What the scenario files of candor_load share, and the scenarios that
// live in files of their own. Used from the main thread only.
#ifndef CANDOR_TESTS_BENCH_LOAD_SCENARIO_SUPPORT_H_
#define CANDOR_TESTS_BENCH_LOAD_SCENARIO_SUPPORT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tests/bench/load/load_context.h"
#include "tests/bench/load/runner.h"

namespace candor::load {

// A setup call's status as an absl::Status naming what was called.
inline absl::Status FromGrpc(const grpc::Status& status,
                             absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// record_events (record_events.cc).
absl::StatusOr<std::unique_ptr<Scenario>> MakeRecordEvents(
    LoadContext& context, std::vector<Connection>& connections);

}  // namespace candor::load

#endif  // CANDOR_TESTS_BENCH_LOAD_SCENARIO_SUPPORT_H_
