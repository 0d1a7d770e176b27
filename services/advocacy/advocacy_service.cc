#include "services/advocacy/advocacy_service.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/authz.h"
#include "services/common/etag.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr absl::string_view kStoryPattern =
    "organizations/{organization}/stories/{story}";

// Method names for the access log, idempotency fingerprints and page tokens.
constexpr absl::string_view kCreateStoryMethod =
    "/candor.advocacy.v1.AdvocacyService/CreateStory";
constexpr absl::string_view kGetStoryMethod =
    "/candor.advocacy.v1.AdvocacyService/GetStory";
constexpr absl::string_view kListStoriesMethod =
    "/candor.advocacy.v1.AdvocacyService/ListStories";
constexpr absl::string_view kUpdateStoryMethod =
    "/candor.advocacy.v1.AdvocacyService/UpdateStory";
constexpr absl::string_view kArchiveStoryMethod =
    "/candor.advocacy.v1.AdvocacyService/ArchiveStory";

struct StoryName {
  std::string org;
  std::string id;
};

absl::StatusOr<StoryName> ParseStoryName(absl::string_view field,
                                         absl::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName(field, name, kStoryPattern));
  return StoryName{std::move(parts[0]), std::move(parts[1])};
}

std::string StoryResourceName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/stories/", id);
}

std::string StaffMemberName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/staffMembers/", id);
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// Reviewers and admins write stories and see every one of them; everyone
// else sees what VisibleToEmployee allows.
bool IsStoryEditor(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAdmin);
}

absl::Status RequireStoryEditor(const Caller& caller,
                                absl::string_view action) {
  if (IsStoryEditor(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only reviewers and admins can ", action));
}

// --- proto <-> domain -------------------------------------------------------

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
  return r;
}

void StoryToProto(const StoryRecord& r, v1::Story* out) {
  out->Clear();
  out->set_name(StoryResourceName(r.organization_id, r.story_id));
  out->set_title(r.title);
  out->set_summary(r.summary);
  out->set_url(r.url);
  for (const std::string& point : r.talking_points)
    out->add_talking_points(point);
  for (const std::string& id : r.value_ids) {
    out->add_values(ValueName(r.organization_id, id));
  }
  for (const std::string& department : r.audience_departments) {
    out->add_audience_departments(department);
  }
  out->set_state(static_cast<v1::Story::State>(r.state));
  if (r.expire_time_us != 0) {
    *out->mutable_expire_time() =
        TimeUtil::MicrosecondsToTimestamp(r.expire_time_us);
  }
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  *out->mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(r.update_time_us);
  out->set_etag(EtagOf(r.version));
  if (!r.creator_id.empty()) {
    out->set_creator(StaffMemberName(r.organization_id, r.creator_id));
  }
}

std::vector<std::string> ValueNamesOf(const v1::Story& in) {
  return std::vector<std::string>(in.values().begin(), in.values().end());
}

std::vector<std::string> ValueIdsOf(const std::vector<ValueReference>& refs) {
  std::vector<std::string> ids;
  ids.reserve(refs.size());
  for (const ValueReference& ref : refs) ids.push_back(ref.value_id);
  return ids;
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
  };
  for (const auto& [set, path] : implied) {
    if (set) paths.emplace_back(path);
  }
  return paths;
}

}  // namespace

AdvocacyService::AdvocacyService(const CallEnvironment* env, db::Pool* pool,
                                 const PageTokenCodec* page_tokens)
    : env_(env), page_tokens_(page_tokens), repository_(pool) {}

void AdvocacyService::SetDependencies(const Dependencies& dependencies) {
  staff_ = staff::v1::StaffService::NewStub(dependencies.staff);
  values_ = values::v1::ValuesService::NewStub(dependencies.values);
  transparency_ =
      transparency::v1::TransparencyService::NewStub(dependencies.transparency);
  service_tokens_ = dependencies.service_tokens;
}

// --- handlers ---------------------------------------------------------------

