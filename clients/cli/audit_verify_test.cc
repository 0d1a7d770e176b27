#include "clients/cli/audit_verify.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;
namespace merkle = ::candor::transparency::merkle;
using ::candor::transparency::AuditEntryRecord;
using ::candor::transparency::TreeHead;
using ::candor::transparency::TreeHeadSigner;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOrg[] = "acme";
constexpr int64_t kStartUs = 1700000000000000;

std::unique_ptr<TreeHeadSigner> NewSigner() {
  absl::StatusOr<std::unique_ptr<TreeHeadSigner>> signer =
      TreeHeadSigner::Ephemeral();
  EXPECT_TRUE(signer.ok()) << signer.status();
  return *std::move(signer);
}

AuditEntryRecord NewEntry(int64_t sequence) {
  AuditEntryRecord entry;
  entry.organization_id = kOrg;
  entry.sequence = sequence;
  entry.time_us = kStartUs + sequence * 1000;
  entry.actor = absl::StrCat("organizations/acme/staffMembers/s", sequence % 3);
  entry.action = "decision.create";
  entry.subject = absl::StrCat("organizations/acme/posts/p", sequence);
  entry.details = absl::StrCat("verdict APPROVED, rules passed: ", sequence);
  return entry;
}

// Seals entries [from, end) again after entry from-1, as an operator
// rewriting history with every later hash recomputed would.
void Reseal(std::vector<AuditEntryRecord>& log, size_t from) {
  std::string prev =
      from == 0 ? std::string(transparency::kGenesisHash) : log[from - 1].hash;
  for (size_t i = from; i < log.size(); ++i) {
    transparency::SealEntry(prev, &log[i]);
    prev = log[i].hash;
  }
}

std::vector<AuditEntryRecord> BuildLog(int64_t size) {
  std::vector<AuditEntryRecord> log;
  for (int64_t sequence = 1; sequence <= size; ++sequence) {
    log.push_back(NewEntry(sequence));
  }
  Reseal(log, 0);
  return log;
}

std::vector<merkle::Hash> LeavesOf(const std::vector<AuditEntryRecord>& log) {
  std::vector<merkle::Hash> leaves;
  for (const AuditEntryRecord& entry : log) {
    leaves.push_back(merkle::LeafHash(absl::HexStringToBytes(entry.hash)));
  }
  return leaves;
}

// The head a server would sign over the first `size` entries of `log`.
TreeHead SignedHead(const TreeHeadSigner& signer,
                    const std::vector<AuditEntryRecord>& log, int64_t size) {
  TreeHead head;
  head.organization_id = kOrg;
  head.tree_size = size;
  const std::vector<merkle::Hash> leaves = LeavesOf(log);
  head.root_hash = merkle::RootOf(absl::MakeConstSpan(leaves).subspan(0, size));
  head.time_us = kStartUs + 1000000 * size;
  EXPECT_TRUE(signer.Sign(&head).ok());
  return head;
}

AuditHeads HeadsFor(const TreeHeadSigner& signer, const TreeHead& head) {
  AuditHeads heads;
  heads.organization_id = kOrg;
  heads.head = head;
  heads.pinned_key = signer.public_key();
  return heads;
}

// Adds the saved head and the consistency proof a server holding `log`
// would send.
void AddSaved(const TreeHead& saved, const std::vector<AuditEntryRecord>& log,
              AuditHeads& heads) {
  heads.saved = saved;
  heads.consistency_proof = merkle::ConsistencyProof(
      LeavesOf(log), static_cast<uint64_t>(saved.tree_size));
}

class AuditVerifyTest : public ::testing::Test {
 protected:
  std::unique_ptr<TreeHeadSigner> signer_ = NewSigner();
  std::vector<AuditEntryRecord> log_ = BuildLog(10);
};

TEST_F(AuditVerifyTest, GoodLogPasses) {
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_TRUE(result.ok()) << DescribeAuditVerify(result, heads);
  EXPECT_EQ(result.entries_checked, 10);
  EXPECT_TRUE(result.signature_ok);
  EXPECT_TRUE(result.chain_ok);
  EXPECT_TRUE(result.root_ok);
  EXPECT_EQ(result.root, heads.head.root_hash);
  EXPECT_THAT(DescribeAuditVerify(result, heads),
              HasSubstr("ok: 10 entries checked"));
  EXPECT_THAT(DescribeAuditVerify(result, heads),
              HasSubstr(KeyFingerprint(signer_->public_key())));
}

