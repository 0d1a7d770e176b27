#include "services/engagement/notifications.h"

namespace candor::engagement {

Notifications::Notifications(db::Pool* pool) : pool_(pool) {}

Notifications::~Notifications() = default;

absl::Status Notifications::Add(db::Transaction&, const NewNotification&) {
  return absl::UnimplementedError("notifications are not stored yet");
}

void Notifications::Published(absl::string_view, absl::string_view) {}

}  // namespace candor::engagement