grpc::ServerUnaryReactor* AdvocacyService::CreateStory(
    grpc::CallbackServerContext* context, const v1::CreateStoryRequest* request,
    v1::Story* response) {
  return RunUnary(*env_, context, kCreateStoryMethod, *request,
                  [=](const Caller& caller) {
                    return DoCreateStory(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::GetStory(
    grpc::CallbackServerContext* context, const v1::GetStoryRequest* request,
    v1::Story* response) {
  return RunUnary(*env_, context, kGetStoryMethod, *request,
                  [=](const Caller& caller) {
                    return DoGetStory(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ListStories(
    grpc::CallbackServerContext* context, const v1::ListStoriesRequest* request,
    v1::ListStoriesResponse* response) {
  return RunUnary(*env_, context, kListStoriesMethod, *request,
                  [=](const Caller& caller) {
                    return DoListStories(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::UpdateStory(
    grpc::CallbackServerContext* context, const v1::UpdateStoryRequest* request,
    v1::Story* response) {
  return RunUnary(*env_, context, kUpdateStoryMethod, *request,
                  [=](const Caller& caller) {
                    return DoUpdateStory(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ArchiveStory(
    grpc::CallbackServerContext* context,
    const v1::ArchiveStoryRequest* request, v1::Story* response) {
  return RunUnary(*env_, context, kArchiveStoryMethod, *request,
                  [=](const Caller& caller) {
                    return DoArchiveStory(caller, *request, response);
                  });
}

// --- dependencies
// -------------------------------------------------------------

absl::Status AdvocacyService::CheckValuesActive(
    const Caller& caller, const std::string& org,
    const std::vector<ValueReference>& values, absl::string_view field) {
  if (values.empty()) return absl::OkStatus();
  if (values_ == nullptr) {
    return absl::UnavailableError("the values service is not connected; retry");
  }
  for (const ValueReference& ref : values) {
    const std::string item = absl::StrCat(field, "[", ref.index, "]");
    values::v1::GetValueRequest request;
    request.set_name(ValueName(org, ref.value_id));
    values::v1::Value value;
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    const grpc::Status status =
        values_->GetValue(context.get(), request, &value);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      return InvalidField(item, "no such value in the organization");
    }
    CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the values service"));
    if (value.state() == values::v1::Value::RETIRED) {
      return InvalidField(item, "the value is retired");
    }
    if (value.state() != values::v1::Value::ACTIVE) {
      return InvalidField(item, "the value is not active");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> AdvocacyService::DepartmentOf(
    const Caller& caller, const std::string& org) {
  if (caller.staff_member_id.empty()) {
    return absl::PermissionDeniedError(
        "stories are for staff members of the organization");
  }
  if (staff_ == nullptr) {
    return absl::UnavailableError("the staff service is not connected; retry");
  }
  staff::v1::GetStaffMemberRequest request;
  request.set_name(StaffMemberName(org, caller.staff_member_id));
  staff::v1::StaffMember member;
  std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
  const grpc::Status status =
      staff_->GetStaffMember(context.get(), request, &member);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::PermissionDeniedError(
        "the caller is not a staff member of the organization");
  }
  CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the staff service"));
  return member.department();
}

// --- stories
// ------------------------------------------------------------------

absl::Status AdvocacyService::DoCreateStory(
    const Caller& caller, const v1::CreateStoryRequest& request,
    v1::Story* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStoryEditor(caller, "create stories"));

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
      repository_.pool(),
      MakeIdempotencyKey(caller, kCreateStoryMethod, request), response,
      [&](db::Transaction& tx) {
        CANDOR_RETURN_IF_ERROR(
            CheckValuesActive(caller, org, values, "story.values"));
        CANDOR_RETURN_IF_ERROR(repository_.InsertStory(tx, record));
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
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(std::optional<StoryState> state,
                          ParseStoryFilter(request.filter()));
  // A token is only good for the same parent and filter.
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(
          absl::StrCat(kListStoriesMethod, "\n", org, "\n", request.filter()),
          request.page_size(), request.page_token()));
  StoryCursor after = StoryCursor::Start();
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(after, DecodeStoryCursor(page.cursor));
  }

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
        return EncodeStoryCursor(StoryCursor::After(r));
      }));
  for (const StoryRecord& record : records) {
    StoryToProto(record, response->add_stories());
  }
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoUpdateStory(
    const Caller& caller, const v1::UpdateStoryRequest& request,
    v1::Story* response) {
  const v1::Story& in = request.story();
  CANDOR_ASSIGN_OR_RETURN(StoryName name,
                          ParseStoryName("story.name", in.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, in.name()));
  CANDOR_RETURN_IF_ERROR(RequireStoryEditor(caller, "update stories"));

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
  CANDOR_ASSIGN_OR_RETURN(StoryName name,
                          ParseStoryName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStoryEditor(caller, "archive stories"));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  return RunIdempotent(repository_.pool(),
                       MakeIdempotencyKey(caller, kArchiveStoryMethod, request),
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
