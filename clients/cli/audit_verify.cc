#include "clients/cli/audit_verify.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cli/output.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;
namespace merkle = ::candor::transparency::merkle;
using ::candor::transparency::AuditEntryRecord;
using ::candor::transparency::TreeHead;
using ::google::protobuf::util::TimeUtil;

constexpr size_t kKeyBytes = 32;
// DER of an Ed25519 SubjectPublicKeyInfo up to the key (RFC 8410): SEQUENCE
// { SEQUENCE { OID 1.3.101.112 }, BIT STRING { 32 bytes } }. Fixed, so a PEM
// key is read without a DER parser.
constexpr unsigned char kEd25519SpkiPrefix[] = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The 32 raw bytes of a 64-hex-digit hash; nullopt otherwise.
std::optional<merkle::Hash> HashOfHex(absl::string_view hex) {
  if (hex.size() != 2 * kKeyBytes || !IsHex(hex)) return std::nullopt;
  const std::string bytes = absl::HexStringToBytes(hex);
  merkle::Hash hash;
  std::memcpy(hash.data(), bytes.data(), hash.size());
  return hash;
}

merkle::Hash LeafOfHex(absl::string_view hex) {
  // Only called with hashes the chain code computed: always 64 hex digits.
  return merkle::LeafHash(absl::HexStringToBytes(hex));
}

std::string TimeOfMicros(int64_t time_us) {
  return TimeText(TimeUtil::MicrosecondsToTimestamp(time_us));
}

// The organization id in "organizations/{org}/{collection}/{rest}".
bool SplitName(absl::string_view name, absl::string_view collection,
               std::string* organization_id, std::string* rest) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "organizations" || parts[1].empty() ||
      parts[2] != collection) {
    return false;
  }
  *organization_id = std::string(parts[1]);
  *rest = std::string(parts[3]);
  return true;
}

}  // namespace

// --- conversions ---------------------------------------------------------

AuditEntryRecord AuditEntryRecordOf(const transparencypb::AuditEntry& entry) {
  AuditEntryRecord record;
  std::string rest;
  // A malformed name leaves organization_id empty: it is not hashed, and
  // the head names the organization that is checked.
  SplitName(entry.name(), "auditEntries", &record.organization_id, &rest);
  record.sequence = entry.sequence();
  record.time_us = TimeUtil::TimestampToMicroseconds(entry.time());
  record.actor = entry.actor();
  record.actor_digest = entry.actor_digest();
  record.action = entry.action();
  record.subject = entry.subject();
  record.details = entry.details();
  record.prev_hash = entry.prev_hash();
  record.hash = entry.hash();
  // Taken as listed: a server that leaves it unset (0) fails the check
  // rather than being guessed for.
  record.chain_version = entry.chain_version();
  record.details_digest = entry.details_digest();
  record.details_salt = entry.details_salt();
  record.details_redacted = entry.details_redacted();
  return record;
}

absl::StatusOr<TreeHead> TreeHeadOf(const transparencypb::AuditTreeHead& head) {
  TreeHead out;
  std::string size_text;
  int64_t size = 0;
  if (!SplitName(head.name(), "auditTreeHeads", &out.organization_id,
                 &size_text) ||
      !absl::SimpleAtoi(size_text, &size) || size != head.tree_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the tree head's name \"", head.name(),
        "\" is not organizations/ORG/auditTreeHeads/", head.tree_size()));
  }
  if (head.tree_size() < 0) {
    return absl::InvalidArgumentError("the tree head's tree_size is negative");
  }
  if (head.root_hash().size() != out.root_hash.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the tree head's root_hash has ", head.root_hash().size(),
                     " bytes, not 32"));
  }
  out.tree_size = head.tree_size();
  std::memcpy(out.root_hash.data(), head.root_hash().data(),
              out.root_hash.size());
  out.time_us = TimeUtil::TimestampToMicroseconds(head.time());
  out.signature = head.signature();
  out.public_key = head.public_key();
  return out;
}

transparencypb::AuditTreeHead TreeHeadToProto(const TreeHead& head) {
  transparencypb::AuditTreeHead out;
  out.set_name(absl::StrCat("organizations/", head.organization_id,
                            "/auditTreeHeads/", head.tree_size));
  out.set_tree_size(head.tree_size);
  out.set_root_hash(
      std::string(reinterpret_cast<const char*>(head.root_hash.data()),
                  head.root_hash.size()));
  *out.mutable_time() = TimeUtil::MicrosecondsToTimestamp(head.time_us);
  out.set_signature(head.signature);
  out.set_public_key(head.public_key);
  return out;
}

// --- the head file -------------------------------------------------------

std::string HeadFileText(const transparencypb::AuditTreeHead& head) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Only fails for messages with unresolvable Any fields; this has none.
  (void)google::protobuf::util::MessageToJsonString(head, &json, options);
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

