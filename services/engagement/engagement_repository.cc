#include "services/engagement/engagement_repository.h"

#include <cppconn/resultset.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "db/sql_text.h"
#include "db/statement.h"
#include "services/common/status_macros.h"

namespace candor::engagement {
namespace {

// The column list every share read selects, in RowToShare's order.
#define CANDOR_SHARE_COLUMNS                                                 \
  "organization_id, share_id, post_id, author_id, network, published_text, " \
  "external_url, link_url, state, compliance_explanation, tracking_code, "   \
  "story_id, value_ids, create_time_us"

constexpr absl::string_view kInsertShare =
    "INSERT INTO shares (" CANDOR_SHARE_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kSelectShare =
    "SELECT " CANDOR_SHARE_COLUMNS
    " FROM shares WHERE organization_id = ? AND share_id = ?";
// Newest first: (create_time_us, share_id) below the cursor. Each optional
// filter is `(? OR column = ?)` with TRUE bound when it is not given.
constexpr absl::string_view kListShares =
    "SELECT " CANDOR_SHARE_COLUMNS
    " FROM shares WHERE organization_id = ?"
    " AND (? OR state = ?) AND (? OR author_id = ?) AND (? OR post_id = ?)"
    " AND (create_time_us < ? OR (create_time_us = ? AND share_id < ?))"
    " ORDER BY create_time_us DESC, share_id DESC LIMIT ?";

#undef CANDOR_SHARE_COLUMNS

// Share pacing: the author's newest shares on one network, locked (with the
// gap before them, on shares_by_author) so that two concurrent shares of
// one author serialize and cannot both pass the limit.
constexpr absl::string_view kRecentSharesForUpdate =
    "SELECT create_time_us FROM shares WHERE organization_id = ? AND "
    "author_id = ? AND network = ? AND create_time_us > ? "
    "ORDER BY create_time_us DESC LIMIT ? FOR UPDATE";

// Share resolution in batches of kResolveBatch keys; a short batch repeats
// its last key (harmless in IN).
constexpr int kResolveBatch = 50;
#define CANDOR_Q10 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
#define CANDOR_Q50 \
  CANDOR_Q10 ", " CANDOR_Q10 ", " CANDOR_Q10 ", " CANDOR_Q10 ", " CANDOR_Q10
constexpr absl::string_view kResolveShareIds =
    "SELECT share_id, author_id, tracking_code FROM shares "
    "WHERE organization_id = ? AND share_id IN (" CANDOR_Q50 ")";
constexpr absl::string_view kResolveTrackingCodes =
    "SELECT share_id, author_id, tracking_code FROM shares "
    "WHERE organization_id = ? AND tracking_code IN (" CANDOR_Q50 ")";
#undef CANDOR_Q50
#undef CANDOR_Q10

// Events are inserted with multi-row INSERT IGNORE statements (a repeated
// event_id is ignored: affected rows count only new events). A chunk has
// one of kEventChunkSizes rows: full chunks of the first, the rest as a
// sum of distinct powers of two. The statement texts are built once from
// the constant fragments below (placeholders only, never data).
constexpr absl::string_view kInsertEventsPrefix =
    "INSERT IGNORE INTO engagement_events (organization_id, event_id, "
    "share_id, kind, count, occurred_time_us, recorded_time_us) VALUES ";
constexpr absl::string_view kInsertEventsRow = "(?, ?, ?, ?, ?, ?, ?)";
constexpr std::array<int, 10> kEventChunkSizes = {500, 256, 128, 64, 32,
                                                  16,  8,   4,   2,  1};

// The INSERT statement for kEventChunkSizes[i] rows. Static storage: the
// connection's statement cache keys on the text's address.
absl::string_view InsertEventsStatement(size_t i) {
  static const std::array<std::string,
                          kEventChunkSizes.size()>* const kStatements = [] {
    auto* statements = new std::array<std::string, kEventChunkSizes.size()>();
    for (size_t s = 0; s < kEventChunkSizes.size(); ++s) {
      (*statements)[s] =
          absl::StrCat(kInsertEventsPrefix,
                       db::RepeatedRows(kInsertEventsRow, kEventChunkSizes[s]));
    }
    return statements;
  }();
  return (*kStatements)[i];
}

// Metrics subject filters: `(? = '' OR column = ?)`, bound twice with the
// id ('' does not filter). Value ids are stored comma-separated.
#define CANDOR_SUBJECT_FILTER                                      \
  " AND (? = '' OR s.post_id = ?) AND (? = '' OR s.author_id = ?)" \
  " AND (? = '' OR s.story_id = ?)"                                \
  " AND (? = '' OR FIND_IN_SET(?, s.value_ids) > 0)"

constexpr absl::string_view kCountShares =
    "SELECT COUNT(*), COALESCE(SUM(s.state = 2), 0) FROM shares s "
    "WHERE s.organization_id = ? AND s.create_time_us >= ? AND "
    "s.create_time_us < ?" CANDOR_SUBJECT_FILTER;
constexpr absl::string_view kSumEvents =
    "SELECT e.kind, SUM(e.count) FROM engagement_events e JOIN shares s "
    "ON s.organization_id = e.organization_id AND s.share_id = e.share_id "
    "WHERE e.organization_id = ? AND e.occurred_time_us >= ? AND "
    "e.occurred_time_us < ?" CANDOR_SUBJECT_FILTER " GROUP BY e.kind";

#undef CANDOR_SUBJECT_FILTER

constexpr absl::string_view kUpsertParticipation =
    "INSERT INTO leaderboard_participation (organization_id, "
    "staff_member_id, participate, update_time_us) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE participate = VALUES(participate), "
    "update_time_us = VALUES(update_time_us)";
constexpr absl::string_view kSelectParticipation =
    "SELECT participate, update_time_us FROM leaderboard_participation "
    "WHERE organization_id = ? AND staff_member_id = ?";
constexpr absl::string_view kDeleteParticipation =
    "DELETE FROM leaderboard_participation WHERE organization_id = ? AND "
    "staff_member_id = ?";
constexpr absl::string_view kEraseSharesOfAuthor =
    "UPDATE shares SET published_text = ?, external_url = '' "
    "WHERE organization_id = ? AND author_id = ? "
    "AND (published_text <> ? OR external_url <> '')";
constexpr absl::string_view kParticipants =
    "SELECT staff_member_id FROM leaderboard_participation "
    "WHERE organization_id = ? AND participate";
constexpr absl::string_view kCompliantSharesByParticipant =
    "SELECT s.author_id, COUNT(*) FROM shares s "
    "JOIN leaderboard_participation p ON p.organization_id = "
    "s.organization_id AND p.staff_member_id = s.author_id AND p.participate "
    "WHERE s.organization_id = ? AND s.state = 1 AND s.create_time_us >= ? "
    "AND s.create_time_us < ? GROUP BY s.author_id";
// Only clicks (1) and reshares (4) score.
constexpr absl::string_view kScoredEventsByParticipant =
    "SELECT s.author_id, e.kind, SUM(e.count) FROM engagement_events e "
    "JOIN shares s ON s.organization_id = e.organization_id AND "
    "s.share_id = e.share_id "
    "JOIN leaderboard_participation p ON p.organization_id = "
    "s.organization_id AND p.staff_member_id = s.author_id AND p.participate "
    "WHERE e.organization_id = ? AND s.state = 1 AND e.kind IN (1, 4) AND "
    "e.occurred_time_us >= ? AND e.occurred_time_us < ? "
    "GROUP BY s.author_id, e.kind";

ShareRecord RowToShare(sql::ResultSet& row) {
  ShareRecord r;
  r.organization_id = row.getString(1);
  r.share_id = row.getString(2);
  r.post_id = row.getString(3);
  r.author_id = row.getString(4);
  r.network = row.getInt(5);
  r.published_text = row.getString(6);
  r.external_url = row.getString(7);
  r.link_url = row.getString(8);
  r.state = static_cast<ShareState>(row.getInt(9));
  r.compliance_explanation = row.getString(10);
  r.tracking_code = row.getString(11);
  r.story_id = row.getString(12);
  r.value_ids = row.getString(13);
  r.create_time_us = row.getInt64(14);
  return r;
}

// Binds the time range and CANDOR_SUBJECT_FILTER's parameters, from 1.
sql::PreparedStatement& BindRangeAndSubject(sql::PreparedStatement& s,
                                            absl::string_view org,
                                            int64_t start_us, int64_t end_us,
                                            const MetricsSubject& subject) {
  return db::Bind(s, org, start_us, end_us, subject.post_id, subject.post_id,
                  subject.author_id, subject.author_id, subject.story_id,
                  subject.story_id, subject.value_id, subject.value_id);
}

using OwnerMap =
    absl::flat_hash_map<std::string, EngagementRepository::ShareOwner>;

// Resolves `keys` with `sql` (kResolveShareIds or kResolveTrackingCodes),
// keying the result by share id (`by_code` false) or tracking code.
absl::StatusOr<OwnerMap> Resolve(db::Pool& pool, absl::string_view sql,
                                 absl::string_view org,
                                 const std::vector<std::string>& keys,
                                 bool by_code) {
  OwnerMap out;
  if (keys.empty()) return out;
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool.Borrow());
  return db::Run(
      "resolve shares", connection,
      [&](db::Connection& c) -> absl::StatusOr<OwnerMap> {
        auto& select = c.Prepare(sql);
        for (size_t start = 0; start < keys.size(); start += kResolveBatch) {
          int p = db::BindAt(select, 1, org);
          for (int i = 0; i < kResolveBatch; ++i) {
            const size_t k = std::min(start + i, keys.size() - 1);
            p = db::BindAt(select, p, keys[k]);
          }
          std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
          while (rows->next()) {
            EngagementRepository::ShareOwner owner{rows->getString(1),
                                                   rows->getString(2)};
            std::string key =
                by_code ? std::string(rows->getString(3)) : owner.share_id;
            out.emplace(std::move(key), std::move(owner));
          }
        }
        return out;
      });
}

}  // namespace

