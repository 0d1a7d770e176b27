#include "services/values/values_repository.h"

#include <cppconn/resultset.h>

#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "db/statement.h"
#include "services/common/status_macros.h"

namespace candor::values {
namespace {

// The column list every value read selects, in RowToValue's order.
#define CANDOR_VALUE_COLUMNS                                              \
  "organization_id, value_id, title, statement, state, revision_number, " \
  "endorsement_count, create_time_us, update_time_us, version"

constexpr absl::string_view kInsertValue =
    "INSERT INTO company_values (" CANDOR_VALUE_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kSelectValue =
    "SELECT " CANDOR_VALUE_COLUMNS
    " FROM company_values WHERE organization_id = ? AND value_id = ?";
constexpr absl::string_view kSelectValueForUpdate =
    "SELECT " CANDOR_VALUE_COLUMNS
    " FROM company_values WHERE organization_id = ? AND value_id = ? "
    "FOR UPDATE";
constexpr absl::string_view kUpdateValue =
    "UPDATE company_values SET title = ?, statement = ?, state = ?, "
    "revision_number = ?, update_time_us = ?, version = ? "
    "WHERE organization_id = ? AND value_id = ?";
// Keyset pages in creation order: (create_time_us, value_id) after the
// cursor, on the values_by_creation / values_by_state indexes.
constexpr absl::string_view kListValues =
    "SELECT " CANDOR_VALUE_COLUMNS
    " FROM company_values WHERE organization_id = ?"
    " AND (create_time_us > ? OR (create_time_us = ? AND value_id > ?))"
    " ORDER BY create_time_us, value_id LIMIT ?";
constexpr absl::string_view kListValuesInState =
    "SELECT " CANDOR_VALUE_COLUMNS
    " FROM company_values WHERE organization_id = ? AND state = ?"
    " AND (create_time_us > ? OR (create_time_us = ? AND value_id > ?))"
    " ORDER BY create_time_us, value_id LIMIT ?";

#undef CANDOR_VALUE_COLUMNS

constexpr absl::string_view kInsertRevision =
    "INSERT INTO value_revisions (organization_id, value_id, revision_number, "
    "title, statement, editor_id, create_time_us) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kListRevisions =
    "SELECT organization_id, value_id, revision_number, title, statement, "
    "editor_id, create_time_us FROM value_revisions "
    "WHERE organization_id = ? AND value_id = ? AND revision_number < ? "
    "ORDER BY revision_number DESC LIMIT ?";

// INSERT IGNORE: a second endorsement by the same person changes no row, and
// the count is raised only when one was added.
constexpr absl::string_view kInsertEndorsement =
    "INSERT IGNORE INTO value_endorsements (organization_id, value_id, "
    "staff_member_id, create_time_us) VALUES (?, ?, ?, ?)";
constexpr absl::string_view kDeleteEndorsement =
    "DELETE FROM value_endorsements WHERE organization_id = ? AND value_id = ? "
    "AND staff_member_id = ?";
constexpr absl::string_view kRaiseEndorsementCount =
    "UPDATE company_values SET endorsement_count = endorsement_count + 1 "
    "WHERE organization_id = ? AND value_id = ?";
constexpr absl::string_view kLowerEndorsementCount =
    "UPDATE company_values SET endorsement_count = endorsement_count - 1 "
    "WHERE organization_id = ? AND value_id = ?";
constexpr absl::string_view kSelectEndorsedBetween =
    "SELECT value_id FROM value_endorsements WHERE organization_id = ? AND "
    "staff_member_id = ? AND value_id BETWEEN ? AND ?";

constexpr absl::string_view kRaiseFeedbackSequence =
    "UPDATE company_values SET feedback_sequence = feedback_sequence + 1 "
    "WHERE organization_id = ? AND value_id = ?";
constexpr absl::string_view kSelectFeedbackSequence =
    "SELECT feedback_sequence FROM company_values "
    "WHERE organization_id = ? AND value_id = ?";
constexpr absl::string_view kInsertFeedback =
    "INSERT INTO value_feedback (organization_id, value_id, sequence_number, "
    "feedback_text, anonymous, author_id, value_revision_number, "
    "create_time_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kListFeedback =
    "SELECT organization_id, value_id, sequence_number, feedback_text, "
    "anonymous, author_id, value_revision_number, create_time_us "
    "FROM value_feedback WHERE organization_id = ? AND value_id = ? "
    "AND sequence_number < ? ORDER BY sequence_number DESC LIMIT ?";

// Personal data: no index on the author; exports and erasures are rare.
constexpr absl::string_view kSelectEndorsementsOf =
    "SELECT value_id, create_time_us FROM value_endorsements "
    "WHERE organization_id = ? AND staff_member_id = ? AND value_id > ? "
    "ORDER BY value_id LIMIT ?";
constexpr absl::string_view kDeleteEndorsementsOf =
    "DELETE FROM value_endorsements WHERE organization_id = ? AND "
    "staff_member_id = ?";
constexpr absl::string_view kSelectSignedFeedbackOf =
    "SELECT organization_id, value_id, sequence_number, feedback_text, "
    "anonymous, author_id, value_revision_number, create_time_us "
    "FROM value_feedback WHERE organization_id = ? AND author_id = ? "
    "AND (value_id > ? OR (value_id = ? AND sequence_number > ?)) "
    "ORDER BY value_id, sequence_number LIMIT ?";
constexpr absl::string_view kEraseSignedFeedbackOf =
    "UPDATE value_feedback SET feedback_text = ?, anonymous = TRUE, "
    "author_id = NULL WHERE organization_id = ? AND author_id = ?";

absl::Status ValueNotFound(absl::string_view org, absl::string_view value_id) {
  return absl::NotFoundError(
      absl::StrCat("organizations/", org, "/values/", value_id, " not found"));
}

ValueRecord RowToValue(sql::ResultSet& row) {
  ValueRecord r;
  r.organization_id = row.getString(1);
  r.value_id = row.getString(2);
  r.title = row.getString(3);
  r.statement = row.getString(4);
  r.state = static_cast<ValueState>(row.getInt(5));
  r.revision_number = row.getInt64(6);
  r.endorsement_count = row.getInt64(7);
  r.create_time_us = row.getInt64(8);
  r.update_time_us = row.getInt64(9);
  r.version = row.getInt64(10);
  return r;
}

RevisionRecord RowToRevision(sql::ResultSet& row) {
  RevisionRecord r;
  r.organization_id = row.getString(1);
  r.value_id = row.getString(2);
  r.revision_number = row.getInt64(3);
  r.title = row.getString(4);
  r.statement = row.getString(5);
  r.editor_id = row.getString(6);
  r.create_time_us = row.getInt64(7);
  return r;
}

FeedbackRecord RowToFeedback(sql::ResultSet& row) {
  FeedbackRecord r;
  r.organization_id = row.getString(1);
  r.value_id = row.getString(2);
  r.sequence = row.getInt64(3);
  r.text = row.getString(4);
  r.anonymous = row.getBoolean(5);
  r.author_id = row.getString(6);  // "" for NULL
  if (r.anonymous) r.author_id.clear();
  r.value_revision_number = row.getInt64(7);
  r.create_time_us = row.getInt64(8);
  return r;
}

absl::StatusOr<ValueRecord> SelectValue(db::Connection& c,
                                        absl::string_view sql,
                                        absl::string_view org,
                                        absl::string_view value_id) {
  return db::ReadOneOr(db::Bind(c.Prepare(sql), org, value_id), RowToValue,
                       [&] { return ValueNotFound(org, value_id); });
}

}  // namespace

absl::Status ValuesRepository::InsertValue(db::Transaction& tx,
                                           const ValueRecord& v) {
  return db::Run("insert value", tx, [&](db::Connection& c) {
    auto& insert = db::Bind(c.Prepare(kInsertValue), v.organization_id,
                            v.value_id, v.title, v.statement, v.state,
                            v.revision_number, v.endorsement_count,
                            v.create_time_us, v.update_time_us, v.version);
    return db::ExecuteUnique(insert, [&](const sql::SQLException&) {
      return absl::AlreadyExistsError(
          absl::StrCat("value_id: organizations/", v.organization_id,
                       "/values/", v.value_id, " already exists"));
    });
  });
}

absl::Status ValuesRepository::InsertRevision(db::Transaction& tx,
                                              const RevisionRecord& r) {
  return db::Run("insert value revision", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kInsertRevision), r.organization_id, r.value_id,
             r.revision_number, r.title, r.statement, r.editor_id,
             r.create_time_us)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<ValueRecord> ValuesRepository::FindValue(
    absl::string_view org, absl::string_view value_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get value", connection,
                 [&](db::Connection& c) -> absl::StatusOr<ValueRecord> {
                   return SelectValue(c, kSelectValue, org, value_id);
                 });
}

