#include "services/transparency/engine/minhash.h"

#include <algorithm>

#include "services/transparency/engine/hash.h"

namespace candor::transparency {
namespace {

// Permutation i maps a shingle x to (x ^ kXor[i]) * kMul[i] mod 2^32: a
// bijection of 32-bit values whose high bits (which decide the minimum)
// depend on every bit of x. Shingle hashes are already uniformly mixed, so
// this cheap family behaves like independent random permutations (the unit
// tests check the estimate's error); it is 32-bit so the compiler
// vectorizes the loop over the 128 positions.
struct Permutations {
  std::array<uint32_t, kSignatureSize> mul{};
  std::array<uint32_t, kSignatureSize> xr{};
};

constexpr Permutations MakePermutations() {
  Permutations p;
  uint64_t state =
      0x243f6a8885a308d3ULL;  // fixed forever: stored data depends on it
  for (size_t i = 0; i < kSignatureSize; ++i) {
    state += 0x9e3779b97f4a7c15ULL;
    const uint64_t r = Mix64(state);
    p.mul[i] = static_cast<uint32_t>(r >> 32) | 1u;
    p.xr[i] = static_cast<uint32_t>(r);
  }
  return p;
}

constexpr Permutations kPermutations = MakePermutations();

}  // namespace

// The loop over positions is what a check spends most of its time on; an
// AVX2 clone (chosen at load time where the CPU has it) does 8 positions per
// instruction instead of SSE2's emulated 4.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
MinHashSignature
ComputeSignature(absl::Span<const uint32_t> shingles) {
  MinHashSignature sig;
  sig.fill(0xFFFFFFFFu);
  const uint32_t* mul = kPermutations.mul.data();
  const uint32_t* xr = kPermutations.xr.data();
  uint32_t* out = sig.data();
  for (const uint32_t x : shingles) {
    for (size_t i = 0; i < kSignatureSize; ++i) {
      const uint32_t h = (x ^ xr[i]) * mul[i];
      out[i] = std::min(out[i], h);
    }
  }
  return sig;
}

uint32_t BandKey(const MinHashSignature& signature, size_t band) {
  const size_t row = band * kRowsPerBand;
  uint64_t h = Mix64(0x62616e64ULL + band);  // "band"
  for (size_t k = 0; k < kRowsPerBand; ++k) h = Mix64(h ^ signature[row + k]);
  return Fold32(h);
}

double EstimateJaccard(const MinHashSignature& a, const MinHashSignature& b) {
  size_t same = 0;
  for (size_t i = 0; i < kSignatureSize; ++i) same += a[i] == b[i];
  return static_cast<double>(same) / static_cast<double>(kSignatureSize);
}

}  // namespace candor::transparency
