// Parsing of AIP-122 resource names such as
// `organizations/{organization}/staffMembers/{staff_member}`.
// Pure functions; safe from any thread.
#ifndef CANDOR_SERVICES_COMMON_RESOURCE_NAME_H_
#define CANDOR_SERVICES_COMMON_RESOURCE_NAME_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor {

// Matches `name` against `pattern`, whose segments are literal collection
// ids or `{variable}`s, and returns the variables' values in order. Each
// value must be a valid resource id (see CheckResourceId). INVALID_ARGUMENT
// naming `field` and the expected shape otherwise.
absl::StatusOr<std::vector<std::string>> ParseResourceName(
    absl::string_view field, absl::string_view name, absl::string_view pattern);

// A resource directly under an organization:
// `organizations/{organization}/<collection>/{id}`.
struct OrgResourceName {
  std::string org;
  std::string id;
};

// ParseResourceName for a pattern of that shape (kStaffMemberPattern,
// values, stories, posts, ...).
absl::StatusOr<OrgResourceName> ParseOrgResourceName(absl::string_view field,
                                                     absl::string_view name,
                                                     absl::string_view pattern);

// `organizations/{organization}` -> organization id.
absl::StatusOr<std::string> ParseOrganizationName(absl::string_view field,
                                                  absl::string_view name);

std::string OrganizationName(absl::string_view organization_id);

// Staff members are named by several services (authors, editors, actors).
inline constexpr absl::string_view kStaffMemberPattern =
    "organizations/{organization}/staffMembers/{staff_member}";
std::string StaffMemberName(absl::string_view organization_id,
                            absl::string_view staff_member_id);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_RESOURCE_NAME_H_
