#include "services/advocacy/advocacy_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/clock.h"
#include "services/common/authz.h"
#include "services/common/etag.h"
#include "services/common/idempotency.h"
#include "services/common/personal_data.h"
#include "services/transparency/decision_evidence.h"
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
constexpr absl::string_view kCreatePostMethod =
    "/candor.advocacy.v1.AdvocacyService/CreatePost";
constexpr absl::string_view kGetPostMethod =
    "/candor.advocacy.v1.AdvocacyService/GetPost";
constexpr absl::string_view kListPostsMethod =
    "/candor.advocacy.v1.AdvocacyService/ListPosts";
constexpr absl::string_view kUpdatePostMethod =
    "/candor.advocacy.v1.AdvocacyService/UpdatePost";
constexpr absl::string_view kDeletePostMethod =
    "/candor.advocacy.v1.AdvocacyService/DeletePost";
constexpr absl::string_view kSubmitPostMethod =
    "/candor.advocacy.v1.AdvocacyService/SubmitPost";
constexpr absl::string_view kWithdrawPostMethod =
    "/candor.advocacy.v1.AdvocacyService/WithdrawPost";
constexpr absl::string_view kAppealPostMethod =
    "/candor.advocacy.v1.AdvocacyService/AppealPost";
constexpr absl::string_view kApprovePostMethod =
    "/candor.advocacy.v1.AdvocacyService/ApprovePost";
constexpr absl::string_view kRejectPostMethod =
    "/candor.advocacy.v1.AdvocacyService/RejectPost";
// ListAdvocacyEvents page sizes.
constexpr int kDefaultAdvocacyEventPage = 100;
constexpr int kMaxAdvocacyEventPage = 1000;
constexpr absl::string_view kListAdvocacyEventsMethod =
    "/candor.advocacy.v1.AdvocacyService/ListAdvocacyEvents";
constexpr absl::string_view kListFeedMethod =
    "/candor.advocacy.v1.AdvocacyService/ListFeed";

constexpr absl::string_view kPostPattern =
    "organizations/{organization}/posts/{post}";

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
  r.incentivized = in.incentivized();
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
  out->set_incentivized(r.incentivized);
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
      {s.incentivized(), "incentivized"},
  };
  for (const auto& [set, path] : implied) {
    if (set) paths.emplace_back(path);
  }
  return paths;
}

}  // namespace

