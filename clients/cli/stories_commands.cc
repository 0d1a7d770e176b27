// `candorctl stories ...`: advocacy stories. Reviewers and admins create,
// update and archive them; employees list and read the stories meant for
// their department. Each command returns the process exit code (see
// commands.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/stories_fields.h"

namespace candor::cli {
namespace {

namespace advocacypb = ::candor::advocacy::v1;
using AdvocacyStub = advocacypb::AdvocacyService::Stub;

const char kStoryName[] = "organizations/ORG/stories/ID";

// The story flags of create and update as given; Flags() keeps those given
// (or cleared), so that an update changes only them.
struct StoryArgs {
  std::string title, summary, url, expire_time, expires_in, etag;
  std::vector<std::string> points, values, departments;
  bool no_expiry = false, clear_points = false, clear_values = false,
       everyone = false;
  CLI::Option *title_option = nullptr, *summary_option = nullptr,
              *url_option = nullptr, *points_option = nullptr,
              *values_option = nullptr, *departments_option = nullptr,
              *expire_time_option = nullptr, *expires_in_option = nullptr,
              *etag_option = nullptr;

  StoryFlags Flags() const {
    StoryFlags flags;
    flags.title = IfGiven(title_option, title);
    flags.summary = IfGiven(summary_option, summary);
    flags.url = IfGiven(url_option, url);
    if (points_option->count() > 0 || clear_points) {
      flags.talking_points = points;
    }
    if (values_option->count() > 0 || clear_values) flags.values = values;
    if (departments_option->count() > 0 || everyone) {
      flags.audience_departments = departments;
    }
    flags.expire_time = IfGiven(expire_time_option, expire_time);
    flags.expires_in = IfGiven(expires_in_option, expires_in);
    flags.no_expiry = no_expiry;
    if (etag_option != nullptr) flags.etag = IfGiven(etag_option, etag);
    return flags;
  }
};

// The story fields, on `create` or (`update`) on `update`, which can also
// clear them.
void AddStoryOptions(CLI::App* command, StoryArgs& args, bool update) {
  args.title_option =
      command->add_option("--title", args.title, "At most 200 characters");
  args.summary_option =
      command->add_option("--summary", args.summary, "At most 2000 characters");
  args.url_option =
      command->add_option("--url", args.url, "The source, an https URL");
  args.points_option = AddRepeatable(
      command, "--point", args.points,
      update ? "Sets the talking points (repeatable; replaces all)"
             : "A talking point: a fact staff may use (repeatable)");
  args.values_option = AddRepeatable(
      command, "--value", args.values,
      "A related value, by id or name (repeatable, must be ACTIVE)");
  args.departments_option =
      AddRepeatable(command, "--department", args.departments,
                    "An audience department (repeatable; none: everyone)");
  args.expire_time_option = command->add_option(
      "--expire-time", args.expire_time,
      "When employees stop seeing it, RFC 3339: 2025-01-31T17:00:00Z");
  args.expires_in_option = command->add_option(
      "--expires-in", args.expires_in, "Expire after this long, e.g. 7d, 12h");
  args.expires_in_option->excludes(args.expire_time_option);
  if (!update) return;
  command->add_flag("--no-expiry", args.no_expiry, "Remove the expiry time")
      ->excludes(args.expire_time_option)
      ->excludes(args.expires_in_option);
  command
      ->add_flag("--clear-points", args.clear_points,
                 "Remove every talking point")
      ->excludes(args.points_option);
  command
      ->add_flag("--clear-values", args.clear_values,
                 "Remove every related value")
      ->excludes(args.values_option);
  command
      ->add_flag("--everyone", args.everyone,
                 "Remove the audience departments: for everyone")
      ->excludes(args.departments_option);
  args.etag_option = AddEtag(command, args.etag, "story");
}

struct StoryCreateOptions {
  std::string parent;  // organizations/ID, or just ID
  StoryArgs story;
  std::string story_id;
  std::string request_id;
};

int RunStoryCreate(const GlobalOptions& global,
                   const StoryCreateOptions& options) {
  absl::StatusOr<advocacypb::CreateStoryRequest> request =
      BuildCreateStoryRequest(options.parent, options.story.Flags(),
                              absl::Now());
  if (request.ok()) {
    request->set_story_id(options.story_id);
    request->set_request_id(options.request_id);
  }
  return CallAndPrint(global, "stories create", request,
                      &AdvocacyStub::CreateStory, &DescribeStory);
}

int RunStoryList(const GlobalOptions& global, const ListOptions& options) {
  advocacypb::ListStoriesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  return ListAndPrint(global, "stories list", request, options.page,
                      &AdvocacyStub::ListStories,
                      &advocacypb::ListStoriesResponse::stories, StoryTable(),
                      &AddStoryRow, "stories");
}

struct StoryUpdateOptions {
  std::string name;
  StoryArgs story;
};

int RunStoryUpdate(const GlobalOptions& global,
                   const StoryUpdateOptions& options) {
  return CallAndPrint(
      global, "stories update",
      BuildStoryUpdateRequest(options.name, options.story.Flags(), absl::Now()),
      &AdvocacyStub::UpdateStory, &DescribeStory);
}

int RunStoryArchive(const GlobalOptions& global,
                    const NameAndRequestId& options) {
  advocacypb::ArchiveStoryRequest request;
  request.set_name(options.name);
  request.set_request_id(options.request_id);
  return CallAndPrint(global, "stories archive", request,
                      &AdvocacyStub::ArchiveStory, &DescribeStory);
}

}  // namespace

void AddStoriesCommands(CLI::App& app, const GlobalOptions& global,
                        Actions& actions) {
  CLI::App* stories = app.add_subcommand("stories", "Advocacy stories");
  stories->require_subcommand(1);

  auto [create, create_options] =
      AddCommand(*stories, "create", "Create a story (reviewer or admin)",
                 global, actions, &RunStoryCreate);
  AddParent(create, create_options.parent);
  AddStoryOptions(create, create_options.story, /*update=*/false);
  create_options.story.title_option->required();
  create_options.story.summary_option->required();
  create->add_option("--id", create_options.story_id,
                     "Story id (default: the server picks one)");
  AddRequestId(create, create_options.request_id);

  AddNameCommand(*stories, "get", "Show a story", kStoryName, global, actions,
                 &AdvocacyStub::GetStory, &DescribeStory);

  AddListCommand(*stories, "list",
                 "List stories, newest first (employees: those for them)",
                 "state = ACTIVE or state = ARCHIVED (reviewers, admins)",
                 global, actions, &RunStoryList);

  auto [update, update_options] =
      AddCommand(*stories, "update",
                 "Change the fields given, and only those (reviewer or admin)",
                 global, actions, &RunStoryUpdate);
  AddName(update, update_options.name, kStoryName);
  AddStoryOptions(update, update_options.story, /*update=*/true);

  auto [archive, archive_options] =
      AddCommand(*stories, "archive", "Archive a story (reviewer or admin)",
                 global, actions, &RunStoryArchive);
  AddName(archive, archive_options.name, kStoryName);
  AddRequestId(archive, archive_options.request_id);
}

}  // namespace candor::cli