int BindShareRow(sql::PreparedStatement& statement, int first,
                 const ShareRecord& s) {
  return db::BindAt(statement, first, s.organization_id, s.share_id, s.post_id,
                    s.author_id, s.network, s.published_text, s.external_url,
                    s.link_url, s.state, s.compliance_explanation,
                    s.tracking_code, s.story_id, s.value_ids, s.create_time_us);
}

absl::Status EngagementRepository::InsertShare(db::Transaction& tx,
                                               const ShareRecord& s) {
  return db::Run("insert share", tx, [&](db::Connection& c) {
    auto& insert = c.Prepare(kInsertShare);
    BindShareRow(insert, 1, s);
    return db::ExecuteUnique(insert, [](const sql::SQLException&) {
      return absl::AlreadyExistsError("share id or tracking code is taken");
    });
  });
}

absl::StatusOr<std::vector<int64_t>>
EngagementRepository::RecentSharesForUpdate(db::Transaction& tx,
                                            absl::string_view org,
                                            absl::string_view author_id,
                                            int network, int64_t since_us,
                                            int limit) {
  return db::QueryAll(tx, "count recent shares", kRecentSharesForUpdate,
                      db::FirstInt64, org, author_id, network, since_us, limit);
}

absl::StatusOr<ShareRecord> EngagementRepository::FindShare(
    absl::string_view org, absl::string_view share_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "get share", connection,
      [&](db::Connection& c) -> absl::StatusOr<ShareRecord> {
        return db::ReadOneOr(
            db::Bind(c.Prepare(kSelectShare), org, share_id), RowToShare, [&] {
              return absl::NotFoundError(absl::StrCat(
                  "organizations/", org, "/shares/", share_id, " not found"));
            });
      });
}

