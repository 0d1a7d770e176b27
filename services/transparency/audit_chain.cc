#include "services/transparency/audit_chain.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <utility>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace candor::transparency {
namespace {

constexpr char kVersion2Tag[] = "candor.audit.v2";
constexpr char kDigestLabel[] = "actor_digest: ";
constexpr char kPseudonymLabel[] = "pseudonym: ";
constexpr int kSaltBytes = 16;

void AppendU64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

void AppendField(absl::string_view field, std::string* out) {
  AppendU64(field.size(), out);
  out->append(field.data(), field.size());
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool IsHex64(absl::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string RandomSaltHex() {
  unsigned char salt[kSaltBytes];
  // RAND_bytes fails only when the system cannot seed its generator; a
  // salt from a non-cryptographic generator is then still a valid (weaker)
  // commitment, so it is not worth failing the append for.
  if (RAND_bytes(salt, sizeof salt) != 1) {
    absl::BitGen fallback;
    for (unsigned char& byte : salt) {
      byte = absl::Uniform<unsigned char>(fallback);
    }
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(salt), sizeof salt));
}

}  // namespace

const char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";
const char kAuditEraseAction[] = "audit.erase";

std::string ActorDigest(absl::string_view actor) { return Sha256Hex(actor); }

std::string DetailsDigest(absl::string_view salt_hex,
                          absl::string_view details) {
  std::string input;
  AppendField(salt_hex, &input);
  AppendField(details, &input);
  return Sha256Hex(input);
}

std::string CanonicalBytes(const AuditEntryRecord& entry) {
  const bool v1 = entry.chain_version == 1;
  const std::string& details = v1 ? entry.details : entry.details_digest;
  std::string out;
  out.reserve(64 + entry.actor_digest.size() + entry.action.size() +
              entry.subject.size() + details.size());
  AppendU64(static_cast<uint64_t>(entry.sequence), &out);
  AppendU64(static_cast<uint64_t>(entry.time_us), &out);
  AppendField(entry.actor_digest, &out);
  AppendField(entry.action, &out);
  AppendField(entry.subject, &out);
  AppendField(details, &out);
  if (!v1) AppendField(kVersion2Tag, &out);
  return out;
}

std::string ChainHash(absl::string_view prev_hash_hex,
                      const AuditEntryRecord& entry) {
  std::string input = IsHex64(prev_hash_hex)
                          ? absl::HexStringToBytes(prev_hash_hex)
                          : std::string(prev_hash_hex);
  input += CanonicalBytes(entry);
  return Sha256Hex(input);
}

void SealEntry(absl::string_view prev_hash_hex, AuditEntryRecord* entry) {
  // A copy first: prev_hash_hex may view entry->prev_hash itself.
  std::string prev_hash(prev_hash_hex);
  entry->chain_version = kAuditChainVersion;
  entry->actor_digest = ActorDigest(entry->actor);
  entry->details_salt = RandomSaltHex();
  entry->details_digest = DetailsDigest(entry->details_salt, entry->details);
  entry->details_redacted = false;
  entry->hash = ChainHash(prev_hash, *entry);
  entry->prev_hash = std::move(prev_hash);
}

std::string EraseDeclaration(absl::string_view actor_digest,
                             absl::string_view pseudonym) {
  return absl::StrCat(kDigestLabel, actor_digest, "\n", kPseudonymLabel,
                      pseudonym);
}

std::string LegacyErasedPseudonym(absl::string_view actor_digest) {
  return absl::StrCat("erased-", actor_digest.substr(0, 12));
}

void AuditLogVerifier::Fail(int64_t sequence, std::string problem) {
  if (first_bad_sequence_ != 0 && first_bad_sequence_ <= sequence) return;
  first_bad_sequence_ = sequence;
  problem_ = std::move(problem);
}

void AuditLogVerifier::Declare(const AuditEntryRecord& erase_entry) {
  // Redacted details of earlier entries about the erasure's subject.
  pending_redactions_.erase(erase_entry.subject);
  std::string digest;
  std::string pseudonym;
  for (absl::string_view line : absl::StrSplit(erase_entry.details, '\n')) {
    if (absl::ConsumePrefix(&line, kDigestLabel)) digest = std::string(line);
    if (absl::ConsumePrefix(&line, kPseudonymLabel)) {
      pseudonym = std::string(line);
    }
  }
  pending_actors_.erase({digest, pseudonym});
}

bool AuditLogVerifier::Check(const AuditEntryRecord& entry) {
  if (!ok()) return false;
  checked_ += 1;
  if (entry.sequence != expected_sequence_) {
    Fail(expected_sequence_,
         absl::StrCat("sequence ", entry.sequence, " where ",
                      expected_sequence_, " was expected"));
    return false;
  }
  if (entry.chain_version != 1 && entry.chain_version != 2) {
    Fail(entry.sequence, "unknown chain_version");
    return false;
  }
  if (entry.prev_hash != expected_prev_) {
    Fail(entry.sequence, "prev_hash does not link to the previous entry");
    return false;
  }
  const std::string recomputed = ChainHash(expected_prev_, entry);
  if (entry.hash != recomputed) {
    Fail(entry.sequence, "hash does not match the entry");
    return false;
  }
  if (ActorDigest(entry.actor) != entry.actor_digest) {
    if (entry.chain_version == 1 &&
        entry.actor == LegacyErasedPseudonym(entry.actor_digest)) {
      // Erased before erasures were declared; fixed by the first signed head.
    } else {
      pending_actors_[{entry.actor_digest, entry.actor}].push_back(
          {entry.sequence, "actor does not match actor_digest"});
    }
  }
  if (entry.chain_version == 2) {
    if (entry.details_redacted) {
      if (!entry.details.empty() || !entry.details_salt.empty() ||
          entry.action == kAuditEraseAction) {
        Fail(entry.sequence, "redacted entry still shows details");
        return false;
      }
      pending_redactions_[entry.subject].push_back(
          {entry.sequence, "details redacted without an erasure entry"});
    } else if (DetailsDigest(entry.details_salt, entry.details) !=
               entry.details_digest) {
      Fail(entry.sequence, "details do not match details_digest");
      return false;
    }
  } else if (entry.details_redacted) {
    Fail(entry.sequence, "a version-1 entry cannot be redacted");
    return false;
  }
  if (entry.action == kAuditEraseAction) Declare(entry);
  expected_prev_ = recomputed;
  expected_sequence_ += 1;
  return true;
}

void AuditLogVerifier::Finish() {
  for (const auto& [key, entries] : pending_actors_) {
    for (const Pending& p : entries) Fail(p.sequence, p.problem);
  }
  for (const auto& [subject, entries] : pending_redactions_) {
    for (const Pending& p : entries) Fail(p.sequence, p.problem);
  }
}

}  // namespace candor::transparency
