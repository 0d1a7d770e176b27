#include "db/migrations.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "db/sha256.h"
#include "db/statement.h"
#include "db/transaction.h"

namespace candor::db {
namespace {

constexpr absl::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  version INT NOT NULL PRIMARY KEY,"
    "  file_name VARCHAR(255) NOT NULL,"
    "  checksum CHAR(64) NOT NULL,"
    "  applied_time_us BIGINT NOT NULL"
    ") ENGINE=InnoDB";
constexpr absl::string_view kSelectAppliedMigrations =
    "SELECT version, file_name, checksum FROM schema_migrations ORDER BY "
    "version";
constexpr absl::string_view kInsertAppliedMigration =
    "INSERT INTO schema_migrations (version, file_name, checksum, "
    "applied_time_us) "
    "VALUES (?, ?, ?, ?)";
constexpr absl::string_view kGetMigrationLock = "SELECT GET_LOCK(?, 60)";
constexpr absl::string_view kReleaseMigrationLock = "SELECT RELEASE_LOCK(?)";

bool IsValidServiceName(absl::string_view service) {
  if (service.empty() || service.size() > 32) return false;
  for (char c : service) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

struct AppliedMigration {
  std::string file_name;
  std::string checksum;
};

// Migration work happens at start-up for an operator, so unlike client
// errors the server's own message is included: it is what they need.
absl::Status MigrationError(const sql::SQLException& e,
                            absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat(
      what, ": database error ", e.getErrorCode(), ": ", e.what()));
}

}  // namespace

std::string SchemaFor(absl::string_view service) {
  return absl::StrCat("candor_", service);
}

std::vector<Migration> MigrationsFor(absl::string_view service) {
  std::vector<Migration> result;
  for (const Migration& m : EmbeddedMigrations()) {
    if (m.service == service) result.push_back(m);
  }
  return result;
}

std::vector<std::string> SplitSqlStatements(absl::string_view text) {
  std::vector<std::string> statements;
  std::string current;
  char quote = 0;  // the open quote character, or 0
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (quote == 0 &&
        absl::StartsWith(absl::StripLeadingAsciiWhitespace(line), "--")) {
      continue;
    }
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quote != 0) {
        if (c == '\\' && i + 1 < line.size()) {
          current += c;
          current += line[++i];
          continue;
        }
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      }
      current += c;
    }
    const absl::string_view trimmed =
        absl::StripTrailingAsciiWhitespace(current);
    if (quote == 0 && absl::EndsWith(trimmed, ";")) {
      std::string statement(
          absl::StripAsciiWhitespace(trimmed.substr(0, trimmed.size() - 1)));
      if (!statement.empty()) statements.push_back(std::move(statement));
      current.clear();
    } else {
      current += '\n';
    }
  }
  std::string rest(absl::StripAsciiWhitespace(current));
  if (!rest.empty()) statements.push_back(std::move(rest));
  return statements;
}

absl::Status Migrate(const ConnectionOptions& server, absl::string_view service,
                     const std::vector<Migration>& migrations) {
  if (!IsValidServiceName(service)) {
    return absl::InvalidArgumentError(
        absl::StrCat("migrations: bad service name '", service, "'"));
  }
  std::map<int, const Migration*> by_version;
  for (const Migration& m : migrations) {
    if (m.service != service || m.version <= 0 ||
        !by_version.emplace(m.version, &m).second) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: ", m.service, "/", m.file_name,
          ": wrong service, bad version, or a version used twice"));
    }
  }

  ConnectionOptions options = server;
  options.schema.clear();
  auto connection = Connection::Open(options);
  if (!connection.ok()) return connection.status();
  Connection& c = **connection;
  const std::string schema = SchemaFor(service);
  const std::string lock_name = absl::StrCat("candor_migrate_", service);

  try {
    std::unique_ptr<sql::ResultSet> locked(
        Bind(c.Prepare(kGetMigrationLock), lock_name).executeQuery());
    if (!locked->next() || locked->getInt(1) != 1) {
      return absl::UnavailableError(
          absl::StrCat("migrations: ", schema,
                       ": another process holds the migration lock"));
    }
    // `schema` is built from a validated service name, never from input.
    c.Execute(absl::StrCat("CREATE DATABASE IF NOT EXISTS `", schema,
                           "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"));
    c.raw().setSchema(schema);
    c.Execute(kCreateMigrationsTable);
  } catch (const sql::SQLException& e) {
    return MigrationError(e, absl::StrCat("migrations: preparing ", schema));
  }

  std::map<int, AppliedMigration> applied;
  try {
    std::unique_ptr<sql::ResultSet> rows(
        c.Prepare(kSelectAppliedMigrations).executeQuery());
    while (rows->next()) {
      applied[rows->getInt(1)] =
          AppliedMigration{rows->getString(2), rows->getString(3)};
    }
  } catch (const sql::SQLException& e) {
    return MigrationError(e, absl::StrCat("migrations: reading ", schema));
  }

  for (const auto& [version, record] : applied) {
    auto it = by_version.find(version);
    if (it == by_version.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: ", schema, " has migration ", record.file_name,
          " applied, which this binary does not have: it is older than the "
          "database"));
    }
    if (Sha256Hex(it->second->sql) != record.checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migrations: db/migrations/", service, "/", it->second->file_name,
          " was edited after it was applied to ", schema,
          " (checksum differs). Applied migrations are immutable: revert the "
          "edit and put the change in a new migration file."));
    }
  }

  for (const auto& [version, migration] : by_version) {
    if (applied.count(version) > 0) continue;
    const std::string file = absl::StrCat(service, "/", migration->file_name);
    for (const std::string& statement : SplitSqlStatements(migration->sql)) {
      try {
        c.Execute(statement);
      } catch (const sql::SQLException& e) {
        return MigrationError(e, absl::StrCat("migration ", file));
      }
    }
    try {
      Bind(c.Prepare(kInsertAppliedMigration), version, migration->file_name,
           Sha256Hex(migration->sql), absl::ToUnixMicros(absl::Now()))
          .executeUpdate();
    } catch (const sql::SQLException& e) {
      return MigrationError(e, absl::StrCat("recording migration ", file));
    }
  }

  try {
    std::unique_ptr<sql::ResultSet> ignored(
        Bind(c.Prepare(kReleaseMigrationLock), lock_name).executeQuery());
  } catch (const sql::SQLException&) {
    // The lock goes away with the connection anyway.
  }
  return absl::OkStatus();
}

}  // namespace candor::db
