// StaffService: organizations (CreateOrganization, which also creates the
// organization's first admin, and GetOrganization).
#include <google/protobuf/util/time_util.h>

#include <string>

#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/staff/staff_internal.h"
#include "services/staff/staff_service.h"

namespace candor::staff {
namespace {

using ::google::protobuf::util::TimeUtil;

void OrganizationToProto(const OrganizationRecord& o, v1::Organization* out) {
  out->Clear();
  out->set_name(OrganizationName(o.organization_id));
  out->set_display_name(o.display_name);
  out->set_founding_admin(
      StaffMemberName(o.organization_id, o.founding_admin_id));
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(o.create_time_us);
}

}  // namespace

absl::Status StaffService::DoCreateOrganization(
    const Caller& caller, const v1::CreateOrganizationRequest& request,
    v1::Organization* response) {
  CANDOR_RETURN_IF_ERROR(
      RequireRole(caller, Role::kOperator, "create organizations"));
  CANDOR_RETURN_IF_ERROR(
      ValidateOrganizationId("organization_id", request.organization_id()));
  CANDOR_RETURN_IF_ERROR(CheckText("organization.display_name",
                                   request.organization().display_name(),
                                   kMaxDisplayNameLength, Presence::kRequired));
  if (!request.has_first_admin())
    return InvalidField("first_admin", "required");
  StaffMemberRecord admin = RecordFromProto(request.first_admin());
  CANDOR_RETURN_IF_ERROR(ValidateEmploymentFields(admin, "first_admin."));
  CANDOR_RETURN_IF_ERROR(ValidatePersonalFields(admin, "first_admin."));
  if (!request.first_admin().manager().empty()) {
    return InvalidField("first_admin.manager",
                        "must be empty for the first admin");
  }
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  const int64_t now = NowMicros();
  admin.organization_id = request.organization_id();
  admin.staff_member_id = NewResourceId();
  admin.roles = kEmployeeBit | kAdminBit;
  admin.create_time_us = admin.update_time_us = now;
  admin.version = 1;
  const OrganizationRecord organization{request.organization_id(),
                                        request.organization().display_name(),
                                        admin.staff_member_id, now};
  return RunIdempotent(repository_.pool(), MakeIdempotencyKey(caller, request),
                       response, [&](db::Transaction& tx) {
                         CANDOR_RETURN_IF_ERROR(
                             repository_.InsertOrganization(tx, organization));
                         CANDOR_RETURN_IF_ERROR(repository_.InsertStaffMember(
                             tx, admin, "first_admin."));
                         OrganizationToProto(organization, response);
                         return absl::OkStatus();
                       });
}

absl::Status StaffService::DoGetOrganization(
    const Caller& caller, const v1::GetOrganizationRequest& request,
    v1::Organization* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("name", request.name()));
  if (!caller.HasRole(Role::kOperator)) {
    CANDOR_RETURN_IF_ERROR(
        RequireStaffOrServiceOf(caller, org, request.name()));
  }
  CANDOR_ASSIGN_OR_RETURN(OrganizationRecord organization,
                          repository_.FindOrganization(org));
  OrganizationToProto(organization, response);
  return absl::OkStatus();
}

}  // namespace candor::staff
