// End-to-end support: the real `candord` binary as a child process over the
// test database, and the real `candorctl` binary run as a person would run
// it, with its exit code, stdout and stderr captured.
//
// One E2eServer normally serves a whole test suite (start it in
// SetUpTestSuite, stop it in TearDownTestSuite); each test works in its own
// organization(s), created through candorctl (CreateOrg).
#ifndef CANDOR_TESTS_SUPPORT_E2E_H_
#define CANDOR_TESTS_SUPPORT_E2E_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/proto_namespaces.h"

namespace candor::testing {

// ---------------------------------------------------------------------------
// Processes

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or never ran
  std::string out;
  std::string err;

  std::string Describe() const;
};

std::ostream& operator<<(std::ostream& os, const CommandResult& r);

// Runs argv[0] (a path) with `argv`, stdin from /dev/null, and returns its
// exit code and everything it wrote. The environment is this process's
// without any CANDOR_* variable (a developer's shell may set CANDOR_ADDR or
// CANDOR_TOKEN), plus `env` ("NAME=value"). Kills it after `timeout`.
CommandResult RunCommand(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& env = {},
    std::chrono::seconds timeout = std::chrono::seconds(300));

// The candorctl and candord binaries of this build.
std::string CandorctlPath();
std::string CandordPath();

// `candorctl ARGS...`, talking to no server unless `args` or `env` say so
// (for `token mint`, `--help`, ...). See E2eServer::Ctl for calls.
CommandResult RunCandorctl(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});

// A port that was free a moment ago (the kernel's choice for port 0).
int PickFreePort();

// Starts argv[0] (a path) with `argv` in the background: stdin from
// /dev/null, stdout and stderr appended to `log_path`, the environment as
// RunCommand gives it. The child's process id, or -1 when it cannot start.
pid_t SpawnLogged(const std::vector<std::string>& argv,
                  const std::string& log_path);

// Sends `signal` to `pid` and reaps it, waiting at most `grace` before
// SIGKILL. Whether it exited within `grace`; its wait status in `*status`.
bool StopProcess(pid_t pid, int signal, std::chrono::milliseconds grace,
                 int* status = nullptr);

// ---------------------------------------------------------------------------
// Files and text

std::string ReadFile(const std::string& path);
bool WriteFile(const std::string& path, const std::string& contents,
               mode_t mode = 0644);
std::string RandomHex(size_t chars);

// Lines of `text` that are not empty.
std::vector<std::string> Lines(const std::string& text);

// The lines of a table that start with `first` as a word.
std::vector<std::string> RowsFor(const std::string& table,
                                 const std::string& first);

// Whether `text` has the line "key:  value" as RenderFields prints it.
::testing::AssertionResult HasField(const std::string& text,
                                    const std::string& key,
                                    const std::string& value);

