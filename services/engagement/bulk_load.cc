#include "services/engagement/bulk_load.h"

#include <cppconn/prepared_statement.h>

#include <algorithm>
#include <string>

#include "absl/random/random.h"
#include "db/statement.h"
#include "db/transaction.h"
#include "services/common/ids.h"
#include "services/common/status_macros.h"
#include "services/engagement/engagement_repository.h"

namespace candor::engagement {
namespace {

constexpr size_t kChunk = 1000;
constexpr int kAttempts = 5;

absl::Status InsertChunk(db::Pool& pool, std::vector<ShareRecord>& shares,
                         size_t begin, size_t end) {
  const size_t n = end - begin;
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(pool));
  CANDOR_RETURN_IF_ERROR(
      db::Run("bulk insert shares", tx, [&](db::Connection& c) {
        db::InsertRows(
            c,
            "INSERT INTO shares (organization_id, share_id, post_id, "
            "author_id, network, published_text, external_url, link_url, "
            "state, compliance_explanation, tracking_code, story_id, "
            "value_ids, create_time_us) VALUES ",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", n,
            [&](sql::PreparedStatement& s, int first, size_t i) {
              return BindShareRow(s, first, shares[begin + i]);
            });
        return absl::OkStatus();
      }));
  return tx.Commit();
}

}  // namespace

absl::Status BulkInsertShares(db::Pool& pool,
                              std::vector<ShareRecord>& shares) {
  absl::BitGen gen;
  for (ShareRecord& s : shares) {
    if (s.share_id.empty()) s.share_id = NewResourceId();
  }
  for (size_t begin = 0; begin < shares.size(); begin += kChunk) {
    const size_t end = std::min(shares.size(), begin + kChunk);
    absl::Status status;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      for (size_t i = begin; i < end; ++i) {
        if (shares[i].tracking_code.empty() || attempt > 0) {
          shares[i].tracking_code = NewTrackingCode(gen);
        }
      }
      status = InsertChunk(pool, shares, begin, end);
      if (!absl::IsAlreadyExists(status)) break;
    }
    CANDOR_RETURN_IF_ERROR(status);
  }
  return absl::OkStatus();
}

}  // namespace candor::engagement
