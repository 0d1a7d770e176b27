#include "services/engagement/notifications.h"

#include <cppconn/resultset.h>

#include "db/statement.h"
#include "services/common/clock.h"
#include "services/common/status_macros.h"

namespace candor::engagement {
namespace {

constexpr char kBumpHead[] =
    "INSERT INTO notification_heads (organization_id, staff_member_id, "
    "last_sequence) VALUES (?, ?, 1) "
    "ON DUPLICATE KEY UPDATE last_sequence = last_sequence + 1";
constexpr char kSelectHead[] =
    "SELECT last_sequence FROM notification_heads "
    "WHERE organization_id = ? AND staff_member_id = ?";
constexpr char kInsertNotification[] =
    "INSERT INTO notifications (organization_id, staff_member_id, sequence, "
    "kind, subject, message, is_read, create_time_us) "
    "VALUES (?, ?, ?, ?, ?, ?, FALSE, ?)";
constexpr char kDeleteInbox[] =
    "DELETE FROM notifications WHERE organization_id = ? AND "
    "staff_member_id = ?";
constexpr char kSelectAfter[] =
    "SELECT sequence, kind, subject, message, is_read, create_time_us "
    "FROM notifications WHERE organization_id = ? AND staff_member_id = ? "
    "AND sequence > ? ORDER BY sequence ASC LIMIT ?";
// One statement, so both subqueries read the same snapshot.
constexpr char kSelectStartOfUnread[] =
    "SELECT COALESCE("
    "(SELECT MIN(sequence) - 1 FROM notifications WHERE organization_id = ? "
    "AND staff_member_id = ? AND is_read = FALSE), "
    "(SELECT last_sequence FROM notification_heads WHERE organization_id = ? "
    "AND staff_member_id = ?), 0)";
constexpr char kSelectNewestFirst[] =
    "SELECT sequence, kind, subject, message, is_read, create_time_us "
    "FROM notifications WHERE organization_id = ? AND staff_member_id = ? "
    "AND sequence < ? AND (is_read = FALSE OR ? = FALSE) "
    "ORDER BY sequence DESC LIMIT ?";
constexpr char kMarkAllRead[] =
    "UPDATE notifications SET is_read = TRUE WHERE organization_id = ? "
    "AND staff_member_id = ? AND is_read = FALSE";
constexpr char kMarkOneRead[] =
    "UPDATE notifications SET is_read = TRUE WHERE organization_id = ? "
    "AND staff_member_id = ? AND sequence = ? AND is_read = FALSE";

constexpr char kSelectCursor[] =
    "SELECT last_sequence FROM advocacy_event_cursors "
    "WHERE organization_id = ?";
constexpr char kCreateCursor[] =
    "INSERT IGNORE INTO advocacy_event_cursors (organization_id, "
    "last_sequence) VALUES (?, 0)";
constexpr char kSelectCursorForUpdate[] =
    "SELECT last_sequence FROM advocacy_event_cursors "
    "WHERE organization_id = ? FOR UPDATE";
constexpr char kUpdateCursor[] =
    "UPDATE advocacy_event_cursors SET last_sequence = ? "
    "WHERE organization_id = ?";

constexpr int64_t kNoUpperBound = INT64_MAX;

NotificationRecord RowToNotification(sql::ResultSet& row) {
  NotificationRecord r;
  r.sequence = row.getInt64(1);
  r.kind = row.getInt(2);
  r.subject = row.getString(3);
  r.message = row.getString(4);
  r.read = row.getBoolean(5);
  r.create_time_us = row.getInt64(6);
  return r;
}

}  // namespace

Notifications::Notifications(db::Pool* pool) : pool_(pool) {}

Notifications::~Notifications() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (ticker_.joinable()) ticker_.join();
}

absl::Status Notifications::Add(db::Transaction& tx,
                                const NewNotification& notification) {
  return db::Run(
      "add notification", tx, [&](db::Connection& c) -> absl::Status {
        db::Bind(c.Prepare(kBumpHead), notification.organization_id,
                 notification.staff_member_id)
            .executeUpdate();

        CANDOR_ASSIGN_OR_RETURN(
            const int64_t sequence,
            db::ReadOneOr(
                db::Bind(c.Prepare(kSelectHead), notification.organization_id,
                         notification.staff_member_id),
                db::FirstInt64, [] {
                  return absl::InternalError(
                      "notification counter missing after update");
                }));

        db::Bind(c.Prepare(kInsertNotification), notification.organization_id,
                 notification.staff_member_id, sequence, notification.kind,
                 notification.subject, notification.message, NowMicros())
            .executeUpdate();
        return absl::OkStatus();
      });
}

