// What every family of candorctl commands uses to put itself on the command
// line (CLI11): the table of what each subcommand runs, and the options
// that many commands take, declared once so that each has the same name,
// check and help everywhere.
//
// A family (e.g. values_commands.cc) has one Add...Commands function that
// adds its subcommands to the app, binds their options to values it keeps
// alive in its actions, and sets each subcommand's action here.
#ifndef CANDOR_CLIENTS_CLI_COMMAND_LINE_H_
#define CANDOR_CLIENTS_CLI_COMMAND_LINE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace candor::cli {

struct GlobalOptions;  // commands.h

// What a subcommand does once the whole command line is parsed (the global
// options too); returns the process exit code.
using Action = std::function<int()>;

// Which action each subcommand runs.
class Actions {
 public:
  // Runs the action of the last subcommand given to the parsed `app`. When
  // that one has none (a group given alone), prints its help and returns
  // kExitUsage.
  int Run(const CLI::App& app) const;

  // Adds the subcommand `name` to `group`; `action` runs when it is the
  // last subcommand given. Commands are added with AddCommand, which calls
  // this.
  CLI::App* Add(CLI::App& group, const std::string& name,
                const std::string& description, Action action);

 private:
  std::map<const CLI::App*, Action> actions_;
};

// A subcommand added by AddCommand, and the options its action runs with:
// bind them to `command`'s arguments.
template <typename Options>
struct Command {
  CLI::App* command;
  Options& options;
};

// Adds the subcommand `name` to `group`; it runs `run(global, options)`,
// with options that live as long as the action. An option whose meaning
// depends on whether it was given keeps its CLI::Option* in the options
// (see IfGiven).
template <typename Options>
Command<Options> AddCommand(CLI::App& group, const std::string& name,
                            const std::string& description,
                            const GlobalOptions& global, Actions& actions,
                            int (*run)(const GlobalOptions&, const Options&)) {
  auto options = std::make_shared<Options>();
  CLI::App* command =
      actions.Add(group, name, description,
                  [&global, options, run] { return run(global, *options); });
  return {command, *options};
}

// The words that name `group`'s subcommand `name` in messages: "values
// get", or just `name` for a top-level command.
std::string CommandPath(const CLI::App& group, const std::string& name);

// A repeatable option that takes one value each time it is given
// (`--role admin --role reviewer`), so it never swallows a positional
// argument after it.
CLI::Option* AddRepeatable(CLI::App* command, const std::string& name,
                           std::vector<std::string>& values,
                           const std::string& description);

// The organization a command works in: the positional `parent`
// (organizations/ID, or just ID), required.
CLI::Option* AddParent(CLI::App* command, std::string& parent);

// The resource a command works on: the positional `name`, required;
// `form` is what it looks like, e.g. "organizations/ORG/values/ID".
CLI::Option* AddName(CLI::App* command, std::string& name,
                     const std::string& form);

// The caller's own staff member (organizations/ORG/staffMembers/ID): the
// positional `positional` ("parent", "staff"), required.
CLI::Option* AddOwnStaffName(CLI::App* command, const std::string& positional,
                             std::string& name);

// --request-id: the same id makes a retried create return the first answer.
CLI::Option* AddRequestId(CLI::App* command, std::string& request_id);

// What a command that changes one resource and may be retried takes: the
// positional `name` (AddName) and --request-id.
struct NameAndRequestId {
  std::string name;
  std::string request_id;
};

// --page-size, --page-token and --all of a list command.
struct PageOptions {
  int32_t page_size = 0;  // 0: the server's default
  std::string page_token;
  bool all = false;  // follow every page
};
void AddPageOptions(CLI::App* command, PageOptions& page);

// What a list command takes: what to list in (an organization, or the
// resource whose items are listed), a filter (empty, or --filter where the
// method has one), and the page.
struct ListOptions {
  std::string parent;
  std::string filter;
  PageOptions page;
};

// The usual list command: the positional `parent` (an organization),
// --filter (when `filter_help`, what a filter looks like, is not empty) and
// the page options; it runs `run`.
CLI::App* AddListCommand(CLI::App& group, const std::string& name,
                         const std::string& description,
                         const std::string& filter_help,
                         const GlobalOptions& global, Actions& actions,
                         int (*run)(const GlobalOptions&, const ListOptions&));

// --network: the social network a text is for.
CLI::Option* AddNetwork(CLI::App* command, std::string& network);

// --etag of an update: refused when the `what` ("value", "post", ...)
// changed since the etag was read.
CLI::Option* AddEtag(CLI::App* command, std::string& etag,
                     const std::string& what);

// `value` when `option` was given, so that an update can tell "set to
// empty" from "leave as it is".
std::optional<std::string> IfGiven(const CLI::Option* option,
                                   const std::string& value);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_COMMAND_LINE_H_
