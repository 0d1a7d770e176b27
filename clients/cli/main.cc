// candorctl: the Candor command line for HR administrators.
//
// This file reads the global options; each family of commands
// (commands.h) adds its own subcommands and what
// they run (command_line.h). Exit codes: 0 done, 1 a call failed or the
// server refused, 2 the command line or an input file is wrong.
#include <grpc/support/log.h>

#include <cstdlib>
#include <string>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"

namespace candor::cli {
namespace {

void AddGlobalOptions(CLI::App& app, GlobalOptions& global,
                      std::string& output) {
  app.add_option("--addr", global.address, "Server address, HOST:PORT")
      ->envname("CANDOR_ADDR")
      ->capture_default_str();
  app.add_option("--token", global.token,
                 "Bearer token sent with every call (see `token mint`)")
      ->envname("CANDOR_TOKEN");
  app.add_option("-o,--output", output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", global.timeout,
                 "Deadline of each call, e.g. 10s, 2m (default 10s; 120s for "
                 "staff import)");
  app.add_flag("--tls", global.tls,
               "Connect with TLS, trusting the system's root certificates "
               "(implied by every --tls-* option)")
      ->envname("CANDOR_TLS");
  app.add_option("--tls-ca-file", global.tls_ca_file,
                 "PEM CA certificates the server's certificate must chain to, "
                 "instead of the system's roots")
      ->envname("CANDOR_TLS_CA_FILE");
  app.add_option("--tls-cert-file", global.tls_cert_file,
                 "PEM client certificate, for a server that requires mutual "
                 "TLS (with --tls-key-file)")
      ->envname("CANDOR_TLS_CERT_FILE");
  app.add_option("--tls-key-file", global.tls_key_file,
                 "PEM private key of --tls-cert-file")
      ->envname("CANDOR_TLS_KEY_FILE");
  app.add_option("--tls-server-name", global.tls_server_name,
                 "The name the server's certificate must carry, when it is "
                 "not the host in --addr")
      ->envname("CANDOR_TLS_SERVER_NAME");
}

int Main(int argc, char** argv) {
  CLI::App app{
      "candorctl: manage organizations, staff, values, stories, posts and "
      "transparency rules on a Candor server.\n"
      "Exit codes: 0 done, 1 the call failed, 2 usage or input file wrong.",
      "candorctl"};
  app.fallthrough();  // global options may also come after the command
  app.require_subcommand(1);

  GlobalOptions global;
  std::string output = "table";
  AddGlobalOptions(app, global, output);

  // The actions read `global` when they run, after the parse.
  Actions actions;
  AddTokenCommands(app, global, actions);
  AddHealthCommand(app, global, actions);
  AddOrgCommands(app, global, actions);
  AddStaffCommands(app, global, actions);
  AddValuesCommands(app, global, actions);
  AddStoriesCommands(app, global, actions);
  AddTransparencyCommands(app, global, actions);
  AddPostsCommands(app, global, actions);
  AddEngagementCommands(app, global, actions);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  global.output = output == "json" ? OutputFormat::kJson : OutputFormat::kTable;
  return actions.Run(app);
}

}  // namespace
}  // namespace candor::cli

// candorctl explains a failed call itself (DescribeCallError); gRPC's own
// log lines ("Handshake failed with fatal error ...") would only add noise
// before that. GRPC_VERBOSITY brings them back for debugging.
static void IgnoreGrpcLog(gpr_log_func_args* /*args*/) {}

int main(int argc, char** argv) {
  if (std::getenv("GRPC_VERBOSITY") == nullptr) {
    gpr_set_log_function(IgnoreGrpcLog);
  }
  return candor::cli::Main(argc, argv);
}
