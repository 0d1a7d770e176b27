#include "db/transaction.h"

#include "absl/strings/str_cat.h"

namespace candor::db {

bool IsConnectionError(int error_code) {
  switch (error_code) {
    case 2002:  // can't connect through socket
    case 2003:  // can't connect to server
    case 2006:  // server has gone away
    case 2013:  // lost connection during query (also: read timeout)
    case 2055:  // lost connection at a system error
    case 1927:  // connection was killed
    case 1053:  // server shutdown in progress
      return true;
    default:
      return false;
  }
}

absl::Status StatusFromSqlException(const sql::SQLException& e,
                                    absl::string_view context) {
  const int code = e.getErrorCode();
  const std::string where =
      absl::StrCat(context, " (database error ", code, ")");
  switch (code) {
    case 1062:  // duplicate entry
      return absl::AlreadyExistsError(
          absl::StrCat(context, ": already exists"));
    case 1205:  // lock wait timeout
    case 1213:  // deadlock
      return absl::AbortedError(
          absl::StrCat(where, ": conflicting concurrent change; retry"));
    case 1969:  // statement timeout (max_statement_time)
      return absl::DeadlineExceededError(where);
    default:
      break;
  }
  if (IsConnectionError(code)) {
    return absl::UnavailableError(
        absl::StrCat(where, ": database unavailable; retry"));
  }
  return absl::InternalError(where);
}

absl::StatusOr<Transaction> Transaction::Begin(Pool& pool) {
  auto connection = pool.Borrow();
  if (!connection.ok()) return connection.status();
  absl::Status started =
      Run("begin transaction", *connection, [](Connection& c) {
        c.Execute("START TRANSACTION");
        return absl::OkStatus();
      });
  if (!started.ok()) return started;
  return Transaction(*std::move(connection));
}

Transaction::~Transaction() {
  if (finished_) return;
  // Rolling back a transaction on a dead connection fails; the connection is
  // then discarded, which rolls back on the server's side anyway.
  absl::Status ignored = Run("rollback", *this, [](Connection& c) {
    c.Execute("ROLLBACK");
    return absl::OkStatus();
  });
  if (!ignored.ok()) connection_->MarkBroken();
}

absl::Status Transaction::Commit() {
  absl::Status committed = Run("commit", *this, [](Connection& c) {
    c.Execute("COMMIT");
    return absl::OkStatus();
  });
  if (committed.ok()) {
    finished_ = true;
    return committed;
  }
  // A failed COMMIT has an unknown outcome on a lost connection; the caller
  // sees UNAVAILABLE and retries with its request_id, which makes the retry
  // safe either way. The destructor rolls back whatever is left.
  return committed;
}

}  // namespace candor::db
