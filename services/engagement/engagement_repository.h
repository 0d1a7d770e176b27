// The only place the engagement service's SQL for shares, events, metrics
// and leaderboard participation lives (schema candor_engagement, see
// db/migrations/engagement). Takes and returns domain types from share.h.
//
// Methods that take a db::Transaction run inside the caller's transaction;
// the others borrow a connection for one call. Thread-safe: the repository
// holds no state but the pool.
#ifndef CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_REPOSITORY_H_
#define CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/common/time_cursor.h"
#include "services/engagement/share.h"

namespace sql {
class PreparedStatement;
}  // namespace sql

namespace candor::engagement {

// Binds a share's columns in the shares table's order (CANDOR_SHARE_COLUMNS,
// for the repository's insert and the bulk loader's), from parameter
// `first`; returns the index after the last.
int BindShareRow(sql::PreparedStatement& statement, int first,
                 const ShareRecord& s);

// What metrics are about; empty fields do not filter.
struct MetricsSubject {
  std::string post_id;
  std::string author_id;
  std::string story_id;
  std::string value_id;
};

class EngagementRepository {
 public:
  explicit EngagementRepository(db::Pool* pool) : pool_(pool) {}

  db::Pool& pool() { return *pool_; }

  // ALREADY_EXISTS when the share id or the tracking code is taken.
  absl::Status InsertShare(db::Transaction& tx, const ShareRecord& share);

  // The create times of the author's newest shares on `network` created
  // after `since_us`, newest first, at most `limit`; locks them (and the
  // gap before them) so concurrent shares of one author serialize.
  absl::StatusOr<std::vector<int64_t>> RecentSharesForUpdate(
      db::Transaction& tx, absl::string_view org, absl::string_view author_id,
      int network, int64_t since_us, int limit);

  // NOT_FOUND `organizations/{org}/shares/{id} not found` when absent.
  absl::StatusOr<ShareRecord> FindShare(absl::string_view org,
                                        absl::string_view share_id);

  // Up to `limit` shares older than `before` (newest first) matching
  // `filter`.
  absl::StatusOr<std::vector<ShareRecord>> ListShares(
      absl::string_view org, const ShareFilter& filter,
      const std::optional<TimeCursor>& before, int limit);

  // The author of each share found, keyed by share id (and by tracking
  // code in `by_code`); shares of other organizations and unknown ones are
  // absent.
  struct ShareOwner {
    std::string share_id;
    std::string author_id;
  };
  absl::StatusOr<absl::flat_hash_map<std::string, ShareOwner>> ResolveShareIds(
      absl::string_view org, const std::vector<std::string>& share_ids);
  absl::StatusOr<absl::flat_hash_map<std::string, ShareOwner>>
  ResolveTrackingCodes(absl::string_view org,
                       const std::vector<std::string>& codes);

  // Inserts `events` (INSERT IGNORE) and returns how many were new.
  absl::StatusOr<int64_t> InsertEvents(db::Transaction& tx,
                                       absl::string_view org,
                                       const std::vector<EventRecord>& events,
                                       int64_t recorded_time_us);

  // Shares created and events that occurred in [start_us, end_us).
  absl::StatusOr<MetricsTotals> Metrics(absl::string_view org,
                                        const MetricsSubject& subject,
                                        int64_t start_us, int64_t end_us);

  absl::Status SetParticipation(absl::string_view org,
                                absl::string_view staff_member_id,
                                bool participate, int64_t time_us);

  // Every participant with their compliant shares created, and clicks and
  // reshares on compliant shares that occurred, in [start_us, end_us).
  absl::StatusOr<std::vector<LeaderboardRow>> LeaderboardRows(
      absl::string_view org, int64_t start_us, int64_t end_us);

  // --- personal data ---

  // Replaces the published text of `author_id`'s shares with `erased_text`
  // and removes their external URLs (the address of the person's own post
  // on a network). The shares, their tracking codes and events stay, so
  // metrics keep their counts. Returns the rows changed.
  absl::StatusOr<int64_t> EraseSharesOfAuthor(db::Transaction& tx,
                                              absl::string_view org,
                                              absl::string_view author_id,
                                              absl::string_view erased_text);
  // Whether the person chose to take part in the leaderboard, and when;
  // nullopt when they never chose.
  absl::StatusOr<std::optional<std::pair<bool, int64_t>>> FindParticipation(
      absl::string_view org, absl::string_view staff_member_id);
  // Forgets the choice (the person then does not take part); returns the
  // rows removed.
  absl::StatusOr<int64_t> DeleteParticipation(
      db::Transaction& tx, absl::string_view org,
      absl::string_view staff_member_id);

 private:
  db::Pool* const pool_;
};

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_REPOSITORY_H_
