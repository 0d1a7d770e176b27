// End to end: the real `candord` binary as a child process over the test
// database, driven by the real `candorctl` binary, as a new user would run
// them. One candord serves the whole suite; each test works in its own
// organization(s), created through candorctl.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "candor/staff/v1/staff.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/test_database.h"

extern char** environ;

namespace candor::testing {
namespace {

namespace staffpb = ::candor::staff::v1;
using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCreateMethod[] =
    "/candor.staff.v1.StaffService/CreateStaffMember";

// ---------------------------------------------------------------------------
// Processes

struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or never ran
  std::string out;
  std::string err;

  std::string Describe() const {
    return absl::StrCat("exit code ", exit_code, "\n--- stdout ---\n", out,
                        "--- stderr ---\n", err, "--------------");
  }
};

std::ostream& operator<<(std::ostream& os, const CommandResult& r) {
  return os << r.Describe();
}

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

// This process's environment without any CANDOR_* variable (a developer's
// shell may set CANDOR_ADDR/CANDOR_TOKEN), plus `extra` ("NAME=value").
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

// Runs argv[0] (a path) with `argv`, stdin from /dev/null, and returns its
// exit code and everything it wrote. Kills it after `timeout`.
CommandResult RunCommand(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& env = {},
    std::chrono::seconds timeout = std::chrono::seconds(300)) {
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

// A port that was free a moment ago (the kernel's choice for port 0).
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

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

bool WriteFile(const std::string& path, const std::string& contents,
               mode_t mode = 0644) {
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

// Lines of `text` that are not empty.
std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// "key:  value" as RenderFields prints it.
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
// CSV fixtures, generated at run time.

std::string StaffCsvHeader() {
  return "employee_id,display_name,email,department,title,location,"
         "manager_employee_id,roles\n";
}

std::string EmployeeId(int i) { return absl::StrFormat("P%04d", i); }

// The display name row `i` carries (unquoted).
std::string DisplayNameOf(int i) {
  if (i == 3) return "Zoë Ångström";
  if (i == 4) return "José Núñez, Jr.";     // UTF-8 and a comma
  if (i == 5) return "Jane \"JJ\" O'Hara";  // doubled quotes in the CSV
  if (i % 97 == 0) return absl::StrCat("Søren Kierkegaard ", i);
  if (i % 7 == 0) return absl::StrCat("Doe, Jane ", i);
  return absl::StrCat("Person ", i);
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string TitleOf(int i) {
  return i % 5 == 0 ? "Engineer, Senior" : "Engineer";
}
std::string DepartmentOf(int i) {
  static const char* const kDepartments[] = {
      "Engineering", "Sales", "Research, Development", "Support"};
  return kDepartments[i % 4];
}
bool IsReviewer(int i) { return i % 10 == 0; }

// `rows` staff rows (line i+1 holds row i). Managers refer to earlier rows.
// When `bad_email_row` > 0 that row gets an invalid email.
std::string MakeStaffCsv(int rows, int bad_email_row = 0) {
  std::string csv = StaffCsvHeader();
  for (int i = 1; i <= rows; ++i) {
    const std::string email = i == bad_email_row
                                  ? std::string("not-an-email")
                                  : absl::StrFormat("p%04d@example.com", i);
    const std::string manager = i == 1 ? "" : EmployeeId(i / 2);
    const std::string roles = IsReviewer(i) ? "employee;reviewer"
                              : i % 3 == 0  ? ""
                                            : "employee";
    const std::string location = i % 2 == 0 ? "São Paulo" : "Berlin";
    csv += absl::StrJoin({EmployeeId(i), CsvField(DisplayNameOf(i)), email,
                          CsvField(DepartmentOf(i)), CsvField(TitleOf(i)),
                          location, manager, roles},
                         ",");
    csv += '\n';
  }
  return csv;
}

// ---------------------------------------------------------------------------
// The suite: one candord for every test.

struct Org {
  std::string id;          // "acme-123-4"
  std::string name;        // "organizations/acme-123-4"
  std::string admin_name;  // the founding admin's resource name
  std::string admin_token;
};

class CandorctlEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    startup_error_.clear();
    char pattern[] = "/tmp/candor-e2e-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      startup_error_ = "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    jwt_secret_file_ = dir_ + "/jwt.secret";
    page_token_secret_file_ = dir_ + "/page_token.secret";
    access_log_ = dir_ + "/access.log";
    candord_log_ = dir_ + "/candord.log";
    if (!WriteFile(jwt_secret_file_, RandomHex(64) + "\n", 0600) ||
        !WriteFile(page_token_secret_file_, RandomHex(64) + "\n", 0600)) {
      startup_error_ = "cannot write the secret files";
      return;
    }
    TestDatabase& database = TestDatabase::Get();

    // The port may be taken between picking and listening: try a few.
    for (int attempt = 0; attempt < 5 && candord_pid_ <= 0; ++attempt) {
      const int port = PickFreePort();
      if (port <= 0) continue;
      address_ = absl::StrCat("127.0.0.1:", port);
      std::vector<std::string> argv = {
          BinaryDir() + "/services/candord/candord",
          "--listen=" + address_,
          "--db_socket=" + database.socket_path(),
          "--db_user=candor",
          "--db_password_file=" + database.password_file(),
          "--jwt_hs256_secret_file=" + jwt_secret_file_,
          "--page_token_secret_file=" + page_token_secret_file_,
          "--access_log=" + access_log_,
      };
      const pid_t pid = SpawnCandord(argv);
      if (pid <= 0) {
        startup_error_ = "cannot start candord";
        return;
      }
      if (WaitUntilHealthy(pid)) {
        candord_pid_ = pid;
        break;
      }
    }
    if (candord_pid_ <= 0) {
      startup_error_ = absl::StrCat(
          "candord did not become healthy; its log:\n", ReadFile(candord_log_));
    }
  }

  static void TearDownTestSuite() {
    if (candord_pid_ > 0) {
      EXPECT_EQ(kill(candord_pid_, SIGTERM), 0);
      int status = 0;
      bool exited = false;
      // Bounded: the server drains for at most 5 s.
      for (int i = 0; i < 300 && !exited; ++i) {
        const pid_t done = waitpid(candord_pid_, &status, WNOHANG);
        if (done == candord_pid_) {
          exited = true;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
      if (!exited) {
        kill(candord_pid_, SIGKILL);
        waitpid(candord_pid_, &status, 0);
      }
      EXPECT_TRUE(exited) << "candord ignored SIGTERM for 30 s";
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << "candord did not exit 0 after SIGTERM (status " << status
          << "); its log:\n"
          << ReadFile(candord_log_);
      EXPECT_THAT(ReadFile(candord_log_), HasSubstr("stopping (signal"));
      candord_pid_ = -1;
    }
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
      dir_.clear();
    }
  }

  void SetUp() override {
    ASSERT_TRUE(startup_error_.empty()) << startup_error_;
    ASSERT_GT(candord_pid_, 0);
  }

  // Starts candord with stdout and stderr going to candord_log_.
  static pid_t SpawnCandord(const std::vector<std::string>& argv) {
    const int log = open(candord_log_.c_str(),
                         O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log < 0 || dev_null < 0) return -1;
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

  // Polls `candorctl health` (at most 200 times, 100 ms apart). False, with
  // candord reaped or killed, when it exits or never serves.
  static bool WaitUntilHealthy(pid_t pid) {
    for (int i = 0; i < 200; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) return false;  // it died
      const CommandResult health = RunCommand(
          {Candorctl(), "--addr", address_, "--timeout", "2s", "health"});
      if (health.exit_code == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return false;
  }

  static std::string Candorctl() {
    return BinaryDir() + "/clients/cli/candorctl";
  }

  // candorctl --addr ADDRESS [--token TOKEN] ARGS...
  static CommandResult Ctl(const std::string& token,
                           const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {Candorctl(), "--addr", address_};
    if (!token.empty()) {
      argv.push_back("--token");
      argv.push_back(token);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, env);
  }

  static void MintToken(const std::vector<std::string>& args,
                        std::string* token) {
    std::vector<std::string> argv = {Candorctl(), "token", "mint",
                                     "--secret-file", jwt_secret_file_};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult minted = RunCommand(argv);
    ASSERT_EQ(minted.exit_code, 0) << minted;
    *token = std::string(absl::StripAsciiWhitespace(minted.out));
    ASSERT_EQ(std::count(token->begin(), token->end(), '.'), 2) << minted;
  }

  static std::string OperatorToken() {
    std::string token;
    MintToken({"--subject", "operator", "--role", "operator"}, &token);
    return token;
  }

  // Scenario 1 as every test starts: an operator creates the organization;
  // the founding admin gets a token.
  static void CreateOrg(const std::string& prefix, Org* org) {
    const std::string operator_token = OperatorToken();
    ASSERT_FALSE(operator_token.empty());
    org->id = UniqueId(prefix);
    const CommandResult created =
        Ctl(operator_token,
            {"--output", "json", "org", "create", org->id, "--display-name",
             "Acme, Inc. (" + org->id + ")", "--admin-email",
             "admin@" + org->id + ".example", "--admin-name", "Ada Admin"});
    ASSERT_EQ(created.exit_code, 0) << created;
    staffpb::Organization parsed;
    ASSERT_TRUE(ParseJson(created.out, &parsed));
    EXPECT_THAT(created.out, HasSubstr("\"foundingAdmin\""));
    org->name = parsed.name();
    org->admin_name = parsed.founding_admin();
    ASSERT_EQ(org->name, "organizations/" + org->id) << created;
    ASSERT_TRUE(absl::StartsWith(org->admin_name, org->name + "/staffMembers/"))
        << created;
    EXPECT_EQ(parsed.display_name(), "Acme, Inc. (" + org->id + ")");
    MintToken({"--org", org->id, "--subject", org->admin_name, "--role",
               "admin", "--role", "employee"},
              &org->admin_token);
  }

  // Every staff member of `org`, through `staff list --all -o json`.
  static void ListAll(const Org& org,
                      std::vector<staffpb::StaffMember>* members) {
    members->clear();
    const CommandResult listed =
        Ctl(org.admin_token, {"staff", "list", org.id, "--all", "-o", "json"});
    ASSERT_EQ(listed.exit_code, 0) << listed;
    staffpb::ListStaffMembersResponse response;
    ASSERT_TRUE(ParseJson("{\"staffMembers\": " + listed.out + "}", &response));
    members->assign(response.staff_members().begin(),
                    response.staff_members().end());
  }

  static int CountStaff(const Org& org) {
    std::vector<staffpb::StaffMember> members;
    ListAll(org, &members);
    return ::testing::Test::HasFatalFailure()
               ? -1
               : static_cast<int>(members.size());
  }

  static std::string TempFile(const std::string& name,
                              const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    EXPECT_TRUE(WriteFile(path, contents)) << path;
    return path;
  }

  // The access log's lines once it holds at least `at_least` of them
  // (bounded polling; each line is written before the call's answer, so
  // this normally returns at once).
  static std::vector<std::string> AccessLogLines(size_t at_least) {
    std::vector<std::string> lines;
    for (int i = 0; i < 50; ++i) {
      lines = Lines(ReadFile(access_log_));
      if (lines.size() >= at_least) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return lines;
  }

  static std::string dir_;
  static std::string jwt_secret_file_;
  static std::string page_token_secret_file_;
  static std::string access_log_;
  static std::string candord_log_;
  static std::string address_;
  static pid_t candord_pid_;
  static std::string startup_error_;
};

std::string CandorctlEndToEndTest::dir_;
std::string CandorctlEndToEndTest::jwt_secret_file_;
std::string CandorctlEndToEndTest::page_token_secret_file_;
std::string CandorctlEndToEndTest::access_log_;
std::string CandorctlEndToEndTest::candord_log_;
std::string CandorctlEndToEndTest::address_;
pid_t CandorctlEndToEndTest::candord_pid_ = -1;
std::string CandorctlEndToEndTest::startup_error_;

// 1. An operator creates an organization; its founding admin can act.
TEST_F(CandorctlEndToEndTest, OperatorCreatesOrganizationAndAdminActs) {
  const std::string operator_token = OperatorToken();
  ASSERT_FALSE(operator_token.empty());
  const std::string id = UniqueId("table");
  const CommandResult created = Ctl(
      operator_token, {"org", "create", id, "--display-name", "Zoë's Bakery",
                       "--admin-email", "owner@bakery.example", "--admin-name",
                       "Zoë Ångström", "--admin-employee-id", "B-1"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_TRUE(HasField(created.out, "name", "organizations/" + id));
  EXPECT_TRUE(HasField(created.out, "display_name", "Zoë's Bakery"));
  EXPECT_THAT(created.out, ContainsRegex("founding_admin: +organizations/" +
                                         id + "/staffMembers/[a-z0-9-]+\n"));
  EXPECT_THAT(created.out, HasSubstr("create_time:"));

  // The same id again is refused.
  const CommandResult again =
      Ctl(operator_token,
          {"org", "create", id, "--display-name", "Other", "--admin-email",
           "x@bakery.example", "--admin-name", "X"});
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_THAT(again.err, HasSubstr("ALREADY_EXISTS")) << again;

  // JSON output, and the founding admin's token.
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("acme", &org));
  const CommandResult got =
      Ctl(org.admin_token, {"-o", "json", "org", "get", org.id});
  ASSERT_EQ(got.exit_code, 0) << got;
  staffpb::Organization parsed;
  ASSERT_TRUE(ParseJson(got.out, &parsed));
  EXPECT_EQ(parsed.name(), org.name);
  EXPECT_EQ(parsed.founding_admin(), org.admin_name);

  const CommandResult admin =
      Ctl(org.admin_token, {"-o", "json", "staff", "get", org.admin_name});
  ASSERT_EQ(admin.exit_code, 0) << admin;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(admin.out, &member));
  EXPECT_EQ(member.display_name(), "Ada Admin");
  EXPECT_EQ(member.email(), "admin@" + org.id + ".example");
  EXPECT_EQ(member.employee_id(), "E0001");
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::ADMIN));
  EXPECT_EQ(member.state(), staffpb::StaffMember::ACTIVE);
}

// 2. create, get, list, update, deactivate.
TEST_F(CandorctlEndToEndTest, StaffLifecycle) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("life", &org));
  const CommandResult created = Ctl(
      org.admin_token,
      {"staff", "create", org.id, "--employee-id", "E0100", "--display-name",
       "Ada Lovelace", "--email", "ada@example.com", "--department",
       "Engineering", "--title", "Analyst", "--location", "London", "--role",
       "reviewer", "-o", "json"});  // a global flag after the command
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(created.out, &member));
  const std::string name = member.name();
  ASSERT_TRUE(absl::StartsWith(name, org.name + "/staffMembers/")) << created;

  // get, as a table
  CommandResult got = Ctl(org.admin_token, {"staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_TRUE(HasField(got.out, "name", name));
  EXPECT_TRUE(HasField(got.out, "employee_id", "E0100"));
  EXPECT_TRUE(HasField(got.out, "display_name", "Ada Lovelace"));
  EXPECT_TRUE(HasField(got.out, "email", "ada@example.com"));
  EXPECT_TRUE(HasField(got.out, "department", "Engineering"));
  EXPECT_TRUE(HasField(got.out, "state", "ACTIVE"));
  EXPECT_THAT(got.out, HasSubstr("reviewer"));

  // get, as JSON
  got = Ctl(org.admin_token, {"--output", "json", "staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  ASSERT_TRUE(ParseJson(got.out, &member));
  EXPECT_EQ(member.display_name(), "Ada Lovelace");
  EXPECT_EQ(member.title(), "Analyst");
  EXPECT_EQ(member.location(), "London");
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::REVIEWER));
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::EMPLOYEE));
  EXPECT_EQ(member.state(), staffpb::StaffMember::ACTIVE);

  // list, as a table: a header and one line per person
  CommandResult listed = Ctl(org.admin_token, {"staff", "list", org.id});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  std::vector<std::string> lines = Lines(listed.out);
  ASSERT_EQ(lines.size(), 3u) << listed;
  EXPECT_TRUE(absl::StartsWith(lines[0], "NAME")) << listed;
  bool found = false;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, name + " ")) {
      found = true;
      EXPECT_THAT(line, HasSubstr("E0100"));
      EXPECT_THAT(line, HasSubstr("Ada Lovelace"));
      EXPECT_THAT(line, HasSubstr("Engineering"));
      EXPECT_THAT(line, HasSubstr("ACTIVE"));
    }
  }
  EXPECT_TRUE(found) << listed;

  // list, as JSON (one page)
  listed = Ctl(org.admin_token, {"staff", "list", org.id, "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  staffpb::ListStaffMembersResponse page;
  ASSERT_TRUE(ParseJson(listed.out, &page));
  ASSERT_EQ(page.staff_members_size(), 2) << listed;
  EXPECT_TRUE(page.next_page_token().empty());

  // update changes only what is given
  const CommandResult updated = Ctl(
      org.admin_token, {"staff", "update", name, "--department", "Research"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_TRUE(HasField(updated.out, "department", "Research"));
  got = Ctl(org.admin_token, {"-o", "json", "staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  ASSERT_TRUE(ParseJson(got.out, &member));
  EXPECT_EQ(member.department(), "Research");
  EXPECT_EQ(member.title(), "Analyst");
  EXPECT_EQ(member.email(), "ada@example.com");
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::REVIEWER));

  // deactivate
  const CommandResult deactivated =
      Ctl(org.admin_token,
          {"staff", "deactivate", name, "--reason", "Left the company"});
  ASSERT_EQ(deactivated.exit_code, 0) << deactivated;
  EXPECT_TRUE(HasField(deactivated.out, "state", "INACTIVE")) << deactivated;
  got = Ctl(org.admin_token, {"-o", "json", "staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  ASSERT_TRUE(ParseJson(got.out, &member));
  EXPECT_EQ(member.state(), staffpb::StaffMember::INACTIVE);
  EXPECT_EQ(member.deactivation_reason(), "Left the company");

  // and a filter finds exactly that person
  listed = Ctl(org.admin_token, {"-o", "json", "staff", "list", org.id,
                                 "--filter", "state = INACTIVE"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  ASSERT_TRUE(ParseJson(listed.out, &page));
  ASSERT_EQ(page.staff_members_size(), 1) << listed;
  EXPECT_EQ(page.staff_members(0).name(), name);

  // unknown staff member
  const CommandResult missing =
      Ctl(org.admin_token, {"staff", "get", org.name + "/staffMembers/nobody"});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND")) << missing;
}

// 3. A company of 1,000 in one call, then the same file again.
TEST_F(CandorctlEndToEndTest, ImportsThousandStaffAndReimportIsUnchanged) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("bulk", &org));
  const std::string file = TempFile("people-1000.csv", MakeStaffCsv(1000));

  const CommandResult imported =
      Ctl(org.admin_token, {"staff", "import", org.id, file});
  ASSERT_EQ(imported.exit_code, 0) << imported;
  EXPECT_TRUE(HasField(imported.out, "rows", "1000")) << imported;
  EXPECT_TRUE(HasField(imported.out, "created", "1000")) << imported;
  EXPECT_TRUE(HasField(imported.out, "updated", "0")) << imported;
  EXPECT_TRUE(HasField(imported.out, "unchanged", "0")) << imported;
  EXPECT_TRUE(HasField(imported.out, "applied", "yes")) << imported;

  std::vector<staffpb::StaffMember> members;
  ASSERT_NO_FATAL_FAILURE(ListAll(org, &members));
  ASSERT_EQ(members.size(), 1001u);

  // Spot checks: quoting, UTF-8, managers, roles survived the round trip.
  std::map<std::string, staffpb::StaffMember> by_employee_id;
  for (const auto& m : members) by_employee_id[m.employee_id()] = m;
  ASSERT_EQ(by_employee_id.size(), 1001u);
  for (int i : {1, 3, 4, 5, 7, 10, 97, 500, 1000}) {
    SCOPED_TRACE(absl::StrCat("row ", i));
    ASSERT_EQ(by_employee_id.count(EmployeeId(i)), 1u);
    const staffpb::StaffMember& m = by_employee_id[EmployeeId(i)];
    EXPECT_EQ(m.display_name(), DisplayNameOf(i));
    EXPECT_EQ(m.email(), absl::StrFormat("p%04d@example.com", i));
    EXPECT_EQ(m.department(), DepartmentOf(i));
    EXPECT_EQ(m.title(), TitleOf(i));
    EXPECT_EQ(m.location(), i % 2 == 0 ? "São Paulo" : "Berlin");
    if (i == 1) {
      EXPECT_EQ(m.manager(), "");
    } else {
      EXPECT_EQ(m.manager(), by_employee_id[EmployeeId(i / 2)].name());
    }
    if (IsReviewer(i)) {
      EXPECT_THAT(m.roles(), Contains(staffpb::StaffMember::REVIEWER));
    } else {
      EXPECT_THAT(m.roles(), Not(Contains(staffpb::StaffMember::REVIEWER)));
    }
    EXPECT_THAT(m.roles(), Contains(staffpb::StaffMember::EMPLOYEE));
    EXPECT_EQ(m.state(), staffpb::StaffMember::ACTIVE);
  }

  // The same file again changes nothing.
  const CommandResult again =
      Ctl(org.admin_token, {"staff", "import", org.id, file, "-o", "json"});
  ASSERT_EQ(again.exit_code, 0) << again;
  staffpb::ImportStaffMembersResponse response;
  ASSERT_TRUE(ParseJson(again.out, &response));
  EXPECT_EQ(response.rows_total(), 1000);
  EXPECT_EQ(response.created_count(), 0);
  EXPECT_EQ(response.updated_count(), 0);
  EXPECT_EQ(response.unchanged_count(), 1000);
  EXPECT_EQ(response.errors_size(), 0);
  EXPECT_EQ(CountStaff(org), 1001);

  // One changed row is one update.
  std::string changed = MakeStaffCsv(1000);
  const std::string old_row =
      "P0002,Person 2,p0002@example.com,\"Research, Development\"";
  ASSERT_NE(changed.find(old_row), std::string::npos);
  changed.replace(
      changed.find(old_row), old_row.size(),
      "P0002,Person Two,p0002@example.com,\"Research, Development\"");
  const CommandResult update =
      Ctl(org.admin_token,
          {"staff", "import", org.id, TempFile("people-1000-b.csv", changed)});
  ASSERT_EQ(update.exit_code, 0) << update;
  EXPECT_TRUE(HasField(update.out, "created", "0")) << update;
  EXPECT_TRUE(HasField(update.out, "updated", "1")) << update;
  EXPECT_TRUE(HasField(update.out, "unchanged", "999")) << update;
}

// 4. One bad row: nothing is stored and the row is named. A broken file is
// a usage error naming its line.
TEST_F(CandorctlEndToEndTest, BadRowImportsNothingAndIsNamed) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("badrow", &org));
  const std::string file =
      TempFile("people-bad.csv", MakeStaffCsv(100, /*bad_email_row=*/56));
  // Line 57 (the header is line 1) holds row 56, the only bad one.
  const std::vector<std::string> lines = Lines(ReadFile(file));
  ASSERT_EQ(lines.size(), 101u);
  ASSERT_EQ(lines[56].substr(0, 6), "P0056,");
  ASSERT_THAT(lines[56], HasSubstr(",not-an-email,"));

  const CommandResult imported =
      Ctl(org.admin_token, {"staff", "import", org.id, file});
  EXPECT_EQ(imported.exit_code, 1) << imported;
  const std::string all = imported.out + imported.err;
  EXPECT_THAT(all, HasSubstr("people-bad.csv:57:")) << imported;
  EXPECT_THAT(all, HasSubstr("email")) << imported;
  EXPECT_THAT(imported.err, HasSubstr("nothing was stored")) << imported;
  // No other row is blamed.
  EXPECT_THAT(all, Not(HasSubstr("people-bad.csv:56:"))) << imported;
  EXPECT_THAT(all, Not(HasSubstr("people-bad.csv:58:"))) << imported;
  EXPECT_EQ(CountStaff(org), 1);

  // An unterminated quote on line 10 (header and 8 rows before it); the
  // rows after it hold no quote that could close it.
  std::string text = MakeStaffCsv(8);
  text += "P0009,\"Broken Quote,p0009@example.com,Sales,Engineer,Berlin,,\n";
  for (int i = 10; i <= 14; ++i) {
    text += absl::StrFormat("P%04d,Person %d,p%04d@example.com,Sales,,,,\n", i,
                            i, i);
  }
  ASSERT_EQ(Lines(text)[9].substr(0, 6), "P0009,");
  const std::string broken = TempFile("people-broken.csv", text);
  const CommandResult syntax =
      Ctl(org.admin_token, {"staff", "import", org.id, broken});
  EXPECT_EQ(syntax.exit_code, 2) << syntax;
  EXPECT_THAT(syntax.err, HasSubstr("people-broken.csv:10:")) << syntax;
  EXPECT_THAT(syntax.err, HasSubstr("unterminated")) << syntax;
  EXPECT_THAT(syntax.err, HasSubstr("nothing was sent")) << syntax;

  // A missing file is a usage error too.
  const CommandResult no_file = Ctl(
      org.admin_token, {"staff", "import", org.id, dir_ + "/no-such-file.csv"});
  EXPECT_EQ(no_file.exit_code, 2) << no_file;
  EXPECT_THAT(no_file.err, HasSubstr("no-such-file.csv")) << no_file;

  EXPECT_EQ(CountStaff(org), 1);
}

// 5. --dry-run reports counts and stores nothing.
TEST_F(CandorctlEndToEndTest, DryRunStoresNothing) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("dry", &org));
  const std::string file = TempFile("people-dry.csv", MakeStaffCsv(25));
  const CommandResult dry =
      Ctl(org.admin_token, {"staff", "import", org.id, file, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry;
  EXPECT_TRUE(HasField(dry.out, "rows", "25")) << dry;
  EXPECT_TRUE(HasField(dry.out, "created", "25")) << dry;
  EXPECT_TRUE(HasField(dry.out, "applied", "no (dry run)")) << dry;
  EXPECT_EQ(CountStaff(org), 1);

  // A dry run of a bad file names the row too.
  const CommandResult bad = Ctl(
      org.admin_token,
      {"staff", "import", org.id,
       TempFile("people-dry-bad.csv", MakeStaffCsv(25, /*bad_email_row=*/4)),
       "--dry-run"});
  EXPECT_EQ(bad.exit_code, 1) << bad;
  EXPECT_THAT(bad.err, HasSubstr("people-dry-bad.csv:5: email")) << bad;
  EXPECT_EQ(CountStaff(org), 1);
}

// 6. Another organization's token does not see the first one's staff.
TEST_F(CandorctlEndToEndTest, OtherOrganizationSeesNotFound) {
  Org first, second;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("first", &first));
  ASSERT_NO_FATAL_FAILURE(CreateOrg("second", &second));
  const CommandResult created =
      Ctl(first.admin_token,
          {"-o", "json", "staff", "create", first.id, "--employee-id", "E0200",
           "--display-name", "Grace Hopper", "--email", "grace@example.com"});
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(created.out, &member));

  const CommandResult got =
      Ctl(second.admin_token, {"staff", "get", member.name()});
  EXPECT_EQ(got.exit_code, 1) << got;
  EXPECT_THAT(got.err, HasSubstr("NOT_FOUND")) << got;
  EXPECT_THAT(got.out + got.err, Not(HasSubstr("Grace Hopper"))) << got;

  const CommandResult listed =
      Ctl(second.admin_token, {"staff", "list", first.id});
  EXPECT_EQ(listed.exit_code, 1) << listed;
  EXPECT_THAT(listed.out + listed.err, Not(HasSubstr("Grace Hopper")))
      << listed;
}

// 7. An employee cannot create staff.
TEST_F(CandorctlEndToEndTest, EmployeeCannotCreateStaff) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("emp", &org));
  const CommandResult created =
      Ctl(org.admin_token,
          {"-o", "json", "staff", "create", org.id, "--employee-id", "E0300",
           "--display-name", "Eve Employee", "--email", "eve@example.com",
           "--id", "eve"});
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember eve;
  ASSERT_TRUE(ParseJson(created.out, &eve));
  EXPECT_EQ(eve.name(), org.name + "/staffMembers/eve");

  // --subject by id, resolved in --org
  std::string employee_token;
  ASSERT_NO_FATAL_FAILURE(
      MintToken({"--org", org.id, "--subject", "eve", "--role", "employee"},
                &employee_token));
  const CommandResult refused =
      Ctl(employee_token,
          {"staff", "create", org.id, "--employee-id", "E0301",
           "--display-name", "Mallory", "--email", "mallory@example.com"});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("PERMISSION_DENIED")) << refused;

  // The employee can read themselves.
  const CommandResult self = Ctl(employee_token, {"staff", "get", eve.name()});
  EXPECT_EQ(self.exit_code, 0) << self;
  EXPECT_EQ(CountStaff(org), 2);
}

