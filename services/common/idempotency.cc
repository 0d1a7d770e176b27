#include "services/common/idempotency.h"

#include <cppconn/resultset.h>

#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "db/sha256.h"
#include "db/statement.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "services/common/method_name.h"
#include "services/common/status_macros.h"

namespace candor {
namespace {

constexpr absl::string_view kClaimRequestId =
    "INSERT INTO idempotency_keys "
    "(scope, request_id, request_fingerprint, response, create_time_us) "
    "VALUES (?, ?, ?, NULL, ?)";
constexpr absl::string_view kStoreResponse =
    "UPDATE idempotency_keys SET response = ? WHERE scope = ? AND request_id = "
    "?";
constexpr absl::string_view kSelectStoredResponse =
    "SELECT request_fingerprint, response FROM idempotency_keys "
    "WHERE scope = ? AND request_id = ? LOCK IN SHARE MODE";

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// The stored response for `key`, read in `tx` after the transaction that
// claimed the key has committed. A locking read sees the latest committed
// row whatever snapshot `tx` holds.
absl::Status Replay(db::Transaction& tx, const IdempotencyKey& key,
                    google::protobuf::Message* response) {
  return db::Run("read stored response", tx,
                 [&](db::Connection& c) -> absl::Status {
                   std::unique_ptr<sql::ResultSet> row(
                       db::Bind(c.Prepare(kSelectStoredResponse), key.scope,
                                key.request_id)
                           .executeQuery());
                   if (!row->next()) {
                     // The first call rolled back after we saw its claim:
                     // retry.
                     return absl::AbortedError(
                         "request_id: a concurrent call with this id "
                         "did not finish; retry");
                   }
                   if (row->getString(1) != key.fingerprint) {
                     return absl::InvalidArgumentError(
                         "request_id: already used for a different request");
                   }
                   if (row->isNull(2)) {
                     return absl::AbortedError(
                         "request_id: the first call is still running; retry");
                   }
                   response->Clear();
                   if (!response->ParseFromString(db::ReadBlob(*row, 2))) {
                     return absl::InternalError(
                         "request_id: stored response is unreadable");
                   }
                   return absl::OkStatus();
                 });
}

}  // namespace

IdempotencyKey MakeIdempotencyKey(const Caller& caller,
                                  const google::protobuf::Message& request) {
  IdempotencyKey key;
  key.scope = caller.organization_id;
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr) {
    key.request_id = request.GetReflection()->GetString(request, field);
  }
  key.fingerprint = db::Sha256Hex(absl::StrCat(
      MethodNameOf(*request.GetDescriptor()), absl::string_view("\0", 1),
      caller.subject, absl::string_view("\0", 1), DeterministicBytes(request)));
  return key;
}

absl::Status RunIdempotent(
    db::Pool& pool, const IdempotencyKey& key,
    google::protobuf::Message* response,
    const std::function<absl::Status(db::Transaction&)>& effect) {
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(pool));
  if (!key.request_id.empty()) {
    absl::Status claimed =
        db::Run("claim request_id", tx, [&](db::Connection& c) {
          // Kept only to expire old keys, so a day is precise enough; an exact
          // time could single out the author of anonymous feedback.
          const int64_t day_us = absl::ToUnixMicros(
              absl::Floor(absl::Now() - absl::UnixEpoch(), absl::Hours(24)) +
              absl::UnixEpoch());
          db::Bind(c.Prepare(kClaimRequestId), key.scope, key.request_id,
                   key.fingerprint, day_us)
              .executeUpdate();
          return absl::OkStatus();
        });
    if (absl::IsAlreadyExists(claimed)) {
      // Seen before (and committed, since the insert waited for it).
      return Replay(tx, key, response);
    }
    CANDOR_RETURN_IF_ERROR(claimed);
  }

  CANDOR_RETURN_IF_ERROR(effect(tx));

  if (!key.request_id.empty()) {
    CANDOR_RETURN_IF_ERROR(
        db::Run("store response", tx, [&](db::Connection& c) {
          const std::string bytes = DeterministicBytes(*response);
          std::istringstream blob(bytes);
          db::Bind(c.Prepare(kStoreResponse), db::Blob{&blob}, key.scope,
                   key.request_id)
              .executeUpdate();
          return absl::OkStatus();
        }));
  }
  return tx.Commit();
}

}  // namespace candor
