#include "services/transparency/engine/shingles.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/status/status.h"
#include "services/transparency/engine/hash.h"

namespace candor::transparency {
namespace {

// Seeds a shingle by its length, so a 2-token shingle of a short text never
// equals a 3-token one by construction.
constexpr uint64_t kShingleSeed = 0x5ca1ab1e0ddba11ULL;
constexpr unsigned char kEncodingFormat = 1;

void PutVarint(uint32_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint32_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (in->empty()) return false;
    const auto b = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      if (result > 0xFFFFFFFFULL) return false;
      *v = static_cast<uint32_t>(result);
      return true;
    }
  }
  return false;
}

}  // namespace

uint64_t ShingleHash64(const Token* tokens, size_t count) {
  uint64_t h = Mix64(kShingleSeed + count);
  for (size_t k = 0; k < count; ++k) {
    h = Mix64(h ^ Fnv1a64(tokens[k].key));
  }
  return h;
}

std::vector<ShingleAt> ShinglesOf(const std::vector<Token>& tokens) {
  std::vector<ShingleAt> out;
  if (tokens.empty()) return out;
  if (tokens.size() < kShingleWords) {
    out.push_back({Fold32(ShingleHash64(tokens.data(), tokens.size())), 0,
                   static_cast<uint32_t>(tokens.size())});
    return out;
  }
  out.reserve(tokens.size() - kShingleWords + 1);
  for (size_t i = 0; i + kShingleWords <= tokens.size(); ++i) {
    out.push_back({Fold32(ShingleHash64(&tokens[i], kShingleWords)),
                   static_cast<uint32_t>(i), kShingleWords});
  }
  return out;
}

ShingleSet MakeShingleSet(std::vector<uint32_t> hashes) {
  if (hashes.size() < 256) {
    std::sort(hashes.begin(), hashes.end());
  } else {
    // Shingle hashes are uniform, so an LSD radix sort (a byte a pass)
    // beats comparison sorting's branch mispredictions on long posts.
    std::vector<uint32_t> buffer(hashes.size());
    for (int shift = 0; shift < 32; shift += 8) {
      std::array<uint32_t, 256> count{};
      for (const uint32_t h : hashes) ++count[(h >> shift) & 0xFF];
      uint32_t sum = 0;
      for (uint32_t& c : count) sum += std::exchange(c, sum);
      for (const uint32_t h : hashes) buffer[count[(h >> shift) & 0xFF]++] = h;
      hashes.swap(buffer);
    }
  }
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  return hashes;
}

ShingleSet ShingleSetOf(const std::vector<Token>& tokens) {
  std::vector<uint32_t> hashes;
  if (tokens.empty()) return hashes;
  const size_t count =
      tokens.size() < kShingleWords ? tokens.size() : kShingleWords;
  hashes.reserve(tokens.size() - count + 1);
  // The running word hashes are reused by the three shingles each word is in.
  std::vector<uint64_t> words(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) words[i] = Fnv1a64(tokens[i].key);
  const uint64_t seed = Mix64(kShingleSeed + count);
  for (size_t i = 0; i + count <= tokens.size(); ++i) {
    uint64_t h = seed;
    for (size_t k = 0; k < count; ++k) h = Mix64(h ^ words[i + k]);
    hashes.push_back(Fold32(h));
  }
  return MakeShingleSet(std::move(hashes));
}

ShingleSet ShingleSetOf(absl::string_view text) {
  return ShingleSetOf(Tokenize(text));
}

size_t IntersectionSize(absl::Span<const uint32_t> a,
                        absl::Span<const uint32_t> b) {
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  return common;
}

double Jaccard(absl::Span<const uint32_t> a, absl::Span<const uint32_t> b) {
  if (a.empty() && b.empty()) return 0.0;
  const size_t common = IntersectionSize(a, b);
  return static_cast<double>(common) /
         static_cast<double>(a.size() + b.size() - common);
}

double Containment(absl::Span<const uint32_t> part,
                   absl::Span<const uint32_t> whole) {
  if (part.empty()) return 0.0;
  return static_cast<double>(IntersectionSize(part, whole)) /
         static_cast<double>(part.size());
}

std::string EncodeShingleSet(absl::Span<const uint32_t> shingles) {
  std::string out;
  out.reserve(2 + shingles.size() * 4);
  out.push_back(static_cast<char>(kEncodingFormat));
  PutVarint(static_cast<uint32_t>(shingles.size()), &out);
  uint32_t previous = 0;
  for (size_t i = 0; i < shingles.size(); ++i) {
    PutVarint(i == 0 ? shingles[i] : shingles[i] - previous, &out);
    previous = shingles[i];
  }
  return out;
}

absl::StatusOr<ShingleSet> DecodeShingleSet(absl::string_view bytes) {
  if (bytes.empty() ||
      static_cast<unsigned char>(bytes.front()) != kEncodingFormat) {
    return absl::DataLossError("shingle set: unknown format");
  }
  bytes.remove_prefix(1);
  uint32_t count = 0;
  if (!GetVarint(&bytes, &count) || count > bytes.size()) {
    return absl::DataLossError("shingle set: bad count");
  }
  ShingleSet out;
  out.reserve(count);
  uint64_t value = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t gap = 0;
    if (!GetVarint(&bytes, &gap))
      return absl::DataLossError("shingle set: truncated");
    if (i > 0 && gap == 0)
      return absl::DataLossError("shingle set: not ascending");
    value = (i == 0) ? gap : value + gap;
    if (value > 0xFFFFFFFFULL)
      return absl::DataLossError("shingle set: overflow");
    out.push_back(static_cast<uint32_t>(value));
  }
  if (!bytes.empty()) return absl::DataLossError("shingle set: trailing bytes");
  return out;
}

}  // namespace candor::transparency
