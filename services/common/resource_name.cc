#include "services/common/resource_name.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor {

absl::StatusOr<std::vector<std::string>> ParseResourceName(
    absl::string_view field, absl::string_view name,
    absl::string_view pattern) {
  const auto mismatch = [&] {
    return InvalidField(field, absl::StrCat("expected a name like ", pattern));
  };
  if (name.empty()) return InvalidField(field, "required");
  if (name.size() > 512) return InvalidField(field, "too long");
  const std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  if (want.size() != got.size()) return mismatch();
  std::vector<std::string> values;
  for (size_t i = 0; i < want.size(); ++i) {
    if (absl::StartsWith(want[i], "{")) {
      const absl::string_view variable = want[i].substr(1, want[i].size() - 2);
      absl::Status valid =
          CheckResourceId(absl::StrCat(field, " (", variable, ")"), got[i]);
      if (!valid.ok()) return valid;
      values.emplace_back(got[i]);
    } else if (want[i] != got[i]) {
      return mismatch();
    }
  }
  return values;
}

absl::StatusOr<OrgResourceName> ParseOrgResourceName(
    absl::string_view field, absl::string_view name,
    absl::string_view pattern) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName(field, name, pattern));
  return OrgResourceName{std::move(parts[0]), std::move(parts[1])};
}

absl::StatusOr<std::string> ParseOrganizationName(absl::string_view field,
                                                  absl::string_view name) {
  auto parts = ParseResourceName(field, name, "organizations/{organization}");
  if (!parts.ok()) return parts.status();
  return std::move((*parts)[0]);
}

std::string OrganizationName(absl::string_view organization_id) {
  return absl::StrCat("organizations/", organization_id);
}

std::string StaffMemberName(absl::string_view organization_id,
                            absl::string_view staff_member_id) {
  return absl::StrCat("organizations/", organization_id, "/staffMembers/",
                      staff_member_id);
}

}  // namespace candor