// 8 and 10. A retried create with the same --request-id creates one person;
// the access log has one JSON line per call.
TEST_F(CandorctlEndToEndTest, RetriedCreateIsIdempotentAndLogged) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("retry", &org));
  const int before = CountStaff(org);
  ASSERT_EQ(before, 1);
  const size_t log_lines_before = Lines(ReadFile(access_log_)).size();

  const std::string request_id = UniqueId("req");
  const std::vector<std::string> create = {
      "-o",      "json",           "staff",
      "create",  org.id,           "--employee-id",
      "E0400",   "--display-name", "Katherine Johnson",
      "--email", "kj@example.com", "--request-id",
      request_id};
  const CommandResult first = Ctl(org.admin_token, create);
  ASSERT_EQ(first.exit_code, 0) << first;
  const CommandResult second = Ctl(org.admin_token, create);
  ASSERT_EQ(second.exit_code, 0) << second;
  staffpb::StaffMember a, b;
  ASSERT_TRUE(ParseJson(first.out, &a));
  ASSERT_TRUE(ParseJson(second.out, &b));
  EXPECT_EQ(a.name(), b.name());
  EXPECT_FALSE(a.name().empty());
  EXPECT_EQ(CountStaff(org), before + 1);  // one list call

  // Same request id, different request: not silently answered with the first.
  const CommandResult other =
      Ctl(org.admin_token, {"staff", "create", org.id, "--employee-id", "E0401",
                            "--display-name", "Someone Else", "--email",
                            "else@example.com", "--request-id", request_id});
  EXPECT_NE(other.exit_code, 0) << other;  // one more call

  // Calls since the snapshot: create, create, list, create.
  const std::vector<std::string> lines = AccessLogLines(log_lines_before + 4);
  ASSERT_EQ(lines.size(), log_lines_before + 4) << absl::StrJoin(lines, "\n");
  int with_request_id = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    google::protobuf::Struct entry;
    ASSERT_TRUE(ParseJson(lines[i], &entry));
    const auto& fields = entry.fields();
    for (const char* key : {"time", "method", "code", "caller"}) {
      ASSERT_EQ(fields.count(key), 1u) << key;
      EXPECT_TRUE(fields.at(key).has_string_value()) << key;
    }
    ASSERT_EQ(fields.count("latency_ms"), 1u);
    EXPECT_TRUE(fields.at("latency_ms").has_number_value());
    EXPECT_GE(fields.at("latency_ms").number_value(), 0.0);
    if (i < log_lines_before) continue;
    auto id = fields.find("request_id");
    if (id != fields.end() && id->second.string_value() == request_id) {
      ++with_request_id;
      EXPECT_EQ(fields.at("method").string_value(), kCreateMethod);
      EXPECT_EQ(fields.at("caller").string_value(), org.admin_name);
      if (with_request_id <= 2) {
        EXPECT_EQ(fields.at("code").string_value(), "OK");
      } else {
        EXPECT_NE(fields.at("code").string_value(), "OK");
      }
    }
  }
  EXPECT_EQ(with_request_id, 3);
}

