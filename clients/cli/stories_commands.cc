#include "clients/cli/stories_commands.h"

#include <iostream>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

namespace advocacypb = ::candor::advocacy::v1;

// Calls a method that answers a Story and prints it.
template <typename Request, typename Call>
int CallForStory(const GlobalOptions& global, const std::string& command,
                 const Request& request, Call call) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::Story story;
  const grpc::Status status = call(
      connection->advocacy(), connection->NewContext().get(), request, &story);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, story, DescribeStory(story));
  return kExitOk;
}

}  // namespace

int RunStoryCreate(const GlobalOptions& global,
                   const StoryCreateOptions& options) {
  const std::string command = "stories create";
  absl::StatusOr<advocacypb::CreateStoryRequest> request =
      BuildCreateStoryRequest(options.parent, options.flags, absl::Now());
  if (!request.ok()) return UsageError(command, request.status());
  request->set_story_id(options.story_id);
  request->set_request_id(options.request_id);
  return CallForStory(
      global, command, *request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Story* story) {
        return stub.CreateStory(context, message, story);
      });
}

int RunStoryGet(const GlobalOptions& global, const std::string& name) {
  advocacypb::GetStoryRequest request;
  request.set_name(name);
  return CallForStory(
      global, "stories get", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Story* story) {
        return stub.GetStory(context, message, story);
      });
}

int RunStoryList(const GlobalOptions& global, const StoryListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "stories list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::ListStoriesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<advocacypb::Story> stories;
  advocacypb::ListStoriesResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context, const advocacypb::ListStoriesRequest& r,
          advocacypb::ListStoriesResponse* response) {
        return connection->advocacy().ListStories(context, r, response);
      },
      [&](advocacypb::ListStoriesResponse& response) {
        for (auto& story : *response.mutable_stories()) {
          stories.push_back(story);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, stories, StoryTable(), &AddStoryRow,
            "stories");
  return kExitOk;
}

int RunStoryUpdate(const GlobalOptions& global, const std::string& name,
                   const StoryFlags& flags) {
  const std::string command = "stories update";
  absl::StatusOr<advocacypb::UpdateStoryRequest> request =
      BuildStoryUpdateRequest(name, flags, absl::Now());
  if (!request.ok()) return UsageError(command, request.status());
  return CallForStory(
      global, command, *request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Story* story) {
        return stub.UpdateStory(context, message, story);
      });
}

int RunStoryArchive(const GlobalOptions& global, const std::string& name,
                    const std::string& request_id) {
  advocacypb::ArchiveStoryRequest request;
  request.set_name(name);
  request.set_request_id(request_id);
  return CallForStory(
      global, "stories archive", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Story* story) {
        return stub.ArchiveStory(context, message, story);
      });
}

namespace {

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

}  // namespace

void AddStoriesCommands(CLI::App& app, const GlobalOptions& global,
                        Actions& actions) {
  CLI::App* stories = app.add_subcommand("stories", "Advocacy stories");
  stories->require_subcommand(1);

  struct CreateArgs {
    StoryCreateOptions options;
    StoryArgs story;
  };
  auto create = std::make_shared<CreateArgs>();
  CLI::App* stories_create =
      stories->add_subcommand("create", "Create a story (reviewer or admin)");
  AddParent(stories_create, create->options.parent);
  AddStoryOptions(stories_create, create->story, /*update=*/false);
  create->story.title_option->required();
  create->story.summary_option->required();
  stories_create->add_option("--id", create->options.story_id,
                             "Story id (default: the server picks one)");
  AddRequestId(stories_create, create->options.request_id);
  actions.Set(stories_create, [&global, create] {
    create->options.flags = create->story.Flags();
    return RunStoryCreate(global, create->options);
  });

  auto get_name = std::make_shared<std::string>();
  CLI::App* stories_get = stories->add_subcommand("get", "Show a story");
  AddName(stories_get, *get_name, "organizations/ORG/stories/ID");
  actions.Set(stories_get,
              [&global, get_name] { return RunStoryGet(global, *get_name); });

  auto list = std::make_shared<StoryListOptions>();
  CLI::App* stories_list = stories->add_subcommand(
      "list", "List stories, newest first (employees: those for them)");
  AddParent(stories_list, list->parent);
  stories_list->add_option("--filter", list->filter,
                           "state = ACTIVE or state = ARCHIVED (reviewers, "
                           "admins)");
  AddPageOptions(stories_list, list->page_size, list->page_token, list->all);
  actions.Set(stories_list,
              [&global, list] { return RunStoryList(global, *list); });

  struct UpdateArgs {
    std::string name;
    StoryArgs story;
  };
  auto update = std::make_shared<UpdateArgs>();
  CLI::App* stories_update = stories->add_subcommand(
      "update", "Change the fields given, and only those (reviewer or admin)");
  AddName(stories_update, update->name, "organizations/ORG/stories/ID");
  AddStoryOptions(stories_update, update->story, /*update=*/true);
  actions.Set(stories_update, [&global, update] {
    return RunStoryUpdate(global, update->name, update->story.Flags());
  });

  struct ArchiveArgs {
    std::string name, request_id;
  };
  auto archive = std::make_shared<ArchiveArgs>();
  CLI::App* stories_archive =
      stories->add_subcommand("archive", "Archive a story (reviewer or admin)");
  AddName(stories_archive, archive->name, "organizations/ORG/stories/ID");
  AddRequestId(stories_archive, archive->request_id);
  actions.Set(stories_archive, [&global, archive] {
    return RunStoryArchive(global, archive->name, archive->request_id);
  });
}

}  // namespace candor::cli
