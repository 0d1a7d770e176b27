#include "services/transparency/merkle.h"

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::transparency::merkle {
namespace {

// The Certificate Transparency reference tree (RFC 6962's test data, used
// by every CT implementation): eight entries and the head of each prefix.
std::vector<Hash> ReferenceLeaves() {
  std::vector<Hash> leaves;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    leaves.push_back(LeafHash(absl::HexStringToBytes(hex)));
  }
  return leaves;
}

constexpr const char* kReferenceRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<std::string> HexesOf(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& h : hashes) out.push_back(HexOf(h));
  return out;
}

Hash FromHex(absl::string_view hex) {
  const std::string bytes = absl::HexStringToBytes(hex);
  Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

TEST(MerkleTest, HeadsMatchTheReferenceTree) {
  const std::vector<Hash> leaves = ReferenceLeaves();
  for (size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(HexOf(RootOf(absl::MakeConstSpan(leaves).subspan(0, n))),
              kReferenceRoots[n])
        << "size " << n;
  }
}

TEST(MerkleTest, InclusionProofsMatchTheReferenceVectors) {
  const std::vector<Hash> leaves = ReferenceLeaves();
  struct Case {
    uint64_t index;
    uint64_t size;
    std::vector<std::string> proof;
  };
  const Case cases[] = {
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       3,
       {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "leaf " << c.index << " of " << c.size);
    const auto tree = absl::MakeConstSpan(leaves).subspan(0, c.size);
    const std::vector<Hash> proof = InclusionProof(tree, c.index);
    EXPECT_EQ(HexesOf(proof), c.proof);
    const Hash root = FromHex(kReferenceRoots[c.size]);
    EXPECT_TRUE(VerifyInclusion(c.index, c.size, leaves[c.index], proof, root));
    EXPECT_FALSE(VerifyInclusion(c.index, c.size, leaves[c.index], proof,
                                 FromHex(kReferenceRoots[0])));
  }
}

TEST(MerkleTest, ConsistencyProofsMatchTheReferenceVectors) {
  const std::vector<Hash> leaves = ReferenceLeaves();
  struct Case {
    uint64_t old_size;
    uint64_t new_size;
    std::vector<std::string> proof;
  };
  const Case cases[] = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.old_size << " -> " << c.new_size);
    const std::vector<Hash> proof = ConsistencyProof(
        absl::MakeConstSpan(leaves).subspan(0, c.new_size), c.old_size);
    EXPECT_EQ(HexesOf(proof), c.proof);
    EXPECT_TRUE(VerifyConsistency(c.old_size, c.new_size,
                                  FromHex(kReferenceRoots[c.old_size]),
                                  FromHex(kReferenceRoots[c.new_size]), proof));
  }
}

// Random entries: the leaf hashes of `n` distinct entries.
std::vector<Hash> RandomLeaves(std::mt19937_64& random, size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) {
    leaves.push_back(LeafHash(std::to_string(random())));
  }
  return leaves;
}

TEST(MerkleTest, EveryLeafOfEverySizeProvesItsInclusionAndNothingElseDoes) {
  std::mt19937_64 random(9162);
  for (size_t n = 1; n <= 70; ++n) {
    const std::vector<Hash> leaves = RandomLeaves(random, n);
    const Hash root = RootOf(leaves);
    for (uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE(testing::Message() << "leaf " << i << " of " << n);
      const std::vector<Hash> proof = InclusionProof(leaves, i);
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], proof, root));
      // Another leaf, another position or a changed proof does not verify.
      // (The size is bound to the head by its signature, not by the proof.)
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[(i + 1) % n], proof, root));
      }
      EXPECT_FALSE(VerifyInclusion(i + 1, n, leaves[i], proof, root));
      if (!proof.empty()) {
        std::vector<Hash> changed = proof;
        changed.back()[0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], changed, root));
      }
    }
  }
}

TEST(MerkleTest, EveryPrefixIsProvedConsistentAndARewriteIsNot) {
  std::mt19937_64 random(6962);
  for (size_t n = 1; n <= 40; ++n) {
    const std::vector<Hash> leaves = RandomLeaves(random, n);
    const Hash new_root = RootOf(leaves);
    for (uint64_t m = 1; m <= n; ++m) {
      SCOPED_TRACE(testing::Message() << m << " -> " << n);
      const Hash old_root = RootOf(absl::MakeConstSpan(leaves).subspan(0, m));
      const std::vector<Hash> proof = ConsistencyProof(leaves, m);
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, proof));
      // The old tree with one entry rewritten: the old head no longer
      // matches what the new tree proves.
      std::vector<Hash> rewritten = leaves;
      rewritten[m - 1][0] ^= 1;
      const Hash rewritten_root = RootOf(rewritten);
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, rewritten_root,
                                     ConsistencyProof(rewritten, m)));
    }
  }
}

// The provers over stored perfect subtrees (what the service keeps as the
// log grows) give exactly the proofs of the in-memory tree.
TEST(MerkleTest, StoredSubtreesProveLikeTheWholeTree) {
  std::mt19937_64 random(1962);
  for (size_t n = 1; n <= 70; ++n) {
    const std::vector<Hash> leaves = RandomLeaves(random, n);
    std::map<NodeId, Hash> stored;
    TreeFrontier frontier;
    for (size_t i = 0; i < n; ++i) {
      for (const auto& [id, hash] : frontier.Append(leaves[i])) {
        const uint64_t begin = id.index << id.level;
        ASSERT_EQ(hash, RootOf(absl::MakeConstSpan(leaves).subspan(
                            begin, uint64_t{1} << id.level)));
        stored[id] = hash;
      }
      ASSERT_EQ(frontier.Root(),
                RootOf(absl::MakeConstSpan(leaves).subspan(0, i + 1)));
    }
    const SubtreeHash from_store = [&](uint64_t begin, uint64_t end) {
      std::vector<Hash> cover;
      for (const NodeId& id : PerfectCover(begin, end)) {
        cover.push_back(stored.at(id));
      }
      return FoldCover(cover);
    };
    EXPECT_EQ(from_store(0, n), RootOf(leaves)) << n;
    for (uint64_t m = 0; m < n; ++m) {
      EXPECT_EQ(InclusionProof(m, n, from_store), InclusionProof(leaves, m));
    }
    for (uint64_t m = 1; m <= n; ++m) {
      EXPECT_EQ(ConsistencyProof(m, n, from_store),
                ConsistencyProof(leaves, m));
    }
  }
}

TEST(MerkleTest, EdgeCases) {
  const std::vector<Hash> leaves = ReferenceLeaves();
  const Hash root8 = RootOf(leaves);
  // The empty tree is a prefix of every tree, with an empty proof.
  EXPECT_TRUE(VerifyConsistency(0, 8, EmptyRoot(), root8, {}));
  // A tree does not shrink.
  EXPECT_FALSE(VerifyConsistency(8, 7, root8, root8, {}));
  // Equal sizes: equal heads, nothing to prove.
  EXPECT_TRUE(VerifyConsistency(8, 8, root8, root8, {}));
  EXPECT_FALSE(VerifyConsistency(8, 8, root8, EmptyRoot(), {}));
  // An index outside the tree.
  EXPECT_FALSE(VerifyInclusion(8, 8, leaves[0], {}, root8));
  EXPECT_TRUE(InclusionProof(leaves, 8).empty());
  // A one-leaf tree: the leaf is the head.
  EXPECT_TRUE(VerifyInclusion(0, 1, leaves[0], {}, leaves[0]));
}

}  // namespace
}  // namespace candor::transparency::merkle