absl::StatusOr<transparencypb::AuditTreeHead> ParseHeadFile(
    const std::string& text, const std::string& file) {
  transparencypb::AuditTreeHead head;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &head);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, " is not a saved audit tree head (AuditTreeHead as JSON): ",
        std::string(status.message())));
  }
  return head;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& contents) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", temporary, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  bool ok = true;
  while (written < contents.size()) {
    const ssize_t n =
        write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    written += static_cast<size_t>(n);
  }
  // Synced before the rename, so the name never points at unwritten data.
  ok = ok && fsync(fd) == 0;
  const int saved_errno = errno;
  ok = close(fd) == 0 && ok;
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(ok ? errno : saved_errno);
    unlink(temporary.c_str());
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": ", why));
  }
  return absl::OkStatus();
}

// --- keys ----------------------------------------------------------------

absl::StatusOr<std::string> ParsePublicKey(absl::string_view text) {
  if (text.size() == kKeyBytes && !absl::StrContains(text, "-----")) {
    // 32 raw bytes. (Hex is 64 characters and base64 44, so a text key is
    // never taken for a raw one.)
    return std::string(text);
  }
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (absl::StartsWith(trimmed, "-----BEGIN PUBLIC KEY-----")) {
    std::string body;
    for (absl::string_view line : absl::StrSplit(trimmed, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!absl::StartsWith(line, "-----")) absl::StrAppend(&body, line);
    }
    std::string der;
    const size_t prefix = sizeof kEd25519SpkiPrefix;
    if (!absl::Base64Unescape(body, &der) || der.size() != prefix + kKeyBytes ||
        std::memcmp(der.data(), kEd25519SpkiPrefix, prefix) != 0) {
      return absl::InvalidArgumentError(
          "the PEM public key is not an Ed25519 key");
    }
    return der.substr(prefix);
  }
  if (trimmed.size() == 2 * kKeyBytes && IsHex(trimmed)) {
    return absl::HexStringToBytes(trimmed);
  }
  std::string raw;
  if (absl::Base64Unescape(trimmed, &raw) && raw.size() == kKeyBytes) {
    return raw;
  }
  return absl::InvalidArgumentError(
      "not an Ed25519 public key: expected 32 raw bytes, 64 hex digits, "
      "base64 of 32 bytes, or a PEM public key (openssl pkey -pubout)");
}

