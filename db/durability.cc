#include "db/durability.h"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "db/transaction.h"

namespace candor::db {
namespace {

// How the server prints a boolean that is on: "ON" or "1".
bool IsOn(const std::string& value) {
  const std::string upper = absl::AsciiStrToUpper(value);
  return upper == "ON" || upper == "1";
}

constexpr char kReadDurabilityVariables[] =
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN "
    "('innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', "
    "'innodb_doublewrite')";

}  // namespace

std::vector<std::string> DurabilityWarnings(
    const std::map<std::string, std::string>& variables) {
  std::vector<std::string> warnings;
  auto value_of = [&](const std::string& name) -> const std::string* {
    auto it = variables.find(name);
    if (it == variables.end()) {
      warnings.push_back(absl::StrCat(
          "database durability: the server does not report ", name,
          "; acknowledged writes may not survive a crash of the database"));
      return nullptr;
    }
    return &it->second;
  };

  if (const std::string* flush = value_of("innodb_flush_log_at_trx_commit");
      flush != nullptr && *flush != "1") {
    warnings.push_back(absl::StrCat(
        "database durability: innodb_flush_log_at_trx_commit=", *flush,
        " (should be 1): a crash of the database server or its machine can "
        "lose the last second of acknowledged writes"));
  }
  if (const std::string* log_bin = value_of("log_bin");
      log_bin != nullptr && IsOn(*log_bin)) {
    if (const std::string* sync = value_of("sync_binlog");
        sync != nullptr && *sync != "1") {
      warnings.push_back(absl::StrCat(
          "database durability: sync_binlog=", *sync,
          " with log_bin=ON (should be 1): after a crash the binary log, and "
          "replicas or backups fed by it, can miss acknowledged writes"));
    }
  }
  if (const std::string* doublewrite = value_of("innodb_doublewrite");
      doublewrite != nullptr && !IsOn(*doublewrite)) {
    warnings.push_back(absl::StrCat(
        "database durability: innodb_doublewrite=", *doublewrite,
        " (should be ON): a crash in the middle of a page write can leave "
        "torn pages that recovery cannot repair"));
  }
  return warnings;
}

absl::StatusOr<std::map<std::string, std::string>> ReadDurabilityVariables(
    const ConnectionOptions& options) {
  ConnectionOptions server = options;
  server.schema.clear();  // server-wide settings; no schema needed
  auto connection = Connection::Open(server);
  if (!connection.ok()) return connection.status();
  return Run(
      "read durability settings", **connection,
      [](Connection& c) -> absl::StatusOr<std::map<std::string, std::string>> {
        std::unique_ptr<sql::Statement> statement(c.raw().createStatement());
        std::unique_ptr<sql::ResultSet> rows(
            statement->executeQuery(kReadDurabilityVariables));
        std::map<std::string, std::string> variables;
        while (rows->next()) {
          variables[rows->getString(1)] = rows->getString(2);
        }
        return variables;
      });
}

}  // namespace candor::db
