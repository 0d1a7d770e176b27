// The Merkle tree of an organization's audit log, as RFC 9162 (Certificate
// Transparency 2.0, section 2.1) defines it, so that any CT-style verifier
// agrees with ours: leaves hash as SHA-256(0x00 || entry), interior nodes
// as SHA-256(0x01 || left || right), and a tree of n leaves splits at the
// largest power of two below n.
//
// An inclusion proof shows that one entry is in the tree a signed head
// names; a consistency proof shows that a later head's tree extends an
// earlier one's (nothing was rewritten, only appended). The verifiers
// follow RFC 9162 2.1.3.2 and 2.1.4.2 and need nothing but the hashes, so a
// client can run them without trusting the server.
//
// The provers take the hash of any subtree from a callback, so the same
// code proves over leaves in memory (O(n) hashing) or over the perfect
// subtrees a log stores as it grows (TreeFrontier, PerfectCover: O(log n)
// stored hashes per subtree). Pure functions and value types; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_MERKLE_H_
#define CANDOR_SERVICES_TRANSPARENCY_MERKLE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace candor::transparency::merkle {

using Hash = std::array<unsigned char, 32>;

// SHA-256 of the empty string: the root of a tree with no leaves.
Hash EmptyRoot();
Hash LeafHash(absl::string_view entry);
Hash NodeHash(const Hash& left, const Hash& right);

// The tree head of `leaves` (leaf hashes, oldest first): MTH in RFC 9162.
Hash RootOf(absl::Span<const Hash> leaves);

// MTH(D[begin:end]): the hash of the subtree over leaves [begin, end).
using SubtreeHash = std::function<Hash(uint64_t begin, uint64_t end)>;

// The audit path of leaf `index` in a tree of `size` leaves, bottom up;
// empty when index >= size.
std::vector<Hash> InclusionProof(uint64_t index, uint64_t size,
                                 const SubtreeHash& subtree);

// The consistency proof from `old_size` to `new_size` (SUBPROOF(m, D[n],
// true)); empty unless 0 < old_size <= new_size.
std::vector<Hash> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                   const SubtreeHash& subtree);

// A perfect subtree: the 2^level leaves from index << level.
struct NodeId {
  int level = 0;
  uint64_t index = 0;
  bool operator<(const NodeId& o) const {
    return level != o.level ? level < o.level : index < o.index;
  }
  bool operator==(const NodeId& o) const {
    return level == o.level && index == o.index;
  }
};

// The perfect subtrees, largest first, whose hashes FoldCover combines into
// MTH(D[begin:end]). Valid for the ranges RFC 9162's recursion visits (begin
// a multiple of the largest power of two not above end - begin), which are
// the only ranges the provers ask for.
std::vector<NodeId> PerfectCover(uint64_t begin, uint64_t end);
// Combines the hashes of PerfectCover's subtrees (in its order), right to
// left, as RFC 9162 splits the range.
Hash FoldCover(absl::Span<const Hash> cover);

// The right edge of a growing tree: the hashes of PerfectCover(0, size),
// which is all an append needs. Appending a leaf yields the perfect
// subtrees it completes, for storage.
class TreeFrontier {
 public:
  TreeFrontier() = default;
  TreeFrontier(uint64_t size, std::vector<Hash> cover)
      : size_(size), cover_(std::move(cover)) {}

  // The leaf (level 0) and every perfect subtree completed by it.
  std::vector<std::pair<NodeId, Hash>> Append(const Hash& leaf_hash);
  Hash Root() const;
  uint64_t size() const { return size_; }
  const std::vector<Hash>& cover() const { return cover_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> cover_;  // PerfectCover(0, size_) order
};

// The audit path of leaf `index` in the tree of `leaves`, bottom up (PATH
// in RFC 9162). Requires index < leaves.size().
std::vector<Hash> InclusionProof(absl::Span<const Hash> leaves, uint64_t index);

// The proof that the tree of the first `old_size` of `leaves` is a prefix of
// the tree of all of them (PROOF in RFC 9162). Requires 0 < old_size <=
// leaves.size(); empty when they are equal.
std::vector<Hash> ConsistencyProof(absl::Span<const Hash> leaves,
                                   uint64_t old_size);

// Whether `proof` shows `leaf` at `index` in the tree of `size` leaves whose
// head is `root`.
bool VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf,
                     absl::Span<const Hash> proof, const Hash& root);

// Whether `proof` shows that the tree of `old_size` leaves with head
// `old_root` is a prefix of the tree of `new_size` leaves with head
// `new_root`. An empty old tree is a prefix of every tree.
bool VerifyConsistency(uint64_t old_size, uint64_t new_size,
                       const Hash& old_root, const Hash& new_root,
                       absl::Span<const Hash> proof);

// Lowercase hex, for logs, tests and the API.
std::string HexOf(const Hash& hash);

}  // namespace candor::transparency::merkle

#endif  // CANDOR_SERVICES_TRANSPARENCY_MERKLE_H_