TEST_F(AuditVerifyTest, EmptyLogPasses) {
  const std::vector<AuditEntryRecord> empty;
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, empty, 0));
  const AuditVerifyResult result = VerifyAuditLogEntries(empty, heads);
  EXPECT_TRUE(result.ok()) << DescribeAuditVerify(result, heads);
  EXPECT_EQ(result.root, merkle::EmptyRoot());
}

TEST_F(AuditVerifyTest, EntriesPastTheHeadAreCheckedButAreNotItsLeaves) {
  std::vector<AuditEntryRecord> grown = BuildLog(12);
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, grown, 10));
  AuditVerifyResult result = VerifyAuditLogEntries(grown, heads);
  EXPECT_TRUE(result.ok()) << DescribeAuditVerify(result, heads);
  EXPECT_EQ(result.entries_checked, 12);
  // A broken entry past the head is still a broken log.
  grown[11].details = "changed after the head was signed";
  result = VerifyAuditLogEntries(grown, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence, 12);
}

TEST_F(AuditVerifyTest, GoodLogWithSavedHeadAndProofPasses) {
  const TreeHead saved = SignedHead(*signer_, log_, 6);
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  AddSaved(saved, log_, heads);
  EXPECT_FALSE(heads.consistency_proof.empty());
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_TRUE(result.ok()) << DescribeAuditVerify(result, heads);
  EXPECT_TRUE(result.saved_prefix_ok);
  EXPECT_TRUE(result.consistency_ok);
}

TEST_F(AuditVerifyTest, SavedHeadOfTheSameSizePasses) {
  const TreeHead head = SignedHead(*signer_, log_, 10);
  AuditHeads heads = HeadsFor(*signer_, head);
  AddSaved(head, log_, heads);
  EXPECT_TRUE(heads.consistency_proof.empty());
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_TRUE(result.ok()) << DescribeAuditVerify(result, heads);
}

TEST_F(AuditVerifyTest, EditedDetailsFailAtTheirEntry) {
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  log_[4].details = "verdict REJECTED";
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.chain_ok);
  EXPECT_EQ(result.first_bad_sequence, 5);
  EXPECT_THAT(result.problem, HasSubstr("details"));
  EXPECT_THAT(DescribeAuditVerify(result, heads),
              HasSubstr("NOT OK: entry 5 is the first that does not match"));
}

TEST_F(AuditVerifyTest, ForgedActorFailsAtItsEntry) {
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  log_[2].actor = "organizations/acme/staffMembers/mallory";
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence, 3);
  EXPECT_THAT(result.problem, HasSubstr("actor"));
}

TEST_F(AuditVerifyTest, DeletedEntryFailsWhereItWas) {
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  log_.erase(log_.begin() + 3);
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence, 4);
}

TEST_F(AuditVerifyTest, SwappedEntriesFailAtTheFirst) {
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  std::swap(log_[5], log_[6]);
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence, 6);
}

TEST_F(AuditVerifyTest, MissingEntriesFail) {
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  log_.resize(8);
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.first_bad_sequence, 9);
  EXPECT_FALSE(result.root_computed);
}

TEST_F(AuditVerifyTest, RootThatDoesNotMatchTheEntriesFails) {
  // A head signed over other entries (each valid) than the ones listed.
  const std::vector<AuditEntryRecord> other = BuildLog(10);
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, other, 10));
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.chain_ok);
  EXPECT_TRUE(result.signature_ok);
  EXPECT_FALSE(result.root_ok);
  EXPECT_THAT(result.failures[0], HasSubstr("root:"));
}

TEST_F(AuditVerifyTest, SuffixRewritePassesAloneButFailsAgainstTheSavedHead) {
  const TreeHead saved = SignedHead(*signer_, log_, 6);
  // The operator edits entry 4 and recomputes every later hash, then signs
  // a fresh head over the rewritten log.
  std::vector<AuditEntryRecord> rewritten = log_;
  rewritten[3].details = "verdict REJECTED";
  Reseal(rewritten, 3);
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, rewritten, 10));

  const AuditVerifyResult alone = VerifyAuditLogEntries(rewritten, heads);
  EXPECT_TRUE(alone.ok()) << "a consistent rewrite is only caught by a "
                             "head saved before it";

  AddSaved(saved, rewritten, heads);
  const AuditVerifyResult result = VerifyAuditLogEntries(rewritten, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.chain_ok);
  EXPECT_TRUE(result.root_ok);
  EXPECT_FALSE(result.saved_prefix_ok);
  EXPECT_FALSE(result.consistency_ok);
  EXPECT_THAT(DescribeAuditVerify(result, heads),
              HasSubstr("entries seen before were rewritten"));
}

