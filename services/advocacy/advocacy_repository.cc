#include "services/advocacy/advocacy_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace candor::advocacy {
namespace {

// The column list every story read selects, in RowToStory's order.
#define CANDOR_STORY_COLUMNS                                             \
  "s.organization_id, s.story_id, s.title, s.summary, s.url, "           \
  "s.talking_points, s.value_ids, s.audience_departments, s.state, "     \
  "s.expire_time_us, s.creator_id, s.create_time_us, s.update_time_us, " \
  "s.version, s.incentivized"

// Newest first: (create_time_us, story_id) descending, after a cursor.
#define CANDOR_STORY_PAGE                                                    \
  " AND (s.create_time_us < ? OR (s.create_time_us = ? AND s.story_id < ?))" \
  " ORDER BY s.create_time_us DESC, s.story_id DESC LIMIT ?"

constexpr absl::string_view kInsertStory =
    "INSERT INTO stories (organization_id, story_id, title, summary, url, "
    "talking_points, value_ids, audience_departments, audience_count, state, "
    "expire_time_us, creator_id, create_time_us, update_time_us, version, "
    "incentivized) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kUpdateStory =
    "UPDATE stories SET title = ?, summary = ?, url = ?, talking_points = ?, "
    "value_ids = ?, audience_departments = ?, audience_count = ?, state = ?, "
    "expire_time_us = ?, update_time_us = ?, version = ?, incentivized = ? "
    "WHERE organization_id = ? AND story_id = ?";
constexpr absl::string_view kSelectStory =
    "SELECT " CANDOR_STORY_COLUMNS
    " FROM stories s WHERE s.organization_id = ? AND s.story_id = ?";
constexpr absl::string_view kSelectStoryForUpdate =
    "SELECT " CANDOR_STORY_COLUMNS
    " FROM stories s WHERE s.organization_id = ? AND s.story_id = ? FOR UPDATE";
// `? IS NULL` switches the state filter off: one named statement for both.
constexpr absl::string_view kListStories =
    "SELECT " CANDOR_STORY_COLUMNS
    " FROM stories s WHERE s.organization_id = ?"
    " AND (? IS NULL OR s.state = ?)" CANDOR_STORY_PAGE;
// VisibleToEmployee in SQL: active, unexpired, for everyone or the
// department.
constexpr absl::string_view kListVisibleStories =
    "SELECT " CANDOR_STORY_COLUMNS
    " FROM stories s WHERE s.organization_id = ? AND s.state = 1"
    " AND (s.expire_time_us = 0 OR s.expire_time_us > ?)"
    " AND (s.audience_count = 0 OR EXISTS (SELECT 1 FROM story_audiences a"
    " WHERE a.organization_id = s.organization_id AND a.story_id = s.story_id"
    " AND a.department_key = ?))" CANDOR_STORY_PAGE;
constexpr absl::string_view kInsertAudience =
    "INSERT INTO story_audiences (organization_id, story_id, department_key) "
    "VALUES (?, ?, ?)";
constexpr absl::string_view kDeleteAudience =
    "DELETE FROM story_audiences WHERE organization_id = ? AND story_id = ?";

#undef CANDOR_STORY_PAGE
#undef CANDOR_STORY_COLUMNS

StoryRecord RowToStory(sql::ResultSet& row) {
  StoryRecord r;
  r.organization_id = row.getString(1);
  r.story_id = row.getString(2);
  r.title = row.getString(3);
  r.summary = row.getString(4);
  r.url = row.getString(5);
  r.talking_points = DecodeStringList(std::string(row.getString(6)));
  r.value_ids = DecodeStringList(std::string(row.getString(7)));
  r.audience_departments = DecodeStringList(std::string(row.getString(8)));
  r.state = static_cast<StoryState>(row.getInt(9));
  r.expire_time_us = row.getInt64(10);
  r.creator_id = row.getString(11);
  r.create_time_us = row.getInt64(12);
  r.update_time_us = row.getInt64(13);
  r.version = row.getInt64(14);
  r.incentivized = row.getBoolean(15);
  return r;
}

std::vector<StoryRecord> ReadAll(sql::ResultSet& rows) {
  std::vector<StoryRecord> result;
  while (rows.next()) result.push_back(RowToStory(rows));
  return result;
}

absl::Status NotFound(absl::string_view org, absl::string_view id) {
  return absl::NotFoundError(
      absl::StrCat("organizations/", org, "/stories/", id, " not found"));
}

// One row per distinct DepartmentKey (the audience is already normalized;
// the set guards the primary key anyway).
void InsertAudience(db::Connection& c, const StoryRecord& r) {
  std::set<std::string> keys;
  for (const std::string& department : r.audience_departments) {
    keys.insert(DepartmentKey(department));
  }
  for (const std::string& key : keys) {
    auto& insert = c.Prepare(kInsertAudience);
    insert.setString(1, r.organization_id);
    insert.setString(2, r.story_id);
    insert.setString(3, key);
    insert.executeUpdate();
  }
}

void BindPage(sql::PreparedStatement& s, int index, const TimeCursor& after,
              int limit) {
  s.setInt64(index, after.time_us);
  s.setInt64(index + 1, after.time_us);
  s.setString(index + 2, after.id);
  s.setInt(index + 3, limit);
}

}  // namespace

