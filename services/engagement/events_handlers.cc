// EngagementService: engagement events (RecordEngagementEvents, a client
// stream).
#include <google/protobuf/util/time_util.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/client_stream.h"
#include "services/common/clock.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/engagement/engagement_internal.h"
#include "services/engagement/engagement_service.h"
#include "services/engagement/share.h"

namespace candor::engagement {
namespace {

using ::google::protobuf::util::TimeUtil;

EventInput ToEventInput(const v1::EngagementEvent& e) {
  EventInput in;
  in.event_id = e.event_id();
  in.share = e.share();
  in.tracking_code = e.tracking_code();
  in.kind = static_cast<int>(e.kind());
  in.count = e.count();
  in.has_occurred_time = e.has_occurred_time();
  if (in.has_occurred_time) {
    in.occurred_time_us = TimeUtil::TimestampToMicroseconds(e.occurred_time());
  }
  return in;
}

// The events of one stream as they arrive; shared by the callbacks of one
// call, which gRPC runs one at a time.
struct EventStream {
  std::string parent;
  std::string org;
  std::vector<v1::EngagementEvent> events;
};

}  // namespace

grpc::ServerReadReactor<v1::RecordEngagementEventsRequest>*
EngagementService::RecordEngagementEvents(
    grpc::CallbackServerContext* context,
    v1::RecordEngagementEventsResponse* response) {
  auto stream = std::make_shared<EventStream>();
  auto accept =
      [this, stream](
          const Caller& caller,
          v1::RecordEngagementEventsRequest& message) -> absl::Status {
    if (stream->org.empty()) {
      CANDOR_ASSIGN_OR_RETURN(
          std::string org, ParseOrganizationName("parent", message.parent()));
      CANDOR_RETURN_IF_ERROR(
          RequireStaffOrServiceOf(caller, org, message.parent()));
      if (caller.staff_member_id.empty() && !caller.HasRole(Role::kService)) {
        return absl::PermissionDeniedError(
            "only staff members and services record engagement events");
      }
      stream->parent = message.parent();
      stream->org = std::move(org);
    } else if (!message.parent().empty() &&
               message.parent() != stream->parent) {
      return InvalidField("parent", "must be the same in every message");
    }
    if (static_cast<int64_t>(stream->events.size()) + message.events_size() >
        kMaxEventsPerStream) {
      return InvalidField("events",
                          absl::StrCat("at most ", kMaxEventsPerStream,
                                       " events in one stream"));
    }
    // Charged as they arrive, so a caller over its limit is stopped before
    // the server buffers the rest of the stream.
    if (env_->limits != nullptr) {
      CANDOR_RETURN_IF_ERROR(
          env_->limits->events.Charge(caller.subject, message.events_size()));
    }
    for (v1::EngagementEvent& event : *message.mutable_events()) {
      stream->events.push_back(std::move(event));
    }
    return absl::OkStatus();
  };
  auto run = [this, stream, response](const Caller& caller) -> absl::Status {
    if (stream->org.empty()) {
      return InvalidField("parent", "required in the first message");
    }
    // A staff member recording events must still be ACTIVE. Asked here, on
    // the executor, rather than per message on gRPC's thread; nothing is
    // stored before it.
    CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
    if (env_->metrics != nullptr) {
      env_->metrics->RecordBatch(
          MethodName<v1::RecordEngagementEventsRequest>(),
          stream->events.size());
    }
    return DoRecordEngagementEvents(caller, stream->org, stream->events,
                                    response);
  };
  return GatherClientStream<v1::RecordEngagementEventsRequest>(
      *env_, context, MethodName<v1::RecordEngagementEventsRequest>(),
      std::move(accept), std::move(run));
}

absl::Status EngagementService::DoRecordEngagementEvents(
    const Caller& caller, const std::string& org,
    const std::vector<v1::EngagementEvent>& events,
    v1::RecordEngagementEventsResponse* response) {
  const int64_t now = NowMicros();
  response->Clear();
  response->set_received(static_cast<int64_t>(events.size()));
  auto add_error = [&](size_t index, const v1::EngagementEvent& event,
                       absl::string_view field, absl::string_view reason) {
    auto* error = response->add_errors();
    error->set_index(static_cast<int64_t>(index));
    error->set_event_id(Truncate(event.event_id(), 64));
    error->set_field(std::string(field));
    error->set_reason(std::string(reason));
  };

  // Validate, then resolve the shares named (by name or code) in batches.
  std::vector<size_t> valid;
  std::vector<std::string> share_ids;
  std::vector<std::string> codes;
  absl::flat_hash_set<std::string> seen_ids;
  absl::flat_hash_set<std::string> seen_codes;
  for (size_t i = 0; i < events.size(); ++i) {
    const EventInput input = ToEventInput(events[i]);
    if (std::optional<EventProblem> problem = ValidateEvent(org, input, now)) {
      add_error(i, events[i], problem->field, problem->reason);
      continue;
    }
    valid.push_back(i);
    if (!input.share.empty()) {
      std::string id = LastSegment(input.share);
      if (seen_ids.insert(id).second) share_ids.push_back(std::move(id));
    } else if (seen_codes.insert(input.tracking_code).second) {
      codes.push_back(input.tracking_code);
    }
  }
  CANDOR_ASSIGN_OR_RETURN(auto by_id,
                          repository_.ResolveShareIds(org, share_ids));
  CANDOR_ASSIGN_OR_RETURN(auto by_code,
                          repository_.ResolveTrackingCodes(org, codes));

  const bool any_share = caller.HasRole(Role::kService);
  std::vector<EventRecord> records;
  records.reserve(valid.size());
  for (size_t i : valid) {
    const v1::EngagementEvent& event = events[i];
    const bool named = !event.share().empty();
    const auto& map = named ? by_id : by_code;
    auto it =
        map.find(named ? LastSegment(event.share()) : event.tracking_code());
    const absl::string_view field = named ? "share" : "tracking_code";
    if (it == map.end()) {
      add_error(i, event, field, "no such share");
      continue;
    }
    if (!any_share && it->second.author_id != caller.staff_member_id) {
      // Said like an unknown share: staff learn nothing of others' shares.
      add_error(i, event, field, "no such share");
      continue;
    }
    EventRecord record;
    record.event_id = event.event_id();
    record.share_id = it->second.share_id;
    record.kind = static_cast<int>(event.kind());
    record.count = EffectiveCount(event.count());
    record.occurred_time_us =
        TimeUtil::TimestampToMicroseconds(event.occurred_time());
    records.push_back(std::move(record));
  }

  int64_t inserted = 0;
  if (!records.empty()) {
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    CANDOR_ASSIGN_OR_RETURN(inserted,
                            repository_.InsertEvents(tx, org, records, now));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  response->set_recorded(inserted);
  response->set_duplicates(static_cast<int64_t>(records.size()) - inserted);
  return absl::OkStatus();
}

}  // namespace candor::engagement
