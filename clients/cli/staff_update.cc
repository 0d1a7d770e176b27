#include "clients/cli/staff_update.h"

#include "clients/cli/staff_fields.h"

namespace candor::cli {

absl::StatusOr<candor::staff::v1::UpdateStaffMemberRequest> BuildUpdateRequest(
    const std::string& name, const StaffUpdateFlags& flags) {
  candor::staff::v1::UpdateStaffMemberRequest request;
  StaffMember* member = request.mutable_staff_member();
  member->set_name(name);
  google::protobuf::FieldMask* mask = request.mutable_update_mask();

  // Paths in the order of the StaffMember fields.
  const auto set_string = [&](const std::optional<std::string>& flag,
                              const char* path,
                              void (StaffMember::*setter)(const std::string&)) {
    if (!flag) return;
    (member->*setter)(*flag);
    mask->add_paths(path);
  };
  set_string(flags.employee_id, "employee_id", &StaffMember::set_employee_id);
  set_string(flags.display_name, "display_name",
             &StaffMember::set_display_name);
  set_string(flags.email, "email", &StaffMember::set_email);
  set_string(flags.department, "department", &StaffMember::set_department);
  set_string(flags.title, "title", &StaffMember::set_title);
  set_string(flags.location, "location", &StaffMember::set_location);
  if (flags.manager) {
    if (!flags.manager->empty()) {
      member->set_manager(
          StaffMemberName(OrganizationOf(name), *flags.manager));
    }
    mask->add_paths("manager");
  }
  if (flags.roles) {
    for (const std::string& text : *flags.roles) {
      absl::StatusOr<StaffMember::Role> role = ParseStaffRole(text);
      if (!role.ok()) return role.status();
      member->add_roles(*role);
    }
    mask->add_paths("roles");
  }
  if (flags.consent) {
    absl::StatusOr<bool> consent = ParseBool(*flags.consent);
    if (!consent.ok()) return consent.status();
    member->set_advocacy_consent(*consent);
    mask->add_paths("advocacy_consent");
  }
  if (flags.social_accounts) {
    for (const std::string& text : *flags.social_accounts) {
      absl::StatusOr<SocialAccount> account = ParseSocialAccount(text);
      if (!account.ok()) return account.status();
      *member->add_social_accounts() = *std::move(account);
    }
    mask->add_paths("social_accounts");
  }
  set_string(flags.bio, "bio", &StaffMember::set_bio);
  if (mask->paths().empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give at least one of --employee-id, "
        "--display-name, --email, --department, --title, --location, "
        "--manager, --role, --consent, --social, --clear-social, --bio");
  }
  if (flags.etag) member->set_etag(*flags.etag);
  return request;
}

}  // namespace candor::cli
