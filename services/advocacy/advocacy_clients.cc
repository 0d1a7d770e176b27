// What advocacy asks of other services: values (are a story's or post's
// values active), staff (a caller's department, an author's state) and
// transparency (record a decision on a post, and the content it judges).
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/advocacy/advocacy_internal.h"
#include "services/advocacy/advocacy_service.h"
#include "services/common/clock.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

namespace tpb = ::candor::transparency::v1;

}  // namespace

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

}  // namespace candor::advocacy
