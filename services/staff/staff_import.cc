#include "services/staff/staff_import.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace candor::staff {
namespace {

// Splits an INVALID_ARGUMENT "field: reason" into a row error.
ImportError ErrorFromStatus(int64_t row, const absl::Status& status) {
  const absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos) {
    return ImportError{row, "", std::string(message)};
  }
  return ImportError{row, std::string(message.substr(0, colon)),
                     std::string(message.substr(colon + 2))};
}

bool SameEmployment(const StaffMemberRecord& a, const StaffMemberRecord& b) {
  return a.display_name == b.display_name && a.email == b.email &&
         a.department == b.department && a.title == b.title &&
         a.location == b.location && a.manager_id == b.manager_id &&
         a.roles == b.roles;
}

}  // namespace

absl::StatusOr<ImportRow> ImportRowFromProto(
    const v1::ImportStaffMembersRequest::Row& row) {
  ImportRow r;
  r.row_number = row.row_number();
  r.employee_id = row.employee_id();
  r.display_name = row.display_name();
  r.email = row.email();
  r.department = row.department();
  r.title = row.title();
  r.location = row.location();
  r.manager_employee_id = row.manager_employee_id();
  if (row.roles_size() > 0) {
    CANDOR_ASSIGN_OR_RETURN(r.roles, RoleBitsFromProto(row.roles(), "roles"));
  }
  return r;
}

ImportPlan PlanImport(const std::vector<ImportRow>& rows,
                      const std::vector<StaffMemberRecord>& existing,
                      absl::string_view org, int64_t now_us,
                      const std::function<std::string()>& new_id) {
  ImportPlan plan;
  absl::flat_hash_map<std::string, const StaffMemberRecord*> by_employee_id;
  for (const StaffMemberRecord& r : existing)
    by_employee_id[r.employee_id] = &r;

  // Pass 1: each row alone, and duplicates within the import.
  absl::flat_hash_map<std::string, int64_t> row_of_employee_id;
  absl::flat_hash_map<std::string, int64_t> row_of_email;
  std::vector<StaffMemberRecord> targets(rows.size());
  std::vector<bool> row_ok(rows.size(), true);
  for (size_t i = 0; i < rows.size(); ++i) {
    const ImportRow& row = rows[i];
    StaffMemberRecord& target = targets[i];
    auto found = by_employee_id.find(row.employee_id);
    if (found != by_employee_id.end()) {
      target = *found->second;
    } else {
      target.organization_id = std::string(org);
      target.roles = kEmployeeBit;
      target.create_time_us = now_us;
    }
    target.employee_id = row.employee_id;
    target.display_name = row.display_name;
    target.email = row.email;
    target.department = row.department;
    target.title = row.title;
    target.location = row.location;
    if (row.roles != 0) target.roles = row.roles | kEmployeeBit;

    absl::Status valid = ValidateEmploymentFields(target, "");
    if (!valid.ok()) {
      plan.errors.push_back(ErrorFromStatus(row.row_number, valid));
      row_ok[i] = false;
      continue;
    }
    auto [first_id, new_id_seen] =
        row_of_employee_id.emplace(row.employee_id, row.row_number);
    if (!new_id_seen) {
      plan.errors.push_back({row.row_number, "employee_id",
                             absl::StrCat("appears again (first on row ",
                                          first_id->second, ")")});
      row_ok[i] = false;
      continue;
    }
    auto [first_email, new_email_seen] =
        row_of_email.emplace(EmailKey(row.email), row.row_number);
    if (!new_email_seen) {
      plan.errors.push_back({row.row_number, "email",
                             absl::StrCat("appears again (first on row ",
                                          first_email->second, ")")});
      row_ok[i] = false;
    }
  }

  // Pass 2: against the organization as it will be after the import.
  absl::flat_hash_map<std::string, std::string>
      owner_of_email;  // -> employee_id
  for (const StaffMemberRecord& r : existing) {
    if (!row_of_employee_id.contains(r.employee_id)) {
      owner_of_email[EmailKey(r.email)] = r.employee_id;
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!row_ok[i]) continue;
    const ImportRow& row = rows[i];
    auto owner = owner_of_email.find(EmailKey(row.email));
    if (owner != owner_of_email.end() && owner->second != row.employee_id) {
      plan.errors.push_back(
          {row.row_number, "email",
           absl::StrCat("already used by the staff member with employee_id ",
                        owner->second)});
      row_ok[i] = false;
    }
  }

  // Ids for new staff, needed to resolve managers among new rows.
  for (size_t i = 0; i < rows.size(); ++i) {
    if (row_ok[i] && targets[i].staff_member_id.empty()) {
      targets[i].staff_member_id = new_id();
    }
  }
  absl::flat_hash_map<std::string, std::string> id_of_employee;
  for (const StaffMemberRecord& r : existing) {
    id_of_employee[r.employee_id] = r.staff_member_id;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (row_ok[i])
      id_of_employee[rows[i].employee_id] = targets[i].staff_member_id;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!row_ok[i]) continue;
    const ImportRow& row = rows[i];
    if (row.manager_employee_id.empty()) {
      targets[i].manager_id.clear();
      continue;
    }
    if (row.manager_employee_id == row.employee_id) {
      plan.errors.push_back({row.row_number, "manager_employee_id",
                             "a person cannot be their own manager"});
      row_ok[i] = false;
      continue;
    }
    auto manager = id_of_employee.find(row.manager_employee_id);
    if (manager == id_of_employee.end()) {
      plan.errors.push_back({row.row_number, "manager_employee_id",
                             absl::StrCat("no staff member has employee_id ",
                                          row.manager_employee_id)});
      row_ok[i] = false;
      continue;
    }
    targets[i].manager_id = manager->second;
  }
  if (!plan.errors.empty()) return plan;

  // The organization must keep an active admin.
  int64_t admins_after = 0;
  for (const StaffMemberRecord& r : existing) {
    if (!row_of_employee_id.contains(r.employee_id) && r.IsActiveAdmin()) {
      ++admins_after;
    }
  }
  for (const StaffMemberRecord& t : targets) admins_after += t.IsActiveAdmin();
  if (admins_after == 0) {
    plan.errors.push_back({0, "roles",
                           "the import would leave the organization without "
                           "an active admin"});
    return plan;
  }

  for (size_t i = 0; i < rows.size(); ++i) {
    StaffMemberRecord& target = targets[i];
    auto found = by_employee_id.find(rows[i].employee_id);
    if (found == by_employee_id.end()) {
      target.update_time_us = now_us;
      target.version = 1;
      plan.creates.push_back(std::move(target));
    } else if (SameEmployment(*found->second, target)) {
      ++plan.unchanged;
    } else {
      target.update_time_us = now_us;
      target.version = found->second->version + 1;
      plan.updates.push_back(std::move(target));
    }
  }
  return plan;
}

}  // namespace candor::staff
