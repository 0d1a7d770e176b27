#include "services/advocacy/post_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <istream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/advocacy/story.h"
#include "services/common/status_macros.h"

namespace candor::advocacy {
namespace {

// The column list every post read selects, in RowToPost's order.
#define CANDOR_POST_COLUMNS                                                   \
  "p.organization_id, p.post_id, p.author_id, p.story_id, p.network, "        \
  "p.text, p.link_url, p.value_ids, p.state, p.revision, p.latest_decision, " \
  "p.create_time_us, p.update_time_us, p.version"

// Newest first: (create_time_us, post_id) descending, after a cursor.
#define CANDOR_POST_PAGE                                                    \
  " AND (p.create_time_us < ? OR (p.create_time_us = ? AND p.post_id < ?))" \
  " ORDER BY p.create_time_us DESC, p.post_id DESC LIMIT ?"

constexpr absl::string_view kInsertPost =
    "INSERT INTO posts (organization_id, post_id, author_id, story_id, "
    "network, text, link_url, value_ids, state, revision, latest_decision, "
    "create_time_us, update_time_us, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertRevision =
    "INSERT INTO post_revisions (organization_id, post_id, revision, "
    "story_id, network, text, link_url, value_ids, create_time_us) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kUpdatePost =
    "UPDATE posts SET story_id = ?, network = ?, text = ?, link_url = ?, "
    "value_ids = ?, state = ?, revision = ?, latest_decision = ?, "
    "update_time_us = ?, version = ? "
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
    " ORDER BY p.create_time_us DESC, p.post_id DESC";
constexpr absl::string_view kSelectPostsOfAuthorForUpdate =
    "SELECT " CANDOR_POST_COLUMNS
    " FROM posts p WHERE p.organization_id = ? AND p.author_id = ?"
    " ORDER BY p.post_id FOR UPDATE";
constexpr absl::string_view kSelectRevisionsOfAuthor =
    "SELECT r.post_id, r.revision, r.text, r.link_url, r.create_time_us"
    " FROM post_revisions r JOIN posts p"
    " ON p.organization_id = r.organization_id AND p.post_id = r.post_id"
    " WHERE p.organization_id = ? AND p.author_id = ?"
    " ORDER BY r.post_id, r.revision";
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
  if (!row.isNull(11)) {
    std::unique_ptr<std::istream> blob(row.getBlob(11));
    std::ostringstream bytes;
    bytes << blob->rdbuf();
    r.latest_decision = bytes.str();
  }
  r.create_time_us = row.getInt64(12);
  r.update_time_us = row.getInt64(13);
  r.version = row.getInt64(14);
  return r;
}

std::vector<PostRecord> ReadAll(sql::ResultSet& rows) {
  std::vector<PostRecord> result;
  while (rows.next()) result.push_back(RowToPost(rows));
  return result;
}

absl::Status NotFound(absl::string_view org, absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat("organizations/", org, "/posts/", id, " not found"));
}

void InsertRevision(db::Connection& c, const PostRecord& r) {
  auto& insert = c.Prepare(kInsertRevision);
  insert.setString(1, r.organization_id);
  insert.setString(2, r.post_id);
  insert.setInt64(3, r.revision);
  insert.setString(4, r.story_id);
  insert.setInt(5, r.network);
  insert.setString(6, r.text);
  insert.setString(7, r.link_url);
  insert.setString(8, EncodeStringList(r.value_ids));
  insert.setInt64(9, r.update_time_us);
  insert.executeUpdate();
}

// Binds the latest decision: NULL when none, else the bytes as a blob.
// `stream` must live until the statement runs.
void BindDecision(sql::PreparedStatement& s, int index, const PostRecord& r,
                  std::istringstream& stream) {
  if (r.latest_decision.empty()) {
    s.setNull(index, sql::DataType::LONGVARBINARY);
  } else {
    s.setBlob(index, &stream);
  }
}

void BindPage(sql::PreparedStatement& s, int index, int64_t before_us,
              const std::string& before_id, int limit) {
  s.setInt64(index, before_us);
  s.setInt64(index + 1, before_us);
  s.setString(index + 2, before_id);
  s.setInt(index + 3, limit);
}

}  // namespace

absl::Status PostRepository::InsertPost(db::Transaction& tx,
                                        const PostRecord& r) {
  return db::Run("insert post", tx, [&](db::Connection& c) {
    std::istringstream decision(r.latest_decision);
    auto& insert = c.Prepare(kInsertPost);
    insert.setString(1, r.organization_id);
    insert.setString(2, r.post_id);
    insert.setString(3, r.author_id);
    insert.setString(4, r.story_id);
    insert.setInt(5, r.network);
    insert.setString(6, r.text);
    insert.setString(7, r.link_url);
    insert.setString(8, EncodeStringList(r.value_ids));
    insert.setInt(9, static_cast<int>(r.state));
    insert.setInt64(10, r.revision);
    BindDecision(insert, 11, r, decision);
    insert.setInt64(12, r.create_time_us);
    insert.setInt64(13, r.update_time_us);
    insert.setInt64(14, r.version);
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
                   auto& select = c.Prepare(kSelectPost);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) return NotFound(org, id);
                   return RowToPost(*row);
                 });
}

absl::StatusOr<PostRecord> PostRepository::FindPostForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("lock post", tx,
                 [&](db::Connection& c) -> absl::StatusOr<PostRecord> {
                   auto& select = c.Prepare(kSelectPostForUpdate);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) return NotFound(org, id);
                   return RowToPost(*row);
                 });
}

