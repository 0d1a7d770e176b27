// The manifest of a generated benchmark dataset: which organization holds it,
// how big it is, and samples of the ids the load generator's scenarios pick
// from. candor_datagen writes it after loading; candor_load reads it.
//
// The file is plain text, one `key value` pair per line; repeated keys build
// the lists. Unknown keys are an error, so a stale manifest is noticed.
#ifndef CANDOR_TESTS_BENCH_DATASET_H_
#define CANDOR_TESTS_BENCH_DATASET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace candor::bench {

struct Dataset {
  uint64_t seed = 0;
  std::string organization_id;
  std::string admin_staff_id;  // has admin and reviewer roles
  std::vector<std::string> reviewer_staff_ids;
  // A sample of active, consenting employees (the load generator's authors
  // and feed readers); all of them have posts and shares.
  std::vector<std::string> employee_staff_ids;
  std::vector<std::string> value_ids;
  std::vector<std::string> story_ids;
  // A sample of share ids (COMPLIANT shares of APPROVED posts).
  std::vector<std::string> share_ids;
  // Totals as loaded.
  uint64_t staff_count = 0;
  uint64_t value_count = 0;
  uint64_t story_count = 0;
  uint64_t post_count = 0;
  uint64_t audit_entry_count = 0;
  uint64_t engagement_event_count = 0;
};

absl::Status WriteDataset(const Dataset& dataset, const std::string& path);
absl::StatusOr<Dataset> ReadDataset(const std::string& path);

}  // namespace candor::bench

#endif  // CANDOR_TESTS_BENCH_DATASET_H_
