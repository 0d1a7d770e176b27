#include "services/engagement/engagement_repository.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "db/sql_text.h"
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
constexpr int kEventColumns = 7;
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

absl::Status ShareNotFound(absl::string_view org, absl::string_view share_id) {
  return absl::NotFoundError(
      absl::StrCat("organizations/", org, "/shares/", share_id, " not found"));
}

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

void BindSubject(sql::PreparedStatement& s, int first,
                 const MetricsSubject& subject) {
  const std::string* fields[] = {&subject.post_id, &subject.author_id,
                                 &subject.story_id, &subject.value_id};
  int i = first;
  for (const std::string* field : fields) {
    s.setString(i++, *field);
    s.setString(i++, *field);
  }
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
          select.setString(1, std::string(org));
          for (int i = 0; i < kResolveBatch; ++i) {
            const size_t k = std::min(start + i, keys.size() - 1);
            select.setString(2 + i, keys[k]);
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

absl::Status EngagementRepository::InsertShare(db::Transaction& tx,
                                               const ShareRecord& s) {
  return db::Run("insert share", tx, [&](db::Connection& c) {
    try {
      auto& insert = c.Prepare(kInsertShare);
      insert.setString(1, s.organization_id);
      insert.setString(2, s.share_id);
      insert.setString(3, s.post_id);
      insert.setString(4, s.author_id);
      insert.setInt(5, s.network);
      insert.setString(6, s.published_text);
      insert.setString(7, s.external_url);
      insert.setString(8, s.link_url);
      insert.setInt(9, static_cast<int>(s.state));
      insert.setString(10, s.compliance_explanation);
      insert.setString(11, s.tracking_code);
      insert.setString(12, s.story_id);
      insert.setString(13, s.value_ids);
      insert.setInt64(14, s.create_time_us);
      insert.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1062) throw;
      return absl::AlreadyExistsError("share id or tracking code is taken");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<int64_t>>
EngagementRepository::RecentSharesForUpdate(db::Transaction& tx,
                                            absl::string_view org,
                                            absl::string_view author_id,
                                            int network, int64_t since_us,
                                            int limit) {
  return db::Run(
      "count recent shares", tx,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<int64_t>> {
        auto& select = c.Prepare(kRecentSharesForUpdate);
        select.setString(1, std::string(org));
        select.setString(2, std::string(author_id));
        select.setInt(3, network);
        select.setInt64(4, since_us);
        select.setInt(5, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<int64_t> out;
        while (rows->next()) out.push_back(rows->getInt64(1));
        return out;
      });
}

absl::StatusOr<ShareRecord> EngagementRepository::FindShare(
    absl::string_view org, absl::string_view share_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get share", connection,
                 [&](db::Connection& c) -> absl::StatusOr<ShareRecord> {
                   auto& select = c.Prepare(kSelectShare);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(share_id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) return ShareNotFound(org, share_id);
                   return RowToShare(*row);
                 });
}

absl::StatusOr<std::vector<ShareRecord>> EngagementRepository::ListShares(
    absl::string_view org, const ShareFilter& filter,
    const std::optional<TimeCursor>& before, int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list shares", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<ShareRecord>> {
        auto& select = c.Prepare(kListShares);
        select.setString(1, std::string(org));
        select.setBoolean(2, !filter.state.has_value());
        select.setInt(3, filter.state ? static_cast<int>(*filter.state) : 0);
        select.setBoolean(4, !filter.author_id.has_value());
        select.setString(5, filter.author_id.value_or(""));
        select.setBoolean(6, !filter.post_id.has_value());
        select.setString(7, filter.post_id.value_or(""));
        const int64_t time =
            before ? before->time_us : std::numeric_limits<int64_t>::max();
        select.setInt64(8, time);
        select.setInt64(9, time);
        select.setString(10, before ? before->id : "");
        select.setInt(11, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<ShareRecord> out;
        while (rows->next()) out.push_back(RowToShare(*rows));
        return out;
      });
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
  return db::Run("insert engagement events", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   int64_t inserted = 0;
                   size_t next = 0;
                   for (size_t size_index = 0;
                        size_index < kEventChunkSizes.size(); ++size_index) {
                     const size_t rows = kEventChunkSizes[size_index];
                     while (events.size() - next >= rows) {
                       auto& insert =
                           c.Prepare(InsertEventsStatement(size_index));
                       for (size_t r = 0; r < rows; ++r) {
                         const EventRecord& e = events[next + r];
                         const int base = static_cast<int>(r) * kEventColumns;
                         insert.setString(base + 1, std::string(org));
                         insert.setString(base + 2, e.event_id);
                         insert.setString(base + 3, e.share_id);
                         insert.setInt(base + 4, e.kind);
                         insert.setInt64(base + 5, e.count);
                         insert.setInt64(base + 6, e.occurred_time_us);
                         insert.setInt64(base + 7, recorded_time_us);
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
                   auto& count = c.Prepare(kCountShares);
                   count.setString(1, std::string(org));
                   count.setInt64(2, start_us);
                   count.setInt64(3, end_us);
                   BindSubject(count, 4, subject);
                   std::unique_ptr<sql::ResultSet> row(count.executeQuery());
                   if (row->next()) {
                     totals.shares = row->getInt64(1);
                     totals.noncompliant_shares = row->getInt64(2);
                   }
                   auto& sum = c.Prepare(kSumEvents);
                   sum.setString(1, std::string(org));
                   sum.setInt64(2, start_us);
                   sum.setInt64(3, end_us);
                   BindSubject(sum, 4, subject);
                   std::unique_ptr<sql::ResultSet> rows(sum.executeQuery());
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
                   auto& upsert = c.Prepare(kUpsertParticipation);
                   upsert.setString(1, std::string(org));
                   upsert.setString(2, std::string(staff_member_id));
                   upsert.setBoolean(3, participate);
                   upsert.setInt64(4, time_us);
                   upsert.executeUpdate();
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
        auto& participants = c.Prepare(kParticipants);
        participants.setString(1, std::string(org));
        std::unique_ptr<sql::ResultSet> rows(participants.executeQuery());
        while (rows->next()) {
          LeaderboardRow row;
          row.staff_member_id = rows->getString(1);
          index.emplace(row.staff_member_id, out.size());
          out.push_back(std::move(row));
        }
        auto& shares = c.Prepare(kCompliantSharesByParticipant);
        shares.setString(1, std::string(org));
        shares.setInt64(2, start_us);
        shares.setInt64(3, end_us);
        rows.reset(shares.executeQuery());
        while (rows->next()) {
          auto it = index.find(std::string(rows->getString(1)));
          if (it != index.end()) {
            out[it->second].compliant_shares = rows->getInt64(2);
          }
        }
        auto& events = c.Prepare(kScoredEventsByParticipant);
        events.setString(1, std::string(org));
        events.setInt64(2, start_us);
        events.setInt64(3, end_us);
        rows.reset(events.executeQuery());
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
  return db::Run("erase shares of an author", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& update = c.Prepare(kEraseSharesOfAuthor);
                   update.setString(1, std::string(erased_text));
                   update.setString(2, std::string(org));
                   update.setString(3, std::string(author_id));
                   update.setString(4, std::string(erased_text));
                   return static_cast<int64_t>(update.executeUpdate());
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
        auto& select = c.Prepare(kSelectParticipation);
        select.setString(1, std::string(org));
        select.setString(2, std::string(staff_member_id));
        std::unique_ptr<sql::ResultSet> row(select.executeQuery());
        if (!row->next()) return std::nullopt;
        return std::make_pair(static_cast<bool>(row->getBoolean(1)),
                              static_cast<int64_t>(row->getInt64(2)));
      });
}

absl::StatusOr<int64_t> EngagementRepository::DeleteParticipation(
    db::Transaction& tx, absl::string_view org,
    absl::string_view staff_member_id) {
  return db::Run("delete participation", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& remove = c.Prepare(kDeleteParticipation);
                   remove.setString(1, std::string(org));
                   remove.setString(2, std::string(staff_member_id));
                   return static_cast<int64_t>(remove.executeUpdate());
                 });
}

}  // namespace candor::engagement
