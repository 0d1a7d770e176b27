#include "services/common/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace candor {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

std::string Named(const PemFile& file) {
  return absl::StrCat(file.flag, " ", file.path);
}

absl::StatusOr<std::string> ReadWhole(const PemFile& file) {
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(Named(file), ": cannot open: ", std::strerror(errno)));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(Named(file), ": cannot read"));
  }
  return contents.str();
}

BioPtr MemoryBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every certificate in `pem`, in order.
std::vector<X509Ptr> ParseCertificates(const std::string& pem) {
  std::vector<X509Ptr> certs;
  BioPtr bio = MemoryBio(pem);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // the read that ended the loop left an error behind
  return certs;
}

// Never asked for a passphrase: an encrypted key fails instead of prompting
// on a server's terminal.
int NoPassphrase(char*, int, int, void*) { return -1; }

}  // namespace

absl::StatusOr<std::string> ReadPemCertificates(const PemFile& file) {
  absl::StatusOr<std::string> pem = ReadWhole(file);
  if (!pem.ok()) return pem.status();
  if (ParseCertificates(*pem).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Named(file),
        ": no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)"));
  }
  return pem;
}

absl::StatusOr<TlsIdentity> ReadTlsIdentity(const PemFile& cert,
                                            const PemFile& key) {
  if (cert.path.empty() && key.path.empty()) return TlsIdentity();
  if (cert.path.empty() || key.path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "give both ", cert.flag, " and ", key.flag, " or neither"));
  }
  TlsIdentity identity;
  absl::StatusOr<std::string> cert_pem = ReadPemCertificates(cert);
  if (!cert_pem.ok()) return cert_pem.status();
  identity.cert_chain = *std::move(cert_pem);
  absl::StatusOr<std::string> key_pem = ReadWhole(key);
  if (!key_pem.ok()) return key_pem.status();
  identity.private_key = *std::move(key_pem);

  BioPtr key_bio = MemoryBio(identity.private_key);
  KeyPtr private_key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (private_key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        Named(key),
        ": no unencrypted PEM private key in it (expected -----BEGIN PRIVATE "
        "KEY-----; decrypt it first, e.g. `openssl pkey -in KEY -out KEY2`)"));
  }
  const std::vector<X509Ptr> chain = ParseCertificates(identity.cert_chain);
  X509* leaf = chain.front().get();
  if (X509_check_private_key(leaf, private_key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(Named(key),
                     ": this key does not belong to the first "
                     "certificate of ",
                     Named(cert)));
  }
  if (X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(Named(cert), ": the certificate has expired"));
  }
  return identity;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(
    const ServerTls& tls) {
  if (tls.identity.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      tls.client_ca.empty()
          ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = tls.client_ca;
  options.pem_key_cert_pairs.push_back(
      {tls.identity.private_key, tls.identity.cert_chain});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const ClientTls& tls,
                                           grpc::ChannelArguments arguments) {
  if (!tls.enabled) {
    return grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), arguments);
  }
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls.root_certs;
  options.pem_cert_chain = tls.identity.cert_chain;
  options.pem_private_key = tls.identity.private_key;
  if (!tls.server_name.empty()) {
    arguments.SetSslTargetNameOverride(tls.server_name);
  }
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(options),
                                   arguments);
}

bool IsLoopbackAddress(absl::string_view listen_address) {
  absl::string_view host = listen_address;
  // A Unix socket is reachable only on this machine.
  if (absl::StartsWith(host, "unix:") ||
      absl::StartsWith(host, "unix-abstract:")) {
    return true;
  }
  if (absl::ConsumePrefix(&host, "[")) {
    host = host.substr(0, host.find(']'));
    return host == "::1";
  }
  host = host.substr(0, host.rfind(':'));
  if (absl::AsciiStrToLower(host) == "localhost") return true;
  // 127.0.0.0/8: the first of four numeric parts is 127.
  if (!absl::ConsumePrefix(&host, "127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 2;
}

}  // namespace candor