absl::Status PostRepository::UpdatePost(db::Transaction& tx,
                                        const PostRecord& r,
                                        bool new_revision) {
  return db::Run("update post", tx, [&](db::Connection& c) {
    std::istringstream decision(r.latest_decision);
    auto& update = c.Prepare(kUpdatePost);
    update.setString(1, r.story_id);
    update.setInt(2, r.network);
    update.setString(3, r.text);
    update.setString(4, r.link_url);
    update.setString(5, EncodeStringList(r.value_ids));
    update.setInt(6, static_cast<int>(r.state));
    update.setInt64(7, r.revision);
    BindDecision(update, 8, r, decision);
    update.setInt64(9, r.update_time_us);
    update.setInt64(10, r.version);
    update.setString(11, r.organization_id);
    update.setString(12, r.post_id);
    update.executeUpdate();
    if (new_revision) InsertRevision(c, r);
    return absl::OkStatus();
  });
}

absl::Status PostRepository::DeletePost(db::Transaction& tx,
                                        absl::string_view org,
                                        absl::string_view id) {
  return db::Run("delete post", tx, [&](db::Connection& c) {
    for (absl::string_view statement : {kDeleteRevisions, kDeletePost}) {
      auto& remove = c.Prepare(statement);
      remove.setString(1, std::string(org));
      remove.setString(2, std::string(id));
      remove.executeUpdate();
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<PostRecord>> PostRepository::ListPosts(
    absl::string_view org, const PostFilter& filter,
    const std::optional<std::string>& viewer_id, const TimeCursor& after,
    int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list posts", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<PostRecord>> {
        auto& select = c.Prepare(kListPosts);
        select.setString(1, std::string(org));
        if (filter.state.has_value()) {
          select.setInt(2, static_cast<int>(*filter.state));
          select.setInt(3, static_cast<int>(*filter.state));
        } else {
          select.setNull(2, sql::DataType::INTEGER);
          select.setNull(3, sql::DataType::INTEGER);
        }
        if (filter.author_id.has_value()) {
          select.setString(4, *filter.author_id);
          select.setString(5, *filter.author_id);
        } else {
          select.setNull(4, sql::DataType::VARCHAR);
          select.setNull(5, sql::DataType::VARCHAR);
        }
        if (viewer_id.has_value()) {
          select.setString(6, *viewer_id);
          select.setString(7, *viewer_id);
        } else {
          select.setNull(6, sql::DataType::VARCHAR);
          select.setNull(7, sql::DataType::VARCHAR);
        }
        BindPage(select, 8, after.time_us, after.id, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

absl::StatusOr<std::vector<PostRecord>> PostRepository::ListFeedPosts(
    absl::string_view org, absl::string_view viewer_id, int64_t before_us,
    absl::string_view before_id, int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list feed posts", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<PostRecord>> {
        auto& select = c.Prepare(kListFeedPosts);
        select.setString(1, std::string(org));
        select.setString(2, std::string(viewer_id));
        BindPage(select, 3, before_us, std::string(before_id), limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

absl::StatusOr<int> PostRepository::WithdrawPendingPostsOf(
    absl::string_view org, absl::string_view author_id, int64_t now_us) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("withdraw posts of a former author", connection,
                 [&](db::Connection& c) -> absl::StatusOr<int> {
                   auto& update = c.Prepare(kWithdrawPendingPosts);
                   update.setInt64(1, now_us);
                   update.setString(2, std::string(org));
                   update.setString(3, std::string(author_id));
                   return update.executeUpdate();
                 });
}

absl::StatusOr<std::vector<PostRecord>> PostRepository::ListPostsOfAuthor(
    absl::string_view org, absl::string_view author_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list posts of an author", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<PostRecord>> {
        auto& select = c.Prepare(kSelectPostsOfAuthor);
        select.setString(1, std::string(org));
        select.setString(2, std::string(author_id));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

absl::StatusOr<std::vector<PostRevisionRecord>>
PostRepository::ListRevisionsOfAuthor(absl::string_view org,
                                      absl::string_view author_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("list revisions of an author", connection,
                 [&](db::Connection& c)
                     -> absl::StatusOr<std::vector<PostRevisionRecord>> {
                   auto& select = c.Prepare(kSelectRevisionsOfAuthor);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(author_id));
                   std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
                   std::vector<PostRevisionRecord> revisions;
                   while (rows->next()) {
                     PostRevisionRecord r;
                     r.post_id = rows->getString(1);
                     r.revision = rows->getInt64(2);
                     r.text = rows->getString(3);
                     r.link_url = rows->getString(4);
                     r.create_time_us = rows->getInt64(5);
                     revisions.push_back(std::move(r));
                   }
                   return revisions;
                 });
}

absl::StatusOr<std::vector<PostRecord>>
PostRepository::ListPostsOfAuthorForUpdate(db::Transaction& tx,
                                           absl::string_view org,
                                           absl::string_view author_id) {
  return db::Run(
      "lock posts of an author", tx,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<PostRecord>> {
        auto& select = c.Prepare(kSelectPostsOfAuthorForUpdate);
        select.setString(1, std::string(org));
        select.setString(2, std::string(author_id));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

absl::StatusOr<int64_t> PostRepository::EraseRevisionsOfAuthor(
    db::Transaction& tx, absl::string_view org, absl::string_view author_id,
    absl::string_view erased_text) {
  return db::Run("erase revisions of an author", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& update = c.Prepare(kEraseRevisionsOfAuthor);
                   update.setString(1, std::string(erased_text));
                   update.setString(2, std::string(org));
                   update.setString(3, std::string(author_id));
                   update.setString(4, std::string(erased_text));
                   return static_cast<int64_t>(update.executeUpdate());
                 });
}

}  // namespace candor::advocacy
