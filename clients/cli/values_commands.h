// `candorctl values ...`: the organization's shared values. Admins create,
// update and retire values and read their history and feedback; every
// staff member endorses values and gives feedback. Each command returns
// the process exit code (see commands.h).
#ifndef CANDOR_CLIENTS_CLI_VALUES_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_VALUES_COMMANDS_H_

#include <string>

#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/values_fields.h"

namespace candor::cli {

struct ValueCreateOptions {
  std::string parent;  // organizations/ID, or just ID
  std::string title;
  std::string statement;
  std::string value_id;
  std::string request_id;
};
int RunValueCreate(const GlobalOptions& global,
                   const ValueCreateOptions& options);
int RunValueGet(const GlobalOptions& global, const std::string& name);

int RunValueList(const GlobalOptions& global, const ListOptions& options);

int RunValueUpdate(const GlobalOptions& global, const std::string& name,
                   const ValueUpdateFlags& flags);
int RunValueRetire(const GlobalOptions& global,
                   const NameAndRequestId& options);

// `values history` (ListValueRevisions) and `values feedback`
// (ListValueFeedback): the options' parent is the value's name.
int RunValueHistory(const GlobalOptions& global, const ListOptions& options);
int RunValueFeedbackList(const GlobalOptions& global,
                         const ListOptions& options);

// As the caller.
int RunValueEndorse(const GlobalOptions& global, const std::string& name);
int RunValueUnendorse(const GlobalOptions& global, const std::string& name);

struct ValueGiveFeedbackOptions {
  std::string name;
  std::string text;
  bool anonymous = false;
  std::string request_id;
};
int RunValueGiveFeedback(const GlobalOptions& global,
                         const ValueGiveFeedbackOptions& options);

// Adds `values` and its subcommands to `app`; their actions (in `actions`)
// run with `global`.
void AddValuesCommands(CLI::App& app, const GlobalOptions& global,
                       Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_VALUES_COMMANDS_H_
