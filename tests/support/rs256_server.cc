#include "tests/support/rs256_server.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

void DieUnless(bool ok, const std::string& what) {
  if (ok) return;
  std::cerr << "rs256 test server: " << what << "\n";
  std::abort();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string GrantsJson(const TokenClaims& claims) {
  std::vector<std::string> roles;
  for (Role role : claims.roles) {
    roles.push_back(absl::StrCat("\"", RoleClaim(role), "\""));
  }
  std::string json = absl::StrCat(R"({"sub":")", claims.subject, "\"");
  if (!claims.organization_id.empty()) {
    absl::StrAppend(&json, R"(,"org":")", claims.organization_id, "\"");
  }
  absl::StrAppend(&json, R"(,"roles":[)", absl::StrJoin(roles, ","),
                  R"(],"exp":)", absl::ToUnixSeconds(absl::Now() + claims.ttl),
                  "}");
  return json;
}

std::string Sign(const TokenClaims& claims, jwt_alg_t alg,
                 const std::string& key) {
  jwt_t* jwt = nullptr;
  DieUnless(jwt_new(&jwt) == 0, "jwt_new");
  DieUnless(jwt_add_grants_json(jwt, GrantsJson(claims).c_str()) == 0,
            "jwt grants");
  DieUnless(
      jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) == 0,
      "jwt_set_alg");
  char* encoded = jwt_encode_str(jwt);
  jwt_free(jwt);
  DieUnless(encoded != nullptr, "jwt_encode_str");
  std::string token = encoded;
  free(encoded);
  return token;
}

}  // namespace

Rs256Server& Rs256Server::Get() {
  static Rs256Server* const server = new Rs256Server();
  return *server;
}

Rs256Server::Rs256Server() {
  // The same database, migrated by TestServer.
  TestServer::Get();
  EVP_PKEY* key = EVP_RSA_gen(2048);
  DieUnless(key != nullptr, "EVP_RSA_gen");
  BIO* private_bio = BIO_new(BIO_s_mem());
  BIO* public_bio = BIO_new(BIO_s_mem());
  DieUnless(PEM_write_bio_PrivateKey(private_bio, key, nullptr, nullptr, 0,
                                     nullptr, nullptr) == 1,
            "write private key");
  DieUnless(PEM_write_bio_PUBKEY(public_bio, key) == 1, "write public key");
  private_key_pem_ = BioText(private_bio);
  public_key_pem_ = BioText(public_bio);
  BIO_free(private_bio);
  BIO_free(public_bio);
  EVP_PKEY_free(key);

  auto verifier = TokenVerifier::ForRs256PublicKey(public_key_pem_);
  DieUnless(verifier.ok(), verifier.status().ToString());
  verifier_ = *std::move(verifier);
  page_tokens_ = std::make_unique<PageTokenCodec>("rs256 test page token key");
  // Calls between services are not made here: every call to this server in
  // the tests is refused at the door or needs no other service.
  service_tokens_ =
      ServiceTokenSource::MintingWith(kTestJwtSecret, "service:candord-rs256");

  HostOptions options;
  options.services = ServiceHost::KnownServices();
  options.server.listen_address = "127.0.0.1:0";
  options.database = TestDatabase::Get().options();
  options.pool_size = 2;
  options.verifier = verifier_.get();
  options.access_log = &access_log_;
  options.page_tokens = page_tokens_.get();
  options.service_tokens = service_tokens_.get();
  auto host = ServiceHost::Start(options);
  DieUnless(host.ok(), host.status().ToString());
  host_ = *std::move(host);
  host_->RefreshHealth();
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->port()),
                                 grpc::InsecureChannelCredentials());
}

std::string Rs256Server::Rs256Token(const TokenClaims& claims) const {
  return Sign(claims, JWT_ALG_RS256, private_key_pem_);
}

std::string Rs256Server::HsWithPublicKeyToken(const TokenClaims& claims) const {
  return Sign(claims, JWT_ALG_HS256, public_key_pem_);
}

}  // namespace candor::testing
