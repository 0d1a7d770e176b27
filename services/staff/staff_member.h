// Staff domain: plain types and the rules about them (validation, who may
// change which field, list filters). No gRPC and no SQL: unit-tested alone.
// Everything here is a value type or a pure function; thread-safe.
#ifndef CANDOR_SERVICES_STAFF_STAFF_MEMBER_H_
#define CANDOR_SERVICES_STAFF_STAFF_MEMBER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/staff/v1/staff.pb.h"

namespace candor::staff {

// Role bits as stored. Numbered apart from the proto enum on purpose: the
// stored set must not change meaning if the enum grows.
enum RoleBit : uint32_t {
  kEmployeeBit = 1,
  kReviewerBit = 2,
  kAdminBit = 4,
};

// The proto enum numbers (StaffMember.State), stored as they are.
// kErased is terminal (candor.privacy.v1 EraseStaffMember).
enum class StaffState : int { kActive = 1, kInactive = 2, kErased = 3 };

// Limits, also stated in the proto comments and the schema.
inline constexpr size_t kMaxEmployeeIdLength = 64;
inline constexpr size_t kMaxDisplayNameLength = 200;
inline constexpr size_t kMaxDetailLength = 100;  // department, title, location
inline constexpr size_t kMaxBioLength = 1000;
inline constexpr size_t kMaxHandleLength = 100;
inline constexpr size_t kMaxSocialAccounts = 10;
inline constexpr size_t kMaxReasonLength = 500;
inline constexpr int kMinNetwork = 1;  // candor.common.v1.Network LINKEDIN
inline constexpr int kMaxNetwork = 5;  // ... MASTODON

struct SocialAccount {
  int network = 0;  // candor.common.v1.Network number
  std::string handle;

  bool operator==(const SocialAccount& o) const {
    return network == o.network && handle == o.handle;
  }
};

struct StaffMemberRecord {
  std::string organization_id;
  std::string staff_member_id;
  std::string employee_id;
  std::string display_name;
  std::string email;
  std::string department;
  std::string title;
  std::string location;
  std::string manager_id;  // staff_member_id of the manager, or empty
  uint32_t roles = kEmployeeBit;
  StaffState state = StaffState::kActive;
  bool advocacy_consent = false;
  std::vector<SocialAccount> social_accounts;
  std::string bio;
  std::string deactivation_reason;
  int64_t create_time_us = 0;
  int64_t update_time_us = 0;
  int64_t version = 0;  // bumped by every change; the etag

  bool IsActiveAdmin() const {
    return state == StaffState::kActive && (roles & kAdminBit) != 0;
  }
};

// A role change or deactivation (db/migrations/staff/V0002__staff_events.sql),
// recorded in the change's transaction for the audit log.
struct StaffEventRecord {
  std::string organization_id;
  int64_t sequence = 0;  // set by StaffRepository::AppendStaffEvent
  int64_t time_us = 0;
  std::string actor;    // staff resource name of who made the change
  std::string kind;     // "roles.change" or "staff.deactivate"
  std::string subject;  // staff resource name of the person changed
  std::string details;
};

struct OrganizationRecord {
  std::string organization_id;
  std::string display_name;
  std::string founding_admin_id;
  int64_t create_time_us = 0;
};

// How a handle is compared: without a leading '@', ASCII-lowercased.
std::string HandleKey(absl::string_view handle);
// How an email is compared for uniqueness: ASCII-lowercased.
std::string EmailKey(absl::string_view email);

// Checks the employment fields (employee_id, display_name, email,
// department, title, location); `prefix` is prepended to field names in
// errors ("staff_member." or "").
absl::Status ValidateEmploymentFields(const StaffMemberRecord& record,
                                      absl::string_view prefix);
// Checks bio and social accounts (count, networks, handles, duplicates).
absl::Status ValidatePersonalFields(const StaffMemberRecord& record,
                                    absl::string_view prefix);
// Checks one field named by an update_mask path. Fields parsed elsewhere
// (manager, roles, advocacy_consent) pass.
absl::Status ValidateStaffField(absl::string_view path,
                                const StaffMemberRecord& record,
                                absl::string_view prefix);
absl::Status ValidateEmployeeId(absl::string_view field,
                                absl::string_view value);
absl::Status ValidateOrganizationId(absl::string_view field,
                                    absl::string_view value);

// Fields of StaffMember that UpdateStaffMember can change, and who may.
enum class FieldOwner { kSelf, kAdmin };
// The owner of an update_mask path, or INVALID_ARGUMENT naming update_mask
// when the path is unknown or not updatable (name, state, times, etag).
absl::StatusOr<FieldOwner> UpdatableFieldOwner(absl::string_view path);

// A parsed ListStaffMembers filter: each set member is one `field = value`.
struct StaffFilter {
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<std::string> title;
  std::optional<std::string> employee_id;
  std::optional<std::string> manager;  // a staff resource name as written
  std::optional<StaffState> state;
  std::optional<uint32_t> role;  // one RoleBit
  std::optional<bool> advocacy_consent;
};

// Parses `department = "Sales" AND state = ACTIVE`: terms `field = value`
// joined by AND; values quoted ("..." with \" and \\ escapes) or bare words.
// INVALID_ARGUMENT "filter: ..." naming the problem.
absl::StatusOr<StaffFilter> ParseStaffFilter(absl::string_view filter);

// The role bits of the API's roles (candor.staff.v1.StaffMember.Role): EMPLOYEE
// always, plus each one named. INVALID_ARGUMENT naming `<field>[i]` for a
// role that does not exist.
absl::StatusOr<uint32_t> RoleBitsFromProto(
    const google::protobuf::RepeatedField<int>& roles, absl::string_view field);

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_STAFF_MEMBER_H_