absl::Status AdvocacyRepository::InsertStory(db::Transaction& tx,
                                             const StoryRecord& r) {
  return db::Run("insert story", tx, [&](db::Connection& c) {
    try {
      auto& insert = c.Prepare(kInsertStory);
      insert.setString(1, r.organization_id);
      insert.setString(2, r.story_id);
      insert.setString(3, r.title);
      insert.setString(4, r.summary);
      insert.setString(5, r.url);
      insert.setString(6, EncodeStringList(r.talking_points));
      insert.setString(7, EncodeStringList(r.value_ids));
      insert.setString(8, EncodeStringList(r.audience_departments));
      insert.setInt(9, static_cast<int>(r.audience_departments.size()));
      insert.setInt(10, static_cast<int>(r.state));
      insert.setInt64(11, r.expire_time_us);
      insert.setString(12, r.creator_id);
      insert.setInt64(13, r.create_time_us);
      insert.setInt64(14, r.update_time_us);
      insert.setInt64(15, r.version);
      insert.setBoolean(16, r.incentivized);
      insert.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1062) throw;
      return absl::AlreadyExistsError(
          absl::StrCat("story_id: organizations/", r.organization_id,
                       "/stories/", r.story_id, " already exists"));
    }
    InsertAudience(c, r);
    return absl::OkStatus();
  });
}

absl::StatusOr<StoryRecord> AdvocacyRepository::FindStory(
    absl::string_view org, absl::string_view id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get story", connection,
                 [&](db::Connection& c) -> absl::StatusOr<StoryRecord> {
                   auto& select = c.Prepare(kSelectStory);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) return NotFound(org, id);
                   return RowToStory(*row);
                 });
}

absl::StatusOr<StoryRecord> AdvocacyRepository::FindStory(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("get story", tx,
                 [&](db::Connection& c) -> absl::StatusOr<StoryRecord> {
                   auto& select = c.Prepare(kSelectStory);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) return NotFound(org, id);
                   return RowToStory(*row);
                 });
}

absl::StatusOr<StoryRecord> AdvocacyRepository::FindStoryForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("lock story", tx,
                 [&](db::Connection& c) -> absl::StatusOr<StoryRecord> {
                   auto& select = c.Prepare(kSelectStoryForUpdate);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(id));
                   std::unique_ptr<sql::ResultSet> row(select.executeQuery());
                   if (!row->next()) return NotFound(org, id);
                   return RowToStory(*row);
                 });
}

