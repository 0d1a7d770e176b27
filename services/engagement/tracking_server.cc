#include "services/engagement/tracking_server.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <openssl/rand.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "db/sha256.h"
#include "db/statement.h"
#include "db/transaction.h"
#include "services/common/clock.h"
#include "services/common/http_listener.h"
#include "services/common/status_macros.h"

// /usr/include is a system include directory: httplib's warnings stay
// out of -Werror builds.
#include <httplib.h>

namespace candor::engagement {
namespace {

constexpr char kSelectShareByCode[] =
    "SELECT organization_id, share_id, link_url, external_url FROM shares "
    "WHERE tracking_code = ?";
constexpr char kSelectSalt[] = "SELECT salt FROM tracking_salts WHERE day = ?";
constexpr char kInsertSalt[] =
    "INSERT IGNORE INTO tracking_salts (day, salt) VALUES (?, ?)";
constexpr char kDeleteOldSalts[] = "DELETE FROM tracking_salts WHERE day < ?";
constexpr char kDeleteOldVisits[] = "DELETE FROM tracking_visits WHERE day < ?";
constexpr char kInsertVisit[] =
    "INSERT IGNORE INTO tracking_visits (tracking_code, day, visitor_hash) "
    "VALUES (?, ?, ?)";
constexpr char kInsertClick[] =
    "INSERT IGNORE INTO engagement_events (organization_id, event_id, "
    "share_id, kind, count, occurred_time_us, recorded_time_us) "
    "VALUES (?, ?, ?, 1, 1, ?, ?)";

constexpr char kMethod[] = "GET /r/{code}";
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

struct ShareTarget {
  std::string organization_id;
  std::string share_id;
  std::string link_url;
  std::string external_url;
};

bool IsWebUrl(absl::string_view url) {
  return absl::StartsWithIgnoreCase(url, "https://") ||
         absl::StartsWithIgnoreCase(url, "http://");
}

// httplib's task queue, bounded: a fixed set of workers and at most
// `capacity` accepted connections waiting; enqueue() (called by the accept
// loop) waits while the queue is full.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(int threads, int capacity)
      : capacity_(static_cast<size_t>(capacity < 1 ? 1 : capacity)) {
    for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) {
      threads_.emplace_back([this] { Work(); });
    }
  }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return jobs_.size() < capacity_ || stopping_; });
    jobs_.push_back(std::move(fn));
    not_empty_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock<std::mutex> lock(mu_);
        not_empty_.wait(lock, [&] { return !jobs_.empty() || stopping_; });
        if (jobs_.empty()) return;  // stopping, and nothing left
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        not_full_.notify_one();
      }
      fn();
    }
  }

  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

class TrackingServer::Impl {
 public:
  explicit Impl(const TrackingServerOptions& options) : options_(options) {}

  absl::Status Start() {
    const int threads = options_.threads;
    const int queue = options_.queue;
    server_.new_task_queue = [threads, queue] {
      return new BoundedTaskQueue(threads, queue);
    };
    server_.set_read_timeout(5, 0);
    server_.set_write_timeout(5, 0);
    server_.set_keep_alive_max_count(10);
    server_.set_keep_alive_timeout(2);
    server_.set_payload_max_length(1024);
    server_.Get(
        R"(/r/([A-Za-z0-9_-]{1,32}))",
        [this](const httplib::Request& request, httplib::Response& response) {
          Handle(request, response);
        });
    CANDOR_ASSIGN_OR_RETURN(listener_,
                            HttpListener::Start(&server_, "tracking_listen",
                                                options_.listen_address));
    return absl::OkStatus();
  }

  void Stop() { listener_->Stop(); }

  int port() const { return listener_->port(); }

 private:
  void Handle(const httplib::Request& request, httplib::Response& response) {
    const absl::Time start = absl::Now();
    const std::string code = request.matches[1];
    absl::string_view outcome = "FOUND";
    std::string message;
    absl::StatusOr<std::optional<ShareTarget>> share = FindShare(code);
    response.set_header("Cache-Control", "no-store");
    response.set_header("Referrer-Policy", "no-referrer");
    if (!share.ok()) {
      outcome = "UNAVAILABLE";
      message = std::string(share.status().message());
      response.status = 503;
      response.set_content(
          "The link cannot be followed right now; try again.\n",
          "text/plain; charset=utf-8");
    } else if (!share->has_value()) {
      outcome = "NOT_FOUND";
      response.status = 404;
      response.set_content("Unknown link.\n", "text/plain; charset=utf-8");
    } else {
      const ShareTarget& target = **share;
      const std::string& url =
          !target.link_url.empty() ? target.link_url : target.external_url;
      if (url.empty() || !IsWebUrl(url)) {
        outcome = "NOT_FOUND";
        message = "the share has no link";
        response.status = 404;
        response.set_content("This link leads nowhere.\n",
                             "text/plain; charset=utf-8");
      } else {
        absl::Status recorded =
            RecordClick(target, code, ClientAddress(request),
                        request.get_header_value("User-Agent"));
        // The reader is redirected even when the click could not be counted.
        if (!recorded.ok()) message = std::string(recorded.message());
        response.set_redirect(url, 302);
      }
    }
    if (options_.access_log != nullptr) {
      options_.access_log->Write(
          AccessRecord{kMethod, outcome, absl::Now() - start, "", "", message});
    }
  }

