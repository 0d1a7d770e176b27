// --setup_small: loads a small dataset into a running candord and writes
// its manifest, for trying candor_load (and a smoke test) before the real
// data generator has run. Creates a fresh organization (unique id per
// run): 200 staff (the first admin, 3 reviewers, employees), 3 values,
// 3 stories for everyone, and for 40 consenting employees one approved
// post each (through submission and, where needed, review) and a share of
// it. Calls run one after another from the calling thread.
#ifndef CANDOR_TESTS_BENCH_LOAD_SETUP_SMALL_H_
#define CANDOR_TESTS_BENCH_LOAD_SETUP_SMALL_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace candor::load {

// Loads the dataset through `address` with operator tokens signed with
// `jwt_secret`, and writes its manifest to `manifest_path`.
absl::Status SetupSmallDataset(const std::string& address,
                               const std::string& jwt_secret, uint64_t seed,
                               const std::string& manifest_path);

}  // namespace candor::load

#endif  // CANDOR_TESTS_BENCH_LOAD_SETUP_SMALL_H_
