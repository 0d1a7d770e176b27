#include "services/advocacy/post_repository.h"

#include <cppconn/resultset.h>

#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "db/statement.h"
#include "services/advocacy/story.h"
#include "services/common/status_macros.h"

namespace candor::advocacy {
namespace {

// The column list every post read selects, in RowToPost's order.
#define CANDOR_POST_COLUMNS                                                   \
  "p.organization_id, p.post_id, p.author_id, p.story_id, p.network, "        \
  "p.text, p.link_url, p.value_ids, p.state, p.revision, p.latest_decision, " \
  "p.create_time_us, p.update_time_us, p.version, p.appeal_reason"

// Newest first: (create_time_us, post_id) descending, after a cursor.
#define CANDOR_POST_PAGE                                                    \
  " AND (p.create_time_us < ? OR (p.create_time_us = ? AND p.post_id < ?))" \
  " ORDER BY p.create_time_us DESC, p.post_id DESC LIMIT ?"

constexpr absl::string_view kInsertPost =
    "INSERT INTO posts (organization_id, post_id, author_id, story_id, "
    "network, text, link_url, value_ids, state, revision, latest_decision, "
    "create_time_us, update_time_us, version, appeal_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertRevision =
    "INSERT INTO post_revisions (organization_id, post_id, revision, "
    "story_id, network, text, link_url, value_ids, create_time_us) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kUpdatePost =
    "UPDATE posts SET story_id = ?, network = ?, text = ?, link_url = ?, "
    "value_ids = ?, state = ?, revision = ?, latest_decision = ?, "
    "update_time_us = ?, version = ?, appeal_reason = ? "
    "WHERE organization_id = ? AND post_id = ?";
constexpr absl::string_view kDeletePost =
    "DELETE FROM posts WHERE organization_id = ? AND post_id = ?";
constexpr absl::string_view kDeleteRevisions =
    "DELETE FROM post_revisions WHERE organization_id = ? AND post_id = ?";
constexpr absl::string_view kSelectPost =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p WHERE p.organization_id = ? AND p.post_id = ?";
constexpr absl::string_view kSelectPostForUpdate =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p WHERE p.organization_id = ? AND p.post_id = ? FOR UPDATE";
// `? IS NULL` switches a condition off: one named statement for every
// combination of filter and viewer. The viewer condition is GetPost's
// visibility for colleagues (VisibleToColleague) in SQL.
constexpr absl::string_view kListPosts =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p WHERE p.organization_id = ?"
    " AND (? IS NULL OR p.state = ?)"
    " AND (? IS NULL OR p.author_id = ?)"
    " AND (? IS NULL OR p.author_id = ? OR p.state = 3)" CANDOR_POST_PAGE;
// The index is forced: with most posts approved, the optimizer prefers
// posts_by_time and then reads every newer draft or pending post's row to
// check its state (tens of milliseconds behind a burst of drafts), where
// posts_by_state_time starts at the newest approved post.
constexpr absl::string_view kListFeedPosts =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p FORCE INDEX (posts_by_state_time)"
    " WHERE p.organization_id = ? AND p.state = 3"
    " AND p.author_id <> ?" CANDOR_POST_PAGE;
constexpr absl::string_view kWithdrawPendingPosts =
    "UPDATE posts SET state = 5, update_time_us = ?, version = version + 1 "
    "WHERE organization_id = ? AND author_id = ? AND state IN (1, 2)";
constexpr absl::string_view kSelectPostsOfAuthor =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p WHERE p.organization_id = ? AND p.author_id = ?"
    " AND (p.create_time_us < ? OR (p.create_time_us = ? AND p.post_id < ?))"
    " ORDER BY p.create_time_us DESC, p.post_id DESC LIMIT ?";
constexpr absl::string_view kSelectPostsOfAuthorForUpdate =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p WHERE p.organization_id = ? AND p.author_id = ?"
    " ORDER BY p.post_id FOR UPDATE";
constexpr absl::string_view kSelectRevisionsOfAuthor =
    "SELECT r.post_id, r.revision, r.text, r.link_url, r.create_time_us"
    " FROM post_revisions r JOIN posts p"
    " ON p.organization_id = r.organization_id AND p.post_id = r.post_id"
    " WHERE p.organization_id = ? AND p.author_id = ?"
    " AND (r.post_id > ? OR (r.post_id = ? AND r.revision > ?))"
    " ORDER BY r.post_id, r.revision LIMIT ?";
constexpr absl::string_view kEraseRevisionsOfAuthor =
    "UPDATE post_revisions r JOIN posts p"
    " ON p.organization_id = r.organization_id AND p.post_id = r.post_id"
    " SET r.text = ?, r.link_url = ''"
    " WHERE p.organization_id = ? AND p.author_id = ?"
    " AND (r.text <> ? OR r.link_url <> '')";

#undef CANDOR_POST_PAGE
#undef CANDOR_POST_COLUMNS

PostRecord RowToPost(sql::ResultSet& row) {
  PostRecord r;
  r.organization_id = row.getString(1);
  r.post_id = row.getString(2);
  r.author_id = row.getString(3);
  r.story_id = row.getString(4);
  r.network = row.getInt(5);
  r.text = row.getString(6);
  r.link_url = row.getString(7);
  r.value_ids = DecodeStringList(std::string(row.getString(8)));
  r.state = static_cast<PostState>(row.getInt(9));
  r.revision = row.getInt64(10);
  r.latest_decision = db::ReadBlob(row, 11);  // "" for NULL
  r.create_time_us = row.getInt64(12);
  r.update_time_us = row.getInt64(13);
  r.version = row.getInt64(14);
  r.appeal_reason = row.getString(15);
  return r;
}

// The post `org`/`id` read by `select` (kSelectPost or its FOR UPDATE
// form); NOT_FOUND naming it when there is none.
absl::StatusOr<PostRecord> SelectPost(db::Connection& c,
                                      absl::string_view select,
                                      absl::string_view org,
                                      absl::string_view id) {
  return db::ReadOneOr(db::Bind(c.Prepare(select), org, id), RowToPost, [&] {
    return absl::NotFoundError(
        absl::StrCat("organizations/", org, "/posts/", id, " not found"));
  });
}

void InsertRevision(db::Connection& c, const PostRecord& r) {
  auto& insert = c.Prepare(kInsertRevision);
  BindRevisionRow(insert, 1, r, r.update_time_us);
  insert.executeUpdate();
}

// The latest decision as a parameter: NULL when none, else the bytes of
// `stream`.
std::optional<db::Blob> LatestDecision(const PostRecord& r,
                                       std::istream& stream) {
  if (r.latest_decision.empty()) return std::nullopt;
  return db::Blob{&stream};
}

// A row of kSelectRevisionsOfAuthor.
PostRevisionRecord RowToRevision(sql::ResultSet& row) {
  PostRevisionRecord r;
  r.post_id = row.getString(1);
  r.revision = row.getInt64(2);
  r.text = row.getString(3);
  r.link_url = row.getString(4);
  r.create_time_us = row.getInt64(5);
  return r;
}

}  // namespace

int BindPostRow(sql::PreparedStatement& s, int first, const PostRecord& r,
                std::istream& decision) {
  return db::BindAt(s, first, r.organization_id, r.post_id, r.author_id,
                    r.story_id, r.network, r.text, r.link_url,
                    EncodeStringList(r.value_ids), r.state, r.revision,
                    LatestDecision(r, decision), r.create_time_us,
                    r.update_time_us, r.version, r.appeal_reason);
}

int BindRevisionRow(sql::PreparedStatement& s, int first, const PostRecord& r,
                    int64_t time_us) {
  return db::BindAt(s, first, r.organization_id, r.post_id, r.revision,
                    r.story_id, r.network, r.text, r.link_url,
                    EncodeStringList(r.value_ids), time_us);
}

absl::Status PostRepository::InsertPost(db::Transaction& tx,
                                        const PostRecord& r) {
  return db::Run("insert post", tx, [&](db::Connection& c) {
    std::istringstream decision(r.latest_decision);
    auto& insert = c.Prepare(kInsertPost);
    BindPostRow(insert, 1, r, decision);
    insert.executeUpdate();
    InsertRevision(c, r);
    return absl::OkStatus();
  });
}

absl::StatusOr<PostRecord> PostRepository::FindPost(absl::string_view org,
                                                    absl::string_view id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get post", connection,
                 [&](db::Connection& c) -> absl::StatusOr<PostRecord> {
                   return SelectPost(c, kSelectPost, org, id);
                 });
}

