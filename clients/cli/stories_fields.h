// The pieces of `candorctl stories ...` that need no server: expiry times
// as people type them, create and update requests built from the flags
// given, and what is printed for stories.
#ifndef CANDOR_CLIENTS_CLI_STORIES_FIELDS_H_
#define CANDOR_CLIENTS_CLI_STORIES_FIELDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "candor/advocacy/v1/advocacy.pb.h"
#include "clients/cli/output.h"
#include "google/protobuf/timestamp.pb.h"

namespace candor::cli {

// An RFC 3339 time ("2025-01-31T17:00:00Z", "2025-01-31T18:00:00+01:00").
// INVALID_ARGUMENT naming the text and the accepted form otherwise.
absl::StatusOr<google::protobuf::Timestamp> ParseRfc3339(
    const std::string& text);

// The story's flags; std::nullopt when the flag was not given.
struct StoryFlags {
  std::optional<std::string> title;
  std::optional<std::string> summary;
  std::optional<std::string> url;
  // --point: replaces every talking point; an empty list removes them all.
  std::optional<std::vector<std::string>> talking_points;
  // --value: value ids (in the story's organization) or resource names.
  std::optional<std::vector<std::string>> values;
  // --department: an empty list means everyone.
  std::optional<std::vector<std::string>> audience_departments;
  // At most one of these: an RFC 3339 time, a duration from `now` ("7d"),
  // or no expiry at all.
  std::optional<std::string> expire_time;
  std::optional<std::string> expires_in;
  bool no_expiry = false;
  std::optional<std::string> etag;  // update only
};

// The request to create a story under `parent` (organizations/ID).
// INVALID_ARGUMENT for a bad time or duration, or more than one expiry.
absl::StatusOr<candor::advocacy::v1::CreateStoryRequest>
BuildCreateStoryRequest(const std::string& parent, const StoryFlags& flags,
                        absl::Time now);

// The request for the story `name` whose update_mask names exactly the
// fields given. INVALID_ARGUMENT as for create, and when no field is given.
absl::StatusOr<candor::advocacy::v1::UpdateStoryRequest>
BuildStoryUpdateRequest(const std::string& name, const StoryFlags& flags,
                        absl::Time now);

std::string DescribeStory(const candor::advocacy::v1::Story& story);

// NAME TITLE STATE EXPIRES DEPARTMENTS VALUES: departments separated by
// ';' ("everyone" when none), values by their ids, separated by ','.
Table StoryTable();
void AddStoryRow(const candor::advocacy::v1::Story& story, Table& table);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_STORIES_FIELDS_H_
