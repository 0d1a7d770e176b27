// The only place the staff service's SQL lives (schema candor_staff, see
// db/migrations/staff). Takes and returns domain types from staff_member.h.
//
// Methods that take a db::Transaction run inside the caller's transaction;
// the others borrow a connection for one statement. Thread-safe: the
// repository holds no state but the pool.
#ifndef CANDOR_SERVICES_STAFF_STAFF_REPOSITORY_H_
#define CANDOR_SERVICES_STAFF_STAFF_REPOSITORY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/staff/staff_member.h"

namespace candor::staff {

class StaffRepository {
 public:
  explicit StaffRepository(db::Pool* pool) : pool_(pool) {}

  db::Pool& pool() { return *pool_; }

  // ALREADY_EXISTS naming organization_id when the id is taken.
  absl::Status InsertOrganization(db::Transaction& tx,
                                  const OrganizationRecord& organization);
  // NOT_FOUND when there is no such organization.
  absl::StatusOr<OrganizationRecord> FindOrganization(absl::string_view org);
  // Takes a shared lock on the organization row so it cannot vanish while
  // staff are added; NOT_FOUND when it does not exist.
  absl::Status LockOrganization(db::Transaction& tx, absl::string_view org);

  // Inserts a staff member and claims their social accounts. ALREADY_EXISTS
  // naming `<prefix>employee_id`, `<prefix>email`, `<prefix>social_accounts`
  // or `staff_member_id` for the value already taken.
  absl::Status InsertStaffMember(db::Transaction& tx,
                                 const StaffMemberRecord& record,
                                 absl::string_view prefix);

  // NOT_FOUND when absent.
  absl::StatusOr<StaffMemberRecord> FindStaffMember(absl::string_view org,
                                                    absl::string_view id);
  // Reads and locks the row for a read-modify-write; NOT_FOUND when absent.
  absl::StatusOr<StaffMemberRecord> FindStaffMemberForUpdate(
      db::Transaction& tx, absl::string_view org, absl::string_view id);
  // Whether the staff member exists (without locking).
  absl::StatusOr<bool> StaffMemberExists(db::Transaction& tx,
                                         absl::string_view org,
                                         absl::string_view id);

  // Writes every field of `record` (read before with FindStaffMemberForUpdate
  // and changed by the caller) and stores `record.version` as given: the
  // caller bumps it. When `social_accounts_changed`, the account claims are
  // replaced too (ALREADY_EXISTS naming `<prefix>social_accounts` when one is
  // another person's). ALREADY_EXISTS naming the field for a taken
  // employee_id or email.
  absl::Status UpdateStaffMember(db::Transaction& tx,
                                 const StaffMemberRecord& record,
                                 bool social_accounts_changed,
                                 absl::string_view prefix);

  // Up to `limit` staff members with staff_member_id > `after_id`, in id
  // order, matching `filter` (whose manager is given as `manager_id`).
  absl::StatusOr<std::vector<StaffMemberRecord>> ListStaffMembers(
      absl::string_view org, const StaffFilter& filter,
      absl::string_view manager_id, absl::string_view after_id, int limit);

  // Active admins of the organization, locking them so that two concurrent
  // demotions cannot both pass a "someone else is still admin" check.
  absl::StatusOr<int64_t> CountActiveAdminsForUpdate(db::Transaction& tx,
                                                     absl::string_view org);

  // Numbers `event` (the organization's next staff event sequence, without
  // gaps: the per-organization head row stays locked until the transaction
  // ends) and stores it. Take staff rows before calling (lock order).
  absl::Status AppendStaffEvent(db::Transaction& tx, StaffEventRecord* event);
  // Up to `limit` events with sequence > `after`, in sequence order.
  absl::StatusOr<std::vector<StaffEventRecord>> ListStaffEvents(
      absl::string_view org, int64_t after, int limit);

  // Up to `limit` of the organization's staff events with `name` (a staff
  // resource name) as actor or subject and sequence > `after`, in sequence
  // order.
  absl::StatusOr<std::vector<StaffEventRecord>> ListStaffEventsOf(
      absl::string_view org, absl::string_view name, int64_t after, int limit);

  // Replaces `name` as the actor of the organization's staff events with
  // `pseudonym`; returns the rows changed.
  absl::StatusOr<int64_t> PseudonymizeEventActor(db::Transaction& tx,
                                                 absl::string_view org,
                                                 absl::string_view name,
                                                 absl::string_view pseudonym);

  // Replaces the details of the organization's staff events about `name`
  // (subject) with `text`, except `keep_kind` events and details that are
  // empty or already `text`; returns the rows changed. Kind, time, actor
  // and subject stay: the audit log needs them.
  absl::StatusOr<int64_t> ScrubEventDetailsOfSubject(
      db::Transaction& tx, absl::string_view org, absl::string_view name,
      absl::string_view keep_kind, absl::string_view text);

  absl::StatusOr<std::vector<StaffMemberRecord>> ListAllForUpdate(
      db::Transaction& tx, absl::string_view org);

 private:
  db::Pool* const pool_;
};

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_STAFF_REPOSITORY_H_
