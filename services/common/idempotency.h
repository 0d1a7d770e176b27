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
// A stored response is personal data (it may name, quote or describe
// people), so it is kept only as long as a retry needs it: every service
// process deletes keys older than the retention (DeleteExpiredIdempotencyKeys,
// run by ServiceHost), and erasure deletes every key the erased person made
// or whose response names them (ForgetIdempotencyKeysOf). A retry that comes
// after its key is gone is a new call and acts again.
//
// Thread-safe (all state is in the database).
#ifndef CANDOR_SERVICES_COMMON_IDEMPOTENCY_H_
#define CANDOR_SERVICES_COMMON_IDEMPOTENCY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "google/protobuf/message.h"
#include "services/common/auth.h"

namespace candor {

// How long a request_id is guaranteed to replay. Request ids are for
// retries (AIP-155), which come within minutes, so a day is ample. Keys
// record only their UTC day (idempotency.cc), so a key goes once its day
// began more than retention + 24 h ago: between kIdempotencyRetention and
// kIdempotencyRetention + 24 h after the call (plus the sweep interval).
// candord --idempotency_retention changes it.
inline constexpr absl::Duration kIdempotencyRetention = absl::Hours(24);

struct IdempotencyKey {
  std::string scope;        // the caller's organization ('' for operators)
  std::string request_id;   // empty: not idempotent, just transactional
  std::string fingerprint;  // SHA-256 of method, caller and request
  // The caller when a staff member (their resource name), so erasure finds
  // the keys they made; '' for operators and services, and wherever the
  // caller must not be recorded (anonymous feedback builds its key from a
  // Caller without subject).
  std::string caller_subject;
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

// Deletes up to `batch` keys (any organization) whose day began before
// `now - retention - 24 h`, so none younger than `retention` goes; how many
// it deleted. Each call is one short statement on the keys' time index,
// locking only the rows it deletes: call it again while it returns `batch`.
absl::StatusOr<int64_t> DeleteExpiredIdempotencyKeys(db::Pool& pool,
                                                     absl::Time now,
                                                     absl::Duration retention,
                                                     int batch);

// For erasure: deletes, in `tx`, every key of organization `org` made by
// `person` (a staff resource name), and every key of `org` or of operators
// (scope '') whose stored response contains any of `needles` (byte for
// byte: protobuf strings are stored as their UTF-8 bytes), except `keep`,
// the erasure's own key, which must still replay. Empty needles are
// ignored. How many keys it deleted.
absl::StatusOr<int64_t> ForgetIdempotencyKeysOf(
    db::Transaction& tx, const IdempotencyKey& keep, absl::string_view org,
    absl::string_view person, const std::vector<std::string>& needles);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_IDEMPOTENCY_H_
