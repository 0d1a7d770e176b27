// Planning a staff import (upsert by employee_id): validates every row,
// resolves managers by employee_id, and decides what each row creates or
// changes, reporting every bad row. Pure: the caller loads the current staff
// and applies the plan in one transaction. Thread-safe.
#ifndef CANDOR_SERVICES_STAFF_STAFF_IMPORT_H_
#define CANDOR_SERVICES_STAFF_STAFF_IMPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/staff/v1/staff.pb.h"
#include "services/staff/staff_member.h"

namespace candor::staff {

struct ImportRow {
  int64_t row_number = 0;
  std::string employee_id;
  std::string display_name;
  std::string email;
  std::string department;
  std::string title;
  std::string location;
  std::string manager_employee_id;
  // Role bits; 0 when the row names none: EMPLOYEE for new staff, roles kept
  // for existing staff.
  uint32_t roles = 0;
};

// A streamed row (candor.staff.v1.ImportStaffMembersRequest.Row) as
// PlanImport takes it. INVALID_ARGUMENT naming `roles[i]` when the row names
// a role that does not exist.
absl::StatusOr<ImportRow> ImportRowFromProto(
    const v1::ImportStaffMembersRequest::Row& row);

struct ImportError {
  int64_t row_number = 0;  // 0: about the import as a whole
  std::string field;
  std::string reason;
};

struct ImportPlan {
  std::vector<StaffMemberRecord> creates;
  std::vector<StaffMemberRecord> updates;  // with version bumped
  int64_t unchanged = 0;
  std::vector<ImportError> errors;  // when non-empty, apply nothing
};

// `existing`: every staff member of `org` now. `new_id` makes ids for new
// staff; `now_us` stamps created and changed records.
ImportPlan PlanImport(const std::vector<ImportRow>& rows,
                      const std::vector<StaffMemberRecord>& existing,
                      absl::string_view org, int64_t now_us,
                      const std::function<std::string()>& new_id);

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_STAFF_IMPORT_H_
