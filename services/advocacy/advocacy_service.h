// candor.advocacy.v1.AdvocacyService: the gRPC edge of the advocacy service.
// Each handler authorizes (role, organization, visibility), validates every
// field, maps protos to domain records (story.h, post.h), and calls the
// repositories; blocking work runs on the service's bounded executor
// (services/common/call.h). Values a story or post names are checked through
// the values service and staff facts (department, state) are read through
// the staff service, both on the caller's own credentials
// (internal_call.h): advocacy reads no other service's tables. Decisions on
// posts are recorded by the transparency service, called with advocacy's
// own service credentials (service_token.h), since only the service role
// may record them.
//
// Posts move DRAFT -> (SubmitPost) APPROVED | IN_REVIEW | REJECTED; IN_REVIEW
// -> (ApprovePost/RejectPost) APPROVED | REJECTED; REJECTED -> (AppealPost)
// IN_REVIEW or (UpdatePost) DRAFT as a new revision; IN_REVIEW | APPROVED ->
// (WithdrawPost) WITHDRAWN. Every change of state happens with the post's
// row locked, so concurrent calls on one post record one decision.
//
// Deactivated authors: the staff service cannot call advocacy (dependencies
// point one way), so advocacy asks staff for an author's state on
// SubmitPost, ApprovePost/RejectPost, and when a reviewer or admin reads
// IN_REVIEW posts (GetPost, ListPosts: once per distinct author of a page),
// and moves the DRAFT and IN_REVIEW posts of an INACTIVE author to WITHDRAWN.
// (An author's own SubmitPost is refused with PERMISSION_DENIED before that
// once the stale-token check below knows they left; it withdraws nothing.)
//
// Stale tokens: every write a staff member makes (stories, posts, review,
// erasure) first checks that its author is still ACTIVE (staff_states_,
// services/common/staff_state_cache.h; at most --staff_state_ttl stale).
//
// Thread-safe: handlers share only immutable state, the repository and the
// stubs (set once by SetDependencies before serving).
//
// Files: one per family of RPCs, <family>_handlers.cc. A new RPC goes in
// the class as a CANDOR_UNARY_RPC line (services/common/call.h), and its
// Do<Method> body in the file of its family:
//   stories_handlers.cc        CreateStory, GetStory, ListStories,
//                              UpdateStory, ArchiveStory
//   posts_handlers.cc          what authors do with posts: CreatePost,
//                              GetPost, ListPosts, UpdatePost, DeletePost,
//                              WithdrawPost, AppealPost
//   review_handlers.cc         decisions: SubmitPost, ApprovePost, RejectPost
//   feed_handlers.cc           ListFeed, ListAdvocacyEvents
//   personal_data_handlers.cc  ExportPersonalData, ErasePersonalData
// advocacy_clients.cc holds the calls to other services (values, staff,
// transparency); advocacy_service.cc the constructor, the wiring and the
// helpers the family files share (advocacy_internal.h).
#ifndef CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_
#define CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "db/pool.h"
#include "services/advocacy/advocacy_repository.h"
#include "services/advocacy/post.h"
#include "services/advocacy/post_repository.h"
#include "services/advocacy/story.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/common/staff_state_cache.h"
#include "services/common/ttl_cache.h"

namespace candor::advocacy {

namespace v1 = ::candor::advocacy::v1;

class AdvocacyService final : public v1::AdvocacyService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.advocacy.v1.AdvocacyService";

  // `env`, `pool` and `page_tokens` must outlive the service.
  AdvocacyService(const CallEnvironment* env, db::Pool* pool,
                  const PageTokenCodec* page_tokens);

  // What advocacy calls: other services (in-process or remote channels)
  // and its own credentials for calls it makes as itself.
  struct Dependencies {
    std::shared_ptr<grpc::Channel> staff;
    std::shared_ptr<grpc::Channel> values;
    std::shared_ptr<grpc::Channel> transparency;
    ServiceTokenSource* service_tokens = nullptr;  // not owned
    absl::Duration staff_state_ttl = kDefaultStaffStateTtl;
  };
  // Set once, before the service is marked SERVING.
  void SetDependencies(const Dependencies& dependencies);

  CANDOR_UNARY_RPC(CreateStory, v1::Story);
  CANDOR_UNARY_RPC(GetStory, v1::Story);
  CANDOR_UNARY_RPC(ListStories, v1::ListStoriesResponse);
  CANDOR_UNARY_RPC(UpdateStory, v1::Story);
  CANDOR_UNARY_RPC(ArchiveStory, v1::Story);

  CANDOR_UNARY_RPC(CreatePost, v1::Post);
  CANDOR_UNARY_RPC(GetPost, v1::Post);
  CANDOR_UNARY_RPC(ListPosts, v1::ListPostsResponse);
  CANDOR_UNARY_RPC(UpdatePost, v1::Post);
  CANDOR_UNARY_RPC(DeletePost, google::protobuf::Empty);
  CANDOR_UNARY_RPC(SubmitPost, v1::SubmitPostResponse);
  CANDOR_UNARY_RPC(WithdrawPost, v1::Post);
  CANDOR_UNARY_RPC(AppealPost, v1::Post);
  CANDOR_UNARY_RPC(ApprovePost, v1::Post);
  CANDOR_UNARY_RPC(RejectPost, v1::Post);
  CANDOR_UNARY_RPC(ListFeed, v1::ListFeedResponse);
  CANDOR_UNARY_RPC(ListAdvocacyEvents, v1::ListAdvocacyEventsResponse);

  CANDOR_UNARY_RPC(ExportPersonalData, v1::PersonalData);
  CANDOR_UNARY_RPC(ErasePersonalData, v1::ErasePersonalDataResponse);