absl::StatusOr<ValueRecord> ValuesRepository::FindValueForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id) {
  return db::Run("lock value", tx,
                 [&](db::Connection& c) -> absl::StatusOr<ValueRecord> {
                   return SelectValue(c, kSelectValueForUpdate, org, value_id);
                 });
}

absl::Status ValuesRepository::UpdateValue(db::Transaction& tx,
                                           const ValueRecord& v) {
  return db::Run("update value", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kUpdateValue), v.title, v.statement, v.state,
             v.revision_number, v.update_time_us, v.version, v.organization_id,
             v.value_id)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> ValuesRepository::AddEndorsement(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id,
    absl::string_view staff_member_id, int64_t time_us) {
  return db::Run("endorse value", tx,
                 [&](db::Connection& c) -> absl::StatusOr<bool> {
                   auto& insert = db::Bind(c.Prepare(kInsertEndorsement), org,
                                           value_id, staff_member_id, time_us);
                   if (insert.executeUpdate() == 0)
                     return false;  // already endorsed
                   db::Bind(c.Prepare(kRaiseEndorsementCount), org, value_id)
                       .executeUpdate();
                   return true;
                 });
}

absl::StatusOr<bool> ValuesRepository::RemoveEndorsement(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id,
    absl::string_view staff_member_id) {
  return db::Run("unendorse value", tx,
                 [&](db::Connection& c) -> absl::StatusOr<bool> {
                   auto& remove = db::Bind(c.Prepare(kDeleteEndorsement), org,
                                           value_id, staff_member_id);
                   if (remove.executeUpdate() == 0)
                     return false;  // was not endorsed
                   db::Bind(c.Prepare(kLowerEndorsementCount), org, value_id)
                       .executeUpdate();
                   return true;
                 });
}