  absl::StatusOr<std::optional<ShareTarget>> FindShare(
      const std::string& code) {
    CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection,
                            options_.pool->Borrow());
    return db::Run(
        "find share by tracking code", connection,
        [&](db::Connection& c) -> absl::StatusOr<std::optional<ShareTarget>> {
          return db::ReadOne(db::Bind(c.Prepare(kSelectShareByCode), code),
                             [](sql::ResultSet& row) {
                               return ShareTarget{
                                   row.getString(1), row.getString(2),
                                   row.getString(3), row.getString(4)};
                             });
        });
  }

  // Today's salt, made (and older salts and visits forgotten) on the first
  // click of the day.
  absl::StatusOr<std::string> SaltOf(int day) {
    {
      absl::MutexLock lock(&mu_);
      if (salt_day_ == day) return salt_;
    }
    CANDOR_ASSIGN_OR_RETURN(std::optional<std::string> stored, ReadSalt(day));
    if (!stored) {
      unsigned char random[32];
      if (RAND_bytes(random, sizeof random) != 1) {
        return absl::InternalError("no randomness for the daily salt");
      }
      const std::string salt = absl::BytesToHexString(absl::string_view(
          reinterpret_cast<const char*>(random), sizeof random));
      CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                              db::Transaction::Begin(*options_.pool));
      CANDOR_RETURN_IF_ERROR(
          db::Run("make daily salt", tx, [&](db::Connection& c) {
            db::Bind(c.Prepare(kInsertSalt), day, salt).executeUpdate();
            db::Bind(c.Prepare(kDeleteOldSalts), day).executeUpdate();
            db::Bind(c.Prepare(kDeleteOldVisits), day).executeUpdate();
            return absl::OkStatus();
          }));
      CANDOR_RETURN_IF_ERROR(tx.Commit());
      // Another replica may have made the day's salt first: use the stored one.
      CANDOR_ASSIGN_OR_RETURN(stored, ReadSalt(day));
      if (!stored)
        return absl::InternalError("daily salt missing after insert");
    }
    absl::MutexLock lock(&mu_);
    salt_day_ = day;
    salt_ = *stored;
    return salt_;
  }

  absl::StatusOr<std::optional<std::string>> ReadSalt(int day) {
    CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection,
                            options_.pool->Borrow());
    return db::Run(
        "read daily salt", connection,
        [&](db::Connection& c) -> absl::StatusOr<std::optional<std::string>> {
          return db::ReadOne(db::Bind(c.Prepare(kSelectSalt), day),
                             db::FirstString);
        });
  }

  // Who clicked, as far as this endpoint can tell (see
  // TrackingServerOptions::trust_forwarded_for).
  std::string ClientAddress(const httplib::Request& request) const {
    if (!options_.trust_forwarded_for ||
        !request.has_header("X-Forwarded-For")) {
      return request.remote_addr;
    }
    // Several headers or a list: the proxy's own entry comes last.
    const std::string forwarded = request.get_header_value(
        "X-Forwarded-For",
        request.get_header_value_count("X-Forwarded-For") - 1);
    const size_t comma = forwarded.rfind(',');
    return std::string(absl::StripAsciiWhitespace(
        comma == std::string::npos
            ? absl::string_view(forwarded)
            : absl::string_view(forwarded).substr(comma + 1)));
  }

  absl::Status RecordClick(const ShareTarget& share, const std::string& code,
                           const std::string& remote_ip,
                           const std::string& user_agent) {
    const int64_t now = NowMicros();
    const int day = static_cast<int>(now / kMicrosPerDay);
    CANDOR_ASSIGN_OR_RETURN(std::string salt, SaltOf(day));
    const std::string visitor =
        db::Sha256Hex(absl::StrCat(salt, "\n", remote_ip, "\n", user_agent));
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(*options_.pool));
    CANDOR_RETURN_IF_ERROR(db::Run("record click", tx, [&](db::Connection& c) {
      if (db::Bind(c.Prepare(kInsertVisit), code, day, visitor)
              .executeUpdate() == 0) {
        return absl::OkStatus();  // seen today
      }
      // One click per reader, link and day; at most 52 characters.
      const std::string event_id = absl::StrCat(
          "click-",
          db::Sha256Hex(absl::StrCat(visitor, "\n", code)).substr(0, 40), "-",
          day);
      db::Bind(c.Prepare(kInsertClick), share.organization_id, event_id,
               share.share_id, now, now)
          .executeUpdate();
      return absl::OkStatus();
    }));
    return tx.Commit();
  }

  const TrackingServerOptions options_;
  httplib::Server server_;
  std::unique_ptr<HttpListener> listener_;  // declared after server_

  absl::Mutex mu_;
  int salt_day_ ABSL_GUARDED_BY(mu_) = -1;
  std::string salt_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<TrackingServer>> TrackingServer::Start(
    const TrackingServerOptions& options) {
  if (options.pool == nullptr) {
    return absl::InvalidArgumentError("tracking server: no database pool");
  }
  auto impl = std::make_unique<Impl>(options);
  CANDOR_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<TrackingServer>(new TrackingServer(std::move(impl)));
}

TrackingServer::TrackingServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

TrackingServer::~TrackingServer() { Stop(); }

int TrackingServer::port() const { return impl_->port(); }

void TrackingServer::Stop() { impl_->Stop(); }

}  // namespace candor::engagement
