// `candorctl staff export` and `candorctl staff erase`: a person's data
// across every Candor service (candor.privacy.v1.PrivacyService), for the
// organization's admins and operators. Each command returns the process
// exit code (see commands.h).
#ifndef CANDOR_CLIENTS_CLI_PRIVACY_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_PRIVACY_COMMANDS_H_

#include <string>

#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"

namespace candor::cli {

struct StaffExportOptions {
  std::string name;  // organizations/ORG/staffMembers/ID
  std::string out;   // empty or "-": standard output
};
// Writes the export as one JSON document (the proto3 JSON mapping of
// candor.privacy.v1.StaffDataExport) to --out, created readable by its
// owner only, or to standard output.
int RunStaffExport(const GlobalOptions& global,
                   const StaffExportOptions& options);

struct StaffEraseOptions {
  std::string name;  // organizations/ORG/staffMembers/ID
  bool yes = false;  // no question asked
  std::string request_id;
};
// Asks for confirmation on a terminal unless --yes; refuses without --yes
// when standard input is not a terminal (nobody could have confirmed).
int RunStaffErase(const GlobalOptions& global,
                  const StaffEraseOptions& options);

// Adds `export` and `erase` to the `staff` command (AddStaffCommands calls
// it); their actions (in `actions`) run with `global`.
void AddStaffPrivacyCommands(CLI::App& staff, const GlobalOptions& global,
                             Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_PRIVACY_COMMANDS_H_
