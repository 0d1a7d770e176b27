// The client side of the audit log's guarantees (docs/AUDIT.md): what
// `candorctl audit verify` and `candorctl audit prove` check, with no server
// calls, so that every check is unit-tested and the commands only fetch.
//
// Nothing the server says about validity is trusted. verify recomputes the
// hash chain of every entry (AuditLogVerifier, the code the server builds
// the log with), the Merkle tree over the recomputed hashes, and checks
// that the tree is the one the signed tree head names, signed by the key the
// client pinned. A head saved by an earlier run (the head file) must be a
// prefix of the new tree: the client recomputes the root of the first
// saved.tree_size leaves itself, so a rewrite of anything it saw before
// fails even when the operator recomputed every later hash and signed a new
// head; the server's consistency proof is checked as well, to show that the
// proofs it hands others agree.
//
// The head file is the AuditTreeHead proto as JSON (the proto's JSON
// mapping: bytes fields in base64), written only after a run that passed.
#ifndef CANDOR_CLIENTS_CLI_AUDIT_VERIFY_H_
#define CANDOR_CLIENTS_CLI_AUDIT_VERIFY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "services/transparency/audit_chain.h"
#include "services/transparency/merkle.h"
#include "services/transparency/tree_head.h"

namespace candor::cli {

// --- conversions ---------------------------------------------------------

// Every field of an entry as listed, for AuditLogVerifier: organization_id
// comes from the entry's name (organizations/{org}/auditEntries/{seq}).
transparency::AuditEntryRecord AuditEntryRecordOf(
    const candor::transparency::v1::AuditEntry& entry);

// The head a server returned or a head file held. INVALID_ARGUMENT when its
// name is not organizations/{org}/auditTreeHeads/{tree_size} (with its
// tree_size) or root_hash is not 32 bytes.
absl::StatusOr<transparency::TreeHead> TreeHeadOf(
    const candor::transparency::v1::AuditTreeHead& head);
candor::transparency::v1::AuditTreeHead TreeHeadToProto(
    const transparency::TreeHead& head);

// --- the head file -------------------------------------------------------

// The head file's text: the head as proto JSON, one field a line.
std::string HeadFileText(const candor::transparency::v1::AuditTreeHead& head);
// INVALID_ARGUMENT (naming `file`) when `text` is not an AuditTreeHead in
// proto JSON.
absl::StatusOr<candor::transparency::v1::AuditTreeHead> ParseHeadFile(
    const std::string& text, const std::string& file);
// Writes `contents` to a temporary file next to `path`, syncs it and
// renames it over `path`, so that a crash leaves the old file or the new
// one, never half of one.
absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& contents);

// --- keys ----------------------------------------------------------------

// An Ed25519 public key as a --public-key-file holds it: the 32 raw bytes,
// 64 hex digits, their base64 (44 characters), or the PEM `openssl pkey
// -pubout` writes (SubjectPublicKeyInfo). Surrounding whitespace is
// ignored. Returns the 32 raw bytes; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> ParsePublicKey(absl::string_view text);
// Lowercase hex SHA-256 of the 32 raw key bytes: what to compare with the
// organization's published key (`openssl pkey -pubin -in key.pem -outform
// DER | tail -c 32 | sha256sum`).
std::string KeyFingerprint(absl::string_view public_key);
// Lowercase hex of any bytes.
std::string HexText(absl::string_view bytes);

// "" when `head` is a head of `organization_id`'s log signed by
// `pinned_key` (raw 32 bytes); otherwise why not.
std::string HeadSignatureProblem(const transparency::TreeHead& head,
                                 const std::string& organization_id,
                                 const std::string& pinned_key);

// --- audit verify --------------------------------------------------------

// What the entries are checked against.
struct AuditHeads {
  // The organization whose log is checked (the bare id).
  std::string organization_id;
  // The head the server signed now.
  transparency::TreeHead head;
  // The head a previous run saved, if any.
  std::optional<transparency::TreeHead> saved;
  // The server's consistency proof from saved->tree_size to
  // head.tree_size; checked when saved->tree_size is at least 1.
  std::vector<transparency::merkle::Hash> consistency_proof;
  // The key heads must be signed with (raw 32 bytes).
  std::string pinned_key;
};

