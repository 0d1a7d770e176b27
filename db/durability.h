// Whether the database server keeps acknowledged commits through a crash.
//
// Exactly-once writes (docs/ARCHITECTURE.md, "Exactly-once writes") assume that
// a COMMIT the server acknowledged survives the server's own crash or a power
// cut. That holds only with innodb_flush_log_at_trx_commit=1, sync_binlog=1
// when the binary log is on, and the doublewrite buffer on. candord reads these
// at start and warns, naming the setting and its value, when one is
// weakened: it still serves (an operator may have chosen speed over
// durability on purpose), but nobody should find out after a crash.
#ifndef CANDOR_DB_DURABILITY_H_
#define CANDOR_DB_DURABILITY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "db/pool.h"

namespace candor::db {

// One warning per weakened (or unreported) setting among `variables`
// (name -> value as SHOW GLOBAL VARIABLES prints it); empty when every
// acknowledged commit survives a crash.
std::vector<std::string> DurabilityWarnings(
    const std::map<std::string, std::string>& variables);

// Reads the variables DurabilityWarnings() judges from the server `options`
// points at.
absl::StatusOr<std::map<std::string, std::string>> ReadDurabilityVariables(
    const ConnectionOptions& options);

}  // namespace candor::db

#endif  // CANDOR_DB_DURABILITY_H_