TEST_F(AuditVerifyTest, RewriteAfterTheSavedHeadIsNotCaughtByIt) {
  const TreeHead saved = SignedHead(*signer_, log_, 6);
  std::vector<AuditEntryRecord> rewritten = log_;
  rewritten[7].details = "verdict REJECTED";
  Reseal(rewritten, 7);
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, rewritten, 10));
  AddSaved(saved, rewritten, heads);
  // Entries 7..10 were never seen: the saved head vouches for 1..6 only.
  EXPECT_TRUE(VerifyAuditLogEntries(rewritten, heads).ok());
}

TEST_F(AuditVerifyTest, ServerProofThatDoesNotVerifyFails) {
  const TreeHead saved = SignedHead(*signer_, log_, 6);
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  AddSaved(saved, log_, heads);
  heads.consistency_proof.pop_back();
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.saved_prefix_ok);
  EXPECT_FALSE(result.consistency_ok);
  EXPECT_THAT(result.failures[0], HasSubstr("consistency proof"));
}

TEST_F(AuditVerifyTest, ShrunkLogFails) {
  const TreeHead saved = SignedHead(*signer_, log_, 10);
  log_.resize(8);
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 8));
  heads.saved = saved;
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.failures[0], HasSubstr("shrank"));
}

TEST_F(AuditVerifyTest, WrongPinnedKeyFails) {
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  heads.pinned_key = NewSigner()->public_key();
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.signature_ok);
  EXPECT_TRUE(result.chain_ok);
  EXPECT_THAT(result.failures[0], HasSubstr("not by the pinned key"));
}

TEST_F(AuditVerifyTest, HeadSignedByAnotherKeyNamingThePinnedOneFails) {
  const std::unique_ptr<TreeHeadSigner> other = NewSigner();
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*other, log_, 10));
  heads.head.public_key = signer_->public_key();
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.signature_ok);
  EXPECT_THAT(result.failures[0], HasSubstr("does not verify"));
}

TEST_F(AuditVerifyTest, BadSignatureFails) {
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  heads.head.signature[10] ^= 1;
  EXPECT_FALSE(VerifyAuditLogEntries(log_, heads).signature_ok);

  // A signed head with its time changed: the signature covers it.
  heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  heads.head.time_us += 1;
  EXPECT_FALSE(VerifyAuditLogEntries(log_, heads).signature_ok);
}

TEST_F(AuditVerifyTest, HeadOfAnotherOrganizationFails) {
  AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  heads.organization_id = "other";
  const AuditVerifyResult result = VerifyAuditLogEntries(log_, heads);
  EXPECT_FALSE(result.signature_ok);
  EXPECT_THAT(result.failures[0], HasSubstr("organizations/acme"));
}

// An erasure as the server performs it: the actor shown as a pseudonym and
// details redacted, declared by an audit.erase entry appended after.
TEST_F(AuditVerifyTest, DeclaredErasurePassesAndUndeclaredFails) {
  const std::string digest = log_[1].actor_digest;
  const std::string pseudonym = signer_->Pseudonym(digest);
  std::vector<AuditEntryRecord> erased = log_;
  erased[1].actor = pseudonym;
  erased[1].details.clear();
  erased[1].details_salt.clear();
  erased[1].details_redacted = true;
  {
    const AuditHeads heads =
        HeadsFor(*signer_, SignedHead(*signer_, erased, 10));
    const AuditVerifyResult result = VerifyAuditLogEntries(erased, heads);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.first_bad_sequence, 2);
  }
  AuditEntryRecord erase = NewEntry(11);
  erase.actor = "candor";
  erase.action = transparency::kAuditEraseAction;
  erase.subject = erased[1].subject;
  erase.details = transparency::EraseDeclaration(digest, pseudonym);
  transparency::SealEntry(erased.back().hash, &erase);
  erased.push_back(erase);
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, erased, 11));
  const AuditVerifyResult result = VerifyAuditLogEntries(erased, heads);
  EXPECT_TRUE(result.ok()) << DescribeAuditVerify(result, heads);
}

// --- conversions, head file, keys ---------------------------------------