absl::StatusOr<std::vector<ShareRecord>> EngagementRepository::ListShares(
    absl::string_view org, const ShareFilter& filter,
    const std::optional<TimeCursor>& before, int limit) {
  const int64_t time =
      before ? before->time_us : std::numeric_limits<int64_t>::max();
  return db::QueryAll(*pool_, "list shares", kListShares, RowToShare, org,
                      !filter.state.has_value(),
                      filter.state ? static_cast<int>(*filter.state) : 0,
                      !filter.author_id.has_value(),
                      filter.author_id.value_or(""),
                      !filter.post_id.has_value(), filter.post_id.value_or(""),
                      time, time, before ? before->id : "", limit);
}

absl::StatusOr<OwnerMap> EngagementRepository::ResolveShareIds(
    absl::string_view org, const std::vector<std::string>& share_ids) {
  return Resolve(*pool_, kResolveShareIds, org, share_ids, /*by_code=*/false);
}

absl::StatusOr<OwnerMap> EngagementRepository::ResolveTrackingCodes(
    absl::string_view org, const std::vector<std::string>& codes) {
  return Resolve(*pool_, kResolveTrackingCodes, org, codes, /*by_code=*/true);
}

absl::StatusOr<int64_t> EngagementRepository::InsertEvents(
    db::Transaction& tx, absl::string_view org,
    const std::vector<EventRecord>& events, int64_t recorded_time_us) {
  return db::Run(
      "insert engagement events", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        int64_t inserted = 0;
        size_t next = 0;
        for (size_t size_index = 0; size_index < kEventChunkSizes.size();
             ++size_index) {
          const size_t rows = kEventChunkSizes[size_index];
          while (events.size() - next >= rows) {
            auto& insert = c.Prepare(InsertEventsStatement(size_index));
            int p = 1;
            for (size_t r = 0; r < rows; ++r) {
              const EventRecord& e = events[next + r];
              p = db::BindAt(insert, p, org, e.event_id, e.share_id, e.kind,
                             e.count, e.occurred_time_us, recorded_time_us);
            }
            inserted += insert.executeUpdate();
            next += rows;
            // Only the first (full) size repeats; the rest is a sum
            // of distinct powers of two.
            if (size_index > 0) break;
          }
        }
        return inserted;
      });
}