void Notifications::Published(absl::string_view organization_id,
                              absl::string_view staff_member_id) {
  absl::MutexLock lock(&mu_);
  auto it = watchers_.find(
      Key(std::string(organization_id), std::string(staff_member_id)));
  if (it == watchers_.end()) return;
  for (Watcher* watcher : it->second) watcher->Wake(/*poll=*/false);
}

absl::StatusOr<std::vector<NotificationRecord>> Notifications::ReadAfter(
    const std::string& organization_id, const std::string& staff_member_id,
    int64_t after, int limit) {
  return db::QueryAll(*pool_, "read notifications", kSelectAfter,
                      RowToNotification, organization_id, staff_member_id,
                      after, limit);
}

absl::StatusOr<int64_t> Notifications::StartOfUnread(
    const std::string& organization_id, const std::string& staff_member_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "find unread notifications", connection,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return db::ReadOne(
                   db::Bind(c.Prepare(kSelectStartOfUnread), organization_id,
                            staff_member_id, organization_id, staff_member_id),
                   db::FirstInt64)
            .value_or(0);
      });
}

absl::StatusOr<std::vector<NotificationRecord>> Notifications::ListNewestFirst(
    const std::string& organization_id, const std::string& staff_member_id,
    int64_t before, bool unread_only, int limit) {
  return db::QueryAll(*pool_, "list notifications", kSelectNewestFirst,
                      RowToNotification, organization_id, staff_member_id,
                      before > 0 ? before : kNoUpperBound, unread_only, limit);
}

absl::StatusOr<int64_t> Notifications::DeleteInbox(
    db::Transaction& tx, const std::string& organization_id,
    const std::string& staff_member_id) {
  return db::Run(
      "delete inbox", tx, [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return int64_t{
            db::Bind(c.Prepare(kDeleteInbox), organization_id, staff_member_id)
                .executeUpdate()};
      });
}

absl::StatusOr<int64_t> Notifications::MarkRead(
    const std::string& organization_id, const std::string& staff_member_id,
    const std::vector<int64_t>& sequences) {
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(*pool_));
  CANDOR_ASSIGN_OR_RETURN(
      int64_t marked,
      db::Run("mark notifications read", tx,
              [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                if (sequences.empty()) {
                  return int64_t{db::Bind(c.Prepare(kMarkAllRead),
                                          organization_id, staff_member_id)
                                     .executeUpdate()};
                }
                int64_t count = 0;
                auto& update = c.Prepare(kMarkOneRead);
                for (int64_t sequence : sequences) {
                  count += db::Bind(update, organization_id, staff_member_id,
                                    sequence)
                               .executeUpdate();
                }
                return count;
              }));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  return marked;
}

absl::StatusOr<int64_t> Notifications::AdvocacyEventCursor(
    const std::string& organization_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "read advocacy event cursor", connection,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return db::ReadOne(db::Bind(c.Prepare(kSelectCursor), organization_id),
                           db::FirstInt64)
            .value_or(0);
      });
}

absl::StatusOr<int64_t> Notifications::LockAdvocacyEventCursor(
    db::Transaction& tx, const std::string& organization_id) {
  return db::Run(
      "lock advocacy event cursor", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        db::Bind(c.Prepare(kCreateCursor), organization_id).executeUpdate();
        return db::ReadOneOr(
            db::Bind(c.Prepare(kSelectCursorForUpdate), organization_id),
            db::FirstInt64, [] {
              return absl::InternalError(
                  "advocacy event cursor missing after creation");
            });
      });
}

absl::Status Notifications::SetAdvocacyEventCursor(
    db::Transaction& tx, const std::string& organization_id, int64_t sequence) {
  return db::Run("advance advocacy event cursor", tx,
                 [&](db::Connection& c) -> absl::Status {
                   db::Bind(c.Prepare(kUpdateCursor), sequence, organization_id)
                       .executeUpdate();
                   return absl::OkStatus();
                 });
}

void Notifications::AddWatcher(const std::string& organization_id,
                               const std::string& staff_member_id,
                               Watcher* watcher) {
  absl::MutexLock lock(&mu_);
  watchers_[Key(organization_id, staff_member_id)].insert(watcher);
  if (!ticker_.joinable()) ticker_ = std::thread([this] { Tick(); });
}

void Notifications::RemoveWatcher(const std::string& organization_id,
                                  const std::string& staff_member_id,
                                  Watcher* watcher) {
  absl::MutexLock lock(&mu_);
  auto it = watchers_.find(Key(organization_id, staff_member_id));
  if (it == watchers_.end()) return;
  it->second.erase(watcher);
  if (it->second.empty()) watchers_.erase(it);
}

void Notifications::Tick() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    // Waits out the interval unless stopping; the lock is released while
    // waiting.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), kPollInterval);
    if (stopping_) break;
    for (auto& [key, watchers] : watchers_) {
      for (Watcher* watcher : watchers) watcher->Wake(/*poll=*/true);
    }
  }
}

}  // namespace candor::engagement
