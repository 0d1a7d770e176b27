#include "clients/cli/staff_fields.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace candor::cli {
namespace {

constexpr std::string_view kOrganizationsPrefix = "organizations/";

// Debian's Abseil string_view is not std::string_view.
absl::string_view Absl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

std::string Lower(std::string_view text) {
  return absl::AsciiStrToLower(Absl(text));
}

}  // namespace

std::string OrganizationName(std::string_view id_or_name) {
  if (absl::StartsWith(Absl(id_or_name), Absl(kOrganizationsPrefix))) {
    return std::string(id_or_name);
  }
  return std::string(kOrganizationsPrefix) + std::string(id_or_name);
}

std::string StaffMemberName(std::string_view organization_name,
                            std::string_view id_or_name) {
  if (id_or_name.find('/') != std::string_view::npos) {
    return std::string(id_or_name);
  }
  return std::string(organization_name) + "/staffMembers/" +
         std::string(id_or_name);
}

std::string OrganizationOf(std::string_view staff_member_name) {
  if (!absl::StartsWith(Absl(staff_member_name), Absl(kOrganizationsPrefix))) {
    return "";
  }
  const size_t slash = staff_member_name.find('/', kOrganizationsPrefix.size());
  return std::string(staff_member_name.substr(0, slash));
}

absl::StatusOr<StaffMember::Role> ParseStaffRole(std::string_view text) {
  const std::string role = Lower(text);
  if (role == "employee") return StaffMember::EMPLOYEE;
  if (role == "reviewer") return StaffMember::REVIEWER;
  if (role == "admin") return StaffMember::ADMIN;
  return absl::InvalidArgumentError("unknown role \"" + std::string(text) +
                                    "\" (use employee, reviewer or admin)");
}

absl::StatusOr<std::vector<StaffMember::Role>> ParseStaffRoles(
    std::string_view text, char separator) {
  std::vector<StaffMember::Role> roles;
  for (absl::string_view item :
       absl::StrSplit(Absl(text), separator, absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    absl::StatusOr<StaffMember::Role> role =
        ParseStaffRole(std::string_view(item.data(), item.size()));
    if (!role.ok()) return role.status();
    roles.push_back(*role);
  }
  return roles;
}

std::string StaffRoleText(StaffMember::Role role) {
  return Lower(StaffMember::Role_Name(role));
}

absl::StatusOr<SocialAccount> ParseSocialAccount(std::string_view text) {
  const size_t colon = text.find(':');
  const auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        "invalid social account \"" + std::string(text) +
        "\": " + std::string(why) +
        " (use NETWORK:HANDLE, NETWORK one of linkedin, x, facebook, "
        "instagram, mastodon)");
  };
  if (colon == std::string_view::npos) return invalid("no ':'");
  const std::string network_name =
      absl::AsciiStrToUpper(Absl(text.substr(0, colon)));
  const std::string_view handle = text.substr(colon + 1);
  candor::common::v1::Network network;
  if (!candor::common::v1::Network_Parse(network_name, &network) ||
      network == candor::common::v1::NETWORK_UNSPECIFIED) {
    return invalid("unknown network");
  }
  if (handle.empty()) return invalid("empty handle");
  SocialAccount account;
  account.set_network(network);
  account.set_handle(std::string(handle));
  return account;
}

absl::StatusOr<bool> ParseBool(std::string_view text) {
  const std::string value = Lower(text);
  if (value == "true") return true;
  if (value == "false") return false;
  return absl::InvalidArgumentError("invalid boolean \"" + std::string(text) +
                                    "\" (use true or false)");
}

}  // namespace candor::cli
