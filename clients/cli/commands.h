// What every candorctl command shares (the exit codes, the global options)
// and each family's Add...Commands, which puts the family's commands on the
// command line (see command_line.h). A command takes the global options
// and its own, makes its calls, prints the result to stdout and problems to
// stderr, and returns the process exit code. This file's family is token,
// health, org and staff (commands.cc); each other family is one .cc file
// (values_commands.cc, ...).
#ifndef CANDOR_CLIENTS_CLI_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_COMMANDS_H_

#include <string>

#include "clients/cli/command_line.h"
#include "clients/cli/output.h"

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

// Each family's Add...Commands adds its commands, with their subcommands,
// to `app` (AddStaffPrivacyCommands to `staff`); their actions (in
// `actions`) run with `global`. In commands.cc: token, health, org, staff.
void AddTokenCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);
void AddHealthCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);
void AddOrgCommands(CLI::App& app, const GlobalOptions& global,
                    Actions& actions);
void AddStaffCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);
// privacy_commands.cc: staff export and staff erase (AddStaffCommands calls
// it).
void AddStaffPrivacyCommands(CLI::App& staff, const GlobalOptions& global,
                             Actions& actions);
// values_commands.cc: values.
void AddValuesCommands(CLI::App& app, const GlobalOptions& global,
                       Actions& actions);
// stories_commands.cc: stories.
void AddStoriesCommands(CLI::App& app, const GlobalOptions& global,
                        Actions& actions);
// posts_commands.cc: posts and review.
void AddPostsCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);
// transparency_commands.cc: rules, audit and report.
void AddTransparencyCommands(CLI::App& app, const GlobalOptions& global,
                             Actions& actions);
// engagement_commands.cc: engagement, shares, notifications and leaderboard.
void AddEngagementCommands(CLI::App& app, const GlobalOptions& global,
                           Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_COMMANDS_H_
