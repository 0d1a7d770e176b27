// Command-line and CSV spellings of staff API values: resource names given
// short ("acme" for organizations/acme), roles ("reviewer"), social
// accounts ("linkedin:ada-l") and booleans. Errors are INVALID_ARGUMENT with
// a message that lists what is accepted.
#ifndef CANDOR_CLIENTS_CLI_STAFF_FIELDS_H_
#define CANDOR_CLIENTS_CLI_STAFF_FIELDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "candor/staff/v1/staff.pb.h"

namespace candor::cli {

using ::candor::staff::v1::SocialAccount;
using ::candor::staff::v1::StaffMember;

// "acme" -> "organizations/acme"; "organizations/acme" stays as it is.
std::string OrganizationName(std::string_view id_or_name);

// A staff member given by id under `organization_name` ("ada" ->
// "organizations/acme/staffMembers/ada"), or already by resource name
// (anything with a '/'), which stays as it is.
std::string StaffMemberName(std::string_view organization_name,
                            std::string_view id_or_name);

// "organizations/acme" for "organizations/acme/staffMembers/ada"; empty when
// `staff_member_name` does not start with an organization.
std::string OrganizationOf(std::string_view staff_member_name);

// "employee", "reviewer" or "admin", any letter case.
absl::StatusOr<StaffMember::Role> ParseStaffRole(std::string_view text);

// Several roles separated by `separator` ("employee;reviewer"); blanks around
// them and empty items are ignored, so "" is no roles at all.
absl::StatusOr<std::vector<StaffMember::Role>> ParseStaffRoles(
    std::string_view text, char separator);

// The lowercase spelling of a role ("reviewer").
std::string StaffRoleText(StaffMember::Role role);

// "NETWORK:HANDLE", NETWORK one of linkedin, x, facebook, instagram,
// mastodon (any letter case), HANDLE not empty.
absl::StatusOr<SocialAccount> ParseSocialAccount(std::string_view text);

// "true" or "false", any letter case.
absl::StatusOr<bool> ParseBool(std::string_view text);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_STAFF_FIELDS_H_
