#include "services/advocacy/bulk_load.h"

#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <deque>
#include <sstream>

#include "db/statement.h"
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
          db::InsertRows(
              c,
              "INSERT INTO posts (organization_id, post_id, author_id, "
              "story_id, network, text, link_url, value_ids, state, revision, "
              "latest_decision, create_time_us, update_time_us, version, "
              "appeal_reason) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", n,
              [&](sql::PreparedStatement& s, int first, size_t i) {
                const PostRecord& r = posts[begin + i];
                return BindPostRow(s, first, r,
                                   blobs.emplace_back(r.latest_decision));
              });
          db::InsertRows(
              c,
              "INSERT INTO post_revisions (organization_id, post_id, "
              "revision, story_id, network, text, link_url, value_ids, "
              "create_time_us) VALUES ",
              "(?, ?, ?, ?, ?, ?, ?, ?, ?)", n,
              [&](sql::PreparedStatement& s, int first, size_t i) {
                const PostRecord& r = posts[begin + i];
                return BindRevisionRow(s, first, r, r.create_time_us);
              });
          return absl::OkStatus();
        }));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  return absl::OkStatus();
}

}  // namespace candor::advocacy
