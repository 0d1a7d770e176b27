#include "services/advocacy/advocacy_repository.h"

#include <cppconn/resultset.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "db/statement.h"
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

// The story `org`/`id` read by `select` (kSelectStory or its FOR UPDATE
// form); NOT_FOUND naming it when there is none.
absl::StatusOr<StoryRecord> SelectStory(db::Connection& c,
                                        absl::string_view select,
                                        absl::string_view org,
                                        absl::string_view id) {
  return db::ReadOneOr(db::Bind(c.Prepare(select), org, id), RowToStory, [&] {
    return absl::NotFoundError(
        absl::StrCat("organizations/", org, "/stories/", id, " not found"));
  });
}

// One row per distinct DepartmentKey (the audience is already normalized;
// the set guards the primary key anyway).
void InsertAudience(db::Connection& c, const StoryRecord& r) {
  std::set<std::string> keys;
  for (const std::string& department : r.audience_departments) {
    keys.insert(DepartmentKey(department));
  }
  for (const std::string& key : keys) {
    db::Bind(c.Prepare(kInsertAudience), r.organization_id, r.story_id, key)
        .executeUpdate();
  }
}

}  // namespace

absl::Status AdvocacyRepository::InsertStory(db::Transaction& tx,
                                             const StoryRecord& r) {
  return db::Run("insert story", tx, [&](db::Connection& c) {
    auto& insert = db::Bind(
        c.Prepare(kInsertStory), r.organization_id, r.story_id, r.title,
        r.summary, r.url, EncodeStringList(r.talking_points),
        EncodeStringList(r.value_ids), EncodeStringList(r.audience_departments),
        static_cast<int>(r.audience_departments.size()), r.state,
        r.expire_time_us, r.creator_id, r.create_time_us, r.update_time_us,
        r.version, r.incentivized);
    CANDOR_RETURN_IF_ERROR(
        db::ExecuteUnique(insert, [&](const sql::SQLException&) {
          return absl::AlreadyExistsError(
              absl::StrCat("story_id: organizations/", r.organization_id,
                           "/stories/", r.story_id, " already exists"));
        }));
    InsertAudience(c, r);
    return absl::OkStatus();
  });
}

absl::StatusOr<StoryRecord> AdvocacyRepository::FindStory(
    absl::string_view org, absl::string_view id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get story", connection,
                 [&](db::Connection& c) -> absl::StatusOr<StoryRecord> {
                   return SelectStory(c, kSelectStory, org, id);
                 });
}

absl::StatusOr<StoryRecord> AdvocacyRepository::FindStory(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("get story", tx,
                 [&](db::Connection& c) -> absl::StatusOr<StoryRecord> {
                   return SelectStory(c, kSelectStory, org, id);
                 });
}

absl::StatusOr<StoryRecord> AdvocacyRepository::FindStoryForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view id) {
  return db::Run("lock story", tx,
                 [&](db::Connection& c) -> absl::StatusOr<StoryRecord> {
                   return SelectStory(c, kSelectStoryForUpdate, org, id);
                 });
}

absl::Status AdvocacyRepository::UpdateStory(db::Transaction& tx,
                                             const StoryRecord& r,
                                             bool audience_changed) {
  return db::Run("update story", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kUpdateStory), r.title, r.summary, r.url,
             EncodeStringList(r.talking_points), EncodeStringList(r.value_ids),
             EncodeStringList(r.audience_departments),
             static_cast<int>(r.audience_departments.size()), r.state,
             r.expire_time_us, r.update_time_us, r.version, r.incentivized,
             r.organization_id, r.story_id)
        .executeUpdate();
    if (!audience_changed) return absl::OkStatus();
    db::Bind(c.Prepare(kDeleteAudience), r.organization_id, r.story_id)
        .executeUpdate();
    InsertAudience(c, r);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<StoryRecord>> AdvocacyRepository::ListStories(
    absl::string_view org, std::optional<StoryState> state,
    const TimeCursor& after, int limit) {
  return db::QueryAll(*pool_, "list stories", kListStories, RowToStory, org,
                      state, state, after.time_us, after.time_us, after.id,
                      limit);
}

absl::StatusOr<std::vector<StoryRecord>> AdvocacyRepository::ListVisibleStories(
    absl::string_view org, absl::string_view department_key, int64_t now_us,
    const TimeCursor& after, int limit) {
  return db::QueryAll(*pool_, "list visible stories", kListVisibleStories,
                      RowToStory, org, now_us, department_key, after.time_us,
                      after.time_us, after.id, limit);
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

AdvocacyEventRecord RowToAdvocacyEvent(sql::ResultSet& row) {
  AdvocacyEventRecord e;
  e.organization_id = row.getString(1);
  e.sequence = row.getInt64(2);
  e.time_us = row.getInt64(3);
  e.kind = row.getString(4);
  e.subject = row.getString(5);
  e.recipient_id = row.getString(6);
  e.details = row.getString(7);
  return e;
}

}  // namespace

absl::Status AdvocacyRepository::AppendAdvocacyEvent(
    db::Transaction& tx, AdvocacyEventRecord* event) {
  return db::Run("append advocacy event", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kBumpAdvocacyEventHead), event->organization_id)
        .executeUpdate();
    CANDOR_ASSIGN_OR_RETURN(
        event->sequence,
        db::ReadOneOr(db::Bind(c.Prepare(kSelectAdvocacyEventHead),
                               event->organization_id),
                      db::FirstInt64, [] {
                        return absl::InternalError(
                            "advocacy event head missing after creation");
                      }));
    db::Bind(c.Prepare(kInsertAdvocacyEvent), event->organization_id,
             event->sequence, event->time_us, event->kind, event->subject,
             event->recipient_id, event->details)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AdvocacyEventRecord>>
AdvocacyRepository::ListAdvocacyEvents(absl::string_view org, int64_t after,
                                       int limit) {
  return db::QueryAll(*pool_, "list advocacy events", kListAdvocacyEvents,
                      RowToAdvocacyEvent, org, after, limit);
}

}  // namespace candor::advocacy
