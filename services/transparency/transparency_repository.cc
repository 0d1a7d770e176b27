#include "services/transparency/transparency_repository.h"

#include <cppconn/resultset.h>

#include <limits>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "db/statement.h"
#include "services/common/status_macros.h"

namespace candor::transparency {
namespace {

// --- organization heads and the audit log -----------------------------------

// Takes the row's exclusive lock directly (an INSERT IGNORE would take a
// shared lock first, and two first users upgrading it would deadlock).
constexpr absl::string_view kEnsureHead =
    "INSERT INTO organization_heads (organization_id, audit_sequence, "
    "audit_hash) VALUES (?, 0, ?) "
    "ON DUPLICATE KEY UPDATE organization_id = organization_id";
constexpr absl::string_view kSelectStaffEventCursor =
    "SELECT staff_event_sequence FROM organization_heads "
    "WHERE organization_id = ?";
constexpr absl::string_view kSelectStaffEventCursorForUpdate =
    "SELECT staff_event_sequence FROM organization_heads "
    "WHERE organization_id = ? FOR UPDATE";
constexpr absl::string_view kUpdateStaffEventCursor =
    "UPDATE organization_heads SET staff_event_sequence = ? "
    "WHERE organization_id = ?";

// --- rulesets ----------------------------------------------------------------

#define CANDOR_RULESET_COLUMNS                                          \
  "organization_id, ruleset_id, state, ruleset_proto, create_time_us, " \
  "publish_time_us, publisher"

constexpr absl::string_view kInsertRuleset =
    "INSERT INTO rulesets (" CANDOR_RULESET_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kSelectRuleset =
    "SELECT " CANDOR_RULESET_COLUMNS
    " FROM rulesets WHERE organization_id = ? AND ruleset_id = ?";
constexpr absl::string_view kSelectRulesetForUpdate =
    "SELECT " CANDOR_RULESET_COLUMNS
    " FROM rulesets WHERE organization_id = ? AND ruleset_id = ? FOR UPDATE";
constexpr absl::string_view kUpdateRulesetPublication =
    "UPDATE rulesets SET state = ?, publish_time_us = ?, publisher = ? "
    "WHERE organization_id = ? AND ruleset_id = ?";
// On rulesets_by_publication.
constexpr absl::string_view kSelectCurrentRuleset =
    "SELECT " CANDOR_RULESET_COLUMNS
    " FROM rulesets WHERE organization_id = ? AND state = 2 "
    "ORDER BY publish_time_us DESC, ruleset_id DESC LIMIT 1";
// Newest first on rulesets_by_creation.
constexpr absl::string_view kListRulesets =
    "SELECT " CANDOR_RULESET_COLUMNS
    " FROM rulesets WHERE organization_id = ? "
    "AND (create_time_us < ? OR (create_time_us = ? AND ruleset_id < ?)) "
    "ORDER BY create_time_us DESC, ruleset_id DESC LIMIT ?";

#undef CANDOR_RULESET_COLUMNS

// --- decisions ---------------------------------------------------------------

#define CANDOR_DECISION_COLUMNS                                       \
  "organization_id, decision_id, post_id, post_revision, author_id, " \
  "decider_id, verdict, outcome, create_time_us, decision_proto"

constexpr absl::string_view kInsertDecision =
    "INSERT INTO decisions (" CANDOR_DECISION_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kSelectDecision =
    "SELECT " CANDOR_DECISION_COLUMNS
    " FROM decisions WHERE organization_id = ? AND decision_id = ?";
// One statement for every filter: an empty string or 0 parameter turns its
// condition off. Newest first on decisions_by_time (or the post and author
// indexes when those are given).
constexpr absl::string_view kListDecisions =
    "SELECT " CANDOR_DECISION_COLUMNS
    " FROM decisions WHERE organization_id = ? "
    "AND (? = '' OR post_id = ?) AND (? = '' OR author_id = ?) "
    "AND (? = 0 OR verdict = ?) AND (? = 0 OR decider_id = '') "
    "AND (? = '' OR decider_id = ?) "
    "AND (create_time_us < ? OR (create_time_us = ? AND decision_id < ?)) "
    "ORDER BY create_time_us DESC, decision_id DESC LIMIT ?";
constexpr absl::string_view kListDecisionsBetween =
    "SELECT " CANDOR_DECISION_COLUMNS
    " FROM decisions WHERE organization_id = ? "
    "AND create_time_us >= ? AND create_time_us < ? "
    "AND (create_time_us > ? OR (create_time_us = ? AND decision_id > ?)) "
    "ORDER BY create_time_us, decision_id LIMIT ?";

constexpr absl::string_view kListDecisionsOfPerson =
    "SELECT " CANDOR_DECISION_COLUMNS
    " FROM decisions WHERE organization_id = ? "
    "AND (author_id = ? OR decider_id = ?) "
    "AND (create_time_us < ? OR (create_time_us = ? AND decision_id < ?)) "
    "ORDER BY create_time_us DESC, decision_id DESC LIMIT ?";
constexpr absl::string_view kListDecisionsOfAuthorForUpdate =
    "SELECT " CANDOR_DECISION_COLUMNS
    " FROM decisions WHERE organization_id = ? AND author_id = ? "
    "ORDER BY decision_id FOR UPDATE";
constexpr absl::string_view kUpdateDecisionBody =
    "UPDATE decisions SET decision_proto = ? "
    "WHERE organization_id = ? AND decision_id = ?";

#undef CANDOR_DECISION_COLUMNS

// --- post shingles -----------------------------------------------------------

constexpr absl::string_view kUpsertPostShingles =
    "INSERT INTO post_shingles (organization_id, post_id, author_id, time_us, "
    "shingles, feed_sequence, removed) VALUES (?, ?, ?, ?, ?, ?, 0) "
    "ON DUPLICATE KEY UPDATE author_id = VALUES(author_id), "
    "time_us = VALUES(time_us), shingles = VALUES(shingles), "
    "feed_sequence = VALUES(feed_sequence), removed = 0";
constexpr absl::string_view kRemovePostShingles =
    "UPDATE post_shingles SET removed = 1, shingles = '', author_id = '', "
    "feed_sequence = ? WHERE organization_id = ? AND post_id = ?";
constexpr absl::string_view kSelectPostShinglesOfAuthorForUpdate =
    "SELECT post_id FROM post_shingles WHERE organization_id = ? AND "
    "author_id = ? AND removed = 0 ORDER BY post_id FOR UPDATE";
// One round trip under the head lock: creates or locks the head row (as
// kEnsureHead does) and reserves the sequences. RETURNING gives the row as
// inserted or updated.
constexpr absl::string_view kReserveFingerprintSequences =
    "INSERT INTO organization_heads (organization_id, audit_sequence, "
    "audit_hash, fingerprint_sequence) VALUES (?, 0, ?, ?) "
    "ON DUPLICATE KEY UPDATE fingerprint_sequence = fingerprint_sequence + ? "
    "RETURNING fingerprint_sequence";
constexpr absl::string_view kSelectFingerprintSequence =
    "SELECT fingerprint_sequence FROM organization_heads "
    "WHERE organization_id = ?";
constexpr absl::string_view kListFingerprintChanges =
    "SELECT organization_id, post_id, author_id, time_us, shingles, "
    "feed_sequence, removed FROM post_shingles "
    "WHERE organization_id = ? AND feed_sequence > ? "
    "ORDER BY feed_sequence LIMIT ?";
constexpr absl::string_view kListOrganizations =
    "SELECT organization_id FROM organization_heads ORDER BY organization_id";
constexpr absl::string_view kCountPostShingles =
    "SELECT COUNT(*) FROM post_shingles WHERE organization_id = ? "
    "AND time_us >= ? AND removed = 0";
constexpr absl::string_view kListPostShinglesPage =
    "SELECT organization_id, post_id, author_id, time_us, shingles, "
    "feed_sequence, removed FROM post_shingles WHERE organization_id = ? "
    "AND post_id > ? AND time_us >= ? AND removed = 0 ORDER BY post_id LIMIT ?";

constexpr int kBatch = 500;

// A row of kListPostShinglesPage or kListFingerprintChanges.
PostShinglesRecord RowToPostShingles(sql::ResultSet& row) {
  PostShinglesRecord r;
  r.organization_id = row.getString(1);
  r.post_id = row.getString(2);
  r.author_id = row.getString(3);
  r.time_us = row.getInt64(4);
  r.shingles = db::ReadBlob(row, 5);
  r.feed_sequence = row.getInt64(6);
  r.removed = row.getInt(7) != 0;
  return r;
}

RulesetRecord RowToRuleset(sql::ResultSet& row) {
  RulesetRecord r;
  r.organization_id = row.getString(1);
  r.ruleset_id = row.getString(2);
  r.state = row.getInt(3);
  r.body = db::ReadBlob(row, 4);
  r.create_time_us = row.getInt64(5);
  r.publish_time_us = row.getInt64(6);
  r.publisher = row.getString(7);
  return r;
}

DecisionRecord RowToDecision(sql::ResultSet& row) {
  DecisionRecord r;
  r.organization_id = row.getString(1);
  r.decision_id = row.getString(2);
  r.post_id = row.getString(3);
  r.post_revision = row.getInt64(4);
  r.author_id = row.getString(5);
  r.decider_id = row.getString(6);
  r.verdict = row.getInt(7);
  r.outcome = row.getInt(8);
  r.create_time_us = row.getInt64(9);
  r.body = db::ReadBlob(row, 10);
  return r;
}

absl::StatusOr<RulesetRecord> SelectRuleset(db::Connection& c,
                                            absl::string_view sql,
                                            absl::string_view org,
                                            absl::string_view id) {
  return db::ReadOneOr(db::Bind(c.Prepare(sql), org, id), RowToRuleset, [&] {
    return absl::NotFoundError(
        absl::StrCat("organizations/", org, "/rulesets/", id, " not found"));
  });
}

std::optional<RulesetRecord> SelectCurrentRuleset(db::Connection& c,
                                                  absl::string_view org) {
  return db::ReadOne(db::Bind(c.Prepare(kSelectCurrentRuleset), org),
                     RowToRuleset);
}

}  // namespace

int BindDecisionRow(sql::PreparedStatement& s, int first,
                    const DecisionRecord& d, std::istream& body) {
  return db::BindAt(s, first, d.organization_id, d.decision_id, d.post_id,
                    d.post_revision, d.author_id, d.decider_id, d.verdict,
                    d.outcome, d.create_time_us, db::Blob{&body});
}

int BindShinglesRow(sql::PreparedStatement& s, int first,
                    const PostShinglesRecord& r, std::istream& shingles) {
  return db::BindAt(s, first, r.organization_id, r.post_id, r.author_id,
                    r.time_us, db::Blob{&shingles});
}

absl::Status TransparencyRepository::LockOrganization(db::Transaction& tx,
                                                      absl::string_view org) {
  return db::Run("lock organization", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kEnsureHead), org, kGenesisHash).executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<int64_t> TransparencyRepository::StaffEventCursor(
    absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("read staff event cursor", connection,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return db::ReadOne(
                              db::Bind(c.Prepare(kSelectStaffEventCursor), org),
                              db::FirstInt64)
                       .value_or(0);
                 });
}

