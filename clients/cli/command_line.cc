#include "clients/cli/command_line.h"

#include <iostream>
#include <utility>

#include "CLI/CLI.hpp"
#include "clients/cli/commands.h"

namespace candor::cli {

int Actions::Run(const CLI::App& app) const {
  // A group's subcommand is parsed together with the group: the action is
  // that of the deepest one.
  const CLI::App* command = &app;
  while (!command->get_subcommands().empty()) {
    command = command->get_subcommands().front();
  }
  const auto action = actions_.find(command);
  if (action == actions_.end()) {
    std::cerr << command->help();
    return kExitUsage;
  }
  return action->second();
}

CLI::App* Actions::Add(CLI::App& group, const std::string& name,
                       const std::string& description, Action action) {
  CLI::App* command = group.add_subcommand(name, description);
  actions_[command] = std::move(action);
  return command;
}

std::string CommandPath(const CLI::App& group, const std::string& name) {
  // The root app (candorctl itself) has no parent and is not named.
  if (group.get_parent() == nullptr) return name;
  return CommandPath(*group.get_parent(), group.get_name()) + " " + name;
}

CLI::Option* AddRepeatable(CLI::App* command, const std::string& name,
                           std::vector<std::string>& values,
                           const std::string& description) {
  return command->add_option(name, values, description)
      ->allow_extra_args(false)
      ->type_size(1);
}

CLI::Option* AddParent(CLI::App* command, std::string& parent) {
  return command->add_option("parent", parent, "organizations/ID, or just ID")
      ->required();
}

CLI::Option* AddName(CLI::App* command, std::string& name,
                     const std::string& form) {
  return command->add_option("name", name, form)->required();
}

CLI::Option* AddOwnStaffName(CLI::App* command, const std::string& positional,
                             std::string& name) {
  return command
      ->add_option(positional, name,
                   "Your staff name, organizations/ORG/staffMembers/ID")
      ->required();
}

CLI::Option* AddRequestId(CLI::App* command, std::string& request_id) {
  return command->add_option("--request-id", request_id,
                             "Makes a retry return the first answer");
}

void AddPageOptions(CLI::App* command, PageOptions& page) {
  command->add_option("--page-size", page.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  command->add_option("--page-token", page.page_token,
                      "From the previous page");
  command->add_flag("--all", page.all, "Follow every page to the end");
}

CLI::App* AddListCommand(CLI::App& group, const std::string& name,
                         const std::string& description,
                         const std::string& filter_help,
                         const GlobalOptions& global, Actions& actions,
                         int (*run)(const GlobalOptions&, const ListOptions&)) {
  auto [command, options] =
      AddCommand(group, name, description, global, actions, run);
  AddParent(command, options.parent);
  if (!filter_help.empty()) {
    command->add_option("--filter", options.filter, filter_help);
  }
  AddPageOptions(command, options.page);
  return command;
}

CLI::Option* AddNetwork(CLI::App* command, std::string& network) {
  return command->add_option("--network", network,
                             "linkedin, x, facebook, instagram or mastodon");
}

CLI::Option* AddEtag(CLI::App* command, std::string& etag,
                     const std::string& what) {
  return command->add_option(
      "--etag", etag, "Refuse the change if the " + what + " changed since");
}

std::optional<std::string> IfGiven(const CLI::Option* option,
                                   const std::string& value) {
  if (option->count() == 0) return std::nullopt;
  return value;
}

}  // namespace candor::cli