 private:
  // posts_handlers.cc.
  // Moves the caller's own post to `next` when `allowed` accepts its state
  // under the row lock (withdraw, appeal); an appeal stores its reason.
  absl::Status MovePost(const PostRecord& current,
                        absl::Status (*allowed)(PostState), PostState next,
                        v1::Post* response,
                        std::optional<std::string> appeal_reason = {});
  // The post `name` as `caller` may see it (GetPost's visibility):
  // NOT_FOUND when it does not exist or is hidden from the caller.
  absl::StatusOr<PostRecord> FindVisiblePost(const Caller& caller,
                                             absl::string_view field,
                                             absl::string_view name);
  // Like FindVisiblePost, and PERMISSION_DENIED unless the caller wrote it
  // and is still ACTIVE (the writes on one's own post start here).
  absl::StatusOr<PostRecord> FindOwnPost(const Caller& caller,
                                         absl::string_view field,
                                         absl::string_view name,
                                         absl::string_view action);
  // OK when `story_id` (may be empty) names a story of `org` the caller
  // sees; INVALID_ARGUMENT naming `field` otherwise.
  absl::Status CheckStoryForPost(const Caller& caller, const std::string& org,
                                 const std::string& story_id,
                                 absl::string_view field);

  // review_handlers.cc.
  // ApprovePost and RejectPost: a human decision by a reviewer or admin.
  struct HumanDecision {
    std::string name;  // the post
    int verdict = 0;   // candor.transparency.v1.Decision.Verdict
    std::vector<std::string> cited_rule_ids;
    std::string note;
  };
  absl::Status DecidePost(const Caller& caller, const HumanDecision& decision,
                          v1::Post* response);
  // Records a 'post.decision' event for `post`'s author in `tx`.
  absl::Status RecordPostDecisionEvent(db::Transaction& tx,
                                       const PostRecord& post, int verdict);

  // feed_handlers.cc.
  // The feed's first page, shared by everyone in a department: its newest
  // visible stories (kFeedCachedItems) and the organization's newest
  // approved posts (twice that, so a reader's own can be left out), each
  // cached for a second. Changes made through this service clear them
  // (ClearFeedStoriesOnReturn, ClearFeedPostsOnReturn); another replica's show
  // within the TTL.
  static constexpr int kFeedCachedItems = 50;
  absl::StatusOr<std::shared_ptr<const std::vector<StoryRecord>>>
  FirstFeedStories(const std::string& org, const std::string& department);
  absl::StatusOr<std::shared_ptr<const std::vector<PostRecord>>> FirstFeedPosts(
      const std::string& org);

  // advocacy_clients.cc: calls to other services.
  //
  // Deactivated authors (see the top of this file):
  // FAILED_PRECONDITION after withdrawing when `post`'s author is INACTIVE.
  absl::Status RequireActiveAuthor(const Caller& caller,
                                   const PostRecord& post);
  // For the IN_REVIEW posts among `posts`: asks once per distinct author
  // and withdraws (in the database and in `posts`) the pending posts of
  // authors who are INACTIVE.
  absl::Status WithdrawPostsOfInactiveAuthors(const Caller& caller,
                                              std::vector<PostRecord>& posts);
  // The content transparency judges: the post and its story's context, read
  // in `tx` (no second connection while a row is locked).
  absl::StatusOr<transparency::v1::PostContent> ContentOf(
      db::Transaction& tx, const PostRecord& post);
  // Records a decision through transparency with the service's own
  // credentials (only the service role may), with a deadline. Transparency's
  // refusals pass through unchanged.
  absl::StatusOr<transparency::v1::Decision> RecordDecision(
      const transparency::v1::CreateDecisionRequest& request);
  // OK when every referenced value exists and is ACTIVE, asked of the values
  // service as `caller`. INVALID_ARGUMENT naming `<field>[i]` for a missing
  // or retired value; UNAVAILABLE when the values service cannot answer.
  absl::Status CheckValuesActive(const Caller& caller, const std::string& org,
                                 const std::vector<ValueReference>& values,
                                 absl::string_view field);
  // The caller's department, asked of the staff service as the caller (a
  // person may read themself). PERMISSION_DENIED when the caller is no
  // staff member of `org`.
  absl::StatusOr<std::string> DepartmentOf(const Caller& caller,
                                           const std::string& org);

  // An RPC that changes stories (posts) holds the result for its whole
  // run: the feed's story (post) cache is cleared when the call returns,
  // however it returns (a call may fail after it wrote).
  auto ClearFeedStoriesOnReturn() {
    return absl::MakeCleanup([this] { feed_stories_.Clear(); });
  }
  auto ClearFeedPostsOnReturn() {
    return absl::MakeCleanup([this] { feed_posts_.Clear(); });
  }

  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  AdvocacyRepository repository_;
  PostRepository posts_;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  std::unique_ptr<values::v1::ValuesService::Stub> values_;
  std::unique_ptr<transparency::v1::TransparencyService::Stub> transparency_;
  ServiceTokenSource* service_tokens_ = nullptr;
  // Whether a staff caller is still ACTIVE: every write asks first
  // (staff_state_cache.h; set by SetDependencies).
  std::unique_ptr<StaffStateCache> staff_states_;
  // A person's department changes rarely; it decides which stories they
  // see (keyed by staff resource name).
  TtlCache<std::string, std::string> departments_{absl::Seconds(2), 200000};
  TtlCache<std::string, std::shared_ptr<const std::vector<StoryRecord>>>
      feed_stories_{absl::Seconds(1), 10000};
  TtlCache<std::string, std::shared_ptr<const std::vector<PostRecord>>>
      feed_posts_{absl::Seconds(1), 10000};
};

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_ADVOCACY_SERVICE_H_