absl::Status AdvocacyRepository::UpdateStory(db::Transaction& tx,
                                             const StoryRecord& r,
                                             bool audience_changed) {
  return db::Run("update story", tx, [&](db::Connection& c) {
    auto& update = c.Prepare(kUpdateStory);
    update.setString(1, r.title);
    update.setString(2, r.summary);
    update.setString(3, r.url);
    update.setString(4, EncodeStringList(r.talking_points));
    update.setString(5, EncodeStringList(r.value_ids));
    update.setString(6, EncodeStringList(r.audience_departments));
    update.setInt(7, static_cast<int>(r.audience_departments.size()));
    update.setInt(8, static_cast<int>(r.state));
    update.setInt64(9, r.expire_time_us);
    update.setInt64(10, r.update_time_us);
    update.setInt64(11, r.version);
    update.setBoolean(12, r.incentivized);
    update.setString(13, r.organization_id);
    update.setString(14, r.story_id);
    update.executeUpdate();
    if (!audience_changed) return absl::OkStatus();
    auto& remove = c.Prepare(kDeleteAudience);
    remove.setString(1, r.organization_id);
    remove.setString(2, r.story_id);
    remove.executeUpdate();
    InsertAudience(c, r);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<StoryRecord>> AdvocacyRepository::ListStories(
    absl::string_view org, std::optional<StoryState> state,
    const TimeCursor& after, int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list stories", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<StoryRecord>> {
        auto& select = c.Prepare(kListStories);
        select.setString(1, std::string(org));
        if (state.has_value()) {
          select.setInt(2, static_cast<int>(*state));
          select.setInt(3, static_cast<int>(*state));
        } else {
          select.setNull(2, sql::DataType::INTEGER);
          select.setNull(3, sql::DataType::INTEGER);
        }
        BindPage(select, 4, after, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

absl::StatusOr<std::vector<StoryRecord>> AdvocacyRepository::ListVisibleStories(
    absl::string_view org, absl::string_view department_key, int64_t now_us,
    const TimeCursor& after, int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list visible stories", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<StoryRecord>> {
        auto& select = c.Prepare(kListVisibleStories);
        select.setString(1, std::string(org));
        select.setInt64(2, now_us);
        select.setString(3, std::string(department_key));
        BindPage(select, 4, after, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        return ReadAll(*rows);
      });
}

namespace {

constexpr absl::string_view kBumpAdvocacyEventHead =
    "INSERT INTO advocacy_event_heads (organization_id, last_sequence) "
    "VALUES (?, 1) ON DUPLICATE KEY UPDATE last_sequence = last_sequence + 1";
constexpr absl::string_view kSelectAdvocacyEventHead =
    "SELECT last_sequence FROM advocacy_event_heads WHERE organization_id = ?";
constexpr absl::string_view kInsertAdvocacyEvent =
    "INSERT INTO advocacy_events (organization_id, sequence, time_us, kind, "
    "subject, recipient_id, details) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kListAdvocacyEvents =
    "SELECT organization_id, sequence, time_us, kind, subject, recipient_id, "
    "details FROM advocacy_events WHERE organization_id = ? AND sequence > ? "
    "ORDER BY sequence ASC LIMIT ?";

}  // namespace

absl::Status AdvocacyRepository::AppendAdvocacyEvent(
    db::Transaction& tx, AdvocacyEventRecord* event) {
  return db::Run("append advocacy event", tx, [&](db::Connection& c) {
    auto& bump = c.Prepare(kBumpAdvocacyEventHead);
    bump.setString(1, event->organization_id);
    bump.executeUpdate();
    auto& head = c.Prepare(kSelectAdvocacyEventHead);
    head.setString(1, event->organization_id);
    std::unique_ptr<sql::ResultSet> row(head.executeQuery());
    if (!row->next()) {
      return absl::InternalError("advocacy event head missing after creation");
    }
    event->sequence = row->getInt64(1);
    auto& insert = c.Prepare(kInsertAdvocacyEvent);
    insert.setString(1, event->organization_id);
    insert.setInt64(2, event->sequence);
    insert.setInt64(3, event->time_us);
    insert.setString(4, event->kind);
    insert.setString(5, event->subject);
    insert.setString(6, event->recipient_id);
    insert.setString(7, event->details);
    insert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AdvocacyEventRecord>>
AdvocacyRepository::ListAdvocacyEvents(absl::string_view org, int64_t after,
                                       int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("list advocacy events", connection,
                 [&](db::Connection& c)
                     -> absl::StatusOr<std::vector<AdvocacyEventRecord>> {
                   auto& select = c.Prepare(kListAdvocacyEvents);
                   select.setString(1, std::string(org));
                   select.setInt64(2, after);
                   select.setInt(3, limit);
                   std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
                   std::vector<AdvocacyEventRecord> events;
                   while (rows->next()) {
                     AdvocacyEventRecord e;
                     e.organization_id = rows->getString(1);
                     e.sequence = rows->getInt64(2);
                     e.time_us = rows->getInt64(3);
                     e.kind = rows->getString(4);
                     e.subject = rows->getString(5);
                     e.recipient_id = rows->getString(6);
                     e.details = rows->getString(7);
                     events.push_back(std::move(e));
                   }
                   return events;
                 });
}

}  // namespace candor::advocacy
