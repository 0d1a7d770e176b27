#include "db/pool.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "db/transaction.h"

namespace candor::db {
namespace {

// get_mysql_driver_instance() is not thread-safe: create the driver once.
sql::mysql::MySQL_Driver* Driver() {
  static sql::mysql::MySQL_Driver* const driver =
      sql::mysql::get_mysql_driver_instance();
  return driver;
}

int WholeSeconds(absl::Duration d) {
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(d, absl::Seconds(1)));
  return static_cast<int>(seconds < 1 ? 1 : seconds);
}

}  // namespace

Connection::Connection(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)), last_used_(absl::Now()) {}

Connection::~Connection() {
  // Statements must go before their connection.
  statements_.clear();
  try {
    if (connection_ != nullptr) connection_->close();
  } catch (const sql::SQLException&) {
    // Closing a dead connection fails; nothing is left to release.
  }
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const ConnectionOptions& options) {
  sql::ConnectOptionsMap properties;
  if (!options.unix_socket.empty()) {
    properties["hostName"] = sql::SQLString("unix://" + options.unix_socket);
  } else {
    properties["hostName"] =
        sql::SQLString(absl::StrCat("tcp://", options.host, ":", options.port));
  }
  properties["userName"] = sql::SQLString(options.user);
  properties["password"] = sql::SQLString(options.password);
  if (!options.schema.empty()) {
    properties["schema"] = sql::SQLString(options.schema);
  }
  properties["OPT_CONNECT_TIMEOUT"] = WholeSeconds(options.connect_timeout);
  properties["OPT_READ_TIMEOUT"] = WholeSeconds(options.read_timeout);
  properties["OPT_WRITE_TIMEOUT"] = WholeSeconds(options.write_timeout);
  properties["OPT_RECONNECT"] =
      false;  // a silent reconnect loses session state
  properties["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  // Timestamps are stored as integers, but keep the session in UTC and
  // strict so nothing is silently truncated.
  properties["postInit"] = sql::SQLString(
      "SET SESSION time_zone = '+00:00', "
      "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'");
  try {
    std::unique_ptr<sql::Connection> raw(Driver()->connect(properties));
    return std::unique_ptr<Connection>(new Connection(std::move(raw)));
  } catch (const sql::SQLException& e) {
    // Any failure to connect (refused, access denied, unknown schema) is
    // reported as unavailability: the caller can only retry later.
    return absl::UnavailableError(absl::StrCat(
        "database: cannot connect (error ", e.getErrorCode(), ")"));
  }
}

sql::PreparedStatement& Connection::Prepare(absl::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    std::unique_ptr<sql::PreparedStatement> statement(
        connection_->prepareStatement(sql::SQLString(sql.data(), sql.size())));
    it = statements_.emplace(sql, std::move(statement)).first;
  }
  it->second->clearParameters();
  return *it->second;
}

void Connection::Execute(absl::string_view sql) {
  std::unique_ptr<sql::Statement> statement(connection_->createStatement());
  statement->execute(sql::SQLString(sql.data(), sql.size()));
}

bool Connection::IsValid() {
  try {
    return connection_->isValid();
  } catch (const sql::SQLException&) {
    return false;
  }
}

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

PooledConnection& PooledConnection::operator=(
    PooledConnection&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

PooledConnection::~PooledConnection() { Release(); }

void PooledConnection::Release() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {
  Driver();  // created here, on one thread, before any concurrent Borrow
  prober_ = std::thread([this] { ProbeWhileDown(); });
}

Pool::~Pool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  // Waits at most one connect timeout, when a probe is under way.
  prober_.join();
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

void Pool::ProbeWhileDown() {
  auto down_or_stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return down_ || stopping_;
  };
  auto stopping = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
  mu_.Lock();
  while (true) {
    mu_.Await(absl::Condition(&down_or_stopping));
    if (stopping_) break;
    mu_.Unlock();
    auto opened = Connection::Open(options_.connection);
    mu_.Lock();
    if (opened.ok()) {
      // The database is back. The probe's connection joins the pool as its
      // first fresh one, when there is room.
      down_ = false;
      if (open_ < options_.max_connections) {
        (*opened)->generation_ = generation_;
        (*opened)->last_used_ = absl::Now();
        idle_.push_back(*std::move(opened));
        ++open_;
      }
    } else {
      mu_.AwaitWithTimeout(absl::Condition(&stopping), options_.probe_interval);
    }
    if (opened.ok() && *opened != nullptr) {
      // No room: closed outside the lock.
      mu_.Unlock();
      opened->reset();
      mu_.Lock();
    }
  }
  mu_.Unlock();
}

std::deque<std::unique_ptr<Connection>> Pool::MarkDown() {
  down_ = true;
  ++generation_;
  std::deque<std::unique_ptr<Connection>> retired;
  retired.swap(idle_);
  open_ -= static_cast<int>(retired.size());
  return retired;
}

