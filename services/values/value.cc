#include "services/values/value.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/validation.h"

namespace candor::values {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;

}  // namespace

std::string RevisionId(int64_t revision_number) {
  return absl::StrCat(revision_number);
}

absl::StatusOr<int64_t> ParseSequenceId(absl::string_view field,
                                        absl::string_view id) {
  int64_t number = 0;
  // Digits only: SimpleAtoi would also take "+1" or " 1".
  const bool digits = !id.empty() && id.size() <= 18 &&
                      std::all_of(id.begin(), id.end(), [](char c) {
                        return absl::ascii_isdigit(c);
                      });
  if (!digits || !absl::SimpleAtoi(id, &number) || number < 1) {
    return InvalidField(field, "not a valid id");
  }
  return number;
}

absl::Status ValidateTitle(absl::string_view prefix, absl::string_view title) {
  return CheckText(absl::StrCat(prefix, "title"), title, kMaxTitleLength,
                   Presence::kRequired);
}

absl::Status ValidateStatement(absl::string_view prefix,
                               absl::string_view statement) {
  return CheckText(absl::StrCat(prefix, "statement"), statement,
                   kMaxStatementLength, Presence::kRequired,
                   /*multiline=*/true);
}

absl::Status ValidateFeedbackText(absl::string_view prefix,
                                  absl::string_view text) {
  return CheckText(absl::StrCat(prefix, "text"), text, kMaxFeedbackLength,
                   Presence::kRequired, /*multiline=*/true);
}

absl::Status ValidateValueId(absl::string_view field, absl::string_view id) {
  return CheckResourceId(field, id, kMaxValueIdLength);
}

absl::StatusOr<ValueUpdate> ResolveUpdatePaths(
    const std::vector<std::string>& paths, bool title_set, bool statement_set) {
  ValueUpdate update;
  if (paths.empty()) {
    update.title = title_set;
    update.statement = statement_set;
  }
  for (const std::string& path : paths) {
    if (path == "title") {
      update.title = true;
    } else if (path == "statement") {
      update.statement = true;
    } else if (path == "name" || path == "state" || path == "revision_id" ||
               path == "endorsement_count" || path == "create_time" ||
               path == "update_time" || path == "etag" ||
               path == "endorsed_by_caller") {
      return InvalidField("update_mask",
                          absl::StrCat("'", path, "' cannot be updated"));
    } else {
      return InvalidField(
          "update_mask",
          absl::StrCat("unknown field '", path, "' (use title, statement)"));
    }
  }
  if (!update.title && !update.statement) {
    return InvalidField("update_mask", "names no field to update");
  }
  return update;
}

absl::StatusOr<std::optional<ValueState>> ParseValueFilter(
    absl::string_view filter) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(filter);
  if (trimmed.empty()) return std::optional<ValueState>();
  const std::pair<absl::string_view, absl::string_view> sides =
      absl::StrSplit(trimmed, absl::MaxSplits('=', 1));
  const absl::string_view field = absl::StripAsciiWhitespace(sides.first);
  const absl::string_view value = absl::StripAsciiWhitespace(sides.second);
  if (trimmed.find('=') == absl::string_view::npos || field != "state") {
    return InvalidField("filter", "only `state = ACTIVE` or `state = RETIRED`");
  }
  if (value == "ACTIVE") return std::optional<ValueState>(ValueState::kActive);
  if (value == "RETIRED")
    return std::optional<ValueState>(ValueState::kRetired);
  return InvalidField("filter", "state is ACTIVE or RETIRED");
}

int64_t AnonymousTime(int64_t time_us) {
  int64_t day = time_us / kMicrosPerDay;
  if (time_us % kMicrosPerDay < 0) --day;  // floor, also before 1970
  return day * kMicrosPerDay;
}

}  // namespace candor::values
