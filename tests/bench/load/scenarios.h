// The scenarios of candor_load. Each is prepared (tokens minted, requests
// built and serialized, one-shot work such as draft posts created) before
// the timed phase, then driven by the Runner; import_staff and verify_audit
// are single sequential operations and run on their own.
//
// Functions here are called from the main thread; the Scenario objects they
// return are then used by the Runner as runner.h describes.
#ifndef CANDOR_TESTS_BENCH_LOAD_SCENARIOS_H_
#define CANDOR_TESTS_BENCH_LOAD_SCENARIOS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/bench/load/load_context.h"
#include "tests/bench/load/runner.h"
#include "tests/bench/load/stats.h"

namespace candor::load {

// grpc.health.v1.Health/Check of the whole server (service ""): the
// baseline every other scenario is compared with. Needs no dataset.
std::unique_ptr<Scenario> MakeHealthScenario();

// True for the scenarios MakeScenario builds (those the Runner drives).
bool IsRunnerScenario(const std::string& name);
// True for every scenario name candor_load knows.
bool IsKnownScenario(const std::string& name);

// Builds and prepares scenario `name`. `options` sizes one-shot work (how
// many drafts submit_post needs); `connections` are those the run uses.
absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(
    const std::string& name, LoadContext& context, const RunOptions& options,
    std::vector<Connection>& connections);

// import_staff: a fresh organization (unique id per run) and one
// ImportStaffMembers stream of --import_rows synthetic rows. Writes the
// common phase fields and import_seconds, rows_per_s, ... to `out`.
absl::Status RunImportStaff(LoadContext& context, JsonWriter& out,
                            std::string& summary);

// verify_audit: VerifyAuditLog of the dataset's organization as its admin,
// --repeat times one after another.
absl::Status RunVerifyAudit(LoadContext& context, JsonWriter& out,
                            std::string& summary);

}  // namespace candor::load

#endif  // CANDOR_TESTS_BENCH_LOAD_SCENARIOS_H_