// Parses candorctl's `--output json` into `message`.
template <typename Message>
::testing::AssertionResult ParseJson(const std::string& json,
                                     Message* message) {
  message->Clear();
  const auto status =
      google::protobuf::util::JsonStringToMessage(json, message);
  if (!status.ok()) {
    return ::testing::AssertionFailure()
           << "not " << message->GetTypeName() << " JSON (" << status.ToString()
           << "):\n"
           << json;
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------
// The server

// An organization made through candorctl by an operator, with a token for
// its founding admin.
struct E2eOrg {
  std::string id;          // "acme-123-4"
  std::string name;        // "organizations/acme-123-4"
  std::string admin_name;  // the founding admin's resource name
  std::string admin_token;
};

// The MariaDB a candord uses, when not the test binary's TestDatabase.
struct E2eDatabase {
  std::string socket_path;
  std::string password_file;  // of the application user `candor`
};

// How an E2eServer starts, when not the default way.
struct E2eServerOptions {
  // Added after candord's usual flags (a flag given twice: the last wins).
  std::vector<std::string> candord_flags;
  // Global options of every candorctl run by Ctl() and the health check
  // (e.g. --tls-ca-file).
  std::vector<std::string> ctl_flags;
  // Secret files to use instead of fresh ones, so that replicas of one
  // deployment accept each other's tokens and page tokens. Stop() leaves
  // them alone.
  std::string jwt_secret_file;
  std::string page_token_secret_file;
  // The audit log's signing key (--audit_signing_key_file); empty: a fresh
  // one in the server's directory. Replicas must share one.
  std::string audit_signing_key_file;
  // Serve candord's HTTP health endpoints (--health_listen: GET /livez,
  // GET /readyz) on a free loopback port, health_port().
  bool health_listen = false;
};

class E2eServer {
 public:
  E2eServer() = default;
  // A server over `database` instead of TestDatabase (a restored backup).
  explicit E2eServer(E2eDatabase database) : database_(std::move(database)) {}
  E2eServer(const E2eServer&) = delete;
  E2eServer& operator=(const E2eServer&) = delete;
  // Stops a server still running (see Stop).
  ~E2eServer();

  // Writes fresh secret files (unless `options` names some) into a new
  // temporary directory and starts candord (every service, unless
  // --services is among the flags) on a free port over TestDatabase (or the
  // database given at construction), waiting until `candorctl health` says
  // SERVING. Empty on success, else why not (candord's log included).
  std::string Start(const E2eServerOptions& options = {});

  // SIGKILL, as a crash would: no draining, nothing flushed. The temporary
  // directory, port and secrets are kept for Restart().
  void Kill();
  // Starts candord again after Kill() with the same command line (address,
  // secrets, database) and waits until it serves. Empty on success, else why
  // not (candord's log included).
  std::string Restart();

  // SIGTERM, then expects candord to drain and exit 0 (failing the current
  // test otherwise); removes the temporary directory. Does nothing when
  // not running.
  void Stop();

  bool running() const { return pid_ > 0; }
  const std::string& Address() const { return address_; }
  // The temporary directory (for input files the test writes).
  const std::string& dir() const { return dir_; }
  const std::string& jwt_secret_file() const { return jwt_secret_file_; }
  // The --health_listen port; 0 unless E2eServerOptions::health_listen.
  int health_port() const { return health_port_; }
  const std::string& access_log() const { return access_log_; }
  std::string CandordLog() const { return ReadFile(candord_log_); }

  // `candorctl --addr ADDRESS [ctl_flags] [--token TOKEN] ARGS...`.
  CommandResult Ctl(const std::string& token,
                    const std::vector<std::string>& args,
                    const std::vector<std::string>& env = {}) const;

  // `candorctl token mint --secret-file <the server's secret> ARGS...`;
  // fails the test (fatally) unless it prints a JWT.
  void MintToken(const std::vector<std::string>& args,
                 std::string* token) const;
  // A token for `subject` (staff id or resource name) in `org` with `roles`.
  void MintStaffToken(const E2eOrg& org, const std::string& subject,
                      const std::vector<std::string>& roles,
                      std::string* token) const;
  // An operator token; empty (and a test failure) when minting fails.
  std::string OperatorToken() const;

  // An operator creates a new organization (id from UniqueId(prefix)) with
  // `candorctl org create -o json`; its founding admin gets an admin token.
  void CreateOrg(const std::string& prefix, E2eOrg* org) const;

  // Writes `contents` to dir()/name and returns the path.
  std::string TempFile(const std::string& name,
                       const std::string& contents) const;

  // The access log's lines once it holds at least `at_least` of them
  // (bounded polling).
  std::vector<std::string> AccessLogLines(size_t at_least) const;

 private:
  pid_t SpawnCandord(const std::vector<std::string>& argv) const;
  bool WaitUntilHealthy(pid_t pid) const;

  E2eDatabase database_;  // empty: TestDatabase::Get()
  std::string dir_;
  std::string jwt_secret_file_;
  std::string page_token_secret_file_;
  std::string audit_signing_key_file_;
  std::string access_log_;
  std::string candord_log_;
  std::string address_;
  std::vector<std::string> ctl_flags_;
  std::vector<std::string> argv_;  // candord's command line, for Restart()
  int health_port_ = 0;
  pid_t pid_ = -1;
};

// A test suite sharing one E2eServer (server_): started before its first
// test, stopped after its last; every test fails at once (SetUp) when it did
// not start or is no longer running. A suite that overrides SetUpTestSuite
// or SetUp calls these first.
class E2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static std::unique_ptr<E2eServer> server_;
  static std::string startup_error_;  // empty: started
};

// A staff member made through candorctl, with their own token.
struct E2ePerson {
  std::string name;  // organizations/ORG/staffMembers/ID
  std::string token;
};

// An E2eTest whose every test gets its own organization (org_, id from
// UniqueId of the prefix the suite passes) and makes its people through
// candorctl.
class E2eOrgTest : public E2eTest {
 protected:
  explicit E2eOrgTest(std::string org_prefix)
      : org_prefix_(std::move(org_prefix)) {}
  void SetUp() override;

  CommandResult Ctl(const std::string& token,
                    const std::vector<std::string>& args) const {
    return server_->Ctl(token, args);
  }
  CommandResult Admin(const std::vector<std::string>& args) const {
    return Ctl(org_.admin_token, args);
  }

  // A staff member `id` (employee id "E-" + id) with `roles` (employee
  // implied) and, unless empty, of `department`, made by the admin; and a
  // token with the same roles. With `advocate`, they consent to advocacy and
  // link a LinkedIn account, themselves, as `staff update` lets them.
  void AddPerson(const std::string& id, const std::vector<std::string>& roles,
                 bool advocate, E2ePerson* person,
                 const std::string& department = "");

  E2eOrg org_;

 private:
  std::string org_prefix_;
};

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_E2E_H_
