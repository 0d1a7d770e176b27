// The Merkle tree's cost at the size issue 14 names: a 1,000,000-entry
// audit log. Prints numbers; ctest does not run it.
//   build/tests/bench/candor_merkle_benchmark
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "services/transparency/merkle.h"

namespace candor::transparency::merkle {
namespace {

constexpr size_t kEntries = 1'000'000;

const std::vector<Hash>& Leaves() {
  static const std::vector<Hash>* leaves = [] {
    auto* out = new std::vector<Hash>();
    out->reserve(kEntries);
    for (size_t i = 0; i < kEntries; ++i) {
      out->push_back(LeafHash("audit entry " + std::to_string(i)));
    }
    return out;
  }();
  return *leaves;
}

void BM_Root(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(RootOf(Leaves()));
}
BENCHMARK(BM_Root)->Unit(benchmark::kMillisecond);

void BM_InclusionProof(benchmark::State& state) {
  std::vector<Hash> proof;
  for (auto _ : state) proof = InclusionProof(Leaves(), kEntries / 3);
  state.counters["proof_hashes"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMillisecond);

void BM_ConsistencyProof(benchmark::State& state) {
  std::vector<Hash> proof;
  for (auto _ : state) proof = ConsistencyProof(Leaves(), kEntries - 12'345);
  state.counters["proof_hashes"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMillisecond);

void BM_VerifyInclusion(benchmark::State& state) {
  const Hash root = RootOf(Leaves());
  const uint64_t index = kEntries / 3;
  const std::vector<Hash> proof = InclusionProof(Leaves(), index);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        VerifyInclusion(index, kEntries, Leaves()[index], proof, root));
  }
}
BENCHMARK(BM_VerifyInclusion)->Unit(benchmark::kMicrosecond);

void BM_VerifyConsistency(benchmark::State& state) {
  const uint64_t old_size = kEntries - 12'345;
  const Hash old_root =
      RootOf(absl::MakeConstSpan(Leaves()).subspan(0, old_size));
  const Hash new_root = RootOf(Leaves());
  const std::vector<Hash> proof = ConsistencyProof(Leaves(), old_size);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        VerifyConsistency(old_size, kEntries, old_root, new_root, proof));
  }
}
BENCHMARK(BM_VerifyConsistency)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace candor::transparency::merkle

BENCHMARK_MAIN();
