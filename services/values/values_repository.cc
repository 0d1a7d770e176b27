#include "services/values/values_repository.h"

#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <limits>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
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
    "WHERE organization_id = ? AND staff_member_id = ? ORDER BY value_id";
constexpr absl::string_view kDeleteEndorsementsOf =
    "DELETE FROM value_endorsements WHERE organization_id = ? AND "
    "staff_member_id = ?";
constexpr absl::string_view kSelectSignedFeedbackOf =
    "SELECT organization_id, value_id, sequence_number, feedback_text, "
    "anonymous, author_id, value_revision_number, create_time_us "
    "FROM value_feedback WHERE organization_id = ? AND author_id = ? "
    "ORDER BY value_id, sequence_number";
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
  auto& select = c.Prepare(sql);
  select.setString(1, std::string(org));
  select.setString(2, std::string(value_id));
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  if (!row->next()) return ValueNotFound(org, value_id);
  return RowToValue(*row);
}

void BindKeyAndRun(sql::PreparedStatement& s, absl::string_view org,
                   absl::string_view value_id) {
  s.setString(1, std::string(org));
  s.setString(2, std::string(value_id));
  s.executeUpdate();
}

}  // namespace

absl::Status ValuesRepository::InsertValue(db::Transaction& tx,
                                           const ValueRecord& v) {
  return db::Run("insert value", tx, [&](db::Connection& c) {
    try {
      auto& insert = c.Prepare(kInsertValue);
      insert.setString(1, v.organization_id);
      insert.setString(2, v.value_id);
      insert.setString(3, v.title);
      insert.setString(4, v.statement);
      insert.setInt(5, static_cast<int>(v.state));
      insert.setInt64(6, v.revision_number);
      insert.setInt64(7, v.endorsement_count);
      insert.setInt64(8, v.create_time_us);
      insert.setInt64(9, v.update_time_us);
      insert.setInt64(10, v.version);
      insert.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != 1062) throw;
      return absl::AlreadyExistsError(
          absl::StrCat("value_id: organizations/", v.organization_id,
                       "/values/", v.value_id, " already exists"));
    }
    return absl::OkStatus();
  });
}

absl::Status ValuesRepository::InsertRevision(db::Transaction& tx,
                                              const RevisionRecord& r) {
  return db::Run("insert value revision", tx, [&](db::Connection& c) {
    auto& insert = c.Prepare(kInsertRevision);
    insert.setString(1, r.organization_id);
    insert.setString(2, r.value_id);
    insert.setInt64(3, r.revision_number);
    insert.setString(4, r.title);
    insert.setString(5, r.statement);
    insert.setString(6, r.editor_id);
    insert.setInt64(7, r.create_time_us);
    insert.executeUpdate();
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
    auto& update = c.Prepare(kUpdateValue);
    update.setString(1, v.title);
    update.setString(2, v.statement);
    update.setInt(3, static_cast<int>(v.state));
    update.setInt64(4, v.revision_number);
    update.setInt64(5, v.update_time_us);
    update.setInt64(6, v.version);
    update.setString(7, v.organization_id);
    update.setString(8, v.value_id);
    update.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> ValuesRepository::AddEndorsement(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id,
    absl::string_view staff_member_id, int64_t time_us) {
  return db::Run(
      "endorse value", tx, [&](db::Connection& c) -> absl::StatusOr<bool> {
        auto& insert = c.Prepare(kInsertEndorsement);
        insert.setString(1, std::string(org));
        insert.setString(2, std::string(value_id));
        insert.setString(3, std::string(staff_member_id));
        insert.setInt64(4, time_us);
        if (insert.executeUpdate() == 0) return false;  // already endorsed
        BindKeyAndRun(c.Prepare(kRaiseEndorsementCount), org, value_id);
        return true;
      });
}

absl::StatusOr<bool> ValuesRepository::RemoveEndorsement(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id,
    absl::string_view staff_member_id) {
  return db::Run(
      "unendorse value", tx, [&](db::Connection& c) -> absl::StatusOr<bool> {
        auto& remove = c.Prepare(kDeleteEndorsement);
        remove.setString(1, std::string(org));
        remove.setString(2, std::string(value_id));
        remove.setString(3, std::string(staff_member_id));
        if (remove.executeUpdate() == 0) return false;  // was not endorsed
        BindKeyAndRun(c.Prepare(kLowerEndorsementCount), org, value_id);
        return true;
      });
}

absl::StatusOr<absl::flat_hash_set<std::string>>
ValuesRepository::EndorsedBetween(absl::string_view org,
                                  absl::string_view staff_member_id,
                                  absl::string_view min_value_id,
                                  absl::string_view max_value_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("read endorsements", connection,
                 [&](db::Connection& c)
                     -> absl::StatusOr<absl::flat_hash_set<std::string>> {
                   auto& select = c.Prepare(kSelectEndorsedBetween);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(staff_member_id));
                   select.setString(3, std::string(min_value_id));
                   select.setString(4, std::string(max_value_id));
                   std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
                   absl::flat_hash_set<std::string> ids;
                   while (rows->next())
                     ids.insert(std::string(rows->getString(1)));
                   return ids;
                 });
}

absl::StatusOr<bool> ValuesRepository::IsEndorsedBy(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id,
    absl::string_view staff_member_id) {
  return db::Run("read endorsement", tx,
                 [&](db::Connection& c) -> absl::StatusOr<bool> {
                   auto& select = c.Prepare(kSelectEndorsedBetween);
                   select.setString(1, std::string(org));
                   select.setString(2, std::string(staff_member_id));
                   select.setString(3, std::string(value_id));
                   select.setString(4, std::string(value_id));
                   std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
                   return rows->next();
                 });
}

absl::StatusOr<std::vector<ValueRecord>> ValuesRepository::ListValues(
    absl::string_view org, std::optional<ValueState> state,
    const std::optional<TimeCursor>& after, int limit) {
  // Before the first value: any time, any id.
  const int64_t after_time =
      after.has_value() ? after->time_us : std::numeric_limits<int64_t>::min();
  const std::string after_id = after.has_value() ? after->id : "";
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list values", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<ValueRecord>> {
        auto& select =
            c.Prepare(state.has_value() ? kListValuesInState : kListValues);
        int i = 1;
        select.setString(i++, std::string(org));
        if (state.has_value()) select.setInt(i++, static_cast<int>(*state));
        select.setInt64(i++, after_time);
        select.setInt64(i++, after_time);
        select.setString(i++, after_id);
        select.setInt(i++, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<ValueRecord> values;
        while (rows->next()) values.push_back(RowToValue(*rows));
        return values;
      });
}

absl::StatusOr<std::vector<RevisionRecord>> ValuesRepository::ListRevisions(
    absl::string_view org, absl::string_view value_id, int64_t before,
    int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list value revisions", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<RevisionRecord>> {
        auto& select = c.Prepare(kListRevisions);
        select.setString(1, std::string(org));
        select.setString(2, std::string(value_id));
        select.setInt64(3, before);
        select.setInt(4, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<RevisionRecord> revisions;
        while (rows->next()) revisions.push_back(RowToRevision(*rows));
        return revisions;
      });
}

