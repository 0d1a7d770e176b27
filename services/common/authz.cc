#include "services/common/authz.h"

#include "absl/strings/str_cat.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"

namespace candor {
namespace {

bool HasStaffRole(const Caller& caller) {
  return caller.HasRole(Role::kEmployee) || caller.HasRole(Role::kReviewer) ||
         caller.HasRole(Role::kAdmin);
}

}  // namespace

absl::Status RequireStaffOf(const Caller& caller, absl::string_view org,
                            absl::string_view resource) {
  if (caller.organization_id.empty()) {
    return absl::PermissionDeniedError(
        "this method is for staff of an organization; operator and service "
        "tokens without an organization cannot call it");
  }
  if (caller.organization_id != org) {
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  if (!HasStaffRole(caller)) {
    return absl::PermissionDeniedError(
        "this method is for staff of the organization");
  }
  return absl::OkStatus();
}

absl::Status RequireStaffOrServiceOf(const Caller& caller,
                                     absl::string_view org,
                                     absl::string_view resource) {
  if (caller.HasRole(Role::kService) &&
      (caller.organization_id.empty() || caller.organization_id == org)) {
    return absl::OkStatus();
  }
  return RequireStaffOf(caller, org, resource);
}

absl::StatusOr<std::string> RequireStaffOfParent(const Caller& caller,
                                                 absl::string_view parent) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", parent));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, parent));
  return org;
}

absl::StatusOr<std::string> RequireStaffOrServiceOfParent(
    const Caller& caller, absl::string_view parent) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", parent));
  CANDOR_RETURN_IF_ERROR(RequireStaffOrServiceOf(caller, org, parent));
  return org;
}

absl::Status RequireServiceOf(const Caller& caller, absl::string_view org,
                              absl::string_view resource,
                              absl::string_view action) {
  if (!caller.organization_id.empty() && caller.organization_id != org) {
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  return RequireRole(caller, Role::kService, action);
}

absl::Status RequireRole(const Caller& caller, Role role,
                         absl::string_view action) {
  if (caller.HasRole(role)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("only ", RoleClaim(role), "s can ", action));
}

}  // namespace candor
