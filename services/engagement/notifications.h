// The notification inbox of every staff member, and the wake-ups that let
// WatchNotifications streams deliver new notifications as they arrive.
//
// A notification is added in the transaction of the event it reports (so
// it exists exactly when the event does) and its person's open streams are
// woken after that transaction commits. Thread-safe.
#ifndef CANDOR_SERVICES_ENGAGEMENT_NOTIFICATIONS_H_
#define CANDOR_SERVICES_ENGAGEMENT_NOTIFICATIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
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

class Notifications {
 public:
  explicit Notifications(db::Pool* pool);
  ~Notifications();
  Notifications(const Notifications&) = delete;
  Notifications& operator=(const Notifications&) = delete;

  // Adds `notification` to its person's inbox inside `tx`.
  absl::Status Add(db::Transaction& tx, const NewNotification& notification);

  // Wakes the open streams of one person; call after the transaction that
  // added their notifications committed.
  void Published(absl::string_view organization_id,
                 absl::string_view staff_member_id);

  // (The notifications helper adds what the inbox and streams need here.)

 private:
  db::Pool* const pool_;
};

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_NOTIFICATIONS_H_
