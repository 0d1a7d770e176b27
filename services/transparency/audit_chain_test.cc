#include "services/transparency/audit_chain.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace candor::transparency {
namespace {

constexpr char kAda[] = "organizations/acme/staffMembers/ada";

// Appends an entry sealed after the last one, as the repository does.
void Append(std::vector<AuditEntryRecord>& log, AuditEntryRecord e) {
  e.sequence = static_cast<int64_t>(log.size()) + 1;
  e.time_us = 1000 * e.sequence;
  SealEntry(log.empty() ? kGenesisHash : log.back().hash, &e);
  log.push_back(std::move(e));
}

std::vector<AuditEntryRecord> Chain(int n) {
  std::vector<AuditEntryRecord> entries;
  for (int i = 1; i <= n; ++i) {
    AuditEntryRecord e;
    e.actor = kAda;
    e.action = "decision.create";
    e.subject = "organizations/acme/posts/p/decisions/" + std::to_string(i);
    e.details = "verdict APPROVED";
    Append(entries, e);
  }
  return entries;
}

AuditLogVerifier Verify(const std::vector<AuditEntryRecord>& entries) {
  AuditLogVerifier verifier;
  for (const auto& e : entries) {
    if (!verifier.Check(e)) break;
  }
  verifier.Finish();
  return verifier;
}

int64_t FirstBad(const std::vector<AuditEntryRecord>& entries) {
  return Verify(entries).first_bad_sequence();
}

// Erasure as the service runs it: pseudonymize, redact, then declare.
void Erase(std::vector<AuditEntryRecord>& log, const std::string& person,
           const std::string& pseudonym) {
  for (AuditEntryRecord& e : log) {
    if (e.actor == person) e.actor = pseudonym;
    if (e.subject == person && e.action != kAuditEraseAction) {
      e.details.clear();
      e.details_salt.clear();
      e.details_redacted = true;
    }
  }
  AuditEntryRecord declaration;
  declaration.actor = "organizations/acme/staffMembers/admin";
  declaration.action = kAuditEraseAction;
  declaration.subject = person;
  declaration.details = EraseDeclaration(ActorDigest(person), pseudonym);
  Append(log, declaration);
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
  EXPECT_EQ(entries[0].chain_version, 2);
  EXPECT_EQ(entries[0].details_salt.size(), 32u);
  AuditLogVerifier verifier = Verify(entries);
  EXPECT_TRUE(verifier.ok());
  EXPECT_EQ(verifier.checked(), 5);
  EXPECT_EQ(verifier.first_bad_sequence(), 0);
  EXPECT_EQ(verifier.last_hash(), entries.back().hash);
}

TEST(AuditChainTest, EveryShownFieldIsCovered) {
  // Each edit, made without recomputing any hash, names entry 2.
  const std::vector<std::pair<const char*, void (*)(AuditEntryRecord&)>> edits =
      {
          {"sequence", [](AuditEntryRecord& e) { e.sequence = 7; }},
          {"time", [](AuditEntryRecord& e) { e.time_us += 1; }},
          {"actor", [](AuditEntryRecord& e) { e.actor += "x"; }},
          {"actor_digest",
           [](AuditEntryRecord& e) { e.actor_digest = ActorDigest("x"); }},
          {"action", [](AuditEntryRecord& e) { e.action = "ruleset.publish"; }},
          {"subject", [](AuditEntryRecord& e) { e.subject = "other"; }},
          {"details", [](AuditEntryRecord& e) { e.details = "verdict X"; }},
          {"details_salt", [](AuditEntryRecord& e) { e.details_salt[0] ^= 1; }},
          {"details_digest",
           [](AuditEntryRecord& e) { e.details_digest = e.hash; }},
          {"details_redacted",
           [](AuditEntryRecord& e) {
             e.details.clear();
             e.details_salt.clear();
             e.details_redacted = true;
           }},
          {"chain_version", [](AuditEntryRecord& e) { e.chain_version = 1; }},
          {"prev_hash",
           [](AuditEntryRecord& e) { e.prev_hash = std::string(64, 'a'); }},
          {"hash", [](AuditEntryRecord& e) { e.hash = std::string(64, 'b'); }},
      };
  for (const auto& [field, edit] : edits) {
    auto entries = Chain(4);
    edit(entries[1]);
    AuditLogVerifier verifier = Verify(entries);
    EXPECT_EQ(verifier.first_bad_sequence(), 2) << field;
    EXPECT_FALSE(verifier.problem().empty()) << field;
  }
}

TEST(AuditChainTest, ForgedActorIsCaughtEvenThoughTheHashStillMatches) {
  auto entries = Chain(3);
  entries[1].actor = "organizations/acme/staffMembers/bob";
  AuditLogVerifier verifier = Verify(entries);
  EXPECT_EQ(verifier.first_bad_sequence(), 2);
  EXPECT_EQ(verifier.problem(), "actor does not match actor_digest");
}

TEST(AuditChainTest, DeclaredErasureVerifiesAndAnUndeclaredPseudonymDoesNot) {
  auto entries = Chain(3);
  AuditEntryRecord deactivation;
  deactivation.actor = "organizations/acme/staffMembers/admin";
  deactivation.action = "staff.deactivate";
  deactivation.subject = kAda;
  deactivation.details = "reason: Ada Lovelace left for a rival";
  Append(entries, deactivation);
  Erase(entries, kAda, "erased-0123456789abcdef");
  EXPECT_EQ(entries[3].details, "");
  EXPECT_EQ(FirstBad(entries), 0);

  // The same pseudonym without the declaration: a forgery.
  auto forged = entries;
  forged.pop_back();
  EXPECT_EQ(FirstBad(forged), 1);
  // A redaction of another subject is not covered by the declaration.
  auto redacted = entries;
  redacted[0].details.clear();
  redacted[0].details_salt.clear();
  redacted[0].details_redacted = true;
  EXPECT_EQ(FirstBad(redacted), 1);
  // A declaration comes after what it declares.
  auto late = Chain(1);
  Erase(late, kAda, "erased-1");
  AuditEntryRecord after;
  after.actor = kAda;
  after.action = "decision.create";
  Append(late, after);
  late.back().actor = "erased-1";
  EXPECT_EQ(FirstBad(late), 3);
}

TEST(AuditChainTest, VersionOneEntriesStillVerify) {
  // An entry written before version 2: details hashed as written.
  std::vector<AuditEntryRecord> entries;
  AuditEntryRecord legacy;
  legacy.sequence = 1;
  legacy.time_us = 5;
  legacy.actor = kAda;
  legacy.actor_digest = ActorDigest(kAda);
  legacy.action = "ruleset.publish";
  legacy.subject = "organizations/acme/rulesets/r";
  legacy.details = "published";
  legacy.chain_version = 1;
  legacy.prev_hash = kGenesisHash;
  legacy.hash = ChainHash(kGenesisHash, legacy);
  entries.push_back(legacy);
  AuditEntryRecord next;
  next.actor = "automatic";
  next.action = "decision.create";
  Append(entries, next);
  EXPECT_EQ(FirstBad(entries), 0);
  // Erased before declarations existed: the legacy pseudonym is accepted
  // in version 1 only.
  entries[0].actor = LegacyErasedPseudonym(entries[0].actor_digest);
  EXPECT_EQ(FirstBad(entries), 0);
  entries[1].actor = LegacyErasedPseudonym(entries[1].actor_digest);
  EXPECT_EQ(FirstBad(entries), 2);
  // Version-1 details are hashed directly.
  entries = {legacy};
  entries[0].details = "unpublished";
  EXPECT_EQ(FirstBad(entries), 1);
}

TEST(AuditChainTest, RemovedOrReorderedEntriesAreDetected) {
  auto entries = Chain(4);
  entries.erase(entries.begin() + 1);
  EXPECT_EQ(FirstBad(entries), 2);  // sequence 2 is missing
  auto swapped = Chain(4);
  std::swap(swapped[2], swapped[3]);
  EXPECT_EQ(FirstBad(swapped), 3);
}

TEST(AuditChainTest, CanonicalBytesAreLengthPrefixedAndVersioned) {
  AuditEntryRecord a;
  a.chain_version = 1;
  a.action = "ab";
  a.subject = "c";
  AuditEntryRecord b = a;
  b.action = "a";
  b.subject = "bc";
  EXPECT_NE(CanonicalBytes(a), CanonicalBytes(b));
  EXPECT_EQ(CanonicalBytes(a).size(), 16u + 4 * 8 + 3);
  // A version-2 entry never encodes like a version-1 entry whose details
  // are its digest.
  AuditEntryRecord v2 = a;
  v2.chain_version = 2;
  v2.details_digest = "d";
  AuditEntryRecord v1 = a;
  v1.details = "d";
  EXPECT_NE(CanonicalBytes(v2), CanonicalBytes(v1));
}

}  // namespace
}  // namespace candor::transparency
