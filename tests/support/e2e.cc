#include "tests/support/e2e.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "candor/staff/v1/staff.pb.h"
#include "gmock/gmock.h"
#include "services/transparency/tree_head.h"
#include "tests/support/test_database.h"

extern char** environ;

namespace candor::testing {
namespace {

using ::testing::HasSubstr;

// argv/envp as execve wants them, built before fork (the child may only
// make async-signal-safe calls).
class CArgs {
 public:
  explicit CArgs(const std::vector<std::string>& strings) : strings_(strings) {
    for (std::string& s : strings_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  char* const* get() { return pointers_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

// This process's environment without any CANDOR_* variable, plus `extra`
// ("NAME=value").
std::vector<std::string> ChildEnvironment(
    const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "CANDOR_")) env.emplace_back(*e);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// In the child after fork: default signal handling and mask, then exec.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  execve(argv[0], argv, envp);
  _exit(127);
}

}  // namespace

// ---------------------------------------------------------------------------
// Processes

std::string CommandResult::Describe() const {
  return absl::StrCat("exit code ", exit_code, "\n--- stdout ---\n", out,
                      "--- stderr ---\n", err, "--------------");
}

std::ostream& operator<<(std::ostream& os, const CommandResult& r) {
  return os << r.Describe();
}

CommandResult RunCommand(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env,
                         std::chrono::seconds timeout) {
  CommandResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.err = "pipe2 failed";
    return result;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    result.err = "pipe2 failed";
    return result;
  }
  const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  CArgs c_argv(argv);
  CArgs c_env(ChildEnvironment(env));

