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
// The provers here work over all the leaf hashes in memory: O(n) hashing
// per proof. Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_MERKLE_H_
#define CANDOR_SERVICES_TRANSPARENCY_MERKLE_H_

#include <array>
#include <cstdint>
#include <string>
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
