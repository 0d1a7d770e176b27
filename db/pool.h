// A bounded pool of MariaDB connections over MySQL Connector/C++ 1.1.
//
// Each service owns one Pool for its schema. Borrow() hands out a
// PooledConnection (RAII: returned on destruction) or UNAVAILABLE when none
// frees up within the borrow timeout, so a slow or absent database turns
// into fast, retryable errors instead of piling up threads. Connections are
// opened lazily up to `max_connections`, carry read/write/connect timeouts
// (without them Connector/C++ blocks forever on a frozen server), and keep
// their prepared statements for their whole life.
//
// A connection idle for longer than `validate_after_idle` is checked with a
// ping before it is handed out; one whose last use failed with a
// connection-level error is discarded on return. (Checking every borrow
// would add a round trip to every call for connections that were fine a
// millisecond ago; HikariCP makes the same trade.)
//
// A connection-level failure (or a stale connection's ping that times out
// rather than being refused at once) also marks the database down. Until a
// fresh connection opens again, Borrow() fails at once with UNAVAILABLE
// instead of making every call wait out the query or connect timeout on a
// frozen or absent server. The pool's own probe thread tries to connect (every
// `probe_interval` after a failed try) and its success ends the outage; no
// caller's call is spent waiting on a connect. Every connection opened
// before the failure is closed instead of reused (it, and its prepared
// statements, belong to a server session that may be gone), so the pool
// rebuilds itself from fresh connections.
//
// Pool is thread-safe. A PooledConnection belongs to one thread at a time.
#ifndef CANDOR_DB_POOL_H_
#define CANDOR_DB_POOL_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace candor::db {

struct ConnectionOptions {
  // A Unix socket path; when set, host and port are not used.
  std::string unix_socket;
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  // The schema to use; empty for none (the migration runner creates it).
  std::string schema;
  absl::Duration connect_timeout = absl::Seconds(3);
  // Bounds every query: a query on a frozen server fails after this.
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration write_timeout = absl::Seconds(10);
};

struct PoolOptions {
  ConnectionOptions connection;
  int max_connections = 8;
  absl::Duration borrow_timeout = absl::Seconds(2);
  absl::Duration validate_after_idle = absl::Seconds(1);
  // While the database is down, how long the probe thread waits after a
  // failed attempt to connect before the next.
  absl::Duration probe_interval = absl::Milliseconds(200);
};

// One open connection and its prepared statements.
class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Opens a connection. UNAVAILABLE when the server cannot be reached.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const ConnectionOptions& options);

  // The statement for `sql`, prepared on first use. `sql` must be a named
  // constant (never text built from input): it is the cache key.
  // Throws sql::SQLException like every Connector/C++ call; repositories
  // call it inside db::Run (see transaction.h).
  sql::PreparedStatement& Prepare(absl::string_view sql);

  // Runs a statement that takes no parameters and returns no rows.
  void Execute(absl::string_view sql);

  // Pings the server; false when the connection is unusable.
  bool IsValid();

  sql::Connection& raw() { return *connection_; }

  // Marks the connection as unusable: the pool closes it instead of reusing.
  void MarkBroken() { broken_ = true; }
  bool broken() const { return broken_; }

 private:
  explicit Connection(std::unique_ptr<sql::Connection> connection);

  std::unique_ptr<sql::Connection> connection_;
  absl::flat_hash_map<absl::string_view,
                      std::unique_ptr<sql::PreparedStatement>>
      statements_;
  bool broken_ = false;
  friend class Pool;
  absl::Time last_used_;
  // The pool's generation when it was opened (see Pool::generation_).
  int64_t generation_ = 0;
};

class Pool;

// A borrowed connection; goes back to its pool when destroyed.
class PooledConnection {
 public:
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&& other) noexcept;
  ~PooledConnection();

  Connection* operator->() { return connection_.get(); }
  Connection& operator*() { return *connection_; }

 private:
  friend class Pool;
  PooledConnection(Pool* pool, std::unique_ptr<Connection> connection)
      : pool_(pool), connection_(std::move(connection)) {}
  void Release();

  Pool* pool_;
  std::unique_ptr<Connection> connection_;
};

class Pool {
 public:
  struct Stats {
    int open = 0;                // connections open, idle or in use
    int in_use = 0;              // borrowed right now
    int waiting = 0;             // borrowers waiting for a connection
    bool database_down = false;  // a connection failed; none opened since
  };

  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection, or UNAVAILABLE when none can be had within the borrow
  // timeout (pool exhausted or database unreachable).
  absl::StatusOr<PooledConnection> Borrow();

  // OK when a connection came back unbroken within the last 500 ms, or one
  // can be borrowed and answers a ping; UNAVAILABLE otherwise. For health
  // checks.
  absl::Status CheckHealth();

  Stats stats() const;
  // Borrow() then calls `observer` with how long it waited for a free slot
  // (also when it gave up), for metrics. `observer` must be thread-safe and
  // quick. Set it before the pool is first used.
  void SetBorrowWaitObserver(std::function<void(absl::Duration)> observer);
  const PoolOptions& options() const { return options_; }

 private:
  friend class PooledConnection;
  void Return(std::unique_ptr<Connection> connection);
  // Calls borrow_wait_observer_ once per Borrow(); not under mu_.
  void ReportWait(absl::Time start, bool& reported) const;
  // Marks the database down and retires every connection opened so far;
  // returns the idle ones, to be closed outside the lock.
  std::deque<std::unique_ptr<Connection>> MarkDown()
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The probe thread: waits until the database is marked down, then
  // connects until it can, until the pool goes.
  void ProbeWhileDown();

  const PoolOptions options_;
  std::function<void(absl::Duration)> borrow_wait_observer_;

  // State below is protected by mu_.
  mutable absl::Mutex mu_;
  std::deque<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Bumped when the database goes down: connections of an older generation
  // are closed when they come back instead of reused.
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  // When a connection last came back unbroken (see CheckHealth).
  absl::Time last_good_return_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // Last: starts once everything above is built (see ProbeWhileDown).
  std::thread prober_;
};

}  // namespace candor::db

#endif  // CANDOR_DB_POOL_H_
