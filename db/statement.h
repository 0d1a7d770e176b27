// Binding parameters and reading rows of prepared statements.
//
// A repository method that is one query reads:
//
//   return db::QueryAll(*pool_, "list value revisions", kListRevisions,
//                       RowToRevision, org, value_id, before, limit);
//
// and statements inside a larger db::Run (see transaction.h):
//
//   db::Bind(c.Prepare(kInsertRevision), org, value_id, number)
//       .executeUpdate();
//   return db::ReadOneOr(db::Bind(c.Prepare(kSelectValue), org, value_id),
//                        RowToValue, [&] { return ValueNotFound(...); });
//
// ReadAll maps every row, ReadOne and ReadOneOr at most one; ExecuteUnique
// turns a duplicate key into the caller's ALREADY_EXISTS; InsertRows writes
// many rows in one statement.
//
// Bind picks each parameter's setter from its C++ type, at compile time:
//
//   std::string, absl::string_view, std::string_view,
//   const char*, string literals            -> setString
//   bool                                     -> setBoolean
//   int                                      -> setInt
//   unsigned int                             -> setUInt
//   int64_t                                  -> setInt64
//   an enum                                  -> as its underlying type
//   db::Blob                                 -> setBlob
//   std::optional<T>                         -> as T, or setNull with T's
//                                               SQL type when empty
//
// Any other type fails to compile: a size_t or a double has no column in
// this schema, and converting one silently would hide a narrowing.
#ifndef CANDOR_DB_STATEMENT_H_
#define CANDOR_DB_STATEMENT_H_

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/sql_text.h"
#include "db/transaction.h"