transparencypb::AuditEntry ProtoOf(const AuditEntryRecord& r) {
  transparencypb::AuditEntry out;
  out.set_name(absl::StrCat("organizations/", r.organization_id,
                            "/auditEntries/", r.sequence));
  out.set_sequence(r.sequence);
  *out.mutable_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r.time_us);
  out.set_actor(r.actor);
  out.set_action(r.action);
  out.set_subject(r.subject);
  out.set_details(r.details);
  out.set_prev_hash(r.prev_hash);
  out.set_hash(r.hash);
  out.set_chain_version(r.chain_version);
  out.set_actor_digest(r.actor_digest);
  out.set_details_digest(r.details_digest);
  out.set_details_salt(r.details_salt);
  out.set_details_redacted(r.details_redacted);
  return out;
}

TEST_F(AuditVerifyTest, EntriesConvertWithEveryField) {
  std::vector<AuditEntryRecord> converted;
  for (const AuditEntryRecord& entry : log_) {
    converted.push_back(AuditEntryRecordOf(ProtoOf(entry)));
  }
  EXPECT_EQ(converted[3].organization_id, kOrg);
  EXPECT_EQ(converted[3].details_salt, log_[3].details_salt);
  const AuditHeads heads = HeadsFor(*signer_, SignedHead(*signer_, log_, 10));
  EXPECT_TRUE(VerifyAuditLogEntries(converted, heads).ok());

  transparencypb::AuditEntry redacted = ProtoOf(log_[0]);
  redacted.set_details_redacted(true);
  EXPECT_TRUE(AuditEntryRecordOf(redacted).details_redacted);
}

TEST_F(AuditVerifyTest, HeadFileRoundTrips) {
  const TreeHead head = SignedHead(*signer_, log_, 10);
  const std::string text = HeadFileText(TreeHeadToProto(head));
  EXPECT_THAT(text, HasSubstr("\"tree_size\": \"10\""));
  EXPECT_THAT(text, HasSubstr("organizations/acme/auditTreeHeads/10"));
  absl::StatusOr<transparencypb::AuditTreeHead> parsed =
      ParseHeadFile(text, "head.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  absl::StatusOr<TreeHead> back = TreeHeadOf(*parsed);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->organization_id, kOrg);
  EXPECT_EQ(back->tree_size, 10);
  EXPECT_EQ(back->root_hash, head.root_hash);
  EXPECT_EQ(back->time_us, head.time_us);
  EXPECT_TRUE(
      transparency::VerifyTreeHeadSignature(*back, signer_->public_key()));

  EXPECT_FALSE(ParseHeadFile("not json", "head.json").ok());
  EXPECT_THAT(
      std::string(
          ParseHeadFile("{\"nope\": 1}", "head.json").status().message()),
      HasSubstr("head.json"));
}

TEST_F(AuditVerifyTest, MalformedHeadsAreRefused) {
  transparencypb::AuditTreeHead head =
      TreeHeadToProto(SignedHead(*signer_, log_, 10));
  transparencypb::AuditTreeHead bad = head;
  bad.set_root_hash("short");
  EXPECT_FALSE(TreeHeadOf(bad).ok());
  bad = head;
  bad.set_name("organizations/acme/auditTreeHeads/9");
  EXPECT_FALSE(TreeHeadOf(bad).ok());
  bad = head;
  bad.set_name("acme");
  EXPECT_FALSE(TreeHeadOf(bad).ok());
}

TEST(AuditKeyTest, KeysParseInEveryForm) {
  const std::unique_ptr<TreeHeadSigner> signer = NewSigner();
  const std::string raw = signer->public_key();
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(*ParsePublicKey(raw), raw);
  EXPECT_EQ(*ParsePublicKey(absl::StrCat(absl::BytesToHexString(raw), "\n")),
            raw);
  EXPECT_EQ(*ParsePublicKey(absl::Base64Escape(raw)), raw);

  const std::string spki_prefix =
      absl::HexStringToBytes("302a300506032b6570032100");
  const std::string pem = absl::StrCat("-----BEGIN PUBLIC KEY-----\n",
                                       absl::Base64Escape(spki_prefix + raw),
                                       "\n-----END PUBLIC KEY-----\n");
  absl::StatusOr<std::string> from_pem = ParsePublicKey(pem);
  ASSERT_TRUE(from_pem.ok()) << from_pem.status();
  EXPECT_EQ(*from_pem, raw);

  EXPECT_FALSE(ParsePublicKey("").ok());
  EXPECT_FALSE(ParsePublicKey("abcd").ok());
  EXPECT_FALSE(ParsePublicKey(absl::StrCat("-----BEGIN PUBLIC KEY-----\n",
                                           absl::Base64Escape(raw),
                                           "\n-----END PUBLIC KEY-----\n"))
                   .ok());

  EXPECT_EQ(KeyFingerprint(raw).size(), 64u);
  EXPECT_NE(KeyFingerprint(raw), KeyFingerprint(NewSigner()->public_key()));
}

TEST(AuditHeadFileTest, WritesAtomicallyAndOverwrites) {
  char dir_template[] = "/tmp/candor_audit_verify_testXXXXXX";
  const char* dir = mkdtemp(dir_template);
  ASSERT_NE(dir, nullptr);
  const std::string path = absl::StrCat(dir, "/head.json");
  ASSERT_TRUE(WriteFileAtomically(path, "first\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second\n").ok());
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), "second\n");
  EXPECT_FALSE(
      WriteFileAtomically(absl::StrCat(dir, "/missing/head.json"), "x").ok());
  std::remove(path.c_str());
  rmdir(dir);
}

