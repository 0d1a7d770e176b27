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

// PATH(m, D[begin:end]), appended to `out` bottom up.
void AppendPath(uint64_t begin, uint64_t end, uint64_t m,
                const SubtreeHash& subtree, std::vector<Hash>& out) {
  if (end - begin <= 1) return;
  const uint64_t k = SplitPoint(end - begin);
  if (m < k) {
    AppendPath(begin, begin + k, m, subtree, out);
    out.push_back(subtree(begin + k, end));
  } else {
    AppendPath(begin + k, end, m - k, subtree, out);
    out.push_back(subtree(begin, begin + k));
  }
}

// SUBPROOF(m, D[begin:end], whole_old_tree), appended to `out` bottom up.
void AppendSubproof(uint64_t begin, uint64_t end, uint64_t m,
                    bool whole_old_tree, const SubtreeHash& subtree,
                    std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (m == n) {
    // The old tree's head is the verifier's own; a subtree of it is not.
    if (!whole_old_tree) out.push_back(subtree(begin, end));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    AppendSubproof(begin, begin + k, m, whole_old_tree, subtree, out);
    out.push_back(subtree(begin + k, end));
  } else {
    AppendSubproof(begin + k, end, m - k, false, subtree, out);
    out.push_back(subtree(begin, begin + k));
  }
}

SubtreeHash OverLeaves(absl::Span<const Hash> leaves) {
  return [leaves](uint64_t begin, uint64_t end) {
    return RootOf(leaves.subspan(begin, end - begin));
  };
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

std::vector<Hash> InclusionProof(uint64_t index, uint64_t size,
                                 const SubtreeHash& subtree) {
  std::vector<Hash> proof;
  if (index < size) AppendPath(0, size, index, subtree, proof);
  return proof;
}

std::vector<Hash> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                   const SubtreeHash& subtree) {
  std::vector<Hash> proof;
  if (old_size > 0 && old_size <= new_size) {
    AppendSubproof(0, new_size, old_size, /*whole_old_tree=*/true, subtree,
                   proof);
  }
  return proof;
}

std::vector<Hash> InclusionProof(absl::Span<const Hash> leaves,
                                 uint64_t index) {
  return InclusionProof(index, leaves.size(), OverLeaves(leaves));
}

std::vector<Hash> ConsistencyProof(absl::Span<const Hash> leaves,
                                   uint64_t old_size) {
  return ConsistencyProof(old_size, leaves.size(), OverLeaves(leaves));
}

std::vector<NodeId> PerfectCover(uint64_t begin, uint64_t end) {
  std::vector<NodeId> cover;
  while (begin < end) {
    // The largest aligned perfect subtree that starts at begin and fits.
    int level = 0;
    while (level < 63) {
      const uint64_t next = uint64_t{1} << (level + 1);
      if (begin % next != 0 || begin + next > end) break;
      ++level;
    }
    cover.push_back(NodeId{level, begin >> level});
    begin += uint64_t{1} << level;
  }
  return cover;
}

Hash FoldCover(absl::Span<const Hash> cover) {
  if (cover.empty()) return EmptyRoot();
  Hash root = cover.back();
  for (size_t i = cover.size() - 1; i-- > 0;) root = NodeHash(cover[i], root);
  return root;
}

std::vector<std::pair<NodeId, Hash>> TreeFrontier::Append(
    const Hash& leaf_hash) {
  std::vector<std::pair<NodeId, Hash>> completed;
  completed.push_back({NodeId{0, size_}, leaf_hash});
  cover_.push_back(leaf_hash);
  size_ += 1;
  // Each trailing 1 bit of the old size is a perfect subtree the new leaf
  // completes into one twice its size.
  uint64_t index = size_ - 1;
  int level = 0;
  while ((index & 1) == 1) {
    const Hash right = cover_.back();
    cover_.pop_back();
    const Hash left = cover_.back();
    cover_.pop_back();
    index >>= 1;
    level += 1;
    cover_.push_back(NodeHash(left, right));
    completed.push_back({NodeId{level, index}, cover_.back()});
  }
  return completed;
}

Hash TreeFrontier::Root() const { return FoldCover(cover_); }

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
