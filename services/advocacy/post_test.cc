#include "services/advocacy/post.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/validation.h"
#include "tests/support/status_matchers.h"

namespace candor::advocacy {
namespace {

using ::testing::HasSubstr;

PostRecord Valid() {
  PostRecord r;
  r.network = 1;
  r.text = "We opened a Berlin office.\nI work at Acme. #ad";
  r.link_url = "https://example.com/news/berlin";
  return r;
}

std::string MessageOf(const absl::Status& status) {
  return std::string(status.message());
}

TEST(PostTest, ValidPostPasses) {
  EXPECT_TRUE(ValidateNewPost(Valid(), "post.").ok());
  PostRecord bare = Valid();
  bare.link_url.clear();
  EXPECT_TRUE(ValidateNewPost(bare, "post.").ok());
}

TEST(PostTest, BadFieldsNameTheirField) {
  struct Case {
    PostRecord post;
    std::string field;
  };
  std::vector<Case> cases;
  PostRecord p = Valid();
  p.network = 0;
  cases.push_back({p, "post.network"});
  p = Valid();
  p.network = 99;
  cases.push_back({p, "post.network"});
  p = Valid();
  p.text = "";
  cases.push_back({p, "post.text"});
  p = Valid();
  p.text = "   ";
  cases.push_back({p, "post.text"});
  p = Valid();
  p.text = std::string(kMaxPostTextLength + 1, 'a');
  cases.push_back({p, "post.text"});
  p = Valid();
  p.text = "bad \x01 control";
  cases.push_back({p, "post.text"});
  p = Valid();
  p.text = "\xff\xfe";
  cases.push_back({p, "post.text"});
  p = Valid();
  p.link_url = "http://example.com";
  cases.push_back({p, "post.link_url"});
  p = Valid();
  p.link_url = "https://user@example.com";
  cases.push_back({p, "post.link_url"});
  for (const Case& c : cases) {
    absl::Status status = ValidateNewPost(c.post, "post.");
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument))
        << c.field;
    EXPECT_EQ(MessageOf(status).rfind(c.field + ":", 0), 0u)
        << MessageOf(status);
  }
}

TEST(PostTest, LongestTextPasses) {
  PostRecord p = Valid();
  p.text = std::string(kMaxPostTextLength, 'a');
  EXPECT_TRUE(ValidateNewPost(p, "post.").ok());
}