// --- audit prove ----------------------------------------------------------

TEST_F(AuditVerifyTest, InclusionOfAnEntryVerifies) {
  const TreeHead head = SignedHead(*signer_, log_, 10);
  const std::vector<merkle::Hash> proof =
      merkle::InclusionProof(LeavesOf(log_), 3);
  const EntryProofResult result = CheckEntryInclusion(log_[3], 4, head, proof);
  EXPECT_TRUE(result.ok()) << DescribeEntryProof(result, log_[3], head);
  EXPECT_EQ(result.hash, log_[3].hash);
  EXPECT_EQ(result.proof_length, proof.size());
  EXPECT_THAT(result.notes, IsEmpty());
  EXPECT_THAT(DescribeEntryProof(result, log_[3], head),
              HasSubstr("ok: entry 4 is in the signed log of 10 entries"));
}

TEST_F(AuditVerifyTest, InclusionFailsForAnEditedEntryOrAWrongProof) {
  const TreeHead head = SignedHead(*signer_, log_, 10);
  const std::vector<merkle::Hash> proof =
      merkle::InclusionProof(LeavesOf(log_), 3);

  AuditEntryRecord edited = log_[3];
  edited.details = "verdict REJECTED";
  EntryProofResult result = CheckEntryInclusion(edited, 4, head, proof);
  EXPECT_FALSE(result.entry_ok);
  EXPECT_THAT(result.failures[0], HasSubstr("details"));

  // Edited and resealed on its own: its fields agree with its hash, but the
  // signed tree does not hold that hash.
  const std::string prev_hash = edited.prev_hash;  // SealEntry overwrites it
  transparency::SealEntry(prev_hash, &edited);
  result = CheckEntryInclusion(edited, 4, head, proof);
  EXPECT_TRUE(result.entry_ok);
  EXPECT_FALSE(result.inclusion_ok);

  // The proof of another leaf.
  result = CheckEntryInclusion(log_[3], 4, head,
                               merkle::InclusionProof(LeavesOf(log_), 4));
  EXPECT_FALSE(result.inclusion_ok);

  // The wrong entry for the sequence asked.
  result = CheckEntryInclusion(log_[4], 4, head, proof);
  EXPECT_FALSE(result.ok());

  // Beyond the head.
  const TreeHead small = SignedHead(*signer_, log_, 3);
  result = CheckEntryInclusion(log_[3], 4, small, proof);
  EXPECT_FALSE(result.ok());
}

TEST_F(AuditVerifyTest, InclusionOfAnErasedEntryNotesWhatItCannotCheck) {
  const TreeHead head = SignedHead(*signer_, log_, 10);
  AuditEntryRecord erased = log_[1];
  erased.actor = signer_->Pseudonym(erased.actor_digest);
  erased.details.clear();
  erased.details_salt.clear();
  erased.details_redacted = true;
  const EntryProofResult result = CheckEntryInclusion(
      erased, 2, head, merkle::InclusionProof(LeavesOf(log_), 1));
  EXPECT_TRUE(result.ok()) << DescribeEntryProof(result, erased, head);
  EXPECT_EQ(result.notes.size(), 2u);
}

TEST(AuditProofTest, ProofHashesMustBe32Bytes) {
  google::protobuf::RepeatedPtrField<std::string> hashes;
  *hashes.Add() = std::string(32, 'a');
  EXPECT_EQ(HashesOf(hashes)->size(), 1u);
  *hashes.Add() = "short";
  EXPECT_FALSE(HashesOf(hashes).ok());
}

}  // namespace
}  // namespace candor::cli
