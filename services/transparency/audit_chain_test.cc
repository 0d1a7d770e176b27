#include "services/transparency/audit_chain.h"

#include <vector>

#include "gtest/gtest.h"

namespace candor::transparency {
namespace {

std::vector<AuditEntryRecord> Chain(int n) {
  std::vector<AuditEntryRecord> entries;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    AuditEntryRecord e;
    e.sequence = i;
    e.time_us = 1000 * i;
    e.actor = "organizations/acme/staffMembers/ada";
    e.action = "decision.create";
    e.subject = "organizations/acme/posts/p/decisions/" + std::to_string(i);
    e.details = "verdict APPROVED";
    SealEntry(prev, &e);
    prev = e.hash;
    entries.push_back(e);
  }
  return entries;
}

int64_t FirstBad(const std::vector<AuditEntryRecord>& entries) {
  ChainVerifier verifier;
  for (const auto& e : entries) {
    if (!verifier.Check(e)) break;
  }
  return verifier.first_bad_sequence();
}

TEST(AuditChainTest, ActorDigestIsSha256Hex) {
  EXPECT_EQ(ActorDigest(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AuditChainTest, FirstEntryLinksToGenesisAndChainVerifies) {
  auto entries = Chain(5);
  EXPECT_EQ(entries[0].prev_hash, kGenesisHash);
  EXPECT_EQ(entries[1].prev_hash, entries[0].hash);
  EXPECT_EQ(entries[0].hash.size(), 64u);
  ChainVerifier verifier;
  for (const auto& e : entries) EXPECT_TRUE(verifier.Check(e));
  EXPECT_TRUE(verifier.ok());
  EXPECT_EQ(verifier.checked(), 5);
  EXPECT_EQ(verifier.first_bad_sequence(), 0);
}

TEST(AuditChainTest, ChangedDetailsNameTheEntry) {
  auto entries = Chain(5);
  entries[2].details = "verdict REJECTED";
  EXPECT_EQ(FirstBad(entries), 3);
}

TEST(AuditChainTest, ChangedTimeActionOrSubjectAreDetected) {
  for (int field = 0; field < 3; ++field) {
    auto entries = Chain(4);
    if (field == 0) entries[1].time_us += 1;
    if (field == 1) entries[1].action = "ruleset.publish";
    if (field == 2) entries[1].subject = "other";
    EXPECT_EQ(FirstBad(entries), 2) << field;
  }
}

TEST(AuditChainTest, ErasedActorKeepsTheChainButAChangedDigestBreaksIt) {
  auto entries = Chain(3);
  entries[1].actor = "erased-person-7";  // the digest stays
  EXPECT_EQ(FirstBad(entries), 0);
  entries[1].actor_digest = ActorDigest("erased-person-7");
  EXPECT_EQ(FirstBad(entries), 2);
}

TEST(AuditChainTest, RemovedOrReorderedEntriesAreDetected) {
  auto entries = Chain(4);
  entries.erase(entries.begin() + 1);
  EXPECT_EQ(FirstBad(entries), 2);  // sequence 2 is missing
  auto swapped = Chain(4);
  std::swap(swapped[2], swapped[3]);
  EXPECT_EQ(FirstBad(swapped), 3);
}

TEST(AuditChainTest, RelinkedEntryIsDetected) {
  auto entries = Chain(3);
  entries[2].prev_hash = std::string(64, 'a');
  EXPECT_EQ(FirstBad(entries), 3);
}

TEST(AuditChainTest, CanonicalBytesAreLengthPrefixed) {
  AuditEntryRecord a;
  a.action = "ab";
  a.subject = "c";
  AuditEntryRecord b;
  b.action = "a";
  b.subject = "bc";
  EXPECT_NE(CanonicalBytes(a), CanonicalBytes(b));
  EXPECT_EQ(CanonicalBytes(a).size(), 16u + 4 * 8 + 3);
}

}  // namespace
}  // namespace candor::transparency
