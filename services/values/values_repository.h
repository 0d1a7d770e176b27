// The only place the values service's SQL lives (schema candor_values, see
// db/migrations/values). Takes and returns domain types from value.h.
//
// Methods that take a db::Transaction run inside the caller's transaction;
// the others borrow a connection for one call. A method given a transaction
// never borrows a second connection, so a call holds at most one. NOT_FOUND
// messages name the value as `organizations/{org}/values/{id} not found`,
// the same words authz uses for another organization's resources.
//
// Thread-safe: the repository holds no state but the pool.
#ifndef CANDOR_SERVICES_VALUES_VALUES_REPOSITORY_H_
#define CANDOR_SERVICES_VALUES_VALUES_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/common/time_cursor.h"
#include "services/values/value.h"

namespace candor::values {

class ValuesRepository {
 public:
  explicit ValuesRepository(db::Pool* pool) : pool_(pool) {}

  db::Pool& pool() { return *pool_; }

  // Inserts a new value. ALREADY_EXISTS naming value_id when it is taken.
  absl::Status InsertValue(db::Transaction& tx, const ValueRecord& value);
  absl::Status InsertRevision(db::Transaction& tx,
                              const RevisionRecord& revision);

  // NOT_FOUND when absent.
  absl::StatusOr<ValueRecord> FindValue(absl::string_view org,
                                        absl::string_view value_id);
  // Reads and locks the value row for a read-modify-write; NOT_FOUND when
  // absent. Every write to a value and its endorsements and feedback takes
  // this lock first, so they serialize per value in one lock order.
  absl::StatusOr<ValueRecord> FindValueForUpdate(db::Transaction& tx,
                                                 absl::string_view org,
                                                 absl::string_view value_id);
  // Writes wording, state, revision_number, update time and version as
  // given (the caller bumps the version).
  absl::Status UpdateValue(db::Transaction& tx, const ValueRecord& value);

  // Records that `staff_member_id` endorses the value, and raises its
  // endorsement_count when this added a row. Returns whether it did. The
  // value must be locked (FindValueForUpdate).
  absl::StatusOr<bool> AddEndorsement(db::Transaction& tx,
                                      absl::string_view org,
                                      absl::string_view value_id,
                                      absl::string_view staff_member_id,
                                      int64_t time_us);
  // Removes the endorsement and lowers the count when a row went. Returns
  // whether it did. The value must be locked.
  absl::StatusOr<bool> RemoveEndorsement(db::Transaction& tx,
                                         absl::string_view org,
                                         absl::string_view value_id,
                                         absl::string_view staff_member_id);
  // The ids, between `min_value_id` and `max_value_id` inclusive, of the
  // values `staff_member_id` endorses (to mark a page of values).
  absl::StatusOr<absl::flat_hash_set<std::string>> EndorsedBetween(
      absl::string_view org, absl::string_view staff_member_id,
      absl::string_view min_value_id, absl::string_view max_value_id);
  // Whether `staff_member_id` endorses the value, read in `tx`.
  absl::StatusOr<bool> IsEndorsedBy(db::Transaction& tx, absl::string_view org,
                                    absl::string_view value_id,
                                    absl::string_view staff_member_id);

  // Up to `limit` values after `after` in creation order (ties by id), of
  // `state` when given.
  absl::StatusOr<std::vector<ValueRecord>> ListValues(
      absl::string_view org, std::optional<ValueState> state,
      const std::optional<TimeCursor>& after, int limit);

  // Up to `limit` revisions numbered below `before`, newest first.
  absl::StatusOr<std::vector<RevisionRecord>> ListRevisions(
      absl::string_view org, absl::string_view value_id, int64_t before,
      int limit);

  // The next feedback sequence number of a locked value.
  absl::StatusOr<int64_t> NextFeedbackSequence(db::Transaction& tx,
                                               absl::string_view org,
                                               absl::string_view value_id);
  // Stores `feedback`; author_id is stored as NULL when it is anonymous.
  absl::Status InsertFeedback(db::Transaction& tx,
                              const FeedbackRecord& feedback);
  // Up to `limit` feedback numbered below `before`, newest first.
  absl::StatusOr<std::vector<FeedbackRecord>> ListFeedback(
      absl::string_view org, absl::string_view value_id, int64_t before,
      int limit);

  // A person's endorsements and signed (not anonymous) feedback, for an
  // export, up to `limit` at a time. Anonymous feedback has no author
  // stored, so it is never here. Endorsements come in value_id order after
  // `after_value_id`; feedback in (value_id, sequence) order after `after`.
  absl::StatusOr<std::vector<EndorsementRecord>> ListEndorsementsOf(
      absl::string_view org, absl::string_view staff_member_id,
      absl::string_view after_value_id, int limit);
  absl::StatusOr<std::vector<FeedbackRecord>> ListSignedFeedbackOf(
      absl::string_view org, absl::string_view staff_member_id,
      absl::string_view after_value_id, int64_t after_sequence, int limit);

  // Erasure: removes the person's endorsement rows and leaves every
  // endorsement_count as it is (the count is the aggregate kept); turns
  // their signed feedback into authorless feedback whose text is
  // `erased_text`. Each returns the rows changed.
  absl::StatusOr<int64_t> EraseEndorsementsOf(
      db::Transaction& tx, absl::string_view org,
      absl::string_view staff_member_id);
  absl::StatusOr<int64_t> EraseSignedFeedbackOf(
      db::Transaction& tx, absl::string_view org,
      absl::string_view staff_member_id, absl::string_view erased_text);

 private:
  db::Pool* const pool_;
};

}  // namespace candor::values

#endif  // CANDOR_SERVICES_VALUES_VALUES_REPOSITORY_H_
