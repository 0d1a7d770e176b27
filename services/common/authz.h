// Authorization checks shared by every service. Order in a handler: parse
// the names that say which organization is meant, then these checks, then
// validate the remaining fields, then act.
//
// A caller of another organization gets NOT_FOUND (never a hint that the
// resource exists); a caller of the right organization without the role
// gets PERMISSION_DENIED. Pure functions; thread-safe.
#ifndef CANDOR_SERVICES_COMMON_AUTHZ_H_
#define CANDOR_SERVICES_COMMON_AUTHZ_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/auth.h"

namespace candor {

// Staff of `org` (any staff role) pass. Callers of another organization get
// NOT_FOUND naming `resource` (the name the caller asked for); operators,
// services and other callers without a staff role get PERMISSION_DENIED.
absl::Status RequireStaffOf(const Caller& caller, absl::string_view org,
                            absl::string_view resource);

// Like RequireStaffOf, and service callers pass too (for reads other
// services make on a user's behalf).
absl::Status RequireStaffOrServiceOf(const Caller& caller,
                                     absl::string_view org,
                                     absl::string_view resource);

// How a call on a collection starts: the organization its `parent` field
// (`organizations/{org}`) names (INVALID_ARGUMENT naming "parent"), once
// the caller passes RequireStaffOf / RequireStaffOrServiceOf for it.
absl::StatusOr<std::string> RequireStaffOfParent(const Caller& caller,
                                                 absl::string_view parent);
absl::StatusOr<std::string> RequireStaffOrServiceOfParent(
    const Caller& caller, absl::string_view parent);

// Services of `org`, and services of no organization (they serve every
// one), pass. Callers of another organization get NOT_FOUND naming
// `resource`, before the role is looked at; everyone else gets
// PERMISSION_DENIED "only services can <action>".
absl::Status RequireServiceOf(const Caller& caller, absl::string_view org,
                              absl::string_view resource,
                              absl::string_view action);

// PERMISSION_DENIED "only <role>s can <action>" unless the caller has `role`.
absl::Status RequireRole(const Caller& caller, Role role,
                         absl::string_view action);

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_AUTHZ_H_
