// The stories family: CreateStory, GetStory, ListStories, UpdateStory,
// ArchiveStory.
#include <google/protobuf/util/time_util.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/advocacy/advocacy_internal.h"
#include "services/advocacy/advocacy_service.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/etag.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/time_cursor.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

using ::google::protobuf::util::TimeUtil;

absl::Status RequireStoryEditor(const Caller& caller,
                                absl::string_view action) {
  if (IsStoryEditor(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only reviewers and admins can ", action));
}

// The expire time in microseconds (0 when unset). INVALID_ARGUMENT naming
// `field` for a timestamp out of range or not after the Unix epoch.
absl::StatusOr<int64_t> ExpireTimeFromProto(const v1::Story& in,
                                            absl::string_view field) {
  if (!in.has_expire_time()) return 0;
  const google::protobuf::Timestamp& t = in.expire_time();
  if (t.seconds() < TimeUtil::kTimestampMinSeconds ||
      t.seconds() > TimeUtil::kTimestampMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999'999'999) {
    return InvalidField(field, "not a valid timestamp");
  }
  const int64_t micros = TimeUtil::TimestampToMicroseconds(t);
  // 0 is stored as "never"; anything that early is in the past anyway.
  if (micros <= 0) return InvalidField(field, "must be in the future");
  return micros;
}

// The client-settable fields of a proto, except values and expire_time
// (parsed apart because they can fail); output-only fields are ignored.
StoryRecord RecordFromProto(const v1::Story& in) {
  StoryRecord r;
  r.title = in.title();
  r.summary = in.summary();
  r.url = in.url();
  r.talking_points.assign(in.talking_points().begin(),
                          in.talking_points().end());
  r.audience_departments.assign(in.audience_departments().begin(),
                                in.audience_departments().end());
  r.incentivized = in.incentivized();
  return r;
}

std::vector<std::string> ValueNamesOf(const v1::Story& in) {
  return std::vector<std::string>(in.values().begin(), in.values().end());
}

// The fields an update names: the mask, or every non-empty field.
std::vector<std::string> UpdatePaths(const v1::UpdateStoryRequest& request) {
  std::vector<std::string> paths(request.update_mask().paths().begin(),
                                 request.update_mask().paths().end());
  if (!paths.empty()) return paths;
  const v1::Story& s = request.story();
  const std::pair<bool, const char*> implied[] = {
      {!s.title().empty(), "title"},
      {!s.summary().empty(), "summary"},
      {!s.url().empty(), "url"},
      {s.talking_points_size() > 0, "talking_points"},
      {s.values_size() > 0, "values"},
      {s.audience_departments_size() > 0, "audience_departments"},
      {s.has_expire_time(), "expire_time"},
      {s.incentivized(), "incentivized"},
  };
  for (const auto& [set, path] : implied) {
    if (set) paths.emplace_back(path);
  }
  return paths;
}

}  // namespace

absl::Status AdvocacyService::DoCreateStory(
    const Caller& caller, const v1::CreateStoryRequest& request,
    v1::Story* response) {
  const auto clear_feed_stories = ClearFeedStoriesOnReturn();
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStoryEditor(caller, "create stories"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));

  if (!request.has_story()) return InvalidField("story", "required");
  const v1::Story& in = request.story();
  const int64_t now = NowMicros();
  StoryRecord record = RecordFromProto(in);
  CANDOR_ASSIGN_OR_RETURN(record.audience_departments,
                          NormalizeAudience(record.audience_departments,
                                            "story.audience_departments"));
  CANDOR_ASSIGN_OR_RETURN(record.expire_time_us,
                          ExpireTimeFromProto(in, "story.expire_time"));
  CANDOR_RETURN_IF_ERROR(ValidateNewStory(record, now, "story."));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ValueReference> values,
      ParseValueReferences(org, ValueNamesOf(in), "story.values"));
  if (!request.story_id().empty()) {
    CANDOR_RETURN_IF_ERROR(CheckResourceId("story_id", request.story_id()));
  }
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  record.organization_id = org;
  record.story_id =
      request.story_id().empty() ? NewResourceId() : request.story_id();
  record.value_ids = ValueIdsOf(values);
  record.state = StoryState::kActive;
  record.creator_id = caller.staff_member_id;
  record.create_time_us = record.update_time_us = now;
  record.version = 1;

  // The values are checked inside the idempotent transaction so that a
  // retry replays the first answer even if a value was retired since.
  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_RETURN_IF_ERROR(
            CheckValuesActive(caller, org, values, "story.values"));
        CANDOR_RETURN_IF_ERROR(repository_.InsertStory(tx, record));
        AdvocacyEventRecord event;
        event.organization_id = org;
        event.time_us = now;
        event.kind = "story.create";
        event.subject = StoryResourceName(org, record.story_id);
        event.details = absl::StrJoin(record.audience_departments, "\n");
        CANDOR_RETURN_IF_ERROR(repository_.AppendAdvocacyEvent(tx, &event));
        StoryToProto(record, response);
        return absl::OkStatus();
      });
}

