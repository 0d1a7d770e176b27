// The audit log's hash chain (docs/RULES.md, "Audit log"): the canonical bytes
// of an entry, its hash, and verification of a run of entries.
//
//   hash = SHA-256(prev_hash || canonical bytes)
//
// prev_hash enters as its 32 raw bytes (64 zero hex digits, i.e. 32 zero
// bytes, for the first entry). The canonical bytes are a length-prefixed
// encoding, so no two different entries share them:
//   u64 sequence, i64 time_us, then for actor_digest, action, subject and
//   details: u64 byte length followed by the bytes;
// every integer big-endian. The actor enters only as actor_digest (hex
// SHA-256 of the actor text), so erasure can replace the actor with a
// pseudonym and keep the digest without breaking the chain.
//
// Pure functions and a small value type; thread-safe.
#ifndef CANDOR_SERVICES_TRANSPARENCY_AUDIT_CHAIN_H_
#define CANDOR_SERVICES_TRANSPARENCY_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace candor::transparency {

// 64 '0's: the prev_hash of an organization's first entry.
extern const char kGenesisHash[];

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
};

// The digest the chain holds for `actor`.
std::string ActorDigest(absl::string_view actor);

// The canonical bytes of `entry` (its sequence, time_us, actor_digest,
// action, subject and details; nothing else).
std::string CanonicalBytes(const AuditEntryRecord& entry);

// SHA-256(prev_hash || CanonicalBytes(entry)) in lowercase hex, with
// prev_hash taken from `prev_hash_hex` (not entry.prev_hash). A prev_hash
// that is not 64 hex digits is hashed as given text, so a corrupted link
// still yields a (different) hash rather than an error.
std::string ChainHash(absl::string_view prev_hash_hex,
                      const AuditEntryRecord& entry);

// Fills actor_digest, prev_hash and hash of an entry appended after
// `prev_hash_hex`.
void SealEntry(absl::string_view prev_hash_hex, AuditEntryRecord* entry);

// Verifies entries one at a time in sequence order, from the first.
class ChainVerifier {
 public:
  // Checks the next entry: its sequence follows the previous one (1 first),
  // its prev_hash is the previous entry's recomputed hash, its hash is
  // ChainHash(prev, entry). Returns false at the first entry that fails
  // (and for every entry after it).
  bool Check(const AuditEntryRecord& entry);

  bool ok() const { return first_bad_sequence_ == 0; }
  int64_t checked() const { return checked_; }
  // 0 while ok.
  int64_t first_bad_sequence() const { return first_bad_sequence_; }

 private:
  std::string expected_prev_ = kGenesisHash;
  int64_t expected_sequence_ = 1;
  int64_t checked_ = 0;
  int64_t first_bad_sequence_ = 0;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_AUDIT_CHAIN_H_