absl::StatusOr<int64_t> TransparencyRepository::StaffEventCursorForUpdate(
    db::Transaction& tx, absl::string_view org) {
  return db::Run(
      "lock staff event cursor", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return db::ReadOneOr(
            db::Bind(c.Prepare(kSelectStaffEventCursorForUpdate), org),
            db::FirstInt64, [] {
              return absl::InternalError(
                  "audit log head missing; lock it first");
            });
      });
}

absl::Status TransparencyRepository::SetStaffEventCursor(db::Transaction& tx,
                                                         absl::string_view org,
                                                         int64_t sequence) {
  return db::Run("advance staff event cursor", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kUpdateStaffEventCursor), sequence, org).executeUpdate();
    return absl::OkStatus();
  });
}

absl::Status TransparencyRepository::InsertRuleset(db::Transaction& tx,
                                                   const RulesetRecord& r) {
  return db::Run("insert ruleset", tx, [&](db::Connection& c) {
    std::istringstream body(r.body);
    auto& insert = db::Bind(c.Prepare(kInsertRuleset), r.organization_id,
                            r.ruleset_id, r.state, db::Blob{&body},
                            r.create_time_us, r.publish_time_us, r.publisher);
    return db::ExecuteUnique(insert, [&](const sql::SQLException&) {
      return absl::AlreadyExistsError(
          absl::StrCat("organizations/", r.organization_id, "/rulesets/",
                       r.ruleset_id, " already exists"));
    });
  });
}

