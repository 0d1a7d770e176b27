// The candorctl commands: each takes the global options and its own, makes
// its calls, prints the result to stdout and problems to stderr, and
// returns the process exit code. Each family of commands (this file for
// token, health, org and staff; values_commands.h, ...) puts its own on the
// command line with its Add...Commands (see command_line.h).
#ifndef CANDOR_CLIENTS_CLI_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "clients/cli/command_line.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_update.h"

namespace candor::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // a call failed, or the server said no
inline constexpr int kExitUsage =
    2;  // the command line or an input file is wrong

struct GlobalOptions {
  std::string address = "127.0.0.1:50051";
  std::string token;
  OutputFormat output = OutputFormat::kTable;
  std::string timeout;  // empty: the command's default
  // TLS: --tls trusts the system's roots; any --tls-* option implies it.
  bool tls = false;
  std::string tls_ca_file;      // PEM CAs to trust instead of the system's
  std::string tls_cert_file;    // client certificate, for mutual TLS
  std::string tls_key_file;     // its private key
  std::string tls_server_name;  // expected in the certificate; default: host
};

struct TokenMintOptions {
  std::string secret_file;
  std::string organization;
  std::string subject;
  std::vector<std::string> roles;
  std::string ttl = "1h";
};
int RunTokenMint(const TokenMintOptions& options);

int RunHealth(const GlobalOptions& global, const std::string& service);

struct OrgCreateOptions {
  std::string organization_id;
  std::string display_name;
  std::string admin_email;
  std::string admin_name;
  std::string admin_employee_id = "E0001";
  std::string request_id;
};
int RunOrgCreate(const GlobalOptions& global, const OrgCreateOptions& options);
int RunOrgGet(const GlobalOptions& global, const std::string& name);

struct StaffCreateOptions {
  std::string parent;
  std::string employee_id;
  std::string display_name;
  std::string email;
  std::string department;
  std::string title;
  std::string location;
  std::string manager;
  std::vector<std::string> roles;
  std::string staff_member_id;
  std::string request_id;
};
int RunStaffCreate(const GlobalOptions& global,
                   const StaffCreateOptions& options);
int RunStaffGet(const GlobalOptions& global, const std::string& name);

int RunStaffList(const GlobalOptions& global, const ListOptions& options);

int RunStaffUpdate(const GlobalOptions& global, const std::string& name,
                   const StaffUpdateFlags& flags);

struct StaffDeactivateOptions {
  std::string name;
  std::string reason;
  std::string request_id;
};
int RunStaffDeactivate(const GlobalOptions& global,
                       const StaffDeactivateOptions& options);

struct StaffImportOptions {
  std::string parent;
  std::string file;  // "-" reads standard input
  bool dry_run = false;
};
int RunStaffImport(const GlobalOptions& global,
                   const StaffImportOptions& options);

// Add `token`, `health`, `org` and `staff` (with their subcommands) to
// `app`; their actions (in `actions`) run with `global`.
void AddTokenCommands(CLI::App& app, Actions& actions);
void AddHealthCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);
void AddOrgCommands(CLI::App& app, const GlobalOptions& global,
                    Actions& actions);
void AddStaffCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_COMMANDS_H_