  const pid_t pid = fork();
  if (pid == 0) {
    dup2(dev_null, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    ExecChild(c_argv.get(), c_env.get());
  }
  close(dev_null);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = absl::StrCat("fork failed: ", std::strerror(errno));
    return result;
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  bool killed = false;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    const int ready = poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed) absl::StrAppend(&result.err, "\n[test: killed after timeout]\n");
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string CandorctlPath() { return BinaryDir() + "/clients/cli/candorctl"; }
std::string CandordPath() { return BinaryDir() + "/services/candord/candord"; }

CommandResult RunCandorctl(const std::vector<std::string>& args,
                           const std::vector<std::string>& env) {
  std::vector<std::string> argv = {CandorctlPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, env);
}

int PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

pid_t SpawnLogged(const std::vector<std::string>& argv,
                  const std::string& log_path) {
  const int log =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log < 0 || dev_null < 0) {
    if (log >= 0) close(log);
    if (dev_null >= 0) close(dev_null);
    return -1;
  }
  CArgs c_argv(argv);
  CArgs c_env(ChildEnvironment({}));
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(dev_null, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    ExecChild(c_argv.get(), c_env.get());
  }
  close(log);
  close(dev_null);
  return pid;
}

bool StopProcess(pid_t pid, int signal, std::chrono::milliseconds grace,
                 int* status) {
  int ignored = 0;
  if (status == nullptr) status = &ignored;
  kill(pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (true) {
    const pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return true;
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
  return false;
}

// ---------------------------------------------------------------------------
// Files and text

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

bool WriteFile(const std::string& path, const std::string& contents,
               mode_t mode) {
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return false;
  bool ok = write(fd, contents.data(), contents.size()) ==
            static_cast<ssize_t>(contents.size());
  ok = (fchmod(fd, mode) == 0) && ok;
  return (close(fd) == 0) && ok;
}

std::string RandomHex(size_t chars) {
  std::random_device device;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < chars; ++i) hex += kDigits[device() % 16];
  return hex;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

std::vector<std::string> RowsFor(const std::string& table,
                                 const std::string& first) {
  std::vector<std::string> rows;
  for (const std::string& line : Lines(table)) {
    if (absl::StartsWith(line, first + " ")) rows.push_back(line);
  }
  return rows;
}

::testing::AssertionResult HasField(const std::string& text,
                                    const std::string& key,
                                    const std::string& value) {
  for (const std::string& line : Lines(text)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, key + ":")) continue;
    if (absl::StripAsciiWhitespace(rest) == value) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no line \"" << key << ": " << value << "\" in:\n"
         << text;
}

// ---------------------------------------------------------------------------
// The server

E2eServer::~E2eServer() { Stop(); }

std::string E2eServer::Start(const E2eServerOptions& options) {
  if (running()) return "";
  ctl_flags_ = options.ctl_flags;
  char pattern[] = "/tmp/candor-e2e-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return "mkdtemp failed";
  dir_ = pattern;
  jwt_secret_file_ = options.jwt_secret_file.empty() ? dir_ + "/jwt.secret"
                                                     : options.jwt_secret_file;
  page_token_secret_file_ = options.page_token_secret_file.empty()
                                ? dir_ + "/page_token.secret"
                                : options.page_token_secret_file;
  access_log_ = dir_ + "/access.log";
  candord_log_ = dir_ + "/candord.log";
  if ((options.jwt_secret_file.empty() &&
       !WriteFile(jwt_secret_file_, RandomHex(64) + "\n", 0600)) ||
      (options.page_token_secret_file.empty() &&
       !WriteFile(page_token_secret_file_, RandomHex(64) + "\n", 0600))) {
    return "cannot write the secret files";
  }
  audit_signing_key_file_ = options.audit_signing_key_file.empty()
                                ? dir_ + "/audit-signing.pem"
                                : options.audit_signing_key_file;
  if (options.audit_signing_key_file.empty() &&
      !transparency::TreeHeadSigner::WriteNewKeyFile(audit_signing_key_file_)
           .ok()) {
    return "cannot write the audit signing key";
  }
  if (database_.socket_path.empty()) {
    TestDatabase& test_database = TestDatabase::Get();
    database_ = {test_database.socket_path(), test_database.password_file()};
  }

  // The port may be taken between picking and listening: try a few.
  for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
    const int port = PickFreePort();
    if (port <= 0) continue;
    address_ = absl::StrCat("127.0.0.1:", port);
    const int tracking_port = PickFreePort();
    if (tracking_port <= 0) continue;
    std::vector<std::string> argv = {
        BinaryDir() + "/services/candord/candord",
        "--listen=" + address_,
        "--db_socket=" + database_.socket_path,
        "--db_user=candor",
        "--db_password_file=" + database_.password_file,
        "--jwt_hs256_secret_file=" + jwt_secret_file_,
        "--page_token_secret_file=" + page_token_secret_file_,
        "--audit_signing_key_file=" + audit_signing_key_file_,
        "--access_log=" + access_log_,
        // Parallel test binaries must not share the default tracking port.
        "--tracking_listen=127.0.0.1:" + std::to_string(tracking_port),
        "--tracking_base_url=http://127.0.0.1:" + std::to_string(tracking_port),
    };
    if (options.health_listen) {
      health_port_ = PickFreePort();
      if (health_port_ <= 0) continue;
      argv.push_back("--health_listen=127.0.0.1:" +
                     std::to_string(health_port_));
    }
    argv.insert(argv.end(), options.candord_flags.begin(),
                options.candord_flags.end());
    const pid_t pid = SpawnCandord(argv);
    if (pid <= 0) return "cannot start candord";
    if (WaitUntilHealthy(pid)) {
      pid_ = pid;
      argv_ = argv;
    }
  }
  if (pid_ <= 0) {
    return absl::StrCat("candord did not become healthy; its log:\n",
                        CandordLog());
  }
  return "";
}

void E2eServer::Stop() {
  if (pid_ > 0) {
    EXPECT_EQ(kill(pid_, SIGTERM), 0);
    int status = 0;
    bool exited = false;
    // Bounded: the server drains for at most 5 s.
    for (int i = 0; i < 300 && !exited; ++i) {
      const pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exited = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    if (!exited) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    EXPECT_TRUE(exited) << "candord ignored SIGTERM for 30 s";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "candord did not exit 0 after SIGTERM (status " << status
        << "); its log:\n"
        << CandordLog();
    EXPECT_THAT(CandordLog(), HasSubstr("stopping (signal"));
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
}

void E2eServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string E2eServer::Restart() {
  if (running()) return "candord is still running";
  if (argv_.empty()) return "candord was never started";
  // The port was freed with the killed process; another process may have
  // taken it meanwhile, which the log then says.
  const pid_t pid = SpawnCandord(argv_);
  if (pid <= 0) return "cannot start candord";
  if (!WaitUntilHealthy(pid)) {
    return absl::StrCat("candord did not become healthy again; its log:\n",
                        CandordLog());
  }
  pid_ = pid;
  return "";
}

// Starts candord with stdout and stderr going to candord_log_.
pid_t E2eServer::SpawnCandord(const std::vector<std::string>& argv) const {
  return SpawnLogged(argv, candord_log_);
}

// Polls `candorctl health` (at most 200 times, 100 ms apart). False, with
// candord reaped or killed, when it exits or never serves.
bool E2eServer::WaitUntilHealthy(pid_t pid) const {
  for (int i = 0; i < 200; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return false;  // it died
    std::vector<std::string> args = {"--addr", address_, "--timeout", "2s"};
    args.insert(args.end(), ctl_flags_.begin(), ctl_flags_.end());
    args.push_back("health");
    const CommandResult health = RunCandorctl(args);
    if (health.exit_code == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return false;
}

CommandResult E2eServer::Ctl(const std::string& token,
                             const std::vector<std::string>& args,
                             const std::vector<std::string>& env) const {
  std::vector<std::string> argv = {"--addr", address_};
  argv.insert(argv.end(), ctl_flags_.begin(), ctl_flags_.end());
  if (!token.empty()) {
    argv.push_back("--token");
    argv.push_back(token);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCandorctl(argv, env);
}

void E2eServer::MintToken(const std::vector<std::string>& args,
                          std::string* token) const {
  std::vector<std::string> argv = {"token", "mint", "--secret-file",
                                   jwt_secret_file_};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult minted = RunCandorctl(argv);
  ASSERT_EQ(minted.exit_code, 0) << minted;
  *token = std::string(absl::StripAsciiWhitespace(minted.out));
  ASSERT_EQ(std::count(token->begin(), token->end(), '.'), 2) << minted;
}

void E2eServer::MintStaffToken(const E2eOrg& org, const std::string& subject,
                               const std::vector<std::string>& roles,
                               std::string* token) const {
  std::vector<std::string> args = {"--org", org.id, "--subject", subject};
  for (const std::string& role : roles) {
    args.push_back("--role");
    args.push_back(role);
  }
  MintToken(args, token);
}

std::string E2eServer::OperatorToken() const {
  std::string token;
  MintToken({"--subject", "operator", "--role", "operator"}, &token);
  return token;
}

void E2eServer::CreateOrg(const std::string& prefix, E2eOrg* org) const {
  const std::string operator_token = OperatorToken();
  ASSERT_FALSE(operator_token.empty());
  org->id = UniqueId(prefix);
  const CommandResult created =
      Ctl(operator_token,
          {"--output", "json", "org", "create", org->id, "--display-name",
           "Acme, Inc. (" + org->id + ")", "--admin-email",
           "admin@" + org->id + ".example", "--admin-name", "Ada Admin"});
  ASSERT_EQ(created.exit_code, 0) << created;
  candor::staff::v1::Organization parsed;
  ASSERT_TRUE(ParseJson(created.out, &parsed));
  EXPECT_THAT(created.out, HasSubstr("\"foundingAdmin\""));
  org->name = parsed.name();
  org->admin_name = parsed.founding_admin();
  ASSERT_EQ(org->name, "organizations/" + org->id) << created;
  ASSERT_TRUE(absl::StartsWith(org->admin_name, org->name + "/staffMembers/"))
      << created;
  EXPECT_EQ(parsed.display_name(), "Acme, Inc. (" + org->id + ")");
  MintToken({"--org", org->id, "--subject", org->admin_name, "--role", "admin",
             "--role", "employee"},
            &org->admin_token);
}

std::string E2eServer::TempFile(const std::string& name,
                                const std::string& contents) const {
  const std::string path = dir_ + "/" + name;
  EXPECT_TRUE(WriteFile(path, contents)) << path;
  return path;
}

std::vector<std::string> E2eServer::AccessLogLines(size_t at_least) const {
  std::vector<std::string> lines;
  for (int i = 0; i < 50; ++i) {
    lines = Lines(ReadFile(access_log_));
    if (lines.size() >= at_least) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return lines;
}

// ---------------------------------------------------------------------------
// E2eTest

std::unique_ptr<E2eServer> E2eTest::server_;
std::string E2eTest::startup_error_;

void E2eTest::SetUpTestSuite() {
  server_ = std::make_unique<E2eServer>();
  startup_error_ = server_->Start();
}

void E2eTest::TearDownTestSuite() {
  server_->Stop();
  server_.reset();
}

void E2eTest::SetUp() {
  ASSERT_TRUE(startup_error_.empty()) << startup_error_;
  ASSERT_TRUE(server_->running());
}

void E2eOrgTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(E2eTest::SetUp());
  ASSERT_NO_FATAL_FAILURE(server_->CreateOrg(org_prefix_, &org_));
}

void E2eOrgTest::AddPerson(const std::string& id,
                           const std::vector<std::string>& roles, bool advocate,
                           E2ePerson* person, const std::string& department) {
  std::vector<std::string> args = {"-o",
                                   "json",
                                   "staff",
                                   "create",
                                   org_.id,
                                   "--id",
                                   id,
                                   "--employee-id",
                                   "E-" + id,
                                   "--display-name",
                                   "Person " + id,
                                   "--email",
                                   id + "@" + org_.id + ".example"};
  if (!department.empty()) {
    args.push_back("--department");
    args.push_back(department);
  }
  for (const std::string& role : roles) {
    args.push_back("--role");
    args.push_back(role);
  }
  const CommandResult created = Admin(args);
  ASSERT_EQ(created.exit_code, 0) << created;
  ::candor::staff::v1::StaffMember member;
  ASSERT_TRUE(ParseJson(created.out, &member));
  person->name = member.name();
  ASSERT_EQ(person->name, org_.name + "/staffMembers/" + id) << created;
  std::vector<std::string> token_roles = {"employee"};
  token_roles.insert(token_roles.end(), roles.begin(), roles.end());
  ASSERT_NO_FATAL_FAILURE(
      server_->MintStaffToken(org_, id, token_roles, &person->token));
  if (!advocate) return;
  const CommandResult updated =
      Ctl(person->token,
          {"-o", "json", "staff", "update", person->name, "--consent", "true",
           "--social", "linkedin:" + id + "-" + org_.id});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  ASSERT_TRUE(ParseJson(updated.out, &member));
  EXPECT_TRUE(member.advocacy_consent()) << updated;
}

}  // namespace candor::testing
