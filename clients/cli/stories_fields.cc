#include "clients/cli/stories_fields.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "clients/cli/duration.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/values_fields.h"

namespace candor::cli {
namespace {

using ::candor::advocacy::v1::Story;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  timestamp.set_seconds(absl::ToInt64Seconds(since_epoch));
  timestamp.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(
      since_epoch - absl::Seconds(timestamp.seconds()))));
  return timestamp;
}

// Applies the flags to `story`, adding each path set to `paths` (when not
// null) in the order of the Story fields.
absl::Status ApplyFlags(const StoryFlags& flags, absl::Time now,
                        const std::string& organization_name, Story* story,
                        google::protobuf::FieldMask* mask) {
  const auto add_path = [mask](const char* path) {
    if (mask != nullptr) mask->add_paths(path);
  };
  const int expiries = (flags.expire_time ? 1 : 0) +
                       (flags.expires_in ? 1 : 0) + (flags.no_expiry ? 1 : 0);
  if (expiries > 1) {
    return absl::InvalidArgumentError(
        "give at most one of --expire-time, --expires-in and --no-expiry");
  }
  if (flags.title) {
    story->set_title(*flags.title);
    add_path("title");
  }
  if (flags.summary) {
    story->set_summary(*flags.summary);
    add_path("summary");
  }
  if (flags.url) {
    story->set_url(*flags.url);
    add_path("url");
  }
  if (flags.talking_points) {
    for (const std::string& point : *flags.talking_points) {
      story->add_talking_points(point);
    }
    add_path("talking_points");
  }
  if (flags.values) {
    for (const std::string& value : *flags.values) {
      if (value.empty()) {
        return absl::InvalidArgumentError("--value: empty value name");
      }
      story->add_values(ValueName(organization_name, value));
    }
    add_path("values");
  }
  if (flags.audience_departments) {
    for (const std::string& department : *flags.audience_departments) {
      story->add_audience_departments(department);
    }
    add_path("audience_departments");
  }
  if (flags.expire_time) {
    absl::StatusOr<google::protobuf::Timestamp> time =
        ParseRfc3339(*flags.expire_time);
    if (!time.ok()) {
      return absl::InvalidArgumentError("--expire-time: " +
                                        std::string(time.status().message()));
    }
    *story->mutable_expire_time() = *time;
    add_path("expire_time");
  } else if (flags.expires_in) {
    absl::StatusOr<absl::Duration> duration = ParseDuration(*flags.expires_in);
    if (!duration.ok()) {
      return absl::InvalidArgumentError(
          "--expires-in: " + std::string(duration.status().message()));
    }
    *story->mutable_expire_time() = ToTimestamp(now + *duration);
    add_path("expire_time");
  } else if (flags.no_expiry) {
    story->clear_expire_time();
    add_path("expire_time");
  }
  return absl::OkStatus();
}

std::string StateText(const Story& story) {
  if (story.state() == Story::STATE_UNSPECIFIED) return "";
  return Story::State_Name(story.state());
}

// "clarity" for "organizations/acme/values/clarity".
std::string ValueId(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

absl::StatusOr<google::protobuf::Timestamp> ParseRfc3339(
    const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::InvalidArgumentError(
        "invalid time \"" + text + "\": " + error +
        " (use RFC 3339, e.g. 2025-01-31T17:00:00Z or "
        "2025-01-31T18:00:00+01:00)");
  }
  return ToTimestamp(time);
}

absl::StatusOr<candor::advocacy::v1::CreateStoryRequest>
BuildCreateStoryRequest(const std::string& parent, const StoryFlags& flags,
                        absl::Time now) {
  candor::advocacy::v1::CreateStoryRequest request;
  request.set_parent(OrganizationName(parent));
  const absl::Status applied = ApplyFlags(flags, now, request.parent(),
                                          request.mutable_story(), nullptr);
  if (!applied.ok()) return applied;
  return request;
}

absl::StatusOr<candor::advocacy::v1::UpdateStoryRequest>
BuildStoryUpdateRequest(const std::string& name, const StoryFlags& flags,
                        absl::Time now) {
  candor::advocacy::v1::UpdateStoryRequest request;
  Story* story = request.mutable_story();
  story->set_name(name);
  const absl::Status applied = ApplyFlags(flags, now, OrganizationOf(name),
                                          story, request.mutable_update_mask());
  if (!applied.ok()) return applied;
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give at least one of --title, --summary, --url, "
        "--point, --clear-points, --value, --clear-values, --department, "
        "--everyone, --expire-time, --expires-in, --no-expiry");
  }
  if (flags.etag) story->set_etag(*flags.etag);
  return request;
}

std::string DescribeStory(const Story& story) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", story.name()},
      {"title", story.title()},
      {"summary", story.summary()},
      {"url", story.url()},
  };
  // One line per talking point.
  for (const std::string& point : story.talking_points()) {
    fields.emplace_back("talking_point", point);
  }
  fields.insert(fields.end(),
                {
                    {"values", absl::StrJoin(story.values(), ", ")},
                    {"audience_departments",
                     story.audience_departments().empty()
                         ? "everyone"
                         : absl::StrJoin(story.audience_departments(), "; ")},
                    {"state", StateText(story)},
                    {"expire_time", TimeText(story.expire_time())},
                    {"creator", story.creator()},
                    {"create_time", TimeText(story.create_time())},
                    {"update_time", TimeText(story.update_time())},
                    {"etag", story.etag()},
                });
  return RenderFields(fields);
}

Table StoryTable() {
  return Table({"NAME", "TITLE", "STATE", "EXPIRES", "DEPARTMENTS", "VALUES"});
}

void AddStoryRow(const Story& story, Table& table) {
  std::vector<std::string> values;
  for (const std::string& value : story.values()) {
    values.push_back(ValueId(value));
  }
  table.AddRow({story.name(), story.title(), StateText(story),
                TimeText(story.expire_time()),
                story.audience_departments().empty()
                    ? "everyone"
                    : absl::StrJoin(story.audience_departments(), ";"),
                absl::StrJoin(values, ",")});
}

}  // namespace candor::cli
