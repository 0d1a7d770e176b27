// `candorctl rules|audit|report ...`: the organization's published
// transparency rules, dry runs of a post against them, the audit log and
// the transparency report. Admins publish rulesets; every staff member reads
// them, checks a text, reads and verifies the audit log and the report.
// Each command returns the process exit code (see commands.h).
#ifndef CANDOR_CLIENTS_CLI_TRANSPARENCY_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_TRANSPARENCY_COMMANDS_H_

#include <optional>
#include <string>

#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/transparency_fields.h"

namespace candor::cli {

// Reads FILE as a Ruleset in protobuf text format (exit 2, with
// FILE:LINE:COLUMN, when it is not one), creates it as a DRAFT and
// publishes it; prints the published ruleset.
struct RulesPublishOptions {
  std::string parent;  // organizations/ID, or just ID
  std::string file;    // "-" reads standard input
  std::string request_id;
};
int RunRulesPublish(const GlobalOptions& global,
                    const RulesPublishOptions& options);

// The ruleset that judges posts now.
int RunRulesShow(const GlobalOptions& global, const std::string& parent);

int RunRulesList(const GlobalOptions& global, const ListOptions& options);

// A dry run (EvaluatePost): prints the outcome and every rule's result.
// Exits 0 whatever the outcome: only a failed call or bad flags are errors.
struct RulesCheckOptions {
  std::string parent;
  std::string network;
  std::string text;
  std::string link_url;
  // A staff id or resource name; empty: the token's subject.
  std::string author;
};
int RunRulesCheck(const GlobalOptions& global,
                  const RulesCheckOptions& options);

int RunAuditList(const GlobalOptions& global, const ListOptions& options);

// Prints whether the chain holds; exits 1 when it does not.
int RunAuditVerify(const GlobalOptions& global, const std::string& parent);

int RunReport(const GlobalOptions& global, const std::string& parent,
              const ReportRange& range);

// Adds `rules`, `audit` (with their subcommands) and `report` to `app`;
// their actions (in `actions`) run with `global`.
void AddTransparencyCommands(CLI::App& app, const GlobalOptions& global,
                             Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_TRANSPARENCY_COMMANDS_H_
