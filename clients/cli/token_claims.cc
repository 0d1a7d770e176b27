#include "clients/cli/token_claims.h"

#include <algorithm>

#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

constexpr std::string_view kOperatorSubject = "operator";

bool Has(const std::vector<Role>& roles, Role role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace

absl::StatusOr<TokenClaims> BuildTokenClaims(
    const std::string& organization, const std::string& subject,
    const std::vector<std::string>& roles, absl::Duration ttl) {
  TokenClaims claims;
  claims.ttl = ttl;
  for (const std::string& text : roles) {
    absl::StatusOr<Role> role = ParseRoleClaim(text);
    if (!role.ok()) {
      return absl::InvalidArgumentError(
          "unknown role \"" + text +
          "\" (use employee, reviewer, admin, operator or service)");
    }
    if (!Has(claims.roles, *role)) claims.roles.push_back(*role);
  }
  if (claims.roles.empty()) {
    return absl::InvalidArgumentError("give at least one --role");
  }

  if (Has(claims.roles, Role::kOperator)) {
    if (claims.roles.size() != 1) {
      return absl::InvalidArgumentError(
          "an operator token carries only the operator role");
    }
    if (!organization.empty()) {
      return absl::InvalidArgumentError(
          "an operator token names no organization; leave out --org");
    }
    if (!subject.empty() && subject != kOperatorSubject) {
      return absl::InvalidArgumentError(
          "an operator token's subject is \"operator\"; leave out --subject");
    }
    claims.subject = std::string(kOperatorSubject);
    return claims;
  }

  if (subject.empty()) {
    return absl::InvalidArgumentError("give --subject");
  }
  const std::string org_name =
      organization.empty() ? "" : OrganizationName(organization);
  if (!org_name.empty()) {
    claims.organization_id = org_name.substr(org_name.find('/') + 1);
  }
  if (Has(claims.roles, Role::kService)) {
    // A service names itself; it may act across organizations.
    claims.subject = subject;
    return claims;
  }
  if (org_name.empty()) {
    return absl::InvalidArgumentError(
        "a staff token needs --org (the organization id)");
  }
  claims.subject = StaffMemberName(org_name, subject);
  const std::string prefix = org_name + "/staffMembers/";
  if (claims.subject.rfind(prefix, 0) != 0 ||
      claims.subject.size() == prefix.size() ||
      claims.subject.find('/', prefix.size()) != std::string::npos) {
    return absl::InvalidArgumentError(
        "--subject must be a staff member id or a name under " + org_name +
        "/staffMembers/, not \"" + subject + "\"");
  }
  return claims;
}

}  // namespace candor::cli
