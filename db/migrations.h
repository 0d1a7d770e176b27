// Forward-only, checksummed schema migrations, one schema per service.
//
// Files live in db/migrations/<service>/V<version>__<what>.sql and are
// compiled into the binary (so a deployed candord carries exactly the
// migrations it was built with). Migrate() creates `candor_<service>` when
// missing and applies, in version order, every migration not yet recorded in
// its `schema_migrations` table, recording each with the SHA-256 of its text.
// An applied migration whose text has since changed stops start-up with
// FAILED_PRECONDITION naming the file: applied migrations are immutable,
// fixes go into a new file.
//
// Concurrent Migrate() calls for one service (several candord starting at
// once) serialize on a named database lock.
#ifndef CANDOR_DB_MIGRATIONS_H_
#define CANDOR_DB_MIGRATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"

namespace candor::db {

struct Migration {
  absl::string_view service;    // "staff"
  int version = 0;              // 1 for V0001__...
  absl::string_view file_name;  // "V0001__create_staff.sql"
  absl::string_view sql;        // statements separated by ';' at line ends
};

// Every migration compiled into this binary, ordered by service and version.
const std::vector<Migration>& EmbeddedMigrations();

// The embedded migrations of one service, in version order.
std::vector<Migration> MigrationsFor(absl::string_view service);

// `candor_<service>`.
std::string SchemaFor(absl::string_view service);

// Applies pending migrations of `service`. `server` must not name a schema.
absl::Status Migrate(const ConnectionOptions& server, absl::string_view service,
                     const std::vector<Migration>& migrations);

// Splits a migration's text into statements: a statement ends at a ';' that
// ends a line outside quotes; `-- ` comment lines are dropped.
std::vector<std::string> SplitSqlStatements(absl::string_view text);

}  // namespace candor::db

#endif  // CANDOR_DB_MIGRATIONS_H_
