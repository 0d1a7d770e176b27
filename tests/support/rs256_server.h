// A second in-process Candor server for the tests of algorithm confusion:
// every service, wired like TestServer's over the same test database, but
// trusting only RS256 tokens of an RSA key pair generated for the test run
// (OpenSSL). Lets a test present, to every method, an HS256 token whose
// HMAC key is the server's own RSA public key (the classic HS/RS confusion
// that a verifier trusting the token's `alg` would accept).
// Rs256Server::Get() is shared by the tests of one binary; thread-safe.
#ifndef CANDOR_TESTS_SUPPORT_RS256_SERVER_H_
#define CANDOR_TESTS_SUPPORT_RS256_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "services/candord/service_host.h"
#include "services/common/access_log.h"
#include "services/common/auth.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"

namespace candor::testing {

class Rs256Server {
 public:
  static Rs256Server& Get();

  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  const std::string& public_key_pem() const { return public_key_pem_; }

  // A valid RS256 token for `claims`, signed with the private key: what the
  // server accepts (so a refusal of the forged one proves the check).
  std::string Rs256Token(const TokenClaims& claims) const;
  // The forgery: `claims` as an HS256 token keyed with the public key PEM.
  std::string HsWithPublicKeyToken(const TokenClaims& claims) const;

 private:
  Rs256Server();

  std::string private_key_pem_;
  std::string public_key_pem_;
  std::unique_ptr<TokenVerifier> verifier_;
  AccessLog access_log_{nullptr};
  std::unique_ptr<PageTokenCodec> page_tokens_;
  std::unique_ptr<ServiceTokenSource> service_tokens_;
  std::unique_ptr<ServiceHost> host_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_RS256_SERVER_H_
