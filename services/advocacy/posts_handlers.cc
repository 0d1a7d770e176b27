// The posts family, as their authors write them: CreatePost, GetPost,
// ListPosts, UpdatePost, DeletePost, WithdrawPost, AppealPost. Their review
// (SubmitPost, ApprovePost, RejectPost) is in review_handlers.cc.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
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

constexpr absl::string_view kPostPattern =
    "organizations/{organization}/posts/{post}";

using PostName = OrgResourceName;

absl::StatusOr<PostName> ParsePostName(absl::string_view field,
                                       absl::string_view name) {
  return ParseOrgResourceName(field, name, kPostPattern);
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

}  // namespace

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
  // Only writes look for the caller's own post: the author must still be
  // ACTIVE (a deactivated or erased person's token changes nothing).
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
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

absl::Status AdvocacyService::DoCreatePost(const Caller& caller,
                                           const v1::CreatePostRequest& request,
                                           v1::Post* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  if (caller.staff_member_id.empty()) {
    return absl::PermissionDeniedError("posts are written by staff members");
  }
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
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
  return RunIdempotent(posts_.pool(), MakeIdempotencyKey(caller, request),
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
  PostToProtoFor(caller, record, response);
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoListPosts(const Caller& caller,
                                          const v1::ListPostsRequest& request,
                                          v1::ListPostsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(PostFilter filter,
                          ParsePostFilter(org, request.filter()));
  // A token is only good for the same parent, filter and caller (what a
  // caller sees depends on who they are).
  CANDOR_ASSIGN_OR_RETURN(PageRequest page,
                          page_tokens_->StartListPage(
                              request, org, request.filter(), caller.subject));
  CANDOR_ASSIGN_OR_RETURN(const TimeCursor after, NewestFirstStart(page));
  std::optional<std::string> viewer;
  if (!IsStoryEditor(caller)) viewer = caller.staff_member_id;
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<PostRecord> records,
      posts_.ListPosts(org, filter, viewer, after, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, records, [](const PostRecord& r) {
        return EncodeTimeCursor({r.create_time_us, r.post_id});
      }));
  if (IsStoryEditor(caller)) {
    // Best effort, as in GetPost.
    WithdrawPostsOfInactiveAuthors(caller, records).IgnoreError();
  }
  for (const PostRecord& record : records) {
    PostToProtoFor(caller, record, response->add_posts());
  }
  return absl::OkStatus();
}

absl::Status AdvocacyService::DoUpdatePost(const Caller& caller,
                                           const v1::UpdatePostRequest& request,
                                           v1::Post* response) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
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
    after.appeal_reason.clear();
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
    const Caller& caller, const v1::DeletePostRequest& request,
    google::protobuf::Empty* /*response*/) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
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

absl::Status AdvocacyService::DoWithdrawPost(
    const Caller& caller, const v1::WithdrawPostRequest& request,
    v1::Post* response) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "withdraw it"));
  return MovePost(current, CheckCanWithdraw, PostState::kWithdrawn, response);
}

absl::Status AdvocacyService::DoAppealPost(const Caller& caller,
                                           const v1::AppealPostRequest& request,
                                           v1::Post* response) {
  const auto clear_feed_posts = ClearFeedPostsOnReturn();
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord current,
      FindOwnPost(caller, "name", request.name(), "appeal it"));
  CANDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(),
                                   kMaxAppealReasonLength, Presence::kRequired,
                                   /*multiline=*/true));
  return MovePost(current, CheckCanAppeal, PostState::kInReview, response,
                  request.reason());
}

absl::Status AdvocacyService::MovePost(
    const PostRecord& current, absl::Status (*allowed)(PostState),
    PostState next, v1::Post* response,
    std::optional<std::string> appeal_reason) {
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(posts_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      PostRecord before,
      posts_.FindPostForUpdate(tx, current.organization_id, current.post_id));
  CANDOR_RETURN_IF_ERROR(allowed(before.state));
  PostRecord after = before;
  after.state = next;
  if (appeal_reason.has_value()) {
    after.appeal_reason = *std::move(appeal_reason);
  }
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(posts_.UpdatePost(tx, after, /*new_revision=*/false));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  PostToProto(after, response);
  return absl::OkStatus();
}

}  // namespace candor::advocacy