absl::Status AdvocacyService::DoGetStory(const Caller& caller,
                                         const v1::GetStoryRequest& request,
                                         v1::Story* response) {
  CANDOR_ASSIGN_OR_RETURN(StoryName name,
                          ParseStoryName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, request.name()));
  CANDOR_ASSIGN_OR_RETURN(StoryRecord record,
                          repository_.FindStory(name.org, name.id));
  if (!IsStoryEditor(caller)) {
    std::string department;
    if (!record.audience_departments.empty()) {
      CANDOR_ASSIGN_OR_RETURN(department, DepartmentOf(caller, name.org));
    }
    if (!VisibleToEmployee(record, department, NowMicros())) {
      // The same answer as for a story that does not exist.
      return absl::NotFoundError(
          absl::StrCat(StoryResourceName(name.org, name.id), " not found"));
    }
  }
  StoryToProto(record, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoListStories(
    const Caller& caller, const v1::ListStoriesRequest& request,
    v1::ListStoriesResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(std::optional<StoryState> state,
                          ParseStoryFilter(request.filter()));
  // A token is only good for the same parent and filter.
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartListPage(request, org, request.filter()));
  CANDOR_ASSIGN_OR_RETURN(const TimeCursor after, NewestFirstStart(page));

  std::vector<StoryRecord> records;
  if (IsStoryEditor(caller)) {
    CANDOR_ASSIGN_OR_RETURN(
        records, repository_.ListStories(org, state, after, page.limit()));
  } else {
    // Employees see active stories only: a filter for archived ones
    // narrows their view to nothing.
    if (state == StoryState::kArchived) return absl::OkStatus();
    CANDOR_ASSIGN_OR_RETURN(std::string department, DepartmentOf(caller, org));
    CANDOR_ASSIGN_OR_RETURN(records, repository_.ListVisibleStories(
                                         org, DepartmentKey(department),
                                         NowMicros(), after, page.limit()));
  }
  response->set_next_page_token(
      page_tokens_->FinishPage(page, records, [](const StoryRecord& r) {
        return EncodeTimeCursor({r.create_time_us, r.story_id});
      }));
  for (const StoryRecord& record : records) {
    StoryToProto(record, response->add_stories());
  }
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoUpdateStory(
    const Caller& caller, const v1::UpdateStoryRequest& request,
    v1::Story* response) {
  const auto clear_feed_stories = ClearFeedStoriesOnReturn();
  const v1::Story& in = request.story();
  CANDOR_ASSIGN_OR_RETURN(StoryName name,
                          ParseStoryName("story.name", in.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, in.name()));
  CANDOR_RETURN_IF_ERROR(RequireStoryEditor(caller, "update stories"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));

  const std::vector<std::string> paths = UpdatePaths(request);
  if (paths.empty())
    return InvalidField("update_mask", "names no field to update");
  for (const std::string& path : paths) {
    CANDOR_RETURN_IF_ERROR(CheckUpdatableStoryPath(path));
  }
  const absl::flat_hash_set<std::string> named(paths.begin(), paths.end());
  const auto has = [&](const char* path) { return named.contains(path); };

  // Validate the new value of every named field.
  const int64_t now = NowMicros();
  StoryRecord incoming = RecordFromProto(in);
  if (has("audience_departments")) {
    CANDOR_ASSIGN_OR_RETURN(incoming.audience_departments,
                            NormalizeAudience(incoming.audience_departments,
                                              "story.audience_departments"));
  }
  if (has("expire_time")) {
    CANDOR_ASSIGN_OR_RETURN(incoming.expire_time_us,
                            ExpireTimeFromProto(in, "story.expire_time"));
  }
  for (const std::string& path : UpdatableStoryPaths()) {
    if (named.contains(path)) {
      CANDOR_RETURN_IF_ERROR(ValidateStoryField(path, incoming, now, "story."));
    }
  }
  if (has("values")) {
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<ValueReference> values,
        ParseValueReferences(name.org, ValueNamesOf(in), "story.values"));
    // Asked before the transaction: no row stays locked during the call.
    CANDOR_RETURN_IF_ERROR(
        CheckValuesActive(caller, name.org, values, "story.values"));
    incoming.value_ids = ValueIdsOf(values);
  }

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(repository_.pool()));
  CANDOR_ASSIGN_OR_RETURN(StoryRecord before, repository_.FindStoryForUpdate(
                                                  tx, name.org, name.id));
  CANDOR_RETURN_IF_ERROR(CheckEtag(in.etag(), before.version, "story"));
  if (before.state == StoryState::kArchived) {
    return absl::FailedPreconditionError(
        "the story is archived; it cannot change");
  }
  StoryRecord after = before;
  if (has("title")) after.title = incoming.title;
  if (has("summary")) after.summary = incoming.summary;
  if (has("url")) after.url = incoming.url;
  if (has("talking_points")) after.talking_points = incoming.talking_points;
  if (has("values")) after.value_ids = incoming.value_ids;
  if (has("audience_departments")) {
    after.audience_departments = incoming.audience_departments;
  }
  if (has("expire_time")) after.expire_time_us = incoming.expire_time_us;
  if (has("incentivized")) after.incentivized = incoming.incentivized;
  after.version = before.version + 1;
  after.update_time_us = now;
  CANDOR_RETURN_IF_ERROR(repository_.UpdateStory(
      tx, after, after.audience_departments != before.audience_departments));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  StoryToProto(after, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoArchiveStory(
    const Caller& caller, const v1::ArchiveStoryRequest& request,
    v1::Story* response) {
  const auto clear_feed_stories = ClearFeedStoriesOnReturn();
  CANDOR_ASSIGN_OR_RETURN(StoryName name,
                          ParseStoryName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStoryEditor(caller, "archive stories"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  return RunIdempotent(repository_.pool(), MakeIdempotencyKey(caller, request),
                       response, [&](db::Transaction& tx) {
                         CANDOR_ASSIGN_OR_RETURN(StoryRecord before,
                                                 repository_.FindStoryForUpdate(
                                                     tx, name.org, name.id));
                         if (before.state == StoryState::kArchived) {
                           // Already done: archiving is idempotent.
                           StoryToProto(before, response);
                           return absl::OkStatus();
                         }
                         StoryRecord after = before;
                         after.state = StoryState::kArchived;
                         after.version = before.version + 1;
                         after.update_time_us = NowMicros();
                         CANDOR_RETURN_IF_ERROR(repository_.UpdateStory(
                             tx, after, /*audience_changed=*/false));
                         StoryToProto(after, response);
                         return absl::OkStatus();
                       });
}

}  // namespace candor::advocacy