absl::StatusOr<RulesetRecord> TransparencyRepository::FindRuleset(
    absl::string_view org, absl::string_view ruleset_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get ruleset", connection,
                 [&](db::Connection& c) -> absl::StatusOr<RulesetRecord> {
                   return SelectRuleset(c, kSelectRuleset, org, ruleset_id);
                 });
}

absl::StatusOr<RulesetRecord> TransparencyRepository::FindRulesetForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view ruleset_id) {
  return db::Run("lock ruleset", tx,
                 [&](db::Connection& c) -> absl::StatusOr<RulesetRecord> {
                   return SelectRuleset(c, kSelectRulesetForUpdate, org,
                                        ruleset_id);
                 });
}

absl::Status TransparencyRepository::UpdateRulesetPublication(
    db::Transaction& tx, const RulesetRecord& r) {
  return db::Run("publish ruleset", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kUpdateRulesetPublication), r.state, r.publish_time_us,
             r.publisher, r.organization_id, r.ruleset_id)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<RulesetRecord>>
TransparencyRepository::FindCurrentRuleset(absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "get current ruleset", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::optional<RulesetRecord>> {
        return SelectCurrentRuleset(c, org);
      });
}

absl::StatusOr<std::optional<RulesetRecord>>
TransparencyRepository::FindCurrentRuleset(db::Transaction& tx,
                                           absl::string_view org) {
  return db::Run(
      "get current ruleset", tx,
      [&](db::Connection& c) -> absl::StatusOr<std::optional<RulesetRecord>> {
        return SelectCurrentRuleset(c, org);
      });
}

