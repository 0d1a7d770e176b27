// The audit log's hash chain (docs/AUDIT.md): the canonical bytes of an
// entry, its hash, and the verification of a whole log that anyone can run
// (the server's VerifyAuditLog and `candorctl audit verify` share it).
//
//   hash = SHA-256(prev_hash || canonical bytes)
//
// prev_hash enters as its 32 raw bytes (64 zero hex digits, i.e. 32 zero
// bytes, for the first entry). The canonical bytes are a length-prefixed
// encoding (u64 big-endian lengths and integers), so no two different
// entries share them:
//   version 1: u64 sequence, i64 time_us, actor_digest, action, subject,
//              details
//   version 2: u64 sequence, i64 time_us, actor_digest, action, subject,
//              details_digest, "candor.audit.v2"
// Version 2 commits to details through details_digest = SHA-256(salt,
// details) so erasure can remove a free-text detail and the chain still
// verifies; the trailing tag keeps a version-2 encoding from ever equaling
// a version-1 one. The actor enters only as actor_digest (SHA-256 of the
// actor text) in both versions, so erasure can show a pseudonym instead.
//
// What keeps the shown fields honest is the verifier, not the hash alone:
// actor must hash to actor_digest, or be the pseudonym a later "audit.erase"
// entry declares for that digest; details must match details_digest, or be
// redacted with a later "audit.erase" entry for the entry's subject.
//
// Pure functions and small value types; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_AUDIT_CHAIN_H_
#define CANDOR_SERVICES_TRANSPARENCY_AUDIT_CHAIN_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace candor::transparency {

// 64 '0's: the prev_hash of an organization's first entry.
extern const char kGenesisHash[];

// Entries written from now on; 1 is read (and verified) only.
constexpr int kAuditChainVersion = 2;

// The action of the entry an erasure appends: it declares the pseudonym of
// the erased actor and the subject whose entries' details were redacted.
extern const char kAuditEraseAction[];

struct AuditEntryRecord {
  std::string organization_id;
  int64_t sequence = 0;
  int64_t time_us = 0;
  std::string actor;         // staff resource name, "automatic", "candor"
  std::string actor_digest;  // ActorDigest(actor) when written
  std::string action;        // "decision.create", "ruleset.publish"
  std::string subject;       // the resource acted on
  std::string details;
  std::string prev_hash;  // lowercase hex
  std::string hash;       // lowercase hex
  int chain_version = kAuditChainVersion;
  std::string details_digest;  // version 2: DetailsDigest(salt, details)
  std::string details_salt;    // version 2: lowercase hex; empty if redacted
  bool details_redacted = false;
};

// The digest the chain holds for `actor`.
std::string ActorDigest(absl::string_view actor);

// The version-2 commitment to details: hex SHA-256 of the length-prefixed
// salt and details.
std::string DetailsDigest(absl::string_view salt_hex,
                          absl::string_view details);

// The canonical bytes of `entry` for its chain_version (see above).
std::string CanonicalBytes(const AuditEntryRecord& entry);

// SHA-256(prev_hash || CanonicalBytes(entry)) in lowercase hex, with
// prev_hash taken from `prev_hash_hex` (not entry.prev_hash). A prev_hash
// that is not 64 hex digits is hashed as given text, so a corrupted link
// still yields a (different) hash rather than an error.
std::string ChainHash(absl::string_view prev_hash_hex,
                      const AuditEntryRecord& entry);

// Fills actor_digest, details_salt (fresh random), details_digest,
// chain_version (kAuditChainVersion), prev_hash and hash of an entry appended
// after `prev_hash_hex`.
void SealEntry(absl::string_view prev_hash_hex, AuditEntryRecord* entry);

// The details of the kAuditEraseAction entry for an erased actor: it
// declares `pseudonym` for entries whose actor_digest is `actor_digest`,
// and redaction of the details of earlier entries about its subject.
std::string EraseDeclaration(absl::string_view actor_digest,
                             absl::string_view pseudonym);

// The pseudonym entries erased before chain version 2 show: "erased-" and
// the first 12 hex digits of the actor digest. Accepted in version-1
// entries only (they were written before erasures were declared).
std::string LegacyErasedPseudonym(absl::string_view actor_digest);

// Verifies a log entry by entry, in sequence order, from the first. Every
// field an entry shows is checked: the chain link and hash, actor against
// actor_digest, details against details_digest. An actor shown as a
// pseudonym or a redacted detail is valid only once a later erasure entry
// declares it, so such entries stay pending until then; Finish() fails the
// ones never declared.
class AuditLogVerifier {
 public:
  // Checks the next entry. Returns false at the first entry that breaks the
  // chain or shows a field its hashes contradict (and for every entry after).
  bool Check(const AuditEntryRecord& entry);
  // Ends the log: pending entries no erasure declared fail here.
  void Finish();

  bool ok() const { return first_bad_sequence_ == 0; }
  int64_t checked() const { return checked_; }
  // 0 while ok.
  int64_t first_bad_sequence() const { return first_bad_sequence_; }
  // Why first_bad_sequence is bad; empty while ok.
  const std::string& problem() const { return problem_; }
  // The recomputed hash of the last entry checked (kGenesisHash before the
  // first): a Merkle leaf and the next entry's expected prev_hash.
  const std::string& last_hash() const { return expected_prev_; }

 private:
  struct Pending {
    int64_t sequence;
    std::string problem;
  };
  void Fail(int64_t sequence, std::string problem);
  void Declare(const AuditEntryRecord& erase_entry);

  std::string expected_prev_ = kGenesisHash;
  int64_t expected_sequence_ = 1;
  int64_t checked_ = 0;
  int64_t first_bad_sequence_ = 0;
  std::string problem_;
  // Pseudonyms shown but not yet declared, by (actor_digest, pseudonym).
  std::map<std::pair<std::string, std::string>, std::vector<Pending>>
      pending_actors_;
  // Redactions seen but not yet declared, by subject.
  std::map<std::string, std::vector<Pending>> pending_redactions_;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_AUDIT_CHAIN_H_
