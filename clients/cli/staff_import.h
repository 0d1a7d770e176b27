// Reading a staff import CSV into ImportStaffMembers rows, and the requests
// and messages around them.
//
// The file starts with a header row naming its columns, in any order:
// employee_id, display_name and email are required; department, title,
// location, manager_employee_id and roles are optional. `roles` holds roles
// separated by ';' ("employee;reviewer"); empty means employee. Each row's
// row_number is the file line it starts on, so errors from the server name
// file lines too.
#ifndef CANDOR_CLIENTS_CLI_STAFF_IMPORT_H_
#define CANDOR_CLIENTS_CLI_STAFF_IMPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "candor/staff/v1/staff.pb.h"

namespace candor::cli {

using ImportRow = ::candor::staff::v1::ImportStaffMembersRequest::Row;

// Reads every row of the CSV `text`; `file_name` prefixes messages.
// INVALID_ARGUMENT when the file cannot be used: its message holds one line
// per problem ("people.csv:17:23: unterminated quoted field", an unknown or
// missing header column, a row with the wrong number of fields, an unknown
// role), up to a few dozen of them.
absl::StatusOr<std::vector<ImportRow>> ReadStaffImportCsv(
    std::string_view text, const std::string& file_name);

// Splits `rows` into stream messages of at most `rows_per_message` rows. The
// first message carries `parent` and `validate_only`; there is always at
// least one message, even for no rows.
std::vector<candor::staff::v1::ImportStaffMembersRequest> BuildImportRequests(
    const std::string& parent, bool validate_only, std::vector<ImportRow> rows,
    size_t rows_per_message);

// "FILE:LINE: field: reason" ("FILE:LINE: reason" when no field is named).
std::string FormatImportRowError(
    const std::string& file_name,
    const candor::staff::v1::ImportStaffMembersResponse::RowError& error);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_STAFF_IMPORT_H_