absl::StatusOr<PooledConnection> Pool::Borrow() {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + options_.borrow_timeout;
  bool wait_reported = false;
  while (true) {
    std::unique_ptr<Connection> candidate;
    bool may_open = false;
    {
      absl::ReleasableMutexLock lock(&mu_);
      // Fail fast, before queueing for a slot: while the database is down
      // the slots are held by calls waiting out their timeouts.
      if (down_) {
        lock.Release();
        ReportWait(start, wait_reported);
        return absl::UnavailableError(
            "database: unreachable (a connection to it failed); retry");
      }
      ++waiting_;
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < options_.max_connections || down_;
      };
      const bool got =
          mu_.AwaitWithDeadline(absl::Condition(&available), deadline);
      --waiting_;
      if (got && down_) {
        lock.Release();
        ReportWait(start, wait_reported);
        return absl::UnavailableError(
            "database: unreachable (a connection to it failed); retry");
      }
      if (!got) {
        lock.Release();
        ReportWait(start, wait_reported);
        return absl::UnavailableError(
            "database: no connection free in time; the service is overloaded "
            "or the database is slow");
      }
      ++in_use_;
      if (!idle_.empty()) {
        candidate = std::move(idle_.back());  // most recently used: warmest
        idle_.pop_back();
      } else {
        ++open_;  // reserve the slot before opening outside the lock
        may_open = true;
      }
    }

    ReportWait(start, wait_reported);
    if (may_open) {
      auto opened = Connection::Open(options_.connection);
      std::deque<std::unique_ptr<Connection>> retired;
      {
        absl::MutexLock lock(&mu_);
        if (!opened.ok()) {
          --open_;
          --in_use_;
          if (!down_) retired = MarkDown();
        } else {
          (*opened)->generation_ = generation_;
        }
      }
      retired.clear();  // closed outside the lock
      if (!opened.ok()) return opened.status();
      candidate = *std::move(opened);
    } else if (absl::Now() - candidate->last_used_ >
               options_.validate_after_idle) {
      const absl::Time ping_start = absl::Now();
      if (!candidate->IsValid()) {
        // A ping refused at once means only this connection is gone (server
        // restarted, idle timeout): drop it and try again, which opens a
        // fresh one. A ping that timed out means the server does not
        // answer: mark it down rather than wait again on a connect.
        const bool unresponsive =
            absl::Now() - ping_start >= options_.connection.read_timeout / 2;
        candidate.reset();
        std::deque<std::unique_ptr<Connection>> retired;
        {
          absl::MutexLock lock(&mu_);
          --open_;
          --in_use_;
          if (unresponsive && !down_) retired = MarkDown();
        }
        retired.clear();  // closed outside the lock
        continue;
      }
    }
    return PooledConnection(this, std::move(candidate));
  }
}

void Pool::SetBorrowWaitObserver(std::function<void(absl::Duration)> observer) {
  borrow_wait_observer_ = std::move(observer);
}

void Pool::ReportWait(absl::Time start, bool& reported) const {
  // A retry after dropping a stale connection is part of the same wait.
  if (!borrow_wait_observer_ || reported) return;
  reported = true;
  borrow_wait_observer_(absl::Now() - start);
}

void Pool::Return(std::unique_ptr<Connection> connection) {
  std::deque<std::unique_ptr<Connection>> retired;
  {
    absl::MutexLock lock(&mu_);
    --in_use_;
    // A broken connection means the database may be gone: mark it down
    // (once per outage) so that callers fail fast until a probe reconnects.
    // Only a connection of the current generation says so: one opened before
    // the last outage breaking late (a call stuck on a frozen server times
    // out after the probe already reconnected) says nothing new.
    if (connection->broken() && !down_ &&
        connection->generation_ == generation_) {
      retired = MarkDown();
    }
    if (!connection->broken() && connection->generation_ == generation_) {
      connection->last_used_ = last_good_return_ = absl::Now();
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  // Closed outside the lock: closing talks to the server.
  connection.reset();
  retired.clear();
}

absl::Status Pool::CheckHealth() {
  {
    // Under load every connection may be busy for a while; a call that just
    // finished on a good connection is proof enough, and borrowing here
    // would only queue behind the load.
    absl::MutexLock lock(&mu_);
    if (!down_ && absl::Now() - last_good_return_ < absl::Milliseconds(500)) {
      return absl::OkStatus();
    }
  }
  auto connection = Borrow();
  if (!connection.ok()) return connection.status();
  if (!(*connection)->IsValid()) {
    (*connection)->MarkBroken();
    return absl::UnavailableError("database does not answer");
  }
  return absl::OkStatus();
}

Pool::Stats Pool::stats() const {
  absl::MutexLock lock(&mu_);
  return Stats{open_, in_use_, waiting_, down_};
}

}  // namespace candor::db
