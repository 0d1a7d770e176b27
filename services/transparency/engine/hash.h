// Fixed-seed 64-bit hashing for the transparency engine.
//
// Shingle hashes, MinHash permutations and LSH band keys are stored in the
// database and compared across processes and releases, so they must never
// depend on a per-process seed (absl::Hash and std::hash may). Everything
// here is a constexpr pure function; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_HASH_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace candor::transparency {

// FNV-1a over bytes (Fowler, Noll, Vo). Cheap and byte-order independent;
// its weak avalanche is fixed by Mix64 wherever the bits are used.
inline constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

inline uint64_t Fnv1a64(absl::string_view bytes,
                        uint64_t hash = kFnvOffsetBasis) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

// A bijective 64-bit finalizer (the multiply-xorshift of SplitMix64): every
// input bit affects every output bit, so truncating the result is safe.
inline constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Folds a mixed 64-bit hash to 32 bits.
inline constexpr uint32_t Fold32(uint64_t x) {
  return static_cast<uint32_t>(x >> 32) ^ static_cast<uint32_t>(x);
}

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_HASH_H_
