#include "services/common/idempotency.h"

#include <cppconn/resultset.h>

#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
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
    "INSERT INTO idempotency_keys (scope, request_id, request_fingerprint, "
    "response, create_time_us, caller_subject) VALUES (?, ?, ?, NULL, ?, ?)";
constexpr absl::string_view kStoreResponse =
    "UPDATE idempotency_keys SET response = ? WHERE scope = ? AND request_id = "
    "?";
constexpr absl::string_view kSelectStoredResponse =
    "SELECT request_fingerprint, response FROM idempotency_keys "
    "WHERE scope = ? AND request_id = ? LOCK IN SHARE MODE";

// On idempotency_by_time; rows older than the cutoff are never written
// again, so the range it locks is one no call needs.
constexpr absl::string_view kDeleteExpired =
    "DELETE FROM idempotency_keys WHERE create_time_us < ? LIMIT ?";
// On idempotency_by_caller (scope, caller_subject).
constexpr absl::string_view kDeleteKeysOfCaller =
    "DELETE FROM idempotency_keys WHERE scope = ? AND caller_subject = ? "
    "AND NOT (scope = ? AND request_id = ?)";
// A plain (non-locking) read over the primary key ranges of the two scopes,
// so the search takes no locks on keys it does not delete; the matches are
// then deleted by primary key. LOCATE on a BLOB compares bytes.
constexpr absl::string_view kSelectKeysNaming =
    "SELECT scope, request_id FROM idempotency_keys "
    "WHERE scope IN (?, '') AND LOCATE(?, response) > 0";
constexpr absl::string_view kDeleteKey =
    "DELETE FROM idempotency_keys WHERE scope = ? AND request_id = ?";

// Who may be recorded as a key's caller: staff only (the people erasure
// looks for), by the form of their subject (a caller built for a key, like
// signed feedback's, carries only the subject). Staff subjects are resource
// names of bounded length (the column is VARCHAR(300)); anything else, and
// the empty subject of anonymous feedback, records ''.
std::string RecordedCaller(const Caller& caller) {
  const absl::string_view subject = caller.subject;
  if (!absl::StartsWith(subject, "organizations/") ||
      !absl::StrContains(subject, "/staffMembers/") || subject.size() > 300) {
    return "";
  }
  return caller.subject;
}

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
  key.caller_subject = RecordedCaller(caller);
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
                   key.fingerprint, day_us, key.caller_subject)
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

absl::StatusOr<int64_t> DeleteExpiredIdempotencyKeys(db::Pool& pool,
                                                     absl::Time now,
                                                     absl::Duration retention,
                                                     int batch) {
  // create_time_us is the start of the key's UTC day, so a key made late in
  // a day looks up to 24 h older than it is: the extra day keeps every key
  // at least `retention`.
  const int64_t cutoff_us =
      absl::ToUnixMicros(now - retention - absl::Hours(24));
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool.Borrow());
  return db::Run(
      "delete expired request ids", connection,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return int64_t{db::Bind(c.Prepare(kDeleteExpired), cutoff_us, batch)
                           .executeUpdate()};
      });
}

absl::StatusOr<int64_t> ForgetIdempotencyKeysOf(
    db::Transaction& tx, const IdempotencyKey& keep, absl::string_view org,
    absl::string_view person, const std::vector<std::string>& needles) {
  return db::Run(
      "forget request ids of a person", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        int64_t deleted = 0;
        if (!person.empty()) {
          deleted += db::Bind(c.Prepare(kDeleteKeysOfCaller), org, person,
                              keep.scope, keep.request_id)
                         .executeUpdate();
        }
        for (const std::string& needle : needles) {
          if (needle.empty()) continue;
          std::vector<std::pair<std::string, std::string>> naming = db::ReadAll(
              db::Bind(c.Prepare(kSelectKeysNaming), org, needle),
              [](sql::ResultSet& row) {
                return std::make_pair(std::string(row.getString(1)),
                                      std::string(row.getString(2)));
              });
          for (const auto& [scope, request_id] : naming) {
            if (scope == keep.scope && request_id == keep.request_id) continue;
            deleted += db::Bind(c.Prepare(kDeleteKey), scope, request_id)
                           .executeUpdate();
          }
        }
        return deleted;
      });
}

}  // namespace candor
