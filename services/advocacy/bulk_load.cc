#include "services/advocacy/bulk_load.h"

#include <cppconn/connection.h>
#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "db/sql_text.h"
#include "db/transaction.h"
#include "services/advocacy/story.h"
#include "services/common/status_macros.h"

namespace candor::advocacy {
namespace {

constexpr size_t kChunk = 500;

}  // namespace

absl::Status BulkInsertPosts(db::Pool& pool,
                             const std::vector<PostRecord>& posts) {
  for (size_t begin = 0; begin < posts.size(); begin += kChunk) {
    const size_t end = std::min(posts.size(), begin + kChunk);
    const size_t n = end - begin;
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(pool));
    CANDOR_RETURN_IF_ERROR(
        db::Run("bulk insert posts", tx, [&](db::Connection& c) {
          // The columns and encodings of post_repository.cc's kInsertPost and
          // kInsertRevision.
          std::deque<std::istringstream>
              blobs;  // live until the statement runs
          std::unique_ptr<sql::PreparedStatement> insert(
              c.raw().prepareStatement(absl::StrCat(
                  "INSERT INTO posts (organization_id, post_id, author_id, "
                  "story_id, network, text, link_url, value_ids, state, "
                  "revision, latest_decision, create_time_us, "
                  "update_time_us, version) VALUES ",
                  db::RepeatedRows("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   n))));
          int p = 1;
          for (size_t i = begin; i < end; ++i) {
            const PostRecord& r = posts[i];
            insert->setString(p++, r.organization_id);
            insert->setString(p++, r.post_id);
            insert->setString(p++, r.author_id);
            insert->setString(p++, r.story_id);
            insert->setInt(p++, r.network);
            insert->setString(p++, r.text);
            insert->setString(p++, r.link_url);
            insert->setString(p++, EncodeStringList(r.value_ids));
            insert->setInt(p++, static_cast<int>(r.state));
            insert->setInt64(p++, r.revision);
            if (r.latest_decision.empty()) {
              insert->setNull(p++, sql::DataType::LONGVARBINARY);
            } else {
              insert->setBlob(p++, &blobs.emplace_back(r.latest_decision));
            }
            insert->setInt64(p++, r.create_time_us);
            insert->setInt64(p++, r.update_time_us);
            insert->setInt64(p++, r.version);
          }
          insert->executeUpdate();

          std::unique_ptr<sql::PreparedStatement> revisions(
              c.raw().prepareStatement(absl::StrCat(
                  "INSERT INTO post_revisions (organization_id, post_id, "
                  "revision, story_id, network, text, link_url, value_ids, "
                  "create_time_us) VALUES ",
                  db::RepeatedRows("(?, ?, ?, ?, ?, ?, ?, ?, ?)", n))));
          p = 1;
          for (size_t i = begin; i < end; ++i) {
            const PostRecord& r = posts[i];
            revisions->setString(p++, r.organization_id);
            revisions->setString(p++, r.post_id);
            revisions->setInt64(p++, r.revision);
            revisions->setString(p++, r.story_id);
            revisions->setInt(p++, r.network);
            revisions->setString(p++, r.text);
            revisions->setString(p++, r.link_url);
            revisions->setString(p++, EncodeStringList(r.value_ids));
            revisions->setInt64(p++, r.create_time_us);
          }
          revisions->executeUpdate();
          return absl::OkStatus();
        }));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

}  // namespace candor::advocacy
