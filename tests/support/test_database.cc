#include "tests/support/test_database.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"

namespace candor::testing {

std::string SourceDir() { return CANDOR_SOURCE_DIR; }
std::string BinaryDir() { return CANDOR_BINARY_DIR; }

std::string UniqueId(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return absl::StrCat(prefix, "-", getpid(), "-", ++counter);
}

TestDatabase& TestDatabase::Get() {
  static TestDatabase* const database = [] {
    auto* db = new TestDatabase();
    db->Start();
    std::atexit([] { TestDatabase::Get().Stop(); });
    return db;
  }();
  return *database;
}

void TestDatabase::Start() {
  // A second try in a fresh directory: a first start can fail for reasons
  // outside the test (a busy machine timing out mariadb-install-db).
  for (int attempt = 1; attempt <= 2; ++attempt) {
    char pattern[] = "/tmp/candor-test-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::cerr << "test database: cannot make a temporary directory\n";
      std::abort();
    }
    directory_ = pattern;
    const std::string command =
        absl::StrCat(SourceDir(), "/deploy/local/mariadb start ", directory_);
    if (std::system(command.c_str()) == 0) break;
    std::cerr << "test database: `" << command << "` failed (attempt "
              << attempt << ")\n";
    Stop();
    if (attempt == 2) std::abort();
  }
  password_file_ = directory_ + "/db.password";
  options_.unix_socket = directory_ + "/mysqld.sock";
  options_.user = "candor";
  auto password = ReadKeyFile(password_file_);
  if (!password.ok()) {
    std::cerr << "test database: " << password.status() << "\n";
    std::abort();
  }
  options_.password = *password;
}

void TestDatabase::Stop() {
  if (directory_.empty()) return;
  const std::string command =
      absl::StrCat(SourceDir(), "/deploy/local/mariadb stop ", directory_,
                   " && rm -rf ", directory_);
  if (std::system(command.c_str()) != 0) {
    std::cerr << "test database: could not stop the server in " << directory_
              << "\n";
  }
  directory_.clear();
}

}  // namespace candor::testing

namespace candor::testing {

int TestDatabase::ServerPid() const {
  std::ifstream in(directory_ + "/mysqld.pid");
  int pid = -1;
  if (!(in >> pid) || pid <= 0) return -1;
  return kill(pid, 0) == 0 ? pid : -1;
}

bool TestDatabase::Freeze() {
  const int pid = ServerPid();
  if (pid <= 0 || kill(pid, SIGSTOP) != 0) {
    std::cerr << "test database: cannot freeze the server\n";
    return false;
  }
  return true;
}

bool TestDatabase::Thaw() {
  const int pid = ServerPid();
  if (pid <= 0 || kill(pid, SIGCONT) != 0) {
    std::cerr << "test database: cannot thaw the server\n";
    return false;
  }
  return true;
}

bool TestDatabase::Kill() {
  const int pid = ServerPid();
  if (pid <= 0 || kill(pid, SIGKILL) != 0) {
    std::cerr << "test database: cannot kill the server\n";
    return false;
  }
  // The server is not our child (the start script detaches it): wait until
  // /proc shows it gone or a zombie awaiting its reaper.
  for (int i = 0; i < 300; ++i) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)),
                     std::istreambuf_iterator<char>());
    const size_t paren = text.rfind(") ");
    if (text.empty() || paren == std::string::npos || text[paren + 2] == 'Z' ||
        text[paren + 2] == 'X') {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::cerr << "test database: the server outlived SIGKILL for 30 s\n";
  return false;
}

bool TestDatabase::Shutdown() {
  const std::string command =
      absl::StrCat(SourceDir(), "/deploy/local/mariadb stop ", directory_);
  if (std::system(command.c_str()) != 0) {
    std::cerr << "test database: `" << command << "` failed\n";
    return false;
  }
  return true;
}

bool TestDatabase::Restart() {
  const std::string command =
      absl::StrCat(SourceDir(), "/deploy/local/mariadb start ", directory_);
  if (std::system(command.c_str()) != 0) {
    std::cerr << "test database: `" << command << "` failed\n";
    return false;
  }
  return true;
}

}  // namespace candor::testing
