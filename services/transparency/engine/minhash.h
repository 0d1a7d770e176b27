// MinHash signatures of shingle sets and their LSH band keys.
//
// A signature holds, for each of 128 fixed hash functions, the smallest
// hash of any shingle in the set; two sets agree on one position with
// probability equal to their Jaccard resemblance (Broder 1997). The index
// (near_duplicate_index.h) cuts the first 126 positions into 42 bands of 3
// rows: two posts become candidates when all 3 rows of any band agree, which
// happens with probability 1 - (1 - J^3)^42:
//
//     J   = 0.3    0.4    0.5    0.6    0.8
//     P   = 0.68   0.93   0.996  0.9999 1.0
//
// docs/RULES.md measured that light edits (punctuation, a swapped word, a
// hashtag) break many 3-shingles, so copied posts often sit just above the
// 0.5 threshold: the banding must catch J = 0.5 almost always (0.996 here),
// while unrelated posts (J < 0.1, P < 0.04) rarely become candidates. Four
// rows would need 71 bands for the same recall at 0.5; two rows (20 bands
// for the same recall) would make a pair with J = 0.2 a candidate 56% of
// the time. Every candidate is
// verified by exact Jaccard, so banding only decides what is compared.
//
// The hash functions are fixed (seeded constants), so signatures and band
// keys are the same in every process. Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_MINHASH_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_MINHASH_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace candor::transparency {

inline constexpr size_t kSignatureSize = 128;
inline constexpr size_t kBands = 42;
inline constexpr size_t kRowsPerBand = 3;
static_assert(kBands * kRowsPerBand <= kSignatureSize);

using MinHashSignature = std::array<uint32_t, kSignatureSize>;

// The signature of a shingle set; all positions 0xFFFFFFFF when it is empty.
MinHashSignature ComputeSignature(absl::Span<const uint32_t> shingles);

// The 32-bit key of band `band` (0..kBands-1): a hash of its rows and of the
// band number.
uint32_t BandKey(const MinHashSignature& signature, size_t band);

// The share of positions where two signatures agree: an unbiased estimate
// of Jaccard resemblance with standard error sqrt(J(1-J)/128).
double EstimateJaccard(const MinHashSignature& a, const MinHashSignature& b);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_MINHASH_H_
