// Helpers that several of the staff service's files share (event kinds and
// records, proto mapping, the last-admin rule); defined in
// staff_service.cc. Internal to services/staff: nothing outside the service
// includes this header.
#ifndef CANDOR_SERVICES_STAFF_STAFF_INTERNAL_H_
#define CANDOR_SERVICES_STAFF_STAFF_INTERNAL_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/staff/v1/staff.pb.h"
#include "db/transaction.h"
#include "services/staff/staff_member.h"
#include "services/staff/staff_repository.h"

namespace candor::staff {

namespace v1 = ::candor::staff::v1;

// Staff event kinds (the audit log's action names).
inline constexpr char kRolesChangeEvent[] = "roles.change";
inline constexpr char kDeactivateEvent[] = "staff.deactivate";
inline constexpr char kExportEvent[] = "staff.export";
inline constexpr char kEraseEvent[] = "staff.erase";
// The details of every event about a person once they are erased.
inline constexpr char kErasedEventDetails[] = "erased";

// An event of `org`'s feed: `actor` did `kind` to `subject` at `time_us`.
StaffEventRecord StaffEvent(absl::string_view org, int64_t time_us,
                            absl::string_view actor, absl::string_view kind,
                            absl::string_view subject,
                            absl::string_view details = "");

// The event a role change of `before` into `after` records, done by `actor`.
StaffEventRecord RolesChangeEvent(absl::string_view actor,
                                  const StaffMemberRecord& before,
                                  const StaffMemberRecord& after,
                                  int64_t time_us);

void StaffEventToProto(const StaffEventRecord& e, v1::StaffEvent* out);

// Employment and personal fields of a proto; output-only fields are ignored.
StaffMemberRecord RecordFromProto(const v1::StaffMember& in);

// `private_view`: the person themself or an admin, who may see email and
// the deactivation reason.
void StaffMemberToProto(const StaffMemberRecord& r, bool private_view,
                        v1::StaffMember* out);

// Refuses a change that would leave the organization without an active
// admin. `before` and `after` are the same person's record.
absl::Status KeepAnAdmin(StaffRepository& repository, db::Transaction& tx,
                         const StaffMemberRecord& before,
                         const StaffMemberRecord& after);

// Writes `after`, a change of state an admin made to `before` (the same
// person, read for update in `tx`): refuses to leave the organization
// without an active admin (KeepAnAdmin), bumps the version and update time,
// and records `event_kind`, with `details`, about the person in the staff
// event feed, done by `actor`. Deactivation and erasure.
absl::Status WriteStateChange(StaffRepository& repository, db::Transaction& tx,
                              absl::string_view actor,
                              const StaffMemberRecord& before,
                              StaffMemberRecord& after,
                              absl::string_view event_kind,
                              absl::string_view details);

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_STAFF_INTERNAL_H_