std::string KeyFingerprint(absl::string_view public_key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(public_key.data()),
         public_key.size(), digest);
  return HexText(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string HexText(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

std::string HeadSignatureProblem(const TreeHead& head,
                                 const std::string& organization_id,
                                 const std::string& pinned_key) {
  if (head.organization_id != organization_id) {
    return absl::StrCat("the head is of organizations/", head.organization_id,
                        ", not organizations/", organization_id);
  }
  if (head.public_key != pinned_key) {
    // Checked with the pinned key below either way; this names the cause.
    return absl::StrCat("the head is signed by key ",
                        KeyFingerprint(head.public_key),
                        ", not by the pinned key ", KeyFingerprint(pinned_key),
                        " (if the organization rotated its key, give the new "
                        "one with --public-key-file)");
  }
  if (!transparency::VerifyTreeHeadSignature(head, pinned_key)) {
    return "the signature does not verify with the pinned key";
  }
  return "";
}

// --- audit verify --------------------------------------------------------

void AuditLogCheck::Add(const AuditEntryRecord& entry) {
  if (!wants_more()) return;
  if (!verifier_.Check(entry)) return;
  // Entries past the head are checked too (an erasure appended meanwhile
  // declares pseudonyms and redactions shown in entries the head covers),
  // but only those the head covers are its leaves.
  if (static_cast<int64_t>(leaves_.size()) >= tree_size_) return;
  // The recomputed hash, not the entry's own field: the leaf is what this
  // client computed from the fields it was shown.
  leaves_.push_back(LeafOfHex(verifier_.last_hash()));
}

bool AuditLogCheck::wants_more() const { return verifier_.ok(); }

AuditVerifyResult AuditLogCheck::Finish(const AuditHeads& heads) {
  AuditVerifyResult result;
  const TreeHead& head = heads.head;
  result.tree_size = head.tree_size;

  const std::string signature_problem =
      HeadSignatureProblem(head, heads.organization_id, heads.pinned_key);
  result.signature_ok = signature_problem.empty();
  if (!result.signature_ok) {
    result.failures.push_back(absl::StrCat("signature: ", signature_problem));
  }

  verifier_.Finish();
  const int64_t taken = static_cast<int64_t>(leaves_.size());
  result.entries_checked = verifier_.checked();
  result.first_bad_sequence = verifier_.first_bad_sequence();
  result.problem = verifier_.problem();
  if (!verifier_.ok()) {
    result.failures.push_back(absl::StrCat(
        "chain: entry ", result.first_bad_sequence, ": ", result.problem));
  } else if (taken < head.tree_size) {
    result.first_bad_sequence = taken + 1;
    result.problem = "missing: the server listed fewer entries than the head";
    result.failures.push_back(absl::StrCat("chain: the server listed ", taken,
                                           " entries but the head has ",
                                           head.tree_size));
  }
  result.chain_ok = result.first_bad_sequence == 0;

  if (result.chain_ok) {
    result.root = merkle::RootOf(leaves_);
    result.root_computed = true;
    result.root_ok = result.root == head.root_hash;
    if (!result.root_ok) {
      result.failures.push_back(absl::StrCat(
          "root: the entries' Merkle root is ", merkle::HexOf(result.root),
          " but the signed head says ", merkle::HexOf(head.root_hash)));
    }
  }

  result.saved_prefix_ok = true;
  result.consistency_ok = true;
  if (heads.saved.has_value()) {
    const TreeHead& saved = *heads.saved;
    if (saved.organization_id != heads.organization_id) {
      result.saved_prefix_ok = result.consistency_ok = false;
      result.failures.push_back(
          absl::StrCat("saved head: it is of organizations/",
                       saved.organization_id, ", not organizations/",
                       heads.organization_id, " (use another --head-file)"));
    } else if (saved.tree_size > head.tree_size) {
      result.saved_prefix_ok = result.consistency_ok = false;
      result.failures.push_back(absl::StrCat("saved head: the log shrank from ",
                                             saved.tree_size, " to ",
                                             head.tree_size, " entries"));
    } else {
      if (taken >= saved.tree_size) {
        const merkle::Hash prefix_root = merkle::RootOf(
            absl::MakeConstSpan(leaves_).subspan(0, saved.tree_size));
        if (prefix_root != saved.root_hash) {
          result.saved_prefix_ok = false;
          result.failures.push_back(absl::StrCat(
              "saved head: the first ", saved.tree_size,
              " entries now hash to root ", merkle::HexOf(prefix_root),
              ", not the saved root ", merkle::HexOf(saved.root_hash),
              ": entries seen before were rewritten"));
        }
      } else {
        // The chain broke inside the saved prefix: already a failure, and
        // the prefix's root cannot be recomputed.
        result.saved_prefix_ok = false;
      }
      if (saved.tree_size >= 1 &&
          !merkle::VerifyConsistency(saved.tree_size, head.tree_size,
                                     saved.root_hash, head.root_hash,
                                     heads.consistency_proof)) {
        result.consistency_ok = false;
        result.failures.push_back(absl::StrCat(
            "consistency proof: the server's proof (",
            heads.consistency_proof.size(),
            " hashes) does not show the head of ", head.tree_size,
            " entries extending the saved head of ", saved.tree_size));
      }
    }
  }
  return result;
}

AuditVerifyResult VerifyAuditLogEntries(
    const std::vector<AuditEntryRecord>& entries, const AuditHeads& heads) {
  AuditLogCheck check(heads.head.tree_size);
  for (const AuditEntryRecord& entry : entries) {
    if (!check.wants_more()) break;
    check.Add(entry);
  }
  return check.Finish(heads);
}

std::string DescribeAuditVerify(const AuditVerifyResult& result,
                                const AuditHeads& heads) {
  std::string out;
  if (result.ok()) {
    absl::StrAppend(&out, "ok: ", result.entries_checked,
                    " entries checked against the signed tree head\n");
  } else if (result.first_bad_sequence != 0) {
    absl::StrAppend(&out, "NOT OK: entry ", result.first_bad_sequence,
                    " is the first that does not match: ", result.problem, " (",
                    result.entries_checked, " entries checked)\n");
  } else {
    absl::StrAppend(&out, "NOT OK: ", result.failures.front(), "\n");
  }
  const TreeHead& head = heads.head;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"organization", absl::StrCat("organizations/", head.organization_id)},
      {"tree_size", absl::StrCat(head.tree_size)},
      {"root_hash", merkle::HexOf(head.root_hash)},
      {"time", TimeOfMicros(head.time_us)},
      {"key_fingerprint", KeyFingerprint(head.public_key)},
  };
  if (heads.saved.has_value()) {
    fields.push_back(
        {"saved_head",
         absl::StrCat(heads.saved->tree_size, " entries, root ",
                      merkle::HexOf(heads.saved->root_hash),
                      result.saved_prefix_ok && result.consistency_ok
                          ? " (a prefix of this log; consistency proof of "
                          : " (consistency proof of ",
                      heads.consistency_proof.size(), " hashes)")});
  } else {
    fields.push_back({"saved_head", "none"});
  }
  for (const std::string& failure : result.failures) {
    fields.push_back({"failed", failure});
  }
  absl::StrAppend(&out, RenderFields(fields));
  return out;
}