// 9. No token, and bad usage.
TEST_F(CandorctlEndToEndTest, NoTokenAndBadUsage) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("usage", &org));

  const CommandResult no_token = Ctl("", {"staff", "list", org.id});
  EXPECT_EQ(no_token.exit_code, 1) << no_token;
  EXPECT_THAT(no_token.err, HasSubstr("UNAUTHENTICATED")) << no_token;
  EXPECT_THAT(no_token.err, HasSubstr("no token given")) << no_token;

  const CommandResult bad_token =
      Ctl("not-a-token", {"staff", "get", org.admin_name});
  EXPECT_EQ(bad_token.exit_code, 1) << bad_token;
  EXPECT_THAT(bad_token.err, HasSubstr("UNAUTHENTICATED")) << bad_token;

  // A token signed with another secret.
  const std::string other_secret =
      TempFile("other.secret", RandomHex(64) + "\n");
  const CommandResult forged_mint = RunCommand(
      {Candorctl(), "token", "mint", "--secret-file", other_secret, "--org",
       org.id, "--subject", org.admin_name, "--role", "admin"});
  ASSERT_EQ(forged_mint.exit_code, 0) << forged_mint;
  const CommandResult forged =
      Ctl(std::string(absl::StripAsciiWhitespace(forged_mint.out)),
          {"staff", "get", org.admin_name});
  EXPECT_EQ(forged.exit_code, 1) << forged;
  EXPECT_THAT(forged.err, HasSubstr("UNAUTHENTICATED")) << forged;

  // CANDOR_ADDR and CANDOR_TOKEN instead of flags.
  const CommandResult from_env = RunCommand(
      {Candorctl(), "staff", "get", org.admin_name},
      {"CANDOR_ADDR=" + address_, "CANDOR_TOKEN=" + org.admin_token});
  EXPECT_EQ(from_env.exit_code, 0) << from_env;
  EXPECT_TRUE(HasField(from_env.out, "name", org.admin_name)) << from_env;

  const CommandResult unknown = Ctl(org.admin_token, {"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  const CommandResult no_command = Ctl(org.admin_token, {});
  EXPECT_EQ(no_command.exit_code, 2) << no_command;
  const CommandResult missing_flag =
      Ctl(org.admin_token, {"staff", "create", org.id, "--employee-id", "E1"});
  EXPECT_EQ(missing_flag.exit_code, 2) << missing_flag;
  const CommandResult bad_output =
      Ctl(org.admin_token, {"-o", "yaml", "staff", "list", org.id});
  EXPECT_EQ(bad_output.exit_code, 2) << bad_output;
  const CommandResult bad_role =
      Ctl(org.admin_token,
          {"staff", "create", org.id, "--employee-id", "E1", "--display-name",
           "X", "--email", "x@example.com", "--role", "overlord"});
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role;
  const CommandResult bad_timeout =
      Ctl(org.admin_token, {"--timeout", "soon", "staff", "list", org.id});
  EXPECT_EQ(bad_timeout.exit_code, 2) << bad_timeout;
  const CommandResult help = RunCommand({Candorctl(), "--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_THAT(help.out, HasSubstr("staff")) << help;

  // Nothing listens: UNAVAILABLE with a hint.
  const int closed_port = PickFreePort();
  const CommandResult unreachable = RunCommand(
      {Candorctl(), "--addr", absl::StrCat("127.0.0.1:", closed_port),
       "--token", org.admin_token, "--timeout", "5s", "staff", "list", org.id});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable;
  EXPECT_THAT(unreachable.err, HasSubstr("UNAVAILABLE")) << unreachable;

  EXPECT_EQ(CountStaff(org), 1);
}

}  // namespace
}  // namespace candor::testing
