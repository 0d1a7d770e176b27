// Story domain: the plain record of a story and the rules about it
// (validation, who sees what, update masks, list filters and cursors). No
// gRPC and no SQL: unit-tested alone. Everything here is a value type or a
// pure function (the current time is passed in); thread-safe.
#ifndef CANDOR_SERVICES_ADVOCACY_STORY_H_
#define CANDOR_SERVICES_ADVOCACY_STORY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/department.h"

namespace candor::advocacy {

// The proto enum numbers (Story.State), stored as they are.
enum class StoryState : int { kActive = 1, kArchived = 2 };

// Limits, also stated in the proto comments and the schema.
inline constexpr size_t kMaxStoryTitleLength = 200;
inline constexpr size_t kMaxStorySummaryLength = 2000;
inline constexpr size_t kMaxStoryUrlLength = 2000;
inline constexpr size_t kMaxTalkingPoints = 20;
inline constexpr size_t kMaxTalkingPointLength = 500;
inline constexpr size_t kMaxStoryValues = 10;
inline constexpr size_t kMaxAudienceDepartments = 50;
inline constexpr size_t kMaxDepartmentLength = 100;

struct StoryRecord {
  std::string organization_id;
  std::string story_id;
  std::string title;
  std::string summary;
  std::string url;  // empty: none
  std::vector<std::string> talking_points;
  // Ids of values of the same organization, distinct, in the order given.
  std::vector<std::string> value_ids;
  // Distinct by DepartmentKey, trimmed, in the order given; empty: everyone.
  std::vector<std::string> audience_departments;
  StoryState state = StoryState::kActive;
  int64_t expire_time_us = 0;  // 0: never expires
  std::string creator_id;      // staff_member_id of the reviewer or admin
  int64_t create_time_us = 0;
  int64_t update_time_us = 0;
  int64_t version = 0;  // bumped by every change; the etag
  // Whether staff get something for sharing it (posts about it must carry
  // an incentive disclosure).
  bool incentivized = false;
};

// Whether an employee (no reviewer or admin role) of `department` may see
// `story` at `now_us`: ACTIVE, not expired, and for everyone or for that
// department. AdvocacyRepository::ListVisibleStories selects the same.
bool VisibleToEmployee(const StoryRecord& story, absl::string_view department,
                       int64_t now_us);

// --- validation -------------------------------------------------------------
// Each check returns OK or INVALID_ARGUMENT whose message starts with
// `<prefix><field>` ("story.talking_points[2]: ...").

// An https URL with a host, at most kMaxStoryUrlLength characters, without
// user info, white space or control characters. Empty passes.
absl::Status CheckStoryUrl(absl::string_view field, absl::string_view url);

// Trims every department, drops repeats (by DepartmentKey) and checks the
// rest: each 1 to kMaxDepartmentLength characters, at most
// kMaxAudienceDepartments of them. Indexes in errors are the input's.
absl::StatusOr<std::vector<std::string>> NormalizeAudience(
    const std::vector<std::string>& departments, absl::string_view field);

// Checks one updatable field of `story` (see UpdatableStoryPaths):
// title, summary, url, talking_points, audience_departments (already
// normalized) or expire_time (0, or after `now_us`). Other paths pass.
absl::Status ValidateStoryField(absl::string_view path,
                                const StoryRecord& story, int64_t now_us,
                                absl::string_view prefix);

// Checks every field a new story carries.
absl::Status ValidateNewStory(const StoryRecord& story, int64_t now_us,
                              absl::string_view prefix);

// A value a story names, with its index in the request (for errors).
struct ValueReference {
  size_t index = 0;
  std::string value_id;
};

// Parses `organizations/{org}/values/{value}` names, which must all be of
// `org`; drops repeats (keeping the first) and allows at most
// kMaxStoryValues distinct values. Errors name `<field>[i]`.
absl::StatusOr<std::vector<ValueReference>> ParseValueReferences(
    absl::string_view org, const std::vector<std::string>& names,
    absl::string_view field);

// `organizations/{org}/values/{value}`.
std::string ValueName(absl::string_view org, absl::string_view value_id);

// --- update masks, filters, cursors ------------------------------------------

// The paths UpdateStory may name, in proto order.
const std::vector<std::string>& UpdatableStoryPaths();

// OK for an updatable path; INVALID_ARGUMENT naming update_mask for an
// output-only or unknown one.
absl::Status CheckUpdatableStoryPath(absl::string_view path);

// Parses a ListStories filter: empty, `state = ACTIVE` or `state = ARCHIVED`
// (spaces optional). INVALID_ARGUMENT "filter: ..." otherwise.
absl::StatusOr<std::optional<StoryState>> ParseStoryFilter(
    absl::string_view filter);

// --- stored form
// ---------------------------------------------------------------

// A list of strings as one column: each item as `<byte length>:<bytes>`, so
// any text round-trips. DecodeStringList skips what it cannot read.
std::string EncodeStringList(const std::vector<std::string>& items);
std::vector<std::string> DecodeStringList(absl::string_view text);

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_STORY_H_
