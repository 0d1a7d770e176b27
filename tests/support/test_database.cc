#include "tests/support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>

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
  const std::string command = absl::StrCat(
      SourceDir(), "/deploy/local/mariadb stop ", directory_,
      " && rm -rf ", directory_);
  if (std::system(command.c_str()) != 0) {
    std::cerr << "test database: could not stop the server in " << directory_
              << "\n";
  }
  directory_.clear();
}

}  // namespace candor::testing