absl::StatusOr<int64_t> ValuesRepository::NextFeedbackSequence(
    db::Transaction& tx, absl::string_view org, absl::string_view value_id) {
  return db::Run(
      "number feedback", tx, [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        BindKeyAndRun(c.Prepare(kRaiseFeedbackSequence), org, value_id);
        auto& select = c.Prepare(kSelectFeedbackSequence);
        select.setString(1, std::string(org));
        select.setString(2, std::string(value_id));
        std::unique_ptr<sql::ResultSet> row(select.executeQuery());
        if (!row->next()) return ValueNotFound(org, value_id);
        return row->getInt64(1);
      });
}

absl::Status ValuesRepository::InsertFeedback(db::Transaction& tx,
                                              const FeedbackRecord& f) {
  return db::Run("insert feedback", tx, [&](db::Connection& c) {
    auto& insert = c.Prepare(kInsertFeedback);
    insert.setString(1, f.organization_id);
    insert.setString(2, f.value_id);
    insert.setInt64(3, f.sequence);
    insert.setString(4, f.text);
    insert.setBoolean(5, f.anonymous);
    if (f.anonymous) {
      insert.setNull(6, sql::DataType::VARCHAR);
    } else {
      insert.setString(6, f.author_id);
    }
    insert.setInt64(7, f.value_revision_number);
    insert.setInt64(8, f.create_time_us);
    insert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<FeedbackRecord>> ValuesRepository::ListFeedback(
    absl::string_view org, absl::string_view value_id, int64_t before,
    int limit) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list feedback", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<FeedbackRecord>> {
        auto& select = c.Prepare(kListFeedback);
        select.setString(1, std::string(org));
        select.setString(2, std::string(value_id));
        select.setInt64(3, before);
        select.setInt(4, limit);
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<FeedbackRecord> feedback;
        while (rows->next()) feedback.push_back(RowToFeedback(*rows));
        return feedback;
      });
}

absl::StatusOr<std::vector<EndorsementRecord>>
ValuesRepository::ListEndorsementsOf(absl::string_view org,
                                     absl::string_view staff_member_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list endorsements of a person", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<EndorsementRecord>> {
        auto& select = c.Prepare(kSelectEndorsementsOf);
        select.setString(1, std::string(org));
        select.setString(2, std::string(staff_member_id));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<EndorsementRecord> endorsements;
        while (rows->next()) {
          endorsements.push_back(
              EndorsementRecord{rows->getString(1), rows->getInt64(2)});
        }
        return endorsements;
      });
}

absl::StatusOr<std::vector<FeedbackRecord>>
ValuesRepository::ListSignedFeedbackOf(absl::string_view org,
                                       absl::string_view staff_member_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "list feedback of a person", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::vector<FeedbackRecord>> {
        auto& select = c.Prepare(kSelectSignedFeedbackOf);
        select.setString(1, std::string(org));
        select.setString(2, std::string(staff_member_id));
        std::unique_ptr<sql::ResultSet> rows(select.executeQuery());
        std::vector<FeedbackRecord> feedback;
        while (rows->next()) feedback.push_back(RowToFeedback(*rows));
        return feedback;
      });
}

absl::StatusOr<int64_t> ValuesRepository::EraseEndorsementsOf(
    db::Transaction& tx, absl::string_view org,
    absl::string_view staff_member_id) {
  return db::Run("erase endorsements", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& remove = c.Prepare(kDeleteEndorsementsOf);
                   remove.setString(1, std::string(org));
                   remove.setString(2, std::string(staff_member_id));
                   return static_cast<int64_t>(remove.executeUpdate());
                 });
}

absl::StatusOr<int64_t> ValuesRepository::EraseSignedFeedbackOf(
    db::Transaction& tx, absl::string_view org,
    absl::string_view staff_member_id, absl::string_view erased_text) {
  return db::Run("erase feedback", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   auto& update = c.Prepare(kEraseSignedFeedbackOf);
                   update.setString(1, std::string(erased_text));
                   update.setString(2, std::string(org));
                   update.setString(3, std::string(staff_member_id));
                   return static_cast<int64_t>(update.executeUpdate());
                 });
}

}  // namespace candor::values