absl::StatusOr<absl::flat_hash_set<std::string>>
ValuesRepository::EndorsedBetween(absl::string_view org,
                                  absl::string_view staff_member_id,
                                  absl::string_view min_value_id,
                                  absl::string_view max_value_id) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      db::QueryAll(*pool_, "read endorsements", kSelectEndorsedBetween,
                   db::FirstString, org, staff_member_id, min_value_id,
                   max_value_id));
  return absl::flat_hash_set<std::string>(std::make_move_iterator(ids.begin()),
                                          std::make_move_iterator(ids.end()));
}

absl::StatusOr<bool> ValuesRepository::IsEndorsedBy(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id,
    absl::string_view staff_member_id) {
  return db::Run(
      "read endorsement", tx, [&](db::Connection& c) -> absl::StatusOr<bool> {
        return db::ReadOne(db::Bind(c.Prepare(kSelectEndorsedBetween), org,
                                    staff_member_id, value_id, value_id),
                           db::FirstString)
            .has_value();
      });
}

absl::StatusOr<std::vector<ValueRecord>> ValuesRepository::ListValues(
    absl::string_view org, std::optional<ValueState> state,
    const std::optional<TimeCursor>& after, int limit) {
  // Before the first value: any time, any id.
  const int64_t after_time =
      after.has_value() ? after->time_us : std::numeric_limits<int64_t>::min();
  const std::string after_id = after.has_value() ? after->id : "";
  if (state.has_value()) {
    return db::QueryAll(*pool_, "list values", kListValuesInState, RowToValue,
                        org, *state, after_time, after_time, after_id, limit);
  }
  return db::QueryAll(*pool_, "list values", kListValues, RowToValue, org,
                      after_time, after_time, after_id, limit);
}

