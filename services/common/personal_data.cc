#include "services/common/personal_data.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "db/sha256.h"
#include "services/common/authz.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor {

absl::StatusOr<PersonRef> ParsePersonRef(absl::string_view staff_member) {
  CANDOR_ASSIGN_OR_RETURN(
      OrgResourceName name,
      ParseOrgResourceName("staff_member", staff_member, kStaffMemberPattern));
  return PersonRef{std::move(name.org), std::move(name.id),
                   std::string(staff_member)};
}

std::string ErasedPseudonym(absl::string_view staff_name) {
  return absl::StrCat("erased-", db::Sha256Hex(staff_name).substr(0, 12));
}

absl::Status RequirePersonalDataAccess(const Caller& caller,
                                       absl::string_view org,
                                       absl::string_view resource) {
  if (caller.HasRole(Role::kOperator)) return absl::OkStatus();
  if (caller.HasRole(Role::kService) &&
      (caller.organization_id.empty() || caller.organization_id == org)) {
    return absl::OkStatus();
  }
  if (!caller.organization_id.empty() && caller.organization_id != org) {
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  return RequireRole(caller, Role::kAdmin, "export or erase a person's data");
}

absl::Status RequireAdminOrOperatorOf(const Caller& caller,
                                      absl::string_view org,
                                      absl::string_view resource) {
  if (caller.HasRole(Role::kOperator)) return absl::OkStatus();
  if (!caller.organization_id.empty() && caller.organization_id != org) {
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  return RequireRole(caller, Role::kAdmin, "export or erase a person's data");
}

absl::StatusOr<PersonRef> PersonToExport(const Caller& caller,
                                         absl::string_view staff_member) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person, ParsePersonRef(staff_member));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  return person;
}

absl::StatusOr<PersonRef> PersonToErase(const Caller& caller,
                                        absl::string_view staff_member,
                                        absl::string_view request_id) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, staff_member));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request_id));
  return person;
}

}  // namespace candor
