#include "services/transparency/merkle.h"

#include <openssl/sha.h>

#include <cstring>

#include "absl/strings/escaping.h"

namespace candor::transparency::merkle {
namespace {

// The largest power of two strictly below n (n >= 2): where RFC 9162
// splits a tree of n leaves.
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash Sha256(absl::string_view data) {
  Hash out;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         out.data());
  return out;
}

absl::string_view View(const Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
}

// PATH(m, D[n]), appended to `out` bottom up.
void AppendPath(absl::Span<const Hash> leaves, uint64_t m,
                std::vector<Hash>& out) {
  if (leaves.size() <= 1) return;
  const uint64_t k = SplitPoint(leaves.size());
  if (m < k) {
    AppendPath(leaves.subspan(0, k), m, out);
    out.push_back(RootOf(leaves.subspan(k)));
  } else {
    AppendPath(leaves.subspan(k), m - k, out);
    out.push_back(RootOf(leaves.subspan(0, k)));
  }
}

// SUBPROOF(m, D[n], b), appended to `out` bottom up.
void AppendSubproof(absl::Span<const Hash> leaves, uint64_t m,
                    bool whole_old_tree, std::vector<Hash>& out) {
  const uint64_t n = leaves.size();
  if (m == n) {
    // The old tree's head is the verifier's own; a subtree of it is not.
    if (!whole_old_tree) out.push_back(RootOf(leaves));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    AppendSubproof(leaves.subspan(0, k), m, whole_old_tree, out);
    out.push_back(RootOf(leaves.subspan(k)));
  } else {
    AppendSubproof(leaves.subspan(k), m - k, false, out);
    out.push_back(RootOf(leaves.subspan(0, k)));
  }
}

// Shifts fn and sn right together until fn's lowest bit is set or fn is
// 0 (RFC 9162's "right-shift ... equally until").
void ShiftUntilOddOrZero(uint64_t& fn, uint64_t& sn) {
  while (fn != 0 && (fn & 1) == 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Hash EmptyRoot() { return Sha256(""); }

Hash LeafHash(absl::string_view entry) {
  std::string input(1, '\x00');
  input.append(entry.data(), entry.size());
  return Sha256(input);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  // On the stack: a 1,000,000-leaf root hashes a million nodes.
  unsigned char input[1 + 2 * sizeof(Hash)];
  input[0] = 0x01;
  std::memcpy(input + 1, left.data(), left.size());
  std::memcpy(input + 1 + left.size(), right.data(), right.size());
  Hash out;
  SHA256(input, sizeof(input), out.data());
  return out;
}

Hash RootOf(absl::Span<const Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  const uint64_t k = SplitPoint(leaves.size());
  return NodeHash(RootOf(leaves.subspan(0, k)), RootOf(leaves.subspan(k)));
}

std::vector<Hash> InclusionProof(absl::Span<const Hash> leaves,
                                 uint64_t index) {
  std::vector<Hash> proof;
  if (index < leaves.size()) AppendPath(leaves, index, proof);
  return proof;
}

std::vector<Hash> ConsistencyProof(absl::Span<const Hash> leaves,
                                   uint64_t old_size) {
  std::vector<Hash> proof;
  if (old_size > 0 && old_size <= leaves.size()) {
    AppendSubproof(leaves, old_size, /*whole_old_tree=*/true, proof);
  }
  return proof;
}

bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf,
                     absl::Span<const Hash> proof, const Hash& root) {
  if (index >= size) return false;
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      ShiftUntilOddOrZero(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size,
                       const Hash& old_root, const Hash& new_root,
                       absl::Span<const Hash> proof) {
  if (old_size > new_size) return false;
  if (old_size == 0) return proof.empty();
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;

  // A power-of-two old tree is a subtree of the new one: its head starts
  // the path instead of being sent.
  std::vector<Hash> path;
  if ((old_size & (old_size - 1)) == 0) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      ShiftUntilOddOrZero(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

std::string HexOf(const Hash& hash) {
  return absl::BytesToHexString(View(hash));
}

}  // namespace candor::transparency::merkle