TEST(PostTest, LifecycleMoves) {
  using S = PostState;
  EXPECT_TRUE(CheckCanUpdate(S::kDraft).ok());
  EXPECT_TRUE(CheckCanUpdate(S::kRejected).ok());
  EXPECT_TRUE(CheckCanDelete(S::kDraft).ok());
  EXPECT_TRUE(CheckCanSubmit(S::kDraft).ok());
  EXPECT_TRUE(CheckCanWithdraw(S::kInReview).ok());
  EXPECT_TRUE(CheckCanWithdraw(S::kApproved).ok());
  EXPECT_TRUE(CheckCanAppeal(S::kRejected).ok());
  EXPECT_TRUE(CheckCanDecide(S::kInReview).ok());
  for (S s : {S::kInReview, S::kApproved, S::kWithdrawn}) {
    EXPECT_THAT(CheckCanUpdate(s),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  for (S s : {S::kInReview, S::kApproved, S::kRejected, S::kWithdrawn}) {
    EXPECT_THAT(CheckCanDelete(s),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(CheckCanSubmit(s),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  for (S s : {S::kDraft, S::kRejected, S::kWithdrawn}) {
    EXPECT_THAT(CheckCanWithdraw(s),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  for (S s : {S::kDraft, S::kInReview, S::kApproved, S::kWithdrawn}) {
    EXPECT_THAT(CheckCanAppeal(s),
                StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(CheckCanDecide(s == S::kInReview ? S::kDraft : s),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  EXPECT_THAT(MessageOf(CheckCanSubmit(S::kApproved)), HasSubstr("APPROVED"));
}

TEST(PostTest, VerdictsMoveTheSubmittedPost) {
  EXPECT_EQ(*StateAfterVerdict(1), PostState::kApproved);
  EXPECT_EQ(*StateAfterVerdict(2), PostState::kInReview);
  EXPECT_EQ(*StateAfterVerdict(3), PostState::kRejected);
  EXPECT_THAT(StateAfterVerdict(0), StatusIs(absl::StatusCode::kInternal));
}

TEST(PostTest, DeactivatedAuthorsLosePendingPostsOnly) {
  EXPECT_TRUE(WithdrawnWhenAuthorLeaves(PostState::kDraft));
  EXPECT_TRUE(WithdrawnWhenAuthorLeaves(PostState::kInReview));
  EXPECT_FALSE(WithdrawnWhenAuthorLeaves(PostState::kApproved));
  EXPECT_FALSE(WithdrawnWhenAuthorLeaves(PostState::kRejected));
}

TEST(PostTest, ColleaguesSeeApprovedPostsOnly) {
  PostRecord p = Valid();
  for (PostState s : {PostState::kDraft, PostState::kInReview,
                      PostState::kRejected, PostState::kWithdrawn}) {
    p.state = s;
    EXPECT_FALSE(VisibleToColleague(p)) << PostStateName(s);
  }
  p.state = PostState::kApproved;
  EXPECT_TRUE(VisibleToColleague(p));
}

TEST(PostTest, SameContentComparesContentOnly) {
  PostRecord a = Valid();
  PostRecord b = a;
  b.state = PostState::kRejected;
  b.version = 9;
  EXPECT_TRUE(SameContent(a, b));
  b.value_ids = {"honesty"};
  EXPECT_FALSE(SameContent(a, b));
}

TEST(PostTest, UpdatablePaths) {
  for (const std::string& path : UpdatablePostPaths()) {
    EXPECT_TRUE(CheckUpdatablePostPath(path).ok()) << path;
  }
  for (const char* path :
       {"name", "author", "state", "latest_decision", "revision", "create_time",
        "update_time", "etag", "nope", ""}) {
    absl::Status status = CheckUpdatablePostPath(path);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("update_mask")))
        << path;
  }
}

TEST(PostTest, Filters) {
  absl::StatusOr<PostFilter> none = ParsePostFilter("acme", " ");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->state.has_value());
  EXPECT_FALSE(none->author_id.has_value());

  absl::StatusOr<PostFilter> both = ParsePostFilter(
      "acme",
      "state = IN_REVIEW AND author = \"organizations/acme/staffMembers/e1\"");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->state, PostState::kInReview);
  EXPECT_EQ(both->author_id, "e1");

  absl::StatusOr<PostFilter> bare =
      ParsePostFilter("acme", "author=organizations/acme/staffMembers/e2");
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(bare->author_id, "e2");

  for (const char* bad :
       {"state = NOPE", "state", "color = RED",
        "state = DRAFT AND state = DRAFT",
        "author = \"organizations/other/staffMembers/e1\"",
        "author = \"nobody\"", "state = DRAFT OR state = APPROVED"}) {
    absl::StatusOr<PostFilter> parsed = ParsePostFilter("acme", bad);
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("filter")))
        << bad;
  }
}

TEST(PostTest, FeedCursorsOrderStoriesBeforePostsAtOneTime) {
  const FeedCursor story{100, FeedKind::kStory, "s1"};
  const FeedCursor post{100, FeedKind::kPost, "zz"};
  const FeedCursor older{99, FeedKind::kStory, "zz"};
  EXPECT_TRUE(story.Before(post));
  EXPECT_TRUE(post.Before(older));
  EXPECT_FALSE(older.Before(story));

  // After a story: the rest of that time's stories and all its posts.
  FeedCursor::Split split = story.SplitByKind();
  EXPECT_EQ(split.story_id, "s1");
  EXPECT_EQ(split.post_id, "~");
  // After a post: no story of that time, the rest of its posts.
  split = post.SplitByKind();
  EXPECT_EQ(split.story_id, "");
  EXPECT_EQ(split.post_id, "zz");

  absl::StatusOr<FeedCursor> back = DecodeFeedCursor(EncodeFeedCursor(post));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->create_time_us, 100);
  EXPECT_EQ(back->kind, FeedKind::kPost);
  EXPECT_EQ(back->id, "zz");
  for (const char* bad : {"", "1/2/x", "1/x", "a/0/x", "1/0/BAD"}) {
    EXPECT_FALSE(DecodeFeedCursor(bad).ok()) << bad;
  }
}

TEST(PostTest, DecisionRequestIdsAreStableShortAndDistinct) {
  const std::string name = "organizations/acme/posts/" + std::string(60, 'a');
  const std::string submit = DecisionRequestId(name, "submit", 1);
  EXPECT_EQ(submit, DecisionRequestId(name, "submit", 1));
  EXPECT_NE(submit, DecisionRequestId(name, "submit", 2));
  EXPECT_NE(submit, DecisionRequestId(name, "approve", 1));
  EXPECT_NE(submit,
            DecisionRequestId("organizations/acme/posts/b", "submit", 1));
  for (const std::string& id : {submit, DecisionRequestId(name, "approve", 7),
                                DecisionRequestId(name, "reject", 123456789)}) {
    EXPECT_TRUE(CheckRequestId(id).ok()) << id;
  }
}

}  // namespace
}  // namespace candor::advocacy
