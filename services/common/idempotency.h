// request_id idempotency (AIP-155): a mutating call's first successful
// response is stored in the same transaction as its effect and replayed on
// retry, so a client that lost an answer can safely send the call again.
// Reusing a request_id for a different request (another method, caller or
// body) answers INVALID_ARGUMENT.
//
// Each service schema has an `idempotency_keys` table (see its V0001
// migration). Concurrent retries of one request serialize on that table's
// primary key: the second waits for the first to commit, then replays it.
// Failed calls store nothing, so a retry of a failed call runs again.
//
// Thread-safe (all state is in the database).
#ifndef CANDOR_SERVICES_COMMON_IDEMPOTENCY_H_
#define CANDOR_SERVICES_COMMON_IDEMPOTENCY_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "google/protobuf/message.h"
#include "services/common/auth.h"

namespace candor {

struct IdempotencyKey {
  std::string scope;        // the caller's organization ('' for operators)
  std::string request_id;   // empty: not idempotent, just transactional
  std::string fingerprint;  // SHA-256 of method, caller and request
};

// The key for `request` sent by `caller` to the method that takes it
// (method_name.h).
IdempotencyKey MakeIdempotencyKey(const Caller& caller,
                                  const google::protobuf::Message& request);

// Runs `effect` in a transaction that also records `*response` (as `effect`
// left it) under `key`, and commits. When `key` was already used for the same
// request, `effect` is not run and `*response` is the stored response.
absl::Status RunIdempotent(
    db::Pool& pool, const IdempotencyKey& key,
    google::protobuf::Message* response,
    const std::function<absl::Status(db::Transaction&)>& effect);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_IDEMPOTENCY_H_
