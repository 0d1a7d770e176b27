// The notification inbox of every staff member, and the wake-ups that let
// WatchNotifications streams deliver new notifications as they arrive.
//
// A notification is added in the transaction of the event it reports (so
// it exists exactly when the event does) and its person's open streams are
// woken after that transaction commits. Thread-safe.
//
// Sequences: each person has a counter row (notification_heads) that Add()
// bumps inside the caller's transaction. The row stays locked until that
// transaction ends, so one person's sequences are gap-free and commit in
// order: a reader that has seen sequence n and later reads "sequence > n"
// can never miss a notification that committed late with a smaller number.
//
// Wake-ups: open streams register a Watcher. Published() wakes the
// watchers of one person in this process at once; a background ticker also
// wakes every watcher every kPollInterval, so notifications added by another
// replica (whose Published() cannot reach this process) arrive within that
// interval. A woken stream reads "sequence > last sent", so spurious
// wake-ups cost one indexed query and nothing else. So each open stream
// costs one primary-key range query per kPollInterval (skipped while its
// service's executor is busy); one process with thousands of streams should
// raise the interval or replace the poll with a cross-replica signal.
#ifndef CANDOR_SERVICES_ENGAGEMENT_NOTIFICATIONS_H_
#define CANDOR_SERVICES_ENGAGEMENT_NOTIFICATIONS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "db/pool.h"
#include "db/transaction.h"

namespace candor::engagement {

struct NewNotification {
  std::string organization_id;
  std::string staff_member_id;
  int kind = 0;  // candor.engagement.v1.Notification.Kind number
  std::string subject;
  std::string message;
};

// One stored notification.
struct NotificationRecord {
  int64_t sequence = 0;
  int kind = 0;
  std::string subject;
  std::string message;
  bool read = false;
  int64_t create_time_us = 0;
};

class Notifications {
 public:
  // How often every open stream looks for notifications other replicas
  // added.
  static constexpr absl::Duration kPollInterval = absl::Seconds(2);

  explicit Notifications(db::Pool* pool);
  // Stops the ticker. Every watcher must be removed before.
  ~Notifications();
  Notifications(const Notifications&) = delete;
  Notifications& operator=(const Notifications&) = delete;

  // Adds `notification` to its person's inbox inside `tx`.
  absl::Status Add(db::Transaction& tx, const NewNotification& notification);

  // Wakes the open streams of one person; call after the transaction that
  // added their notifications committed.
  void Published(absl::string_view organization_id,
                 absl::string_view staff_member_id);

  // --- reads and writes of one person's inbox ------------------------------

  // Up to `limit` notifications with sequence > `after`, oldest first.
  absl::StatusOr<std::vector<NotificationRecord>> ReadAfter(
      const std::string& organization_id, const std::string& staff_member_id,
      int64_t after, int limit);

  // Where a stream without a resume token starts: just before the oldest
  // unread notification, or after the newest when all are read.
  absl::StatusOr<int64_t> StartOfUnread(const std::string& organization_id,
                                        const std::string& staff_member_id);

  // Up to `limit` notifications with sequence < `before` (no bound when
  // 0), newest first; only unread ones when `unread_only`.
  absl::StatusOr<std::vector<NotificationRecord>> ListNewestFirst(
      const std::string& organization_id, const std::string& staff_member_id,
      int64_t before, bool unread_only, int limit);

  // Marks `sequences` (all of the person's when empty) read; returns how
  // many were unread before.
  absl::StatusOr<int64_t> MarkRead(const std::string& organization_id,
                                   const std::string& staff_member_id,
                                   const std::vector<int64_t>& sequences);

  // Deletes every notification of one person inside `tx` (erasure); the
  // counter row stays, so sequences never repeat. Returns the rows removed.
  absl::StatusOr<int64_t> DeleteInbox(db::Transaction& tx,
                                      const std::string& organization_id,
                                      const std::string& staff_member_id);

  // --- the advocacy event cursor (advocacy_event_cursors) -----------------

  // The last advocacy event of `organization_id` imported; 0 when none.
  absl::StatusOr<int64_t> AdvocacyEventCursor(
      const std::string& organization_id);
  // Like AdvocacyEventCursor, read in `tx` with the organization's cursor
  // row locked to the end of `tx` (created at 0 when missing), so
  // concurrent imports of one organization take turns.
  absl::StatusOr<int64_t> LockAdvocacyEventCursor(
      db::Transaction& tx, const std::string& organization_id);
  // Stores `sequence` as the cursor of `organization_id` in `tx` (after
  // LockAdvocacyEventCursor).
  absl::Status SetAdvocacyEventCursor(db::Transaction& tx,
                                      const std::string& organization_id,
                                      int64_t sequence);

  // --- wake-ups --------------------------------------------------------------

  // Something woken when a person may have new notifications: by
  // Published() (`poll` false), or by the ticker every kPollInterval (`poll`
  // true: maybe nothing is new; a busy watcher may skip it). Wake() runs
  // with the registry's lock held: it must not block nor call back into
  // Notifications.
  class Watcher {
   public:
    virtual ~Watcher() = default;
    virtual void Wake(bool poll) = 0;
  };
  void AddWatcher(const std::string& organization_id,
                  const std::string& staff_member_id, Watcher* watcher);
  // After it returns, `watcher` is never woken again.
  void RemoveWatcher(const std::string& organization_id,
                     const std::string& staff_member_id, Watcher* watcher);

 private:
  using Key = std::pair<std::string, std::string>;  // (org, staff member)
  void Tick();

  db::Pool* const pool_;
  absl::Mutex mu_;
  std::map<Key, std::set<Watcher*>> watchers_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread ticker_;  // started with the first watcher
};

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_NOTIFICATIONS_H_
