// Word 3-shingles of normalized text, and the set measures the rules use:
// resemblance (Jaccard) and containment.
//
// A shingle is three consecutive tokens (text.h: case-folded words without
// punctuation, hashtags as their word, URLs as one placeholder), hashed with
// a fixed seed to 64 bits and kept as 32 bits. A ShingleSet is the sorted,
// duplicate-free vector of those 32-bit values: with at most a few hundred
// shingles per post, two different shingles collide with probability about
// n^2 / 2^32 < 10^-4 per pair of posts, far below what moves a score across
// a threshold, and half the memory of 64-bit values.
//
// A text with fewer than three tokens has one shingle of what it has; an
// empty text has none.
//
// Everything here is a pure function; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_ENGINE_SHINGLES_H_
#define CANDOR_SERVICES_TRANSPARENCY_ENGINE_SHINGLES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/transparency/engine/text.h"

namespace candor::transparency {

inline constexpr size_t kShingleWords = 3;

// Sorted ascending, no duplicates.
using ShingleSet = std::vector<uint32_t>;

// One shingle where it occurs: tokens [first_token, first_token + count).
struct ShingleAt {
  uint32_t hash = 0;
  uint32_t first_token = 0;
  uint32_t token_count = 0;
};

// The 64-bit hash of a run of token keys (what ShingleAt::hash truncates).
uint64_t ShingleHash64(const Token* tokens, size_t count);

// The shingles of `tokens` in text order (duplicates kept).
std::vector<ShingleAt> ShinglesOf(const std::vector<Token>& tokens);
// The set of those shingles.
ShingleSet ShingleSetOf(const std::vector<Token>& tokens);
// Tokenize + ShingleSetOf.
ShingleSet ShingleSetOf(absl::string_view text);
// Sorts and removes duplicates.
ShingleSet MakeShingleSet(std::vector<uint32_t> hashes);

// |a ∩ b| of two sorted sets, by merging.
size_t IntersectionSize(absl::Span<const uint32_t> a,
                        absl::Span<const uint32_t> b);
// |a ∩ b| / |a ∪ b|; 0 when both are empty (nothing to resemble).
double Jaccard(absl::Span<const uint32_t> a, absl::Span<const uint32_t> b);
// |part ∩ whole| / |part|: the share of `part` found in `whole`; 0 when
// `part` is empty.
double Containment(absl::Span<const uint32_t> part,
                   absl::Span<const uint32_t> whole);

// Bytes for storing a post's shingle set in the database (the service
// rebuilds the index from them at start): a format byte, the count and the
// gaps between consecutive values as LEB128 varints; about 3.5-4 bytes per
// shingle.
std::string EncodeShingleSet(absl::Span<const uint32_t> shingles);
// DATA_LOSS when `bytes` are not what EncodeShingleSet writes (unknown
// format, truncated, values not ascending, trailing bytes).
absl::StatusOr<ShingleSet> DecodeShingleSet(absl::string_view bytes);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_ENGINE_SHINGLES_H_