struct AuditVerifyResult {
  int64_t tree_size = 0;
  // Entries checked: those the head covers and any listed after them.
  int64_t entries_checked = 0;
  // The chain (AuditLogVerifier): 0 and empty while it holds.
  int64_t first_bad_sequence = 0;
  std::string problem;
  // The Merkle root over the recomputed hashes (valid when root_computed).
  transparency::merkle::Hash root{};
  bool root_computed = false;

  bool signature_ok = false;
  bool chain_ok = false;
  bool root_ok = false;
  // Both true without a saved head.
  bool saved_prefix_ok = false;  // our root of the saved prefix matches
  bool consistency_ok = false;   // the server's proof verifies
  // One line per failure, in the order checked, e.g. "signature: ...".
  std::vector<std::string> failures;

  bool ok() const { return failures.empty(); }
};

// Takes a log's entries as they are listed, in sequence order from 1, and
// checks them against the heads. Feed with Add while wants_more(), then
// call Finish once. Memory: 32 bytes per entry (the leaves), so a
// 1,000,000-entry log is checked in a few tens of megabytes.
class AuditLogCheck {
 public:
  explicit AuditLogCheck(int64_t tree_size) : tree_size_(tree_size) {}

  // Takes the next entry. Entries past tree_size (the log grows while it is
  // read) are checked but are not leaves of the head: an erasure appended
  // after the head declares what entries under it show. Stops taking them
  // at the first that breaks the chain, since no later hash can be
  // recomputed.
  void Add(const transparency::AuditEntryRecord& entry);
  // Whether Add still takes entries.
  bool wants_more() const;
  // Merkle leaves of the recomputed hashes, one per entry taken.
  const std::vector<transparency::merkle::Hash>& leaves() const {
    return leaves_;
  }

  AuditVerifyResult Finish(const AuditHeads& heads);

 private:
  int64_t tree_size_;
  transparency::AuditLogVerifier verifier_;
  std::vector<transparency::merkle::Hash> leaves_;
};

// AuditLogCheck over `entries` at once.
AuditVerifyResult VerifyAuditLogEntries(
    const std::vector<transparency::AuditEntryRecord>& entries,
    const AuditHeads& heads);

// What `audit verify` prints: "ok: ..." or "NOT OK: ..." then the head's
// fields and every failure.
std::string DescribeAuditVerify(const AuditVerifyResult& result,
                                const AuditHeads& heads);

// --- audit prove ---------------------------------------------------------

struct EntryProofResult {
  // The entry's hash as recomputed here (lowercase hex).
  std::string hash;
  size_t proof_length = 0;
  bool entry_ok = false;      // hash, link form, actor and details agree
  bool inclusion_ok = false;  // the proof puts it under the head's root
  // What one entry cannot show (a pseudonym or redaction is valid only
  // with a later erasure entry, which `audit verify` checks).
  std::vector<std::string> notes;
  std::vector<std::string> failures;

  bool ok() const { return failures.empty(); }
};

// Checks that `entry` is entry `sequence`, that its shown fields agree
// with its hash (recomputed from its own prev_hash), and that `proof`
// (the RFC 9162 inclusion path) shows that hash at leaf sequence - 1 of
// the tree `head` names. The head's signature is checked separately
// (HeadSignatureProblem).
EntryProofResult CheckEntryInclusion(
    const transparency::AuditEntryRecord& entry, int64_t sequence,
    const transparency::TreeHead& head,
    const std::vector<transparency::merkle::Hash>& proof);

std::string DescribeEntryProof(const EntryProofResult& result,
                               const transparency::AuditEntryRecord& entry,
                               const transparency::TreeHead& head);

// 32-byte strings (from a proof message) as hashes; INVALID_ARGUMENT when
// one is another length.
absl::StatusOr<std::vector<transparency::merkle::Hash>> HashesOf(
    const google::protobuf::RepeatedPtrField<std::string>& hashes);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_AUDIT_VERIFY_H_
