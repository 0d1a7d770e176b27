// What every scenario of candor_load needs before its timed phase: the
// dataset manifest, cached tokens, a channel for the untimed setup calls
// (plain blocking stubs), and the scenario flags.
//
// A LoadContext is built and used by the main thread only; the strings it
// hands out stay valid (and unchanged) for its lifetime, so scenarios keep
// pointers to them and read them from gRPC threads during the run.
#ifndef CANDOR_TESTS_BENCH_LOAD_LOAD_CONTEXT_H_
#define CANDOR_TESTS_BENCH_LOAD_LOAD_CONTEXT_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/bench/dataset.h"

namespace candor::load {

struct ScenarioFlags {
  int posts = 0;                 // submit_post: drafts to prepare (0: auto)
  int import_rows = 100000;      // import_staff
  int repeat = 3;                // verify_audit
  int min_depth = 100;           // list_staff_deep: first page measured
  int events_per_stream = 5000;  // record_events: 500 per message
};

class LoadContext {
 public:
  LoadContext(std::string address, std::string jwt_secret, uint64_t seed,
              bench::Dataset dataset, ScenarioFlags flags);
  LoadContext(const LoadContext&) = delete;
  LoadContext& operator=(const LoadContext&) = delete;

  const bench::Dataset& dataset() const { return dataset_; }
  const ScenarioFlags& flags() const { return flags_; }
  uint64_t seed() const { return seed_; }
  const std::string& address() const { return address_; }
  // organizations/{org}
  const std::string& org_name() const { return org_name_; }
  std::string StaffName(const std::string& staff_id) const;

  // `authorization` header values ("Bearer ..."), minted once (valid 2h)
  // and cached: an employee of the dataset, its admin (admin, reviewer and
  // employee roles), an operator, and a service of the dataset's org.
  const std::string& EmployeeAuth(const std::string& staff_id);
  const std::string& AdminAuth();
  const std::string& OperatorAuth();
  const std::string& ServiceAuth();
  // Any staff member of any organization with the given role claims.
  absl::StatusOr<std::string> MintStaffAuth(const std::string& org,
                                            const std::string& staff_id,
                                            bool admin);

  // For setup calls: one channel, blocking stubs, a generous deadline.
  std::shared_ptr<grpc::Channel> setup_channel();
  std::unique_ptr<grpc::ClientContext> SetupContext(
      const std::string& auth, absl::Duration deadline = absl::Seconds(60));

 private:
  const std::string& Cached(const std::string& key, const std::string& subject,
                            const std::string& org,
                            const std::vector<std::string>& roles);

  const std::string address_;
  const std::string jwt_secret_;
  const uint64_t seed_;
  const bench::Dataset dataset_;
  const ScenarioFlags flags_;
  const std::string org_name_;
  // std::map: references to its values stay valid as it grows.
  std::map<std::string, std::string> tokens_;
  std::shared_ptr<grpc::Channel> setup_channel_;
};

}  // namespace candor::load

#endif  // CANDOR_TESTS_BENCH_LOAD_LOAD_CONTEXT_H_