absl::StatusOr<MetricsTotals> EngagementRepository::Metrics(
    absl::string_view org, const MetricsSubject& subject, int64_t start_us,
    int64_t end_us) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("engagement metrics", connection,
                 [&](db::Connection& c) -> absl::StatusOr<MetricsTotals> {
                   MetricsTotals totals;
                   std::unique_ptr<sql::ResultSet> row(
                       BindRangeAndSubject(c.Prepare(kCountShares), org,
                                           start_us, end_us, subject)
                           .executeQuery());
                   if (row->next()) {
                     totals.shares = row->getInt64(1);
                     totals.noncompliant_shares = row->getInt64(2);
                   }
                   std::unique_ptr<sql::ResultSet> rows(
                       BindRangeAndSubject(c.Prepare(kSumEvents), org, start_us,
                                           end_us, subject)
                           .executeQuery());
                   while (rows->next()) {
                     totals.AddEvents(rows->getInt(1), rows->getInt64(2));
                   }
                   return totals;
                 });
}

absl::Status EngagementRepository::SetParticipation(
    absl::string_view org, absl::string_view staff_member_id, bool participate,
    int64_t time_us) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("set leaderboard participation", connection,
                 [&](db::Connection& c) {
                   db::Bind(c.Prepare(kUpsertParticipation), org,
                            staff_member_id, participate, time_us)
                       .executeUpdate();
                   return absl::OkStatus();
                 });
}

absl::StatusOr<std::vector<LeaderboardRow>>
EngagementRepository::LeaderboardRows(absl::string_view org, int64_t start_us,
                                      int64_t end_us) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "leaderboard", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<LeaderboardRow>> {
        std::vector<LeaderboardRow> out;
        absl::flat_hash_map<std::string, size_t> index;
        std::unique_ptr<sql::ResultSet> rows(
            db::Bind(c.Prepare(kParticipants), org).executeQuery());
        while (rows->next()) {
          LeaderboardRow row;
          row.staff_member_id = rows->getString(1);
          index.emplace(row.staff_member_id, out.size());
          out.push_back(std::move(row));
        }
        rows.reset(db::Bind(c.Prepare(kCompliantSharesByParticipant), org,
                            start_us, end_us)
                       .executeQuery());
        while (rows->next()) {
          auto it = index.find(std::string(rows->getString(1)));
          if (it != index.end()) {
            out[it->second].compliant_shares = rows->getInt64(2);
          }
        }
        rows.reset(db::Bind(c.Prepare(kScoredEventsByParticipant), org,
                            start_us, end_us)
                       .executeQuery());
        while (rows->next()) {
          auto it = index.find(std::string(rows->getString(1)));
          if (it == index.end()) continue;
          const int kind = rows->getInt(2);
          const int64_t sum = rows->getInt64(3);
          if (kind == static_cast<int>(EventKind::kClick)) {
            out[it->second].clicks = sum;
          } else if (kind == static_cast<int>(EventKind::kReshare)) {
            out[it->second].reshares = sum;
          }
        }
        return out;
      });
}

absl::StatusOr<int64_t> EngagementRepository::EraseSharesOfAuthor(
    db::Transaction& tx, absl::string_view org, absl::string_view author_id,
    absl::string_view erased_text) {
  return db::Run(
      "erase shares of an author", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return int64_t{db::Bind(c.Prepare(kEraseSharesOfAuthor), erased_text,
                                org, author_id, erased_text)
                           .executeUpdate()};
      });
}

absl::StatusOr<std::optional<std::pair<bool, int64_t>>>
EngagementRepository::FindParticipation(absl::string_view org,
                                        absl::string_view staff_member_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "get participation", connection,
      [&](db::Connection& c)
          -> absl::StatusOr<std::optional<std::pair<bool, int64_t>>> {
        return db::ReadOne(
            db::Bind(c.Prepare(kSelectParticipation), org, staff_member_id),
            [](sql::ResultSet& row) {
              return std::make_pair(static_cast<bool>(row.getBoolean(1)),
                                    static_cast<int64_t>(row.getInt64(2)));
            });
      });
}

absl::StatusOr<int64_t> EngagementRepository::DeleteParticipation(
    db::Transaction& tx, absl::string_view org,
    absl::string_view staff_member_id) {
  return db::Run("delete participation", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return int64_t{db::Bind(c.Prepare(kDeleteParticipation), org,
                                           staff_member_id)
                                      .executeUpdate()};
                 });
}

}  // namespace candor::engagement
