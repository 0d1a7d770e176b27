// TransparencyService: importing the staff service's event feed into the
// audit log (transparency_service.h, "Staff events"; the consumer is
// services/common/event_feed.h).
#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "services/common/event_feed.h"
#include "services/common/internal_call.h"
#include "services/common/personal_data.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/transparency/transparency_service.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;
namespace staffpb = ::candor::staff::v1;

// Staff events fetched per ListStaffEvents call, and calls per import (the
// rest waits for the next call).
constexpr EventFeedLimits kStaffEventLimits{/*page_size=*/1000,
                                            /*max_pages=*/10};

// The kind of the event the staff service writes when it erases a person.
constexpr char kStaffEraseKind[] = "staff.erase";

// The staff service's erasure (which the privacy service runs before this
// service's) renames the person in the events they made to its own
// pseudonym, ErasedPseudonym(name), which anyone who knows the name can
// compute. Those events still pending enter the log under the person's
// name again, found through the "staff.erase" event for them (written in
// the same transaction as the renaming, so pending too), so that this
// service's erasure gives them the log's keyed pseudonym and declaration
// like every earlier entry (docs/AUDIT.md, "Erasure"). Maps each such
// pseudonym to the person's name.
absl::flat_hash_map<std::string, std::string> ErasedActors(
    const std::vector<staffpb::StaffEvent>& events) {
  absl::flat_hash_map<std::string, std::string> erased;
  for (const staffpb::StaffEvent& event : events) {
    if (event.kind() == kStaffEraseKind) {
      erased[ErasedPseudonym(event.subject())] = event.subject();
    }
  }
  return erased;
}

}  // namespace

absl::StatusOr<std::vector<staffpb::StaffEvent>>
TransparencyService::FetchStaffEvents(absl::string_view org, int max_pages) {
  if (staff_ == nullptr || service_tokens_ == nullptr) {
    return std::vector<staffpb::StaffEvent>();
  }
  CANDOR_ASSIGN_OR_RETURN(int64_t cursor, repository_.StaffEventCursor(org));
  const EventFeed<staffpb::StaffEvent> feed(
      [&](int64_t after,
          int page_size) -> absl::StatusOr<std::vector<staffpb::StaffEvent>> {
        staffpb::ListStaffEventsRequest request;
        request.set_parent(OrganizationName(org));
        request.set_after_sequence(after);
        request.set_page_size(page_size);
        CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<grpc::ClientContext> context,
                                AsService(*service_tokens_));
        staffpb::ListStaffEventsResponse response;
        CANDOR_RETURN_IF_ERROR(FromInternalCall(
            staff_->ListStaffEvents(context.get(), request, &response),
            "the staff service (staff events)"));
        return std::vector<staffpb::StaffEvent>(
            std::make_move_iterator(response.mutable_events()->begin()),
            std::make_move_iterator(response.mutable_events()->end()));
      },
      kStaffEventLimits);
  return feed.Fetch(cursor, max_pages);
}

std::vector<staffpb::StaffEvent> TransparencyService::PendingStaffEvents(
    absl::string_view org) {
  // Best effort: events that cannot be read now stay pending for a later
  // call; the audit log never skips one (the cursor only moves past
  // appended events).
  absl::StatusOr<std::vector<staffpb::StaffEvent>> events =
      FetchStaffEvents(org, kStaffEventLimits.max_pages);
  if (!events.ok()) return {};
  return *std::move(events);
}

absl::Status TransparencyService::AppendStaffEvents(
    db::Transaction& tx, absl::string_view org,
    const std::vector<staffpb::StaffEvent>& events) {
  if (events.empty()) return absl::OkStatus();
  // Another call may have imported some (or all) of them since the fetch.
  CANDOR_ASSIGN_OR_RETURN(int64_t cursor,
                          repository_.StaffEventCursorForUpdate(tx, org));
  const absl::flat_hash_map<std::string, std::string> erased_actors =
      ErasedActors(events);
  CANDOR_ASSIGN_OR_RETURN(
      const int64_t appended,
      ApplyFeedEvents(cursor, events, [&](const staffpb::StaffEvent& event) {
        AuditEntryRecord entry;
        entry.organization_id = std::string(org);
        entry.time_us = TimeUtil::TimestampToMicroseconds(event.time());
        const auto erased = erased_actors.find(event.actor());
        entry.actor =
            erased != erased_actors.end() ? erased->second : event.actor();
        entry.action = event.kind();
        entry.subject = event.subject();
        entry.details = event.details();
        return repository_.AppendAuditEntry(tx, &entry);
      }));
  if (appended == cursor) return absl::OkStatus();
  return repository_.SetStaffEventCursor(tx, org, appended);
}

void TransparencyService::ImportStaffEvents(absl::string_view org) {
  const std::vector<staffpb::StaffEvent> events = PendingStaffEvents(org);
  if (events.empty()) return;
  absl::Status imported = [&]() -> absl::Status {
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, org));
    CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, org, events));
    return tx.Commit();
  }();
  imported.IgnoreError();  // the events stay pending; the next call retries
}

}  // namespace candor::transparency