AdvocacyService::AdvocacyService(const CallEnvironment* env, db::Pool* pool,
                                 const PageTokenCodec* page_tokens)
    : env_(env), page_tokens_(page_tokens), repository_(pool), posts_(pool) {}

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
                    return StoriesChanged(DoCreateStory(caller, *request, response));
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
                    return StoriesChanged(DoUpdateStory(caller, *request, response));
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ArchiveStory(
    grpc::CallbackServerContext* context,
    const v1::ArchiveStoryRequest* request, v1::Story* response) {
  return RunUnary(*env_, context, kArchiveStoryMethod, *request,
                  [=](const Caller& caller) {
                    return StoriesChanged(DoArchiveStory(caller, *request, response));
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
  const std::string key = StaffMemberName(org, caller.staff_member_id);
  if (std::optional<std::string> cached = departments_.Get(key)) return *cached;
  staff::v1::GetStaffMemberRequest request;
  request.set_name(key);
  staff::v1::StaffMember member;
  std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
  const grpc::Status status =
      staff_->GetStaffMember(context.get(), request, &member);
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::PermissionDeniedError(
        "the caller is not a staff member of the organization");
  }
  CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the staff service"));
  departments_.Put(key, member.department());
  return member.department();
}

absl::Status AdvocacyService::StoriesChanged(absl::Status status) {
  feed_stories_.Clear();
  return status;
}

absl::Status AdvocacyService::PostsChanged(absl::Status status) {
  feed_posts_.Clear();
  return status;
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

// --- posts
// --------------------------------------------------------------------

namespace {

namespace tpb = ::candor::transparency::v1;

struct PostName {
  std::string org;
  std::string id;
};

absl::StatusOr<PostName> ParsePostName(absl::string_view field,
                                       absl::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName(field, name, kPostPattern));
  return PostName{std::move(parts[0]), std::move(parts[1])};
}

std::string PostResourceName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/posts/", id);
}

std::string PostResourceName(const PostRecord& post) {
  return PostResourceName(post.organization_id, post.post_id);
}

absl::Status PostNotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

// Whether `caller` sees `post`: its author, reviewers and admins always;
// colleagues only APPROVED posts.
bool CanSeePost(const Caller& caller, const PostRecord& post) {
  if (caller.staff_member_id == post.author_id) return true;
  if (IsStoryEditor(caller)) return true;
  return VisibleToColleague(post);
}

void PostToProto(const PostRecord& r, v1::Post* out) {
  out->Clear();
  out->set_name(PostResourceName(r));
  out->set_author(StaffMemberName(r.organization_id, r.author_id));
  if (!r.story_id.empty()) {
    out->set_story(StoryResourceName(r.organization_id, r.story_id));
  }
  out->set_network(static_cast<common::v1::Network>(r.network));
  out->set_text(r.text);
  out->set_link_url(r.link_url);
  for (const std::string& id : r.value_ids) {
    out->add_values(ValueName(r.organization_id, id));
  }
  out->set_state(static_cast<v1::Post::State>(r.state));
  if (!r.latest_decision.empty()) {
    // Written by this service from a Decision; a row that does not parse
    // is shown without it rather than failing every read of the post.
    if (!out->mutable_latest_decision()->ParseFromString(r.latest_decision)) {
      out->clear_latest_decision();
    }
  }
  out->set_revision(r.revision);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  *out->mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(r.update_time_us);
  out->set_etag(EtagOf(r.version));
}

// The fields an update names: the mask, or every non-empty field.
std::vector<std::string> UpdatePaths(const v1::UpdatePostRequest& request) {
  std::vector<std::string> paths(request.update_mask().paths().begin(),
                                 request.update_mask().paths().end());
  if (!paths.empty()) return paths;
  const v1::Post& p = request.post();
  const std::pair<bool, const char*> implied[] = {
      {!p.story().empty(), "story"},   {p.network() != 0, "network"},
      {!p.text().empty(), "text"},     {!p.link_url().empty(), "link_url"},
      {p.values_size() > 0, "values"},
  };
  for (const auto& [set, path] : implied) {
    if (set) paths.emplace_back(path);
  }
  return paths;
}

// The story id a post names (empty for none); INVALID_ARGUMENT naming
// `field` for a malformed name or a story of another organization.
absl::StatusOr<std::string> StoryIdOf(absl::string_view org,
                                      absl::string_view name,
                                      absl::string_view field) {
  if (name.empty()) return std::string();
  CANDOR_ASSIGN_OR_RETURN(StoryName story, ParseStoryName(field, name));
  if (story.org != org) {
    return InvalidField(field, "must be a story of the same organization");
  }
  return story.id;
}

absl::Status RequireReviewer(const Caller& caller) {
  if (IsStoryEditor(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      "only reviewers and admins decide posts in review");
}

}  // namespace

grpc::ServerUnaryReactor* AdvocacyService::CreatePost(
    grpc::CallbackServerContext* context, const v1::CreatePostRequest* request,
    v1::Post* response) {
  return RunUnary(*env_, context, kCreatePostMethod, *request,
                  [=](const Caller& caller) {
                    return DoCreatePost(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::GetPost(
    grpc::CallbackServerContext* context, const v1::GetPostRequest* request,
    v1::Post* response) {
  return RunUnary(*env_, context, kGetPostMethod, *request,
                  [=](const Caller& caller) {
                    return DoGetPost(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ListPosts(
    grpc::CallbackServerContext* context, const v1::ListPostsRequest* request,
    v1::ListPostsResponse* response) {
  return RunUnary(*env_, context, kListPostsMethod, *request,
                  [=](const Caller& caller) {
                    return DoListPosts(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::UpdatePost(
    grpc::CallbackServerContext* context, const v1::UpdatePostRequest* request,
    v1::Post* response) {
  return RunUnary(*env_, context, kUpdatePostMethod, *request,
                  [=](const Caller& caller) {
                    return PostsChanged(DoUpdatePost(caller, *request, response));
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::DeletePost(
    grpc::CallbackServerContext* context, const v1::DeletePostRequest* request,
    google::protobuf::Empty* /*response*/) {
  return RunUnary(
      *env_, context, kDeletePostMethod, *request,
      [=](const Caller& caller) { return PostsChanged(DoDeletePost(caller, *request)); });
}

grpc::ServerUnaryReactor* AdvocacyService::SubmitPost(
    grpc::CallbackServerContext* context, const v1::SubmitPostRequest* request,
    v1::SubmitPostResponse* response) {
  return RunUnary(*env_, context, kSubmitPostMethod, *request,
                  [=](const Caller& caller) {
                    return PostsChanged(DoSubmitPost(caller, *request, response));
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::WithdrawPost(
    grpc::CallbackServerContext* context,
    const v1::WithdrawPostRequest* request, v1::Post* response) {
  return RunUnary(*env_, context, kWithdrawPostMethod, *request,
                  [=](const Caller& caller) {
                    return PostsChanged(DoWithdrawPost(caller, *request, response));
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::AppealPost(
    grpc::CallbackServerContext* context, const v1::AppealPostRequest* request,
    v1::Post* response) {
  return RunUnary(*env_, context, kAppealPostMethod, *request,
                  [=](const Caller& caller) {
                    return PostsChanged(DoAppealPost(caller, *request, response));
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ApprovePost(
    grpc::CallbackServerContext* context, const v1::ApprovePostRequest* request,
    v1::Post* response) {
  return RunUnary(*env_, context, kApprovePostMethod, *request,
                  [=](const Caller& caller) {
                    HumanDecision decision;
                    decision.name = request->name();
                    decision.verdict = tpb::Decision::APPROVED;
                    decision.note = request->note();
                    return PostsChanged(DecidePost(caller, decision, response));
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::RejectPost(
    grpc::CallbackServerContext* context, const v1::RejectPostRequest* request,
    v1::Post* response) {
  return RunUnary(
      *env_, context, kRejectPostMethod, *request, [=](const Caller& caller) {
        HumanDecision decision;
        decision.name = request->name();
        decision.verdict = tpb::Decision::REJECTED;
        decision.cited_rule_ids.assign(request->cited_rule_ids().begin(),
                                       request->cited_rule_ids().end());
        decision.note = request->note();
        return PostsChanged(DecidePost(caller, decision, response));
      });
}

grpc::ServerUnaryReactor* AdvocacyService::ListAdvocacyEvents(
    grpc::CallbackServerContext* context,
    const v1::ListAdvocacyEventsRequest* request,
    v1::ListAdvocacyEventsResponse* response) {
  return RunUnary(*env_, context, kListAdvocacyEventsMethod, *request,
                  [=](const Caller& caller) {
                    return DoListAdvocacyEvents(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ListFeed(
    grpc::CallbackServerContext* context, const v1::ListFeedRequest* request,
    v1::ListFeedResponse* response) {
  return RunUnary(*env_, context, kListFeedMethod, *request,
                  [=](const Caller& caller) {
                    return DoListFeed(caller, *request, response);
                  });
}

// --- post helpers
// -------------------------------------------------------------

absl::StatusOr<PostRecord> AdvocacyService::FindVisiblePost(
    const Caller& caller, absl::string_view field, absl::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(PostName post, ParsePostName(field, name));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, post.org, name));
  CANDOR_ASSIGN_OR_RETURN(PostRecord record,
                          posts_.FindPost(post.org, post.id));
  // A hidden post answers exactly like a missing one.
  if (!CanSeePost(caller, record)) return PostNotFound(name);
  return record;
}

absl::StatusOr<PostRecord> AdvocacyService::FindOwnPost(
    const Caller& caller, absl::string_view field, absl::string_view name,
    absl::string_view action) {
  CANDOR_ASSIGN_OR_RETURN(PostRecord record,
                          FindVisiblePost(caller, field, name));
  if (record.author_id != caller.staff_member_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("only the post's author can ", action));
  }
  return record;
}

absl::Status AdvocacyService::CheckStoryForPost(const Caller& caller,
                                                const std::string& org,
                                                const std::string& story_id,
                                                absl::string_view field) {
  if (story_id.empty()) return absl::OkStatus();
  absl::StatusOr<StoryRecord> story = repository_.FindStory(org, story_id);
  if (absl::IsNotFound(story.status())) {
    return InvalidField(field, "no such story in the organization");
  }
  CANDOR_RETURN_IF_ERROR(story.status());
  if (IsStoryEditor(caller)) return absl::OkStatus();
  std::string department;
  if (!story->audience_departments.empty()) {
    CANDOR_ASSIGN_OR_RETURN(department, DepartmentOf(caller, org));
  }
  if (!VisibleToEmployee(*story, department, NowMicros())) {
    // The same answer as for a story that does not exist.
    return InvalidField(field, "no such story in the organization");
  }
  return absl::OkStatus();
}

absl::Status AdvocacyService::RequireActiveAuthor(const Caller& caller,
                                                  const PostRecord& post) {
  if (staff_ == nullptr) {
    return absl::UnavailableError("the staff service is not connected; retry");
  }
  staff::v1::GetStaffMemberRequest request;
  request.set_name(StaffMemberName(post.organization_id, post.author_id));
  staff::v1::StaffMember author;
  std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
  const grpc::Status status =
      staff_->GetStaffMember(context.get(), request, &author);
  CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the staff service"));
  // INACTIVE or ERASED: the author has left.
  if (author.state() == staff::v1::StaffMember::ACTIVE) {
    return absl::OkStatus();
  }
  CANDOR_RETURN_IF_ERROR(posts_
                             .WithdrawPendingPostsOf(post.organization_id,
                                                     post.author_id,
                                                     NowMicros())
                             .status());
  return absl::FailedPreconditionError(
      "the post's author was deactivated or erased; their pending posts are "
      "withdrawn");
}

absl::Status AdvocacyService::WithdrawPostsOfInactiveAuthors(
    const Caller& caller, std::vector<PostRecord>& posts) {
  std::set<std::string> authors;
  for (const PostRecord& post : posts) {
    if (post.state == PostState::kInReview) authors.insert(post.author_id);
  }
  if (authors.empty()) return absl::OkStatus();
  if (staff_ == nullptr) {
    return absl::UnavailableError("the staff service is not connected; retry");
  }
  const std::string& org = posts.front().organization_id;
  const int64_t now = NowMicros();
  for (const std::string& author_id : authors) {
    staff::v1::GetStaffMemberRequest request;
    request.set_name(StaffMemberName(org, author_id));
    staff::v1::StaffMember author;
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    const grpc::Status status =
        staff_->GetStaffMember(context.get(), request, &author);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the staff service"));
    if (author.state() == staff::v1::StaffMember::ACTIVE) continue;
    CANDOR_RETURN_IF_ERROR(
        posts_.WithdrawPendingPostsOf(org, author_id, now).status());
    // What the database now holds, so the answer shows it.
    for (PostRecord& post : posts) {
      if (post.author_id == author_id &&
          WithdrawnWhenAuthorLeaves(post.state)) {
        post.state = PostState::kWithdrawn;
        post.update_time_us = now;
        post.version += 1;
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<tpb::PostContent> AdvocacyService::ContentOf(
    db::Transaction& tx, const PostRecord& post) {
  tpb::PostContent content;
  content.set_post(PostResourceName(post));
  content.set_author(StaffMemberName(post.organization_id, post.author_id));
  content.set_network(static_cast<common::v1::Network>(post.network));
  content.set_text(post.text);
  content.set_link_url(post.link_url);
  if (!post.story_id.empty()) {
    CANDOR_ASSIGN_OR_RETURN(
        StoryRecord story,
        repository_.FindStory(tx, post.organization_id, post.story_id));
    tpb::StoryContext* context = content.mutable_story();
    context->set_name(StoryResourceName(story.organization_id, story.story_id));
    context->set_summary(story.summary);
    for (const std::string& point : story.talking_points) {
      context->add_talking_points(point);
    }
    context->set_url(story.url);
    context->set_incentivized(story.incentivized);
  }
  return content;
}

absl::StatusOr<tpb::Decision> AdvocacyService::RecordDecision(
    const tpb::CreateDecisionRequest& request) {
  if (transparency_ == nullptr || service_tokens_ == nullptr) {
    return absl::UnavailableError(
        "the transparency service is not connected; retry");
  }
  CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<grpc::ClientContext> context,
                          AsService(*service_tokens_));
  tpb::Decision decision;
  const grpc::Status status =
      transparency_->CreateDecision(context.get(), request, &decision);
  CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the transparency service"));
  return decision;
}

// --- post handlers
// ------------------------------------------------------------

absl::Status AdvocacyService::DoCreatePost(const Caller& caller,
                                           const v1::CreatePostRequest& request,
                                           v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  if (caller.staff_member_id.empty()) {
    return absl::PermissionDeniedError("posts are written by staff members");
  }
  if (!request.has_post()) return InvalidField("post", "required");
  const v1::Post& in = request.post();
  PostRecord record;
  record.network = static_cast<int>(in.network());
  record.text = in.text();
  record.link_url = in.link_url();
  CANDOR_RETURN_IF_ERROR(ValidateNewPost(record, "post."));
  CANDOR_ASSIGN_OR_RETURN(record.story_id,
                          StoryIdOf(org, in.story(), "post.story"));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ValueReference> values,
      ParseValueReferences(
          org, std::vector<std::string>(in.values().begin(), in.values().end()),
          "post.values"));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  CANDOR_RETURN_IF_ERROR(
      CheckStoryForPost(caller, org, record.story_id, "post.story"));

  const int64_t now = NowMicros();
  record.organization_id = org;
  record.post_id = NewResourceId();
  record.author_id = caller.staff_member_id;
  record.value_ids = ValueIdsOf(values);
  record.state = PostState::kDraft;
  record.revision = 1;
  record.create_time_us = record.update_time_us = now;
  record.version = 1;
  return RunIdempotent(posts_.pool(),
                       MakeIdempotencyKey(caller, kCreatePostMethod, request),
                       response, [&](db::Transaction& tx) {
                         CANDOR_RETURN_IF_ERROR(CheckValuesActive(
                             caller, org, values, "post.values"));
                         CANDOR_RETURN_IF_ERROR(posts_.InsertPost(tx, record));
                         PostToProto(record, response);
                         return absl::OkStatus();
                       });
}

absl::Status AdvocacyService::DoGetPost(const Caller& caller,
                                        const v1::GetPostRequest& request,
                                        v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(PostRecord record,
                          FindVisiblePost(caller, "name", request.name()));
  if (IsStoryEditor(caller) && record.state == PostState::kInReview) {
    std::vector<PostRecord> one = {record};
    // Best effort: a read does not fail because staff cannot answer now;
    // ApprovePost and RejectPost check the author again, strictly.
    WithdrawPostsOfInactiveAuthors(caller, one).IgnoreError();
    record = one.front();
  }
  PostToProto(record, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoListPosts(const Caller& caller,
                                          const v1::ListPostsRequest& request,
                                          v1::ListPostsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(PostFilter filter,
                          ParsePostFilter(org, request.filter()));
  // A token is only good for the same parent, filter and caller (what a
  // caller sees depends on who they are).
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(
          absl::StrCat(kListPostsMethod, "\n", org, "\n", request.filter(),
                       "\n", caller.subject),
          request.page_size(), request.page_token()));
  PostCursor after = PostCursor::Start();
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(after, DecodePostCursor(page.cursor));
  }
  std::optional<std::string> viewer;
  if (!IsStoryEditor(caller)) viewer = caller.staff_member_id;
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<PostRecord> records,
      posts_.ListPosts(org, filter, viewer, after, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, records, [](const PostRecord& r) {
        return EncodePostCursor(PostCursor::After(r));
      }));
  if (IsStoryEditor(caller)) {
    // Best effort, as in GetPost.
    WithdrawPostsOfInactiveAuthors(caller, records).IgnoreError();
  }
  for (const PostRecord& record : records) {
    PostToProto(record, response->add_posts());
  }
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoUpdatePost(const Caller& caller,
                                           const v1::UpdatePostRequest& request,
                                           v1::Post* response) {
  const v1::Post& in = request.post();
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "post.name", in.name(), "change it"));
  const std::string& org = current.organization_id;

  const std::vector<std::string> paths = UpdatePaths(request);
  if (paths.empty()) {
    return InvalidField("update_mask", "names no field to update");
  }
  for (const std::string& path : paths) {
    CANDOR_RETURN_IF_ERROR(CheckUpdatablePostPath(path));
  }
  const absl::flat_hash_set<std::string> named(paths.begin(), paths.end());
  const auto has = [&](const char* path) { return named.contains(path); };

  PostRecord incoming;
  incoming.network = static_cast<int>(in.network());
  incoming.text = in.text();
  incoming.link_url = in.link_url();
  for (const std::string& path : UpdatablePostPaths()) {
    if (named.contains(path)) {
      CANDOR_RETURN_IF_ERROR(ValidatePostField(path, incoming, "post."));
    }
  }
  if (has("story")) {
    CANDOR_ASSIGN_OR_RETURN(incoming.story_id,
                            StoryIdOf(org, in.story(), "post.story"));
    CANDOR_RETURN_IF_ERROR(
        CheckStoryForPost(caller, org, incoming.story_id, "post.story"));
  }
  if (has("values")) {
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<ValueReference> values,
        ParseValueReferences(
            org,
            std::vector<std::string>(in.values().begin(), in.values().end()),
            "post.values"));
    // Asked before the transaction: no row stays locked during the call.
    CANDOR_RETURN_IF_ERROR(
        CheckValuesActive(caller, org, values, "post.values"));
    incoming.value_ids = ValueIdsOf(values);
  }

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(posts_.pool()));
  CANDOR_ASSIGN_OR_RETURN(PostRecord before,
                          posts_.FindPostForUpdate(tx, org, current.post_id));
  CANDOR_RETURN_IF_ERROR(CheckEtag(in.etag(), before.version, "post"));
  CANDOR_RETURN_IF_ERROR(CheckCanUpdate(before.state));
  PostRecord after = before;
  if (has("story")) after.story_id = incoming.story_id;
  if (has("network")) after.network = incoming.network;
  if (has("text")) after.text = incoming.text;
  if (has("link_url")) after.link_url = incoming.link_url;
  if (has("values")) after.value_ids = incoming.value_ids;
  // A rejected post comes back as a new revision, changed or not, so the
  // decisions on the old one keep naming what they judged.
  const bool new_revision =
      !SameContent(before, after) || before.state == PostState::kRejected;
  if (new_revision) {
    after.revision = before.revision + 1;
    after.latest_decision.clear();
  }
  after.state = PostState::kDraft;
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(posts_.UpdatePost(tx, after, new_revision));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  PostToProto(after, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoDeletePost(
    const Caller& caller, const v1::DeletePostRequest& request) {
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "delete it"));
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(posts_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord before,
      posts_.FindPostForUpdate(tx, current.organization_id, current.post_id));
  CANDOR_RETURN_IF_ERROR(CheckCanDelete(before.state));
  CANDOR_RETURN_IF_ERROR(
      posts_.DeletePost(tx, before.organization_id, before.post_id));
  return tx.Commit();
}

absl::Status AdvocacyService::DoSubmitPost(const Caller& caller,
                                           const v1::SubmitPostRequest& request,
                                           v1::SubmitPostResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "submit it"));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  CANDOR_RETURN_IF_ERROR(RequireActiveAuthor(caller, current));

  // The row lock serializes concurrent submits of one post: the first
  // records the decision and moves the post on; the others then find it no
  // longer DRAFT. The decision's request_id is derived from the post and
  // revision, so a retry after a lost commit records no second decision.
  return RunIdempotent(
      posts_.pool(), MakeIdempotencyKey(caller, kSubmitPostMethod, request),
      response, [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            PostRecord before,
            posts_.FindPostForUpdate(tx, current.organization_id,
                                     current.post_id));
        CANDOR_RETURN_IF_ERROR(CheckCanSubmit(before.state));
        tpb::CreateDecisionRequest ask;
        ask.set_parent(PostResourceName(before));
        CANDOR_ASSIGN_OR_RETURN(*ask.mutable_post(), ContentOf(tx, before));
        ask.set_post_revision(before.revision);
        ask.set_request_id(DecisionRequestId(PostResourceName(before), "submit",
                                             before.revision));
        CANDOR_ASSIGN_OR_RETURN(tpb::Decision decision, RecordDecision(ask));
        CANDOR_ASSIGN_OR_RETURN(PostState next,
                                StateAfterVerdict(decision.verdict()));
        PostRecord after = before;
        after.state = next;
        after.latest_decision = decision.SerializeAsString();
        after.version = before.version + 1;
        after.update_time_us = NowMicros();
        CANDOR_RETURN_IF_ERROR(
            posts_.UpdatePost(tx, after, /*new_revision=*/false));
        CANDOR_RETURN_IF_ERROR(
            RecordPostDecisionEvent(tx, after, decision.verdict()));
        PostToProto(after, response->mutable_post());
        *response->mutable_decision() = std::move(decision);
        return absl::OkStatus();
      });
}

absl::Status AdvocacyService::DoWithdrawPost(
    const Caller& caller, const v1::WithdrawPostRequest& request,
    v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "withdraw it"));
  return MovePost(current, CheckCanWithdraw, PostState::kWithdrawn, response);
}

absl::Status AdvocacyService::DoAppealPost(const Caller& caller,
                                           const v1::AppealPostRequest& request,
                                           v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "appeal it"));
  CANDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(),
                                   kMaxAppealReasonLength, Presence::kRequired,
                                   /*multiline=*/true));
  return MovePost(current, CheckCanAppeal, PostState::kInReview, response);
}

absl::Status AdvocacyService::MovePost(const PostRecord& current,
                                       absl::Status (*allowed)(PostState),
                                       PostState next, v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(posts_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord before,
      posts_.FindPostForUpdate(tx, current.organization_id, current.post_id));
  CANDOR_RETURN_IF_ERROR(allowed(before.state));
  PostRecord after = before;
  after.state = next;
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(posts_.UpdatePost(tx, after, /*new_revision=*/false));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  PostToProto(after, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::DecidePost(const Caller& caller,
                                         const HumanDecision& decision,
                                         v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(PostRecord current,
                          FindVisiblePost(caller, "name", decision.name));
  CANDOR_RETURN_IF_ERROR(RequireReviewer(caller));
  if (current.author_id == caller.staff_member_id) {
    return absl::PermissionDeniedError(
        "nobody decides their own post; another reviewer must");
  }
  const bool approve = decision.verdict == tpb::Decision::APPROVED;
  if (!approve && decision.cited_rule_ids.empty()) {
    return InvalidField("cited_rule_ids",
                        "a rejection cites at least one rule of the "
                        "published ruleset");
  }
  for (size_t i = 0; i < decision.cited_rule_ids.size(); ++i) {
    CANDOR_RETURN_IF_ERROR(CheckResourceId(
        absl::StrCat("cited_rule_ids[", i, "]"), decision.cited_rule_ids[i]));
  }
  CANDOR_RETURN_IF_ERROR(CheckText("note", decision.note, kMaxNoteLength,
                                   Presence::kOptional, /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckCanDecide(current.state));
  CANDOR_RETURN_IF_ERROR(RequireActiveAuthor(caller, current));

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(posts_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord before,
      posts_.FindPostForUpdate(tx, current.organization_id, current.post_id));
  CANDOR_RETURN_IF_ERROR(CheckCanDecide(before.state));
  tpb::CreateDecisionRequest ask;
  ask.set_parent(PostResourceName(before));
  CANDOR_ASSIGN_OR_RETURN(*ask.mutable_post(), ContentOf(tx, before));
  ask.set_post_revision(before.revision);
  ask.set_reviewer(caller.subject);
  ask.set_verdict(static_cast<tpb::Decision::Verdict>(decision.verdict));
  for (const std::string& rule : decision.cited_rule_ids) {
    ask.add_cited_rule_ids(rule);
  }
  ask.set_note(decision.note);
  // The post's version changes with every move, so a retry of this very
  // decision replays it while a later decision on the same revision (after
  // an appeal) is a new one.
  ask.set_request_id(DecisionRequestId(PostResourceName(before),
                                       approve ? "approve" : "reject",
                                       before.version));
  CANDOR_ASSIGN_OR_RETURN(tpb::Decision recorded, RecordDecision(ask));
  PostRecord after = before;
  after.state = approve ? PostState::kApproved : PostState::kRejected;
  after.latest_decision = recorded.SerializeAsString();
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(posts_.UpdatePost(tx, after, /*new_revision=*/false));
  CANDOR_RETURN_IF_ERROR(
      RecordPostDecisionEvent(tx, after, recorded.verdict()));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  PostToProto(after, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::RecordPostDecisionEvent(db::Transaction& tx,
                                                      const PostRecord& post,
                                                      int verdict) {
  AdvocacyEventRecord event;
  event.organization_id = post.organization_id;
  event.time_us = post.update_time_us;
  event.kind = "post.decision";
  event.subject = PostResourceName(post);
  event.recipient_id = post.author_id;
  event.details = tpb::Decision::Verdict_IsValid(verdict)
                      ? tpb::Decision::Verdict_Name(
                            static_cast<tpb::Decision::Verdict>(verdict))
                      : "VERDICT_UNSPECIFIED";
  return repository_.AppendAdvocacyEvent(tx, &event);
}

absl::Status AdvocacyService::DoListAdvocacyEvents(
    const Caller& caller, const v1::ListAdvocacyEventsRequest& request,
    v1::ListAdvocacyEventsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  // Another organization's caller gets NOT_FOUND before the role check, as
  // everywhere else (docs/API.md "Auth"; CreateDecision does the same).
  if (!caller.organization_id.empty() && caller.organization_id != org) {
    return absl::NotFoundError(absl::StrCat(request.parent(), " not found"));
  }
  CANDOR_RETURN_IF_ERROR(
      RequireRole(caller, Role::kService, "list advocacy events"));
  if (request.after_sequence() < 0) {
    return InvalidField("after_sequence", "must not be negative");
  }
  if (request.page_size() < 0 || request.page_size() > kMaxAdvocacyEventPage) {
    return InvalidField("page_size",
                        absl::StrCat("0 to ", kMaxAdvocacyEventPage));
  }
  const int limit = request.page_size() == 0 ? kDefaultAdvocacyEventPage
                                             : request.page_size();
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<AdvocacyEventRecord> events,
      repository_.ListAdvocacyEvents(org, request.after_sequence(), limit));
  for (const AdvocacyEventRecord& e : events) {
    v1::AdvocacyEvent* out = response->add_events();
    out->set_sequence(e.sequence);
    *out->mutable_time() = TimeUtil::MicrosecondsToTimestamp(e.time_us);
    out->set_kind(e.kind);
    out->set_subject(e.subject);
    if (!e.recipient_id.empty()) {
      out->set_recipient(StaffMemberName(e.organization_id, e.recipient_id));
    }
    out->set_details(e.details);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const std::vector<StoryRecord>>>
AdvocacyService::FirstFeedStories(const std::string& org, const std::string& department) {
  const std::string key = absl::StrCat(org, "\n", DepartmentKey(department));
  if (auto cached = feed_stories_.Get(key)) return *cached;
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<StoryRecord> stories,
      repository_.ListVisibleStories(org, DepartmentKey(department), NowMicros(),
                                     StoryCursor::Start(), kFeedCachedItems));
  auto shared = std::make_shared<const std::vector<StoryRecord>>(std::move(stories));
  feed_stories_.Put(key, shared);
  return shared;
}

absl::StatusOr<std::shared_ptr<const std::vector<PostRecord>>>
AdvocacyService::FirstFeedPosts(const std::string& org) {
  if (auto cached = feed_posts_.Get(org)) return *cached;
  // Everyone's: no author has the empty id. Twice a page, so a first page
  // stays full after the reader's own posts are left out.
  const FeedCursor::Split start = FeedCursor::Start().SplitByKind();
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<PostRecord> posts,
      posts_.ListFeedPosts(org, /*viewer_id=*/"", start.post_create_time_us,
                           start.post_id, 2 * kFeedCachedItems));
  auto shared = std::make_shared<const std::vector<PostRecord>>(std::move(posts));
  feed_posts_.Put(org, shared);
  return shared;
}

absl::Status AdvocacyService::DoListFeed(const Caller& caller,
                                         const v1::ListFeedRequest& request,
                                         v1::ListFeedResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(
          absl::StrCat(kListFeedMethod, "\n", org, "\n", caller.subject),
          request.page_size(), request.page_token()));
  FeedCursor after = FeedCursor::Start();
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(after, DecodeFeedCursor(page.cursor));
  }
  const FeedCursor::Split split = after.SplitByKind();
  // Everyone's feed holds the stories for their own audience (reviewers and
  // admins included: it is what they can share, not what they manage).
  CANDOR_ASSIGN_OR_RETURN(std::string department, DepartmentOf(caller, org));
  std::vector<StoryRecord> stories;
  std::vector<PostRecord> posts;
  const bool first_page = page.cursor.empty() && page.limit() <= kFeedCachedItems;
  bool posts_complete = false;
  if (first_page) {
    // Most feed reads are first pages, the same for everyone in a
    // department: served from short-lived caches (see FirstFeedStories).
    CANDOR_ASSIGN_OR_RETURN(auto first_stories, FirstFeedStories(org, department));
    stories = *first_stories;
    CANDOR_ASSIGN_OR_RETURN(auto first_posts, FirstFeedPosts(org));
    for (const PostRecord& post : *first_posts) {
      if (post.author_id == caller.staff_member_id) continue;
      if (static_cast<int>(posts.size()) == page.limit()) break;
      posts.push_back(post);
    }
    // Complete when the page is full, or the cache holds every approved post.
    posts_complete = static_cast<int>(posts.size()) == page.limit() ||
                     first_posts->size() < 2 * static_cast<size_t>(kFeedCachedItems);
  }
  // Later pages, and first pages the cached posts cannot fill (the caller
  // wrote many of the newest), read the database.
  if (!first_page) {
    CANDOR_ASSIGN_OR_RETURN(
        stories, repository_.ListVisibleStories(
                     org, DepartmentKey(department), NowMicros(),
                     StoryCursor{split.story_create_time_us, split.story_id},
                     page.limit()));
  }
  if (!posts_complete) {
    CANDOR_ASSIGN_OR_RETURN(posts, posts_.ListFeedPosts(org, caller.staff_member_id,
                                                        split.post_create_time_us,
                                                        split.post_id, page.limit()));
  }

  // Merge the two newest-first lists into one.
  struct Item {
    FeedCursor key;
    size_t index;
  };
  std::vector<Item> items;
  items.reserve(stories.size() + posts.size());
  for (size_t i = 0; i < stories.size(); ++i) {
    items.push_back(Item{FeedCursor{stories[i].create_time_us, FeedKind::kStory,
                                    stories[i].story_id},
                         i});
  }
  for (size_t i = 0; i < posts.size(); ++i) {
    items.push_back(Item{
        FeedCursor{posts[i].create_time_us, FeedKind::kPost, posts[i].post_id},
        i});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.key.Before(b.key); });
  if (static_cast<int>(items.size()) > page.limit()) items.resize(page.limit());
  response->set_next_page_token(page_tokens_->FinishPage(
      page, items,
      [](const Item& item) { return EncodeFeedCursor(item.key); }));
  for (const Item& item : items) {
    v1::FeedItem* out = response->add_items();
    if (item.key.kind == FeedKind::kStory) {
      StoryToProto(stories[item.index], out->mutable_story());
    } else {
      PostToProto(posts[item.index], out->mutable_post());
    }
  }
  return absl::OkStatus();
}

}  // namespace candor::advocacy

// --- personal data -----------------------------------------------------------

namespace candor::advocacy {
using transparency::EraseDecisionEvidence;

absl::Status AdvocacyService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  CANDOR_ASSIGN_OR_RETURN(std::vector<PostRecord> posts,
                          posts_.ListPostsOfAuthor(person.org, person.id));
  for (const PostRecord& post : posts) PostToProto(post, response->add_posts());
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<PostRevisionRecord> revisions,
      posts_.ListRevisionsOfAuthor(person.org, person.id));
  for (const PostRevisionRecord& r : revisions) {
    v1::PostRevision* out = response->add_revisions();
    out->set_post(PostResourceName(person.org, r.post_id));
    out->set_revision(r.revision);
    out->set_text(r.text);
    out->set_link_url(r.link_url);
    *out->mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  }
  return absl::OkStatus();
}

// A post is the person's words, so its text and link go; the post itself,
// its state history and its decisions stay, because transparency reports,
// shares and engagement metrics count them. A post that could still be
// shown or acted on (draft, in review, approved) is withdrawn: an
// "[erased]" post has no place in a feed or a review queue.
absl::Status AdvocacyService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  return RunIdempotent(
      posts_.pool(),
      MakeIdempotencyKey(
          caller, "/candor.advocacy.v1.AdvocacyService/ErasePersonalData",
          request),
      response, [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            std::vector<PostRecord> posts,
            posts_.ListPostsOfAuthorForUpdate(tx, person.org, person.id));
        const int64_t now = NowMicros();
        int64_t changed = 0;
        for (PostRecord& post : posts) {
          bool post_changed = EraseDecisionEvidence(&post.latest_decision);
          if (post.text != kErasedText || !post.link_url.empty()) {
            post.text = kErasedText;
            post.link_url.clear();
            post_changed = true;
          }
          if (post.state == PostState::kDraft ||
              post.state == PostState::kInReview ||
              post.state == PostState::kApproved) {
            post.state = PostState::kWithdrawn;
            post_changed = true;
          }
          if (!post_changed) continue;
          post.update_time_us = now;
          ++post.version;
          CANDOR_RETURN_IF_ERROR(
              posts_.UpdatePost(tx, post, /*new_revision=*/false));
          ++changed;
        }
        CANDOR_ASSIGN_OR_RETURN(
            int64_t revisions, posts_.EraseRevisionsOfAuthor(
                                   tx, person.org, person.id, kErasedText));
        response->set_records_changed(changed + revisions);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AdvocacyService::ExportPersonalData(
    grpc::CallbackServerContext* context,
    const v1::ExportPersonalDataRequest* request, v1::PersonalData* response) {
  return RunUnary(*env_, context,
                  "/candor.advocacy.v1.AdvocacyService/ExportPersonalData", *request,
                  [=](const Caller& caller) {
                    return DoExportPersonalData(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* AdvocacyService::ErasePersonalData(
    grpc::CallbackServerContext* context,
    const v1::ErasePersonalDataRequest* request,
    v1::ErasePersonalDataResponse* response) {
  return RunUnary(*env_, context,
                  "/candor.advocacy.v1.AdvocacyService/ErasePersonalData", *request,
                  [=](const Caller& caller) {
                    return DoErasePersonalData(caller, *request, response);
                  });
}

}  // namespace candor::advocacy
