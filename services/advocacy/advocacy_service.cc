#include "services/advocacy/advocacy_service.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/advocacy/advocacy_internal.h"
#include "services/common/etag.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"

namespace candor::advocacy {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr absl::string_view kStoryPattern =
    "organizations/{organization}/stories/{story}";

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
  staff_states_ = std::make_unique<StaffStateCache>(
      dependencies.staff, dependencies.service_tokens,
      dependencies.staff_state_ttl);
}

// --- shared helpers (advocacy_internal.h) ------------------------------------

absl::StatusOr<StoryName> ParseStoryName(absl::string_view field,
                                         absl::string_view name) {
  return ParseOrgResourceName(field, name, kStoryPattern);
}

std::string StoryResourceName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/stories/", id);
}

bool IsStoryEditor(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAdmin);
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

std::vector<std::string> ValueIdsOf(const std::vector<ValueReference>& refs) {
  std::vector<std::string> ids;
  ids.reserve(refs.size());
  for (const ValueReference& ref : refs) ids.push_back(ref.value_id);
  return ids;
}

std::string PostResourceName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/posts/", id);
}

std::string PostResourceName(const PostRecord& post) {
  return PostResourceName(post.organization_id, post.post_id);
}

void PostToProtoFor(const Caller& caller, const PostRecord& r, v1::Post* out) {
  PostToProto(r, out);
  if (caller.staff_member_id != r.author_id && !IsStoryEditor(caller)) {
    out->clear_appeal_reason();
  }
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
  out->set_appeal_reason(r.appeal_reason);
}

}  // namespace candor::advocacy