// --- audit prove ---------------------------------------------------------

EntryProofResult CheckEntryInclusion(const AuditEntryRecord& entry,
                                     int64_t sequence, const TreeHead& head,
                                     const std::vector<merkle::Hash>& proof) {
  EntryProofResult result;
  result.proof_length = proof.size();
  auto fail = [&result](std::string why) {
    result.failures.push_back(std::move(why));
  };
  if (entry.sequence != sequence) {
    fail(absl::StrCat("entry: the server returned entry ", entry.sequence,
                      " for ", sequence));
  }
  if (sequence < 1 || sequence > head.tree_size) {
    fail(absl::StrCat("entry: ", sequence, " is not in the head's ",
                      head.tree_size, " entries"));
  }
  if (entry.chain_version != 1 && entry.chain_version != 2) {
    fail("entry: unknown chain_version");
  }
  if (!HashOfHex(entry.prev_hash).has_value()) {
    fail("entry: prev_hash is not 64 hex digits");
  }
  result.hash = transparency::ChainHash(entry.prev_hash, entry);
  if (entry.hash != result.hash) {
    fail("entry: hash does not match the entry");
  }
  if (transparency::ActorDigest(entry.actor) != entry.actor_digest) {
    if (entry.chain_version == 1 &&
        entry.actor ==
            transparency::LegacyErasedPseudonym(entry.actor_digest)) {
      result.notes.push_back("the actor was erased (a version-1 pseudonym)");
    } else {
      result.notes.push_back(
          "the actor is shown as a pseudonym: valid only if a later "
          "audit.erase entry declares it (audit verify checks that)");
    }
  }
  if (entry.chain_version == 2) {
    if (entry.details_redacted) {
      if (!entry.details.empty() || !entry.details_salt.empty()) {
        fail("entry: redacted entry still shows details");
      } else {
        result.notes.push_back(
            "the details were redacted: valid only if a later audit.erase "
            "entry names this subject (audit verify checks that)");
      }
    } else if (transparency::DetailsDigest(entry.details_salt, entry.details) !=
               entry.details_digest) {
      fail("entry: details do not match details_digest");
    }
  } else if (entry.details_redacted) {
    fail("entry: a version-1 entry cannot be redacted");
  }
  result.entry_ok = result.failures.empty();

  // The leaf is our recomputed hash: an inclusion proof of the server's
  // hash field would prove nothing about the fields shown.
  if (sequence >= 1 && sequence <= head.tree_size) {
    result.inclusion_ok =
        merkle::VerifyInclusion(static_cast<uint64_t>(sequence - 1),
                                static_cast<uint64_t>(head.tree_size),
                                LeafOfHex(result.hash), proof, head.root_hash);
    if (!result.inclusion_ok) {
      fail(absl::StrCat("inclusion proof: the proof (", proof.size(),
                        " hashes) does not put this entry under the head's "
                        "root"));
    }
  }
  return result;
}

std::string DescribeEntryProof(const EntryProofResult& result,
                               const AuditEntryRecord& entry,
                               const TreeHead& head) {
  std::string out;
  if (result.ok()) {
    absl::StrAppend(&out, "ok: entry ", entry.sequence,
                    " is in the signed log of ", head.tree_size, " entries\n");
  } else {
    absl::StrAppend(&out, "NOT OK: ", result.failures.front(), "\n");
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"sequence", absl::StrCat(entry.sequence)},
      {"time", TimeOfMicros(entry.time_us)},
      {"actor", entry.actor},
      {"action", entry.action},
      {"subject", entry.subject},
      {"hash", result.hash},
      {"tree_size", absl::StrCat(head.tree_size)},
      {"root_hash", merkle::HexOf(head.root_hash)},
      {"head_time", TimeOfMicros(head.time_us)},
      {"key_fingerprint", KeyFingerprint(head.public_key)},
      {"proof_length", absl::StrCat(result.proof_length)},
  };
  for (const std::string& note : result.notes) fields.push_back({"note", note});
  for (const std::string& failure : result.failures) {
    fields.push_back({"failed", failure});
  }
  absl::StrAppend(&out, RenderFields(fields));
  return out;
}

absl::StatusOr<std::vector<merkle::Hash>> HashesOf(
    const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::vector<merkle::Hash> out;
  out.reserve(hashes.size());
  for (const std::string& bytes : hashes) {
    merkle::Hash hash;
    if (bytes.size() != hash.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("a proof hash has ", bytes.size(), " bytes, not 32"));
    }
    std::memcpy(hash.data(), bytes.data(), hash.size());
    out.push_back(hash);
  }
  return out;
}

}  // namespace candor::cli
