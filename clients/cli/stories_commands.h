// `candorctl stories ...`: advocacy stories. Reviewers and admins create,
// update and archive them; employees list and read the stories meant for
// their department. Each command returns the process exit code (see
// commands.h).
#ifndef CANDOR_CLIENTS_CLI_STORIES_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_STORIES_COMMANDS_H_

#include <string>

#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/stories_fields.h"

namespace candor::cli {

struct StoryCreateOptions {
  std::string parent;  // organizations/ID, or just ID
  StoryFlags flags;
  std::string story_id;
  std::string request_id;
};
int RunStoryCreate(const GlobalOptions& global,
                   const StoryCreateOptions& options);
int RunStoryGet(const GlobalOptions& global, const std::string& name);

int RunStoryList(const GlobalOptions& global, const ListOptions& options);

int RunStoryUpdate(const GlobalOptions& global, const std::string& name,
                   const StoryFlags& flags);
int RunStoryArchive(const GlobalOptions& global,
                    const NameAndRequestId& options);

// Adds `stories` and its subcommands to `app`; their actions (in
// `actions`) run with `global`.
void AddStoriesCommands(CLI::App& app, const GlobalOptions& global,
                        Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_STORIES_COMMANDS_H_