absl::StatusOr<std::vector<RulesetRecord>> TransparencyRepository::ListRulesets(
    absl::string_view org, const TimeCursor& before, int limit) {
  return db::QueryAll(*pool_, "list rulesets", kListRulesets, RowToRuleset, org,
                      before.time_us, before.time_us, before.id, limit);
}

absl::Status TransparencyRepository::InsertDecision(db::Transaction& tx,
                                                    const DecisionRecord& d) {
  return db::Run("insert decision", tx, [&](db::Connection& c) {
    std::istringstream body(d.body);
    auto& insert = c.Prepare(kInsertDecision);
    BindDecisionRow(insert, 1, d, body);
    insert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<DecisionRecord> TransparencyRepository::FindDecision(
    absl::string_view org, absl::string_view decision_id) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("get decision", connection,
                 [&](db::Connection& c) -> absl::StatusOr<DecisionRecord> {
                   return db::ReadOneOr(
                       db::Bind(c.Prepare(kSelectDecision), org, decision_id),
                       RowToDecision, [&] {
                         return absl::NotFoundError(absl::StrCat(
                             "decision ", decision_id, " not found"));
                       });
                 });
}

absl::StatusOr<std::vector<DecisionRecord>>
TransparencyRepository::ListDecisions(absl::string_view org,
                                      const DecisionQuery& q,
                                      const TimeCursor& before, int limit) {
  return db::QueryAll(*pool_, "list decisions", kListDecisions, RowToDecision,
                      org, q.post_id, q.post_id, q.author_id, q.author_id,
                      q.verdict, q.verdict, q.automatic_only ? 1 : 0,
                      q.decider_id, q.decider_id, before.time_us,
                      before.time_us, before.id, limit);
}

absl::Status TransparencyRepository::ForEachDecisionBetween(
    absl::string_view org, int64_t from_us, int64_t to_us,
    const std::function<void(const DecisionRecord&)>& visit) {
  TimeCursor after{std::numeric_limits<int64_t>::min(), ""};
  while (true) {
    // The connection goes back before the batch is visited.
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<DecisionRecord> batch,
        db::QueryAll(*pool_, "read decisions", kListDecisionsBetween,
                     RowToDecision, org, from_us, to_us, after.time_us,
                     after.time_us, after.id, kBatch));
    for (const DecisionRecord& d : batch) visit(d);
    if (static_cast<int>(batch.size()) < kBatch) return absl::OkStatus();
    after = TimeCursor{batch.back().create_time_us, batch.back().decision_id};
  }
}

absl::StatusOr<int64_t> TransparencyRepository::LockOrganizationForFingerprints(
    db::Transaction& tx, absl::string_view org, int64_t count) {
  return db::Run(
      "reserve fingerprint sequences", tx,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        CANDOR_ASSIGN_OR_RETURN(
            const int64_t last,
            db::ReadOneOr(db::Bind(c.Prepare(kReserveFingerprintSequences), org,
                                   kGenesisHash, count, count),
                          db::FirstInt64, [] {
                            return absl::InternalError(
                                "reserving fingerprint sequences returned "
                                "nothing");
                          }));
        return last - count + 1;
      });
}

absl::StatusOr<int64_t> TransparencyRepository::FingerprintHead(
    absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "read fingerprint head", connection,
      [&](db::Connection& c) -> absl::StatusOr<int64_t> {
        return db::ReadOne(db::Bind(c.Prepare(kSelectFingerprintSequence), org),
                           db::FirstInt64)
            .value_or(0);
      });
}

