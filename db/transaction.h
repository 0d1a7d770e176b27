// Transactions and the one place Connector/C++ exceptions become statuses.
//
// Repositories write SQL like this:
//
//   CANDOR_ASSIGN_OR_RETURN(auto tx, db::Transaction::Begin(pool));
//   CANDOR_RETURN_IF_ERROR(db::Run("insert staff member", tx,
//   [&](db::Connection& c) {
//     db::Bind(c.Prepare(kInsertStaffMember), org, id).executeUpdate();
//     return absl::OkStatus();
//   }));
//   return tx.Commit();
//
// (db::Bind and the row readers are in statement.h.)
//
// A Transaction that is destroyed without Commit() rolls back. A
// Transaction belongs to one thread.
#ifndef CANDOR_DB_TRANSACTION_H_
#define CANDOR_DB_TRANSACTION_H_

#include <cppconn/exception.h>

#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"

namespace candor::db {

// Maps a Connector/C++ error to the status a client should act on:
// 1062 duplicate key -> ALREADY_EXISTS; 1205 lock wait timeout and 1213
// deadlock -> ABORTED (retry the read-modify-write); lost or refused
// connections and timeouts (2002, 2003, 2006, 2013, 2055) -> UNAVAILABLE;
// anything else -> INTERNAL. The message names `context` and the error
// number but never SQL text or server messages, which may carry data.
absl::Status StatusFromSqlException(const sql::SQLException& e,
                                    absl::string_view context);

// True for errors after which the connection cannot be trusted.
bool IsConnectionError(int error_code);

class Transaction {
 public:
  // Borrows a connection and starts a transaction on it.
  static absl::StatusOr<Transaction> Begin(Pool& pool);

  Transaction(Transaction&& other) noexcept
      : connection_(std::move(other.connection_)),
        finished_(std::exchange(other.finished_, true)) {}
  Transaction& operator=(Transaction&&) = delete;
  // Rolls back unless committed.
  ~Transaction();

  Connection& connection() { return *connection_; }

  // Commits; after a failed commit the transaction is rolled back.
  absl::Status Commit();

 private:
  explicit Transaction(PooledConnection connection)
      : connection_(std::move(connection)) {}

  PooledConnection connection_;
  bool finished_ = false;
};

namespace internal {
template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};
}  // namespace internal

// Calls fn(connection) and turns a thrown sql::SQLException into a status
// (see StatusFromSqlException), marking the connection broken when the
// error means it is. `fn` returns absl::Status or absl::StatusOr<T>.
template <typename Fn>
auto Run(absl::string_view context, Connection& connection, Fn&& fn)
    -> decltype(fn(connection)) {
  try {
    return fn(connection);
  } catch (const sql::SQLException& e) {
    if (IsConnectionError(e.getErrorCode())) connection.MarkBroken();
    return StatusFromSqlException(e, context);
  }
}

template <typename Fn>
auto Run(absl::string_view context, Transaction& tx, Fn&& fn)
    -> decltype(fn(tx.connection())) {
  return Run(context, tx.connection(), std::forward<Fn>(fn));
}

template <typename Fn>
auto Run(absl::string_view context, PooledConnection& pooled, Fn&& fn)
    -> decltype(fn(*pooled)) {
  return Run(context, *pooled, std::forward<Fn>(fn));
}

}  // namespace candor::db

#endif  // CANDOR_DB_TRANSACTION_H_
