#include "services/transparency/audit_chain.h"

#include "absl/strings/escaping.h"
#include "db/sha256.h"

namespace candor::transparency {
namespace {

void AppendU64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xFF));
  }
}

void AppendField(absl::string_view field, std::string* out) {
  AppendU64(field.size(), out);
  out->append(field.data(), field.size());
}

bool IsHex64(absl::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

const char kGenesisHash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

std::string ActorDigest(absl::string_view actor) {
  return db::Sha256Hex(actor);
}

std::string CanonicalBytes(const AuditEntryRecord& entry) {
  std::string out;
  out.reserve(48 + entry.actor_digest.size() + entry.action.size() +
              entry.subject.size() + entry.details.size());
  AppendU64(static_cast<uint64_t>(entry.sequence), &out);
  AppendU64(static_cast<uint64_t>(entry.time_us), &out);
  AppendField(entry.actor_digest, &out);
  AppendField(entry.action, &out);
  AppendField(entry.subject, &out);
  AppendField(entry.details, &out);
  return out;
}

std::string ChainHash(absl::string_view prev_hash_hex,
                      const AuditEntryRecord& entry) {
  std::string input = IsHex64(prev_hash_hex)
                          ? absl::HexStringToBytes(prev_hash_hex)
                          : std::string(prev_hash_hex);
  input += CanonicalBytes(entry);
  return db::Sha256Hex(input);
}

void SealEntry(absl::string_view prev_hash_hex, AuditEntryRecord* entry) {
  entry->actor_digest = ActorDigest(entry->actor);
  entry->prev_hash = std::string(prev_hash_hex);
  entry->hash = ChainHash(prev_hash_hex, *entry);
}

bool ChainVerifier::Check(const AuditEntryRecord& entry) {
  if (!ok()) return false;
  checked_ += 1;
  const std::string recomputed = ChainHash(expected_prev_, entry);
  if (entry.sequence != expected_sequence_ ||
      entry.prev_hash != expected_prev_ || entry.hash != recomputed) {
    first_bad_sequence_ = entry.sequence != expected_sequence_
                              ? expected_sequence_
                              : entry.sequence;
    return false;
  }
  expected_prev_ = recomputed;
  expected_sequence_ += 1;
  return true;
}

}  // namespace candor::transparency
