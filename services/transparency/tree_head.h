// Signed tree heads of an organization's audit log (docs/AUDIT.md, "Signed
// tree heads"): what is signed, Ed25519 verification that any client can
// run, and the signer that holds the private key (a PEM file outside the
// database; in production a KMS would sign instead).
//
// The signed bytes are text, one field per line, so anyone can rebuild them:
//   candor.audit.tree_head.v1
//   organizations/{organization}
//   {tree_size}
//   {root hash, 64 lowercase hex digits}
//   {time in microseconds since the Unix epoch}
//
// Thread-safe: the signer's key is read-only after Load.
#ifndef CANDOR_SERVICES_TRANSPARENCY_TREE_HEAD_H_
#define CANDOR_SERVICES_TRANSPARENCY_TREE_HEAD_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/transparency/merkle.h"

namespace candor::transparency {

struct TreeHead {
  std::string organization_id;
  int64_t tree_size = 0;
  merkle::Hash root_hash{};
  int64_t time_us = 0;
  std::string signature;   // 64 raw bytes
  std::string public_key;  // 32 raw bytes
};

// The bytes an Ed25519 signature of `head` covers (see above).
std::string TreeHeadSignedBytes(const TreeHead& head);

// Whether head.signature is a valid Ed25519 signature of its signed bytes
// by `public_key` (32 raw bytes; the caller's pinned key, not necessarily
// head.public_key).
bool VerifyTreeHeadSignature(const TreeHead& head,
                             absl::string_view public_key);

class TreeHeadSigner {
 public:
  // Reads an Ed25519 private key in PEM (`openssl genpkey -algorithm
  // ed25519`).
  static absl::StatusOr<std::unique_ptr<TreeHeadSigner>> Load(
      const std::string& pem_file);
  // A fresh key that lives only in this process: for tests and a single
  // development process, never for replicas (their heads and pseudonyms
  // would disagree).
  static absl::StatusOr<std::unique_ptr<TreeHeadSigner>> Ephemeral();

  // Writes a fresh Ed25519 private key in PEM to `pem_file` (mode 0600),
  // as `openssl genpkey -algorithm ed25519` would: for tests and tools.
  static absl::Status WriteNewKeyFile(const std::string& pem_file);

  // Fills head->public_key and head->signature.
  absl::Status Sign(TreeHead* head) const;
  const std::string& public_key() const { return public_key_; }

  // The pseudonym erasure shows for an actor: "erased-" and 16 hex digits
  // of HMAC-SHA256 keyed by a key derived from the signing key, so nobody
  // without the key can link a digest to its pseudonym in advance, and every
  // replica (sharing the key file) derives the same one.
  std::string Pseudonym(absl::string_view actor_digest) const;

 private:
  struct KeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  explicit TreeHeadSigner(EVP_PKEY* key);

  std::unique_ptr<EVP_PKEY, KeyDeleter> key_;
  std::string public_key_;
  std::string pseudonym_key_;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_TREE_HEAD_H_
