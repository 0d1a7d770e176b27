// Post domain: the plain record of a post and the rules about it (field
// validation, the lifecycle's allowed moves, who sees what, update masks,
// list filters, cursors of the post list and the feed, and the request id
// of a decision). No gRPC and no SQL: unit-tested alone. Everything here is
// a value type or a pure function; thread-safe.
#ifndef CANDOR_SERVICES_ADVOCACY_POST_H_
#define CANDOR_SERVICES_ADVOCACY_POST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::advocacy {

// The proto enum numbers (Post.State), stored as they are.
enum class PostState : int {
  kDraft = 1,
  kInReview = 2,
  kApproved = 3,
  kRejected = 4,
  kWithdrawn = 5,
};

// "DRAFT", "IN_REVIEW", ... as the proto spells them.
absl::string_view PostStateName(PostState state);

// Limits, also stated in the proto comments and the schema. The per-network
// limits are the `length` rule's business; this only bounds the size (the
// largest network limit, Facebook's).
inline constexpr size_t kMaxPostTextLength = 63206;
inline constexpr size_t kMaxPostValues = 10;
inline constexpr size_t kMaxNoteLength = 2000;
inline constexpr size_t kMaxAppealReasonLength = 2000;
// The largest candor.common.v1.Network number.
inline constexpr int kMaxNetwork = 5;

struct PostRecord {
  std::string organization_id;
  std::string post_id;
  std::string author_id;  // staff_member_id
  std::string story_id;   // empty: none
  int network = 0;        // candor.common.v1.Network
  std::string text;
  std::string link_url;  // empty: none
  // Ids of values of the same organization, distinct, in the order given.
  std::vector<std::string> value_ids;
  PostState state = PostState::kDraft;
  int64_t revision = 1;  // +1 for every change of the content
  // The serialized candor.transparency.v1.Decision on the current revision;
  // empty before it is submitted.
  std::string latest_decision;
  int64_t create_time_us = 0;
  int64_t update_time_us = 0;
  int64_t version = 0;  // bumped by every change; the etag
  // AppealPost's reason for the current revision; empty: not appealed.
  std::string appeal_reason;
};

// One stored wording of a post (post_revisions).
struct PostRevisionRecord {
  std::string post_id;
  int64_t revision = 0;
  std::string text;
  std::string link_url;
  int64_t create_time_us = 0;
};

// Whether two records have the same content (story, network, text,
// link_url, values): what a revision is made of.
bool SameContent(const PostRecord& a, const PostRecord& b);

// --- validation -------------------------------------------------------------
// Each check returns OK or INVALID_ARGUMENT whose message starts with
// `<prefix><field>` ("post.text: ...").

// network: a known network, not NETWORK_UNSPECIFIED.
absl::Status CheckNetwork(absl::string_view field, int network);

// text: 1 to kMaxPostTextLength code points of valid UTF-8, not only white
// space; newlines and tabs allowed, other control characters not.
absl::Status CheckPostText(absl::string_view field, absl::string_view text);

// Checks one updatable field of `post` (see UpdatablePostPaths): network,
// text or link_url. Other paths (story, values) are checked where they are
// parsed and pass here.
absl::Status ValidatePostField(absl::string_view path, const PostRecord& post,
                               absl::string_view prefix);

// Checks every field a new post carries.
absl::Status ValidateNewPost(const PostRecord& post, absl::string_view prefix);

// --- lifecycle
// ---------------------------------------------------------------- Each returns
// OK when the move is allowed from `state`, or FAILED_PRECONDITION naming the
// state the post is in.

absl::Status CheckCanUpdate(PostState state);    // DRAFT or REJECTED
absl::Status CheckCanDelete(PostState state);    // DRAFT
absl::Status CheckCanSubmit(PostState state);    // DRAFT
absl::Status CheckCanWithdraw(PostState state);  // IN_REVIEW or APPROVED
absl::Status CheckCanAppeal(PostState state);    // REJECTED
absl::Status CheckCanDecide(PostState state);    // IN_REVIEW

// The state an automatic decision's verdict moves a submitted post to
// (candor.transparency.v1.Decision.Verdict numbers: 1 APPROVED,
// 2 NEEDS_REVIEW, 3 REJECTED). INTERNAL for anything else.
absl::StatusOr<PostState> StateAfterVerdict(int verdict);

// Whether a deactivated author's post in `state` is withdrawn (their
// pending posts: DRAFT and IN_REVIEW).
bool WithdrawnWhenAuthorLeaves(PostState state);

// Whether a staff member who is neither the author nor a reviewer or admin
// sees `post`: only APPROVED posts.
bool VisibleToColleague(const PostRecord& post);

// --- update masks, filters, cursors ------------------------------------------

// The paths UpdatePost may name, in proto order.
const std::vector<std::string>& UpdatablePostPaths();

// OK for an updatable path; INVALID_ARGUMENT naming update_mask for an
// output-only or unknown one.
absl::Status CheckUpdatablePostPath(absl::string_view path);

// A parsed ListPosts filter.
struct PostFilter {
  std::optional<PostState> state;
  std::optional<std::string> author_id;  // of the filter's organization
};

// Parses a ListPosts filter: empty, or terms joined by AND (upper case, as
// AIP-160 spells it): `state = IN_REVIEW` (any Post.State name) and
// `author = "organizations/{org}/staffMembers/{id}"` (quotes optional), each
// at most once. The author must be of `org`. INVALID_ARGUMENT "filter: ..."
// otherwise.
absl::StatusOr<PostFilter> ParsePostFilter(absl::string_view org,
                                           absl::string_view filter);

// The feed's kinds of item. At one create time, stories come before posts
// (the order is (create_time_us, kind, id) descending).
enum class FeedKind : int { kPost = 0, kStory = 1 };

// A position in the feed's newest-first order.
struct FeedCursor {
  int64_t create_time_us = 0;
  FeedKind kind = FeedKind::kStory;
  std::string id;

  static FeedCursor Start();
  // True when the item (create_time_us, kind, id) comes before `other` in
  // the feed (is newer).
  bool Before(const FeedCursor& other) const;

  // The cursors of each list the feed merges: the stories and the posts
  // that come after this position. (Post ids and story ids are compared
  // only within their own kind; ids are lowercase letters, digits and '-',
  // so "~" sorts after every id.)
  struct Split {
    int64_t story_create_time_us;
    std::string story_id;
    int64_t post_create_time_us;
    std::string post_id;
  };
  Split SplitByKind() const;
};

std::string EncodeFeedCursor(const FeedCursor& cursor);
// INVALID_ARGUMENT naming page_token when `text` is not an encoded cursor.
absl::StatusOr<FeedCursor> DecodeFeedCursor(absl::string_view text);

// --- decisions
// ----------------------------------------------------------------

// The request_id under which advocacy asks transparency to record a
// decision: derived from the post, `what` ("submit", "approve", "reject")
// and `sequence` (the revision for a submit; the post's version for a
// human decision), so a retry after a lost answer records no second
// decision. At most 64 characters of [a-z0-9-] (CheckRequestId).
std::string DecisionRequestId(absl::string_view post_name,
                              absl::string_view what, int64_t sequence);

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_POST_H_
