// Values domain: plain types and the rules about them (limits, which fields
// an update may change, the list filter, page cursors, and how anonymous
// feedback is made unattributable). No gRPC and no SQL: unit-tested alone.
// Everything here is a value type or a pure function; thread-safe.
#ifndef CANDOR_SERVICES_VALUES_VALUE_H_
#define CANDOR_SERVICES_VALUES_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::values {

// The proto enum numbers (Value.State), stored as they are.
enum class ValueState : int { kActive = 1, kRetired = 2 };

// Limits, also stated in the proto comments and the schema.
inline constexpr size_t kMaxTitleLength = 120;
inline constexpr size_t kMaxStatementLength = 2000;
inline constexpr size_t kMaxFeedbackLength = 2000;
inline constexpr size_t kMaxValueIdLength = 63;

// A value as stored: its current wording and bookkeeping.
struct ValueRecord {
  std::string organization_id;
  std::string value_id;
  std::string title;
  std::string statement;
  ValueState state = ValueState::kActive;
  // The current wording's revision (1 for the wording it was created with).
  int64_t revision_number = 1;
  int64_t endorsement_count = 0;
  int64_t create_time_us = 0;
  int64_t update_time_us = 0;
  // Bumped by every change of wording or state (not by endorsements, which
  // are no read-modify-write of the value); the etag.
  int64_t version = 1;
};

// One wording of a value, kept forever.
struct RevisionRecord {
  std::string organization_id;
  std::string value_id;
  int64_t revision_number = 0;
  std::string title;
  std::string statement;
  std::string editor_id;  // staff_member_id of the admin who wrote it
  int64_t create_time_us = 0;
};

// A person's endorsement of a value.
struct EndorsementRecord {
  std::string value_id;
  int64_t create_time_us = 0;
};

// Feedback on a value. Anonymous feedback has no author_id and a
// create_time rounded down to the day (AnonymousTime) as stored, so that
// nothing that reads the database can attribute it.
struct FeedbackRecord {
  std::string organization_id;
  std::string value_id;
  // Per value, 1, 2, ...: the feedback's id and its newest-first order.
  int64_t sequence = 0;
  std::string text;
  bool anonymous = false;
  std::string author_id;  // staff_member_id; empty when anonymous
  int64_t value_revision_number = 0;
  int64_t create_time_us = 0;
};

// A revision number as a resource id ("1", "2", ...), and back;
// INVALID_ARGUMENT naming `field` when `id` is not one.
std::string RevisionId(int64_t revision_number);
absl::StatusOr<int64_t> ParseSequenceId(absl::string_view field,
                                        absl::string_view id);

// `prefix` is prepended to field names in errors ("value." or "").
absl::Status ValidateTitle(absl::string_view prefix, absl::string_view title);
absl::Status ValidateStatement(absl::string_view prefix,
                               absl::string_view statement);
absl::Status ValidateFeedbackText(absl::string_view prefix,
                                  absl::string_view text);
absl::Status ValidateValueId(absl::string_view field, absl::string_view id);

// Which fields an UpdateValue changes.
struct ValueUpdate {
  bool title = false;
  bool statement = false;
};

// The fields named by an update mask's `paths`, or, when there are none, the
// non-empty ones of title and statement. INVALID_ARGUMENT naming update_mask
// for an unknown or output-only path, or when nothing is named.
absl::StatusOr<ValueUpdate> ResolveUpdatePaths(
    const std::vector<std::string>& paths, bool title_set, bool statement_set);

// Parses a ListValues filter: empty (every value), `state = ACTIVE` or
// `state = RETIRED` (spaces optional). INVALID_ARGUMENT "filter: ...".
absl::StatusOr<std::optional<ValueState>> ParseValueFilter(
    absl::string_view filter);

// The time stored and shown for anonymous feedback written at `time_us`:
// rounded down to the start of its UTC day.
int64_t AnonymousTime(int64_t time_us);

}  // namespace candor::values

#endif  // CANDOR_SERVICES_VALUES_VALUE_H_