absl::Status TransparencyRepository::UpsertPostShingles(
    db::Transaction& tx, const PostShinglesRecord& r) {
  return db::Run("store post shingles", tx, [&](db::Connection& c) {
    std::istringstream shingles(r.shingles);
    auto& upsert = c.Prepare(kUpsertPostShingles);
    db::BindAt(upsert, BindShinglesRow(upsert, 1, r, shingles),
               r.feed_sequence);
    upsert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::Status TransparencyRepository::RemovePostShingles(
    db::Transaction& tx, absl::string_view org, absl::string_view post_id,
    int64_t feed_sequence) {
  return db::Run("remove post shingles", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kRemovePostShingles), feed_sequence, org, post_id)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<PostShinglesRecord>>
TransparencyRepository::ListFingerprintChanges(absl::string_view org,
                                               int64_t after, int limit) {
  return db::QueryAll(*pool_, "read fingerprint feed", kListFingerprintChanges,
                      RowToPostShingles, org, after, limit);
}

absl::StatusOr<std::vector<std::string>>
TransparencyRepository::ListOrganizations() {
  return db::QueryAll(*pool_, "list organizations", kListOrganizations,
                      db::FirstString);
}

absl::StatusOr<int64_t> TransparencyRepository::CountPostShingles(
    absl::string_view org, int64_t since_us) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("count post shingles", connection,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return db::ReadOne(db::Bind(c.Prepare(kCountPostShingles),
                                               org, since_us),
                                      db::FirstInt64)
                       .value_or(0);
                 });
}

absl::Status TransparencyRepository::ForEachPostShingles(
    absl::string_view org, int64_t since_us,
    const std::function<absl::Status(const PostShinglesRecord&)>& visit) {
  std::string after;  // keyset: the last post id of the previous page
  while (true) {
    // The connection goes back before the page is processed.
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<PostShinglesRecord> page,
        db::QueryAll(*pool_, "read post shingles", kListPostShinglesPage,
                     RowToPostShingles, org, after, since_us, kShinglePage));
    for (const PostShinglesRecord& record : page)
      CANDOR_RETURN_IF_ERROR(visit(record));
    if (page.size() < static_cast<size_t>(kShinglePage))
      return absl::OkStatus();
    after = page.back().post_id;
  }
}

// --- personal data -----------------------------------------------------------

absl::StatusOr<std::vector<DecisionRecord>>
TransparencyRepository::ListDecisionsOfPerson(absl::string_view org,
                                              absl::string_view staff_member_id,
                                              const TimeCursor& before,
                                              int limit) {
  return db::QueryAll(*pool_, "list decisions of a person",
                      kListDecisionsOfPerson, RowToDecision, org,
                      staff_member_id, staff_member_id, before.time_us,
                      before.time_us, before.id, limit);
}

absl::StatusOr<std::vector<DecisionRecord>>
TransparencyRepository::ListDecisionsOfAuthorForUpdate(
    db::Transaction& tx, absl::string_view org, absl::string_view author_id) {
  return db::QueryAll(tx, "lock decisions of an author",
                      kListDecisionsOfAuthorForUpdate, RowToDecision, org,
                      author_id);
}

absl::Status TransparencyRepository::UpdateDecisionBody(
    db::Transaction& tx, const DecisionRecord& decision) {
  return db::Run("update decision body", tx, [&](db::Connection& c) {
    std::istringstream body(decision.body);
    db::Bind(c.Prepare(kUpdateDecisionBody), db::Blob{&body},
             decision.organization_id, decision.decision_id)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<std::string>>
TransparencyRepository::RemovePostShinglesOfAuthor(
    db::Transaction& tx, absl::string_view org, absl::string_view author_id) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> post_ids,
                          db::QueryAll(tx, "lock shingles of an author",
                                       kSelectPostShinglesOfAuthorForUpdate,
                                       db::FirstString, org, author_id));
  if (post_ids.empty()) return post_ids;
  CANDOR_ASSIGN_OR_RETURN(int64_t sequence,
                          LockOrganizationForFingerprints(
                              tx, org, static_cast<int64_t>(post_ids.size())));
  for (const std::string& post_id : post_ids) {
    CANDOR_RETURN_IF_ERROR(RemovePostShingles(tx, org, post_id, sequence++));
  }
  return post_ids;
}
}  // namespace candor::transparency
