// PostRepository: the SQL of posts and their revisions (schema
// db/migrations/advocacy/V0002__create_posts.sql). Named prepared
// statements only; returns domain records (post.h). Reads without a
// transaction borrow a pooled connection; writes run in the caller's
// transaction. Thread-safe (state lives in the database and the pool).
#ifndef CANDOR_SERVICES_ADVOCACY_POST_REPOSITORY_H_
#define CANDOR_SERVICES_ADVOCACY_POST_REPOSITORY_H_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/advocacy/post.h"
#include "services/common/time_cursor.h"

namespace sql {
class PreparedStatement;
}  // namespace sql

namespace candor::advocacy {

// Bind one row's columns in the table's insert order (for the repository's
// statements and the bulk loader's multi-row ones), from parameter `first`;
// return the index after the last.
//   posts: organization_id, post_id, author_id, story_id, network, text,
//     link_url, value_ids, state, revision, latest_decision (NULL when
//     empty, else read from `decision`, which must live until the statement
//     runs), create_time_us, update_time_us, version
//   post_revisions: organization_id, post_id, revision, story_id, network,
//     text, link_url, value_ids, create_time_us (bound to `time_us`)
int BindPostRow(sql::PreparedStatement& s, int first, const PostRecord& r,
                std::istream& decision);
int BindRevisionRow(sql::PreparedStatement& s, int first, const PostRecord& r,
                    int64_t time_us);

class PostRepository {
 public:
  explicit PostRepository(db::Pool* pool) : pool_(pool) {}

  db::Pool& pool() { return *pool_; }

  // Inserts a post and its first revision.
  absl::Status InsertPost(db::Transaction& tx, const PostRecord& post);

  // NOT_FOUND when absent.
  absl::StatusOr<PostRecord> FindPost(absl::string_view org,
                                      absl::string_view id);
  // Reads and locks the row for a read-modify-write; NOT_FOUND when absent.
  absl::StatusOr<PostRecord> FindPostForUpdate(db::Transaction& tx,
                                               absl::string_view org,
                                               absl::string_view id);

  // Writes every mutable field of `post` (read with FindPostForUpdate and
  // changed by the caller, who bumps version and revision). When
  // `new_revision`, the content is also recorded as revision
  // `post.revision`.
  absl::Status UpdatePost(db::Transaction& tx, const PostRecord& post,
                          bool new_revision);

  // Deletes the post and its revisions.
  absl::Status DeletePost(db::Transaction& tx, absl::string_view org,
                          absl::string_view id);

  // Up to `limit` posts after `after` in newest-first order, narrowed by
  // `filter`. With `viewer_id` (a staff member who is neither reviewer nor
  // admin), only the viewer's own posts and APPROVED ones.
  absl::StatusOr<std::vector<PostRecord>> ListPosts(
      absl::string_view org, const PostFilter& filter,
      const std::optional<std::string>& viewer_id, const TimeCursor& after,
      int limit);

  // Up to `limit` APPROVED posts of authors other than `viewer_id` created
  // before `before_us`, or at `before_us` with a post id below
  // `before_id`, newest first: the posts of a feed.
  absl::StatusOr<std::vector<PostRecord>> ListFeedPosts(
      absl::string_view org, absl::string_view viewer_id, int64_t before_us,
      absl::string_view before_id, int limit);

  // Moves every DRAFT and IN_REVIEW post of `author_id` to WITHDRAWN (the
  // author was deactivated). Returns how many moved.
  absl::StatusOr<int> WithdrawPendingPostsOf(absl::string_view org,
                                             absl::string_view author_id,
                                             int64_t now_us);

  // For a personal-data export, up to `limit` at a time: the posts
  // `author_id` wrote, newest first, before `before`; and every stored
  // wording of them, in (post_id, revision) order after (`after_post_id`,
  // `after_revision`).
  absl::StatusOr<std::vector<PostRecord>> ListPostsOfAuthor(
      absl::string_view org, absl::string_view author_id,
      const TimeCursor& before, int limit);
  absl::StatusOr<std::vector<PostRevisionRecord>> ListRevisionsOfAuthor(
      absl::string_view org, absl::string_view author_id,
      absl::string_view after_post_id, int64_t after_revision, int limit);

  // The posts of `author_id`, locked for an erasure.
  absl::StatusOr<std::vector<PostRecord>> ListPostsOfAuthorForUpdate(
      db::Transaction& tx, absl::string_view org, absl::string_view author_id);

  // Replaces the text of every stored wording of `author_id`'s posts with
  // `erased_text` and removes their links. Returns the rows changed.
  absl::StatusOr<int64_t> EraseRevisionsOfAuthor(db::Transaction& tx,
                                                 absl::string_view org,
                                                 absl::string_view author_id,
                                                 absl::string_view erased_text);

 private:
  db::Pool* const pool_;
};

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_POST_REPOSITORY_H_
