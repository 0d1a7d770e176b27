// Turns `candorctl staff update` flags into an UpdateStaffMemberRequest
// whose update_mask names exactly the fields the person gave, so a flag set
// to "" clears that field and a flag left out is never touched.
#ifndef CANDOR_CLIENTS_CLI_STAFF_UPDATE_H_
#define CANDOR_CLIENTS_CLI_STAFF_UPDATE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "candor/staff/v1/staff.pb.h"

namespace candor::cli {

// One member per flag; std::nullopt when the flag was not given.
struct StaffUpdateFlags {
  std::optional<std::string> employee_id;
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> department;
  std::optional<std::string> title;
  std::optional<std::string> location;
  // A staff id (resolved in the member's organization) or resource name;
  // "" clears it.
  std::optional<std::string> manager;
  // Sets the roles (EMPLOYEE is implied by the server).
  std::optional<std::vector<std::string>> roles;
  std::optional<std::string> bio;
  // "true" or "false".
  std::optional<std::string> consent;
  // NETWORK:HANDLE items; an empty list removes every account.
  std::optional<std::vector<std::string>> social_accounts;
  std::optional<std::string> etag;
};

// Builds the request for the staff member `name`. INVALID_ARGUMENT for a bad
// value (naming it) and when no field is given at all.
absl::StatusOr<candor::staff::v1::UpdateStaffMemberRequest> BuildUpdateRequest(
    const std::string& name, const StaffUpdateFlags& flags);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_STAFF_UPDATE_H_