namespace candor::db {

// A BLOB parameter. Connector/C++ reads `stream` when the statement runs,
// not when it is bound: the stream must outlive the execute call.
struct Blob {
  std::istream* stream;
};

namespace internal {

template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <typename T>
inline constexpr bool kIsString =
    std::is_same_v<T, std::string> || std::is_same_v<T, absl::string_view> ||
    std::is_same_v<T, std::string_view> || std::is_same_v<T, const char*> ||
    std::is_same_v<T, char*> ||
    (std::is_array_v<T> && std::is_same_v<std::remove_extent_t<T>, char>);

template <typename T>
inline constexpr bool kUnsupported = false;

// What a row function returns for one row.
template <typename RowFn>
using RowOf = std::decay_t<std::invoke_result_t<RowFn&, sql::ResultSet&>>;

// The sql::DataType that an empty std::optional<T> binds NULL as.
template <typename T>
constexpr int NullType() {
  if constexpr (std::is_enum_v<T>) {
    return NullType<std::underlying_type_t<T>>();
  } else if constexpr (kIsString<T>) {
    return sql::DataType::VARCHAR;
  } else if constexpr (std::is_same_v<T, bool>) {
    return sql::DataType::BIT;
  } else if constexpr (std::is_same_v<T, int> ||
                       std::is_same_v<T, unsigned int>) {
    return sql::DataType::INTEGER;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return sql::DataType::BIGINT;
  } else if constexpr (std::is_same_v<T, Blob>) {
    return sql::DataType::LONGVARBINARY;
  } else {
    static_assert(kUnsupported<T>, "db::Bind: no SQL type for this C++ type");
    return 0;
  }
}

template <typename T>
void BindOne(sql::PreparedStatement& s, int index, const T& value) {
  if constexpr (IsOptional<T>::value) {
    if (value.has_value()) {
      BindOne(s, index, *value);
    } else {
      s.setNull(index, NullType<typename T::value_type>());
    }
  } else if constexpr (std::is_enum_v<T>) {
    BindOne(s, index, static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_same_v<T, std::string>) {
    s.setString(index, value);
  } else if constexpr (kIsString<T>) {
    s.setString(index, std::string(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    s.setBoolean(index, value);
  } else if constexpr (std::is_same_v<T, int>) {
    s.setInt(index, value);
  } else if constexpr (std::is_same_v<T, unsigned int>) {
    s.setUInt(index, value);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    s.setInt64(index, value);
  } else if constexpr (std::is_same_v<T, Blob>) {
    s.setBlob(index, value.stream);
  } else {
    static_assert(kUnsupported<T>,
                  "db::Bind: unsupported parameter type (see statement.h)");
  }
}

}  // namespace internal

// Binds `args` to parameters first, first + 1, ... in order; returns the
// index after the last. For statements whose parameters come in groups
// (multi-row INSERTs, a fragment shared by several statements).
template <typename... Args>
int BindAt(sql::PreparedStatement& s, int first, const Args&... args) {
  int index = first;
  (internal::BindOne(s, index++, args), ...);
  return index;
}

// Binds `args` to parameters 1..N in order; returns `s`, ready to run.
template <typename... Args>
sql::PreparedStatement& Bind(sql::PreparedStatement& s, const Args&... args) {
  BindAt(s, 1, args...);
  return s;
}

// Runs the query `s` and maps every row with `row_fn(sql::ResultSet&)`.
template <typename RowFn>
std::vector<internal::RowOf<RowFn>> ReadAll(sql::PreparedStatement& s,
                                            RowFn&& row_fn) {
  std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
  std::vector<internal::RowOf<RowFn>> out;
  while (rows->next()) out.push_back(row_fn(*rows));
  return out;
}

// Runs the query `s` and maps its first row with `row_fn`; nullopt when
// there is none.
template <typename RowFn>
auto ReadOne(sql::PreparedStatement& s, RowFn&& row_fn) -> std::optional<
    std::decay_t<std::invoke_result_t<RowFn&, sql::ResultSet&>>> {
  std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
  if (!rows->next()) return std::nullopt;
  return row_fn(*rows);
}

// Like ReadOne, but returns `missing()` (a status such as NOT_FOUND naming
// what was looked for) when there is no row.
template <typename RowFn, typename MissingFn>
absl::StatusOr<internal::RowOf<RowFn>> ReadOneOr(sql::PreparedStatement& s,
                                                 RowFn&& row_fn,
                                                 MissingFn&& missing) {
  std::unique_ptr<sql::ResultSet> rows(s.executeQuery());
  if (!rows->next()) return missing();
  return row_fn(*rows);
}

// Runs the update `s` and returns OK, or `on_duplicate(e)` when it fails on
// a duplicate key (error 1062): an ALREADY_EXISTS that tells the client
// which of its values is taken. Other errors throw, for db::Run to map.
template <typename OnDuplicate>
absl::Status ExecuteUnique(sql::PreparedStatement& s,
                           OnDuplicate&& on_duplicate) {
  try {
    s.executeUpdate();
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() != 1062) throw;
    return on_duplicate(e);
  }
  return absl::OkStatus();
}

// The bytes of BLOB column `column` of `row`; empty for NULL.
inline std::string ReadBlob(sql::ResultSet& row, int column) {
  std::unique_ptr<std::istream> blob(row.getBlob(column));
  if (blob == nullptr) return "";
  std::ostringstream bytes;
  bytes << blob->rdbuf();
  return bytes.str();
}

// A repository method that is one query: runs `sql` with `args` bound, on a
// connection borrowed from `pool` or in `tx`, and maps every row with
// `row_fn`. Errors as db::Run's, named by `context`.
template <typename RowFn, typename... Args>
absl::StatusOr<std::vector<internal::RowOf<RowFn>>> QueryAll(
    Transaction& tx, absl::string_view context, absl::string_view sql,
    RowFn&& row_fn, const Args&... args) {
  return Run(context, tx,
             [&](Connection& c)
                 -> absl::StatusOr<std::vector<internal::RowOf<RowFn>>> {
               return ReadAll(Bind(c.Prepare(sql), args...), row_fn);
             });
}

template <typename RowFn, typename... Args>
absl::StatusOr<std::vector<internal::RowOf<RowFn>>> QueryAll(
    Pool& pool, absl::string_view context, absl::string_view sql,
    RowFn&& row_fn, const Args&... args) {
  absl::StatusOr<PooledConnection> connection = pool.Borrow();
  if (!connection.ok()) return connection.status();
  return Run(context, *connection,
             [&](Connection& c)
                 -> absl::StatusOr<std::vector<internal::RowOf<RowFn>>> {
               return ReadAll(Bind(c.Prepare(sql), args...), row_fn);
             });
}

// One multi-row INSERT: `insert` ("INSERT INTO t (a, b) VALUES ") and then
// `group` ("(?, ?)") once per row, where `bind_row(statement, first, i)`
// binds row i (0 <= i < rows) from parameter `first` and returns the index
// after it. Returns the rows affected. The statement is prepared for this
// call alone: its text depends on `rows`, so it cannot be a named constant
// for Connection::Prepare. `rows` must be at least 1.
template <typename BindRow>
int InsertRows(Connection& c, absl::string_view insert, absl::string_view group,
               size_t rows, BindRow&& bind_row) {
  std::unique_ptr<sql::PreparedStatement> statement(c.raw().prepareStatement(
      absl::StrCat(insert, RepeatedRows(group, rows))));
  int first = 1;
  for (size_t i = 0; i < rows; ++i) first = bind_row(*statement, first, i);
  return statement->executeUpdate();
}

// Row functions for single-column queries.
inline int64_t FirstInt64(sql::ResultSet& row) { return row.getInt64(1); }
inline std::string FirstString(sql::ResultSet& row) { return row.getString(1); }

}  // namespace candor::db

#endif  // CANDOR_DB_STATEMENT_H_
