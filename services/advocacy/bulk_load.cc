#include "services/advocacy/bulk_load.h"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "db/sql_text.h"
#include "db/transaction.h"
#include "services/advocacy/post_repository.h"
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
            p = BindPostRow(*insert, p, posts[i],
                            blobs.emplace_back(posts[i].latest_decision));
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
            p = BindRevisionRow(*revisions, p, posts[i],
                                posts[i].create_time_us);
          }
          revisions->executeUpdate();
          return absl::OkStatus();
        }));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

}  // namespace candor::advocacy
