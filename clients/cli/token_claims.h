// The claims `candorctl token mint` puts in a token, checked so that a
// minted token is one the server can accept: staff tokens name an
// organization and a staff member; an operator token has subject "operator"
// and no organization; a service token names the service.
#ifndef CANDOR_CLIENTS_CLI_TOKEN_CLAIMS_H_
#define CANDOR_CLIENTS_CLI_TOKEN_CLAIMS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/auth.h"

namespace candor::cli {

// `organization` is an id or `organizations/{id}` ("" when not given);
// `subject` a staff member id or resource name (the id is resolved in
// `organization`), "operator", or a service name; `roles` claim spellings
// ("employee", "admin", "operator", ...). INVALID_ARGUMENT, saying what to
// change, when they do not fit together.
absl::StatusOr<TokenClaims> BuildTokenClaims(
    const std::string& organization, const std::string& subject,
    const std::vector<std::string>& roles, absl::Duration ttl);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_TOKEN_CLAIMS_H_