absl::StatusOr<std::vector<RevisionRecord>> ValuesRepository::ListRevisions(
    absl::string_view org, absl::string_view value_id, int64_t before,
    int limit) {
  return db::QueryAll(*pool_, "list value revisions", kListRevisions,
                      RowToRevision, org, value_id, before, limit);
}

absl::StatusOr<int64_t> ValuesRepository::NextFeedbackSequence(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id) {
  return db::Run(
      "number feedback", tx, [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        db::Bind(c.Prepare(kRaiseFeedbackSequence), org, value_id)
            .executeUpdate();
        return db::ReadOneOr(
            db::Bind(c.Prepare(kSelectFeedbackSequence), org, value_id),
            db::FirstInt64, [&] { return ValueNotFound(org, value_id); });
      });
}

absl::Status ValuesRepository::InsertFeedback(db::Transaction& tx,
                                              const FeedbackRecord& f) {
  return db::Run("insert feedback", tx, [&](db::Connection& c) {
    const std::optional<std::string> author =
        f.anonymous ? std::nullopt : std::optional<std::string>(f.author_id);
    db::Bind(c.Prepare(kInsertFeedback), f.organization_id, f.value_id,
             f.sequence, f.text, f.anonymous, author, f.value_revision_number,
             f.create_time_us)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<FeedbackRecord>> ValuesRepository::ListFeedback(
    absl::string_view org, absl::string_view value_id, int64_t before,
    int limit) {
  return db::QueryAll(*pool_, "list feedback", kListFeedback, RowToFeedback,
                      org, value_id, before, limit);
}

absl::StatusOr<std::vector<EndorsementRecord>>
ValuesRepository::ListEndorsementsOf(absl::string_view org,
                                     absl::string_view staff_member_id,
                                     absl::string_view after_value_id,
                                     int limit) {
  return db::QueryAll(
      *pool_, "list endorsements of a person", kSelectEndorsementsOf,
      [](sql::ResultSet& row) {
        return EndorsementRecord{row.getString(1), row.getInt64(2)};
      },
      org, staff_member_id, after_value_id, limit);
}

absl::StatusOr<std::vector<FeedbackRecord>>
ValuesRepository::ListSignedFeedbackOf(absl::string_view org,
                                       absl::string_view staff_member_id,
                                       absl::string_view after_value_id,
                                       int64_t after_sequence, int limit) {
  return db::QueryAll(*pool_, "list feedback of a person",
                      kSelectSignedFeedbackOf, RowToFeedback, org,
                      staff_member_id, after_value_id, after_value_id,
                      after_sequence, limit);
}

absl::StatusOr<int64_t> ValuesRepository::EraseEndorsementsOf(
    db::Transaction& tx, absl::string_view org,
    absl::string_view staff_member_id) {
  return db::Run("erase endorsements", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return int64_t{db::Bind(c.Prepare(kDeleteEndorsementsOf),
                                           org, staff_member_id)
                                      .executeUpdate()};
                 });
}

absl::StatusOr<int64_t> ValuesRepository::EraseSignedFeedbackOf(
    db::Transaction& tx, absl::string_view org,
    absl::string_view staff_member_id, absl::string_view erased_text) {
  return db::Run("erase feedback", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return int64_t{db::Bind(c.Prepare(kEraseSignedFeedbackOf),
                                           erased_text, org, staff_member_id)
                                      .executeUpdate()};
                 });
}

}  // namespace candor::values