absl::StatusOr<PostRecord> PostRepository::FindPostForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("lock post", tx,
                 [&](db::Connection& c) -> absl::StatusOr<PostRecord> {
                   return SelectPost(c, kSelectPostForUpdate, org, id);
                 });
}

absl::Status PostRepository::UpdatePost(db::Transaction& tx,
                                        const PostRecord& r,
                                        bool new_revision) {
  return db::Run("update post", tx, [&](db::Connection& c) {
    std::istringstream decision(r.latest_decision);
    db::Bind(c.Prepare(kUpdatePost), r.story_id, r.network, r.text, r.link_url,
             EncodeStringList(r.value_ids), r.state, r.revision,
             LatestDecision(r, decision), r.update_time_us, r.version,
             r.appeal_reason, r.organization_id, r.post_id)
        .executeUpdate();
    if (new_revision) InsertRevision(c, r);
    return absl::OkStatus();
  });
}

absl::Status PostRepository::DeletePost(db::Transaction& tx,
                                        absl::string_view org,
                                        absl::string_view id) {
  return db::Run("delete post", tx, [&](db::Connection& c) {
    for (absl::string_view statement : {kDeleteRevisions, kDeletePost}) {
      db::Bind(c.Prepare(statement), org, id).executeUpdate();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<PostRecord>> PostRepository::ListPosts(
    absl::string_view org, const PostFilter& filter,
    const std::optional<std::string>& viewer_id, const TimeCursor& after,
    int limit) {
  return db::QueryAll(*pool_, "list posts", kListPosts, RowToPost, org,
                      filter.state, filter.state, filter.author_id,
                      filter.author_id, viewer_id, viewer_id, after.time_us,
                      after.time_us, after.id, limit);
}

absl::StatusOr<std::vector<PostRecord>> PostRepository::ListFeedPosts(
    absl::string_view org, absl::string_view viewer_id, int64_t before_us,
    absl::string_view before_id, int limit) {
  return db::QueryAll(*pool_, "list feed posts", kListFeedPosts, RowToPost, org,
                      viewer_id, before_us, before_us, before_id, limit);
}

absl::StatusOr<int> PostRepository::WithdrawPendingPostsOf(
    absl::string_view org, absl::string_view author_id, int64_t now_us) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("withdraw posts of a former author", connection,
                 [&](db::Connection& c) -> absl::StatusOr<int> {
                   return db::Bind(c.Prepare(kWithdrawPendingPosts), now_us,
                                   org, author_id)
                       .executeUpdate();
                 });
}

absl::StatusOr<std::vector<PostRecord>> PostRepository::ListPostsOfAuthor(
    absl::string_view org, absl::string_view author_id,
    const TimeCursor& before, int limit) {
  return db::QueryAll(*pool_, "list posts of an author", kSelectPostsOfAuthor,
                      RowToPost, org, author_id, before.time_us, before.time_us,
                      before.id, limit);
}

absl::StatusOr<std::vector<PostRevisionRecord>>
PostRepository::ListRevisionsOfAuthor(absl::string_view org,
                                      absl::string_view author_id,
                                      absl::string_view after_post_id,
                                      int64_t after_revision, int limit) {
  return db::QueryAll(*pool_, "list revisions of an author",
                      kSelectRevisionsOfAuthor, RowToRevision, org, author_id,
                      after_post_id, after_post_id, after_revision, limit);
}

absl::StatusOr<std::vector<PostRecord>>
PostRepository::ListPostsOfAuthorForUpdate(db::Transaction& tx,
                                           absl::string_view org,
                                           absl::string_view author_id) {
  return db::QueryAll(tx, "lock posts of an author",
                      kSelectPostsOfAuthorForUpdate, RowToPost, org, author_id);
}

absl::StatusOr<int64_t> PostRepository::EraseRevisionsOfAuthor(
    db::Transaction& tx, absl::string_view org, absl::string_view author_id,
    absl::string_view erased_text) {
  return db::Run(
      "erase revisions of an author", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return int64_t{db::Bind(c.Prepare(kEraseRevisionsOfAuthor), erased_text,
                                org, author_id, erased_text)
                           .executeUpdate()};
      });
}

}  // namespace candor::advocacy
