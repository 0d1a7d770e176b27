// StaffService: the event feed (ListStaffEvents), which the transparency
// service reads with its service token into its audit log. The handlers
// that change or read a person's record append the events.
#include <vector>

#include "services/common/event_feed.h"
#include "services/common/status_macros.h"
#include "services/staff/staff_internal.h"
#include "services/staff/staff_service.h"

namespace candor::staff {

absl::Status StaffService::DoListStaffEvents(
    const Caller& caller, const v1::ListStaffEventsRequest& request,
    v1::ListStaffEventsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      FeedPage page,
      StartFeedPage(caller, request.parent(), request.after_sequence(),
                    request.page_size(), "list staff events"));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<StaffEventRecord> events,
      repository_.ListStaffEvents(page.org, page.after_sequence, page.limit));
  for (const StaffEventRecord& e : events) {
    StaffEventToProto(e, response->add_events());
  }
  return absl::OkStatus();
}

}  // namespace candor::staff
