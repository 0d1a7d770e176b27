#include "services/transparency/tree_head.h"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace candor::transparency {
namespace {

constexpr size_t kEd25519KeyBytes = 32;
constexpr size_t kEd25519SignatureBytes = 64;
// Domain separation: the pseudonym key is derived from, never equal to,
// the signing key.
constexpr char kPseudonymKeyLabel[] = "candor.audit.pseudonym.v1";

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string TreeHeadSignedBytes(const TreeHead& head) {
  return absl::StrCat("candor.audit.tree_head.v1\norganizations/",
                      head.organization_id, "\n", head.tree_size, "\n",
                      merkle::HexOf(head.root_hash), "\n", head.time_us, "\n");
}

bool VerifyTreeHeadSignature(const TreeHead& head,
                             absl::string_view public_key) {
  if (public_key.size() != kEd25519KeyBytes ||
      head.signature.size() != kEd25519SignatureBytes) {
    return false;
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, Bytes(public_key), public_key.size());
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const std::string message = TreeHeadSignedBytes(head);
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, Bytes(head.signature), head.signature.size(),
                       Bytes(message), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

TreeHeadSigner::TreeHeadSigner(EVP_PKEY* key) : key_(key) {
  unsigned char raw[kEd25519KeyBytes];
  size_t length = sizeof raw;
  EVP_PKEY_get_raw_public_key(key, raw, &length);
  public_key_.assign(reinterpret_cast<const char*>(raw), length);
  unsigned char secret[kEd25519KeyBytes];
  length = sizeof secret;
  EVP_PKEY_get_raw_private_key(key, secret, &length);
  std::string input = kPseudonymKeyLabel;
  input.append(reinterpret_cast<const char*>(secret), length);
  unsigned char derived[SHA256_DIGEST_LENGTH];
  SHA256(Bytes(input), input.size(), derived);
  pseudonym_key_.assign(reinterpret_cast<const char*>(derived), sizeof derived);
}

absl::StatusOr<std::unique_ptr<TreeHeadSigner>> TreeHeadSigner::Load(
    const std::string& pem_file) {
  std::FILE* file = std::fopen(pem_file.c_str(), "r");
  if (file == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the audit signing key ", pem_file));
  }
  EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (key == nullptr || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return absl::FailedPreconditionError(
        absl::StrCat(pem_file,
                     " is not an Ed25519 private key in PEM (make one with "
                     "`openssl genpkey -algorithm ed25519`)"));
  }
  return std::unique_ptr<TreeHeadSigner>(new TreeHeadSigner(key));
}

absl::StatusOr<std::unique_ptr<TreeHeadSigner>> TreeHeadSigner::Ephemeral() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  const bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 &&
                  EVP_PKEY_keygen(ctx, &key) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return absl::InternalError("cannot generate an Ed25519 key");
  return std::unique_ptr<TreeHeadSigner>(new TreeHeadSigner(key));
}

absl::Status TreeHeadSigner::WriteNewKeyFile(const std::string& pem_file) {
  absl::StatusOr<std::unique_ptr<TreeHeadSigner>> signer = Ephemeral();
  if (!signer.ok()) return signer.status();
  const int fd = ::open(pem_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "w");
  if (file == nullptr) {
    if (fd >= 0) ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", pem_file));
  }
  const bool ok = PEM_write_PrivateKey(file, (*signer)->key_.get(), nullptr,
                                       nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(file);
  if (!ok) return absl::InternalError(absl::StrCat("cannot write ", pem_file));
  return absl::OkStatus();
}

absl::Status TreeHeadSigner::Sign(TreeHead* head) const {
  head->public_key = public_key_;
  const std::string message = TreeHeadSignedBytes(*head);
  unsigned char signature[kEd25519SignatureBytes];
  size_t length = sizeof signature;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr &&
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestSign(ctx, signature, &length, Bytes(message), message.size()) ==
          1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return absl::InternalError("signing the audit tree head failed");
  head->signature.assign(reinterpret_cast<const char*>(signature), length);
  return absl::OkStatus();
}

std::string TreeHeadSigner::Pseudonym(absl::string_view actor_digest) const {
  unsigned char mac[SHA256_DIGEST_LENGTH];
  unsigned int length = sizeof mac;
  HMAC(EVP_sha256(), pseudonym_key_.data(),
       static_cast<int>(pseudonym_key_.size()), Bytes(actor_digest),
       actor_digest.size(), mac, &length);
  return absl::StrCat(
      "erased-",
      absl::BytesToHexString(
          absl::string_view(reinterpret_cast<const char*>(mac), length))
          .substr(0, 16));
}

}  // namespace candor::transparency
