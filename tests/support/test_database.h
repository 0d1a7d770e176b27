// A private MariaDB for tests, started by the same script the local
// deployment uses (deploy/local/mariadb) in a fresh temporary directory and
// stopped (and removed) when the test binary ends.
//
// Use it through TestDatabase::Get() from any test; the first call starts
// the server. Each test works in its own organization, so tests share one
// server without cleaning up after each other. Thread-safe.
#ifndef CANDOR_TESTS_SUPPORT_TEST_DATABASE_H_
#define CANDOR_TESTS_SUPPORT_TEST_DATABASE_H_

#include <string>

#include "db/pool.h"

namespace candor::testing {

class TestDatabase {
 public:
  // The server for this test binary, started on first use. Aborts the test
  // binary with a message when the server cannot start.
  static TestDatabase& Get();

  // Connection settings for the application user (no schema).
  const db::ConnectionOptions& options() const { return options_; }
  const std::string& socket_path() const { return options_.unix_socket; }
  const std::string& password_file() const { return password_file_; }
  const std::string& directory() const { return directory_; }

  // Stops the server. Registered with atexit by Get().
  void Stop();

  // Faults, for tests of how the services live through an outage. The data
  // directory is kept throughout; each returns false (with a message on
  // stderr) when it could not do what it says.
  //
  // SIGSTOP / SIGCONT: the server keeps its connections but answers nothing.
  bool Freeze();
  bool Thaw();
  // SIGKILL, as a crash or power cut would; waits until the process is gone.
  bool Kill();
  // A clean shutdown (`deploy/local/mariadb stop`).
  bool Shutdown();
  // Starts the server again on the same data directory (after Kill, InnoDB
  // crash recovery) and waits until it answers.
  bool Restart();
  // The server's process id; -1 when it is not running.
  int ServerPid() const;

 private:
  TestDatabase() = default;
  void Start();

  std::string directory_;
  std::string password_file_;
  db::ConnectionOptions options_;
};

// The repository root (for scripts and binaries the tests run).
std::string SourceDir();
std::string BinaryDir();

// A name unique to this process and call, usable as an organization id:
// "<prefix>-<pid>-<n>".
std::string UniqueId(const std::string& prefix);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_DATABASE_H_
