#include "services/staff/staff_service.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/clock.h"
#include "services/common/etag.h"
#include "services/common/resource_name.h"
#include "services/common/staff_state_cache.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/staff/staff_internal.h"

namespace candor::staff {
namespace {

using ::google::protobuf::util::TimeUtil;

// "employee,reviewer": the roles of a bit set, lowest bit first.
std::string RoleNames(uint32_t bits) {
  std::vector<absl::string_view> names;
  if (bits & kEmployeeBit) names.push_back("employee");
  if (bits & kReviewerBit) names.push_back("reviewer");
  if (bits & kAdminBit) names.push_back("admin");
  return absl::StrJoin(names, ",");
}

void RoleBitsToProto(uint32_t bits, v1::StaffMember* out) {
  if (bits == 0) return;  // erased: no roles at all
  out->add_roles(v1::StaffMember::EMPLOYEE);
  if (bits & kReviewerBit) out->add_roles(v1::StaffMember::REVIEWER);
  if (bits & kAdminBit) out->add_roles(v1::StaffMember::ADMIN);
}

std::vector<SocialAccount> SocialAccountsFromProto(const v1::StaffMember& in) {
  std::vector<SocialAccount> accounts;
  for (const v1::SocialAccount& a : in.social_accounts()) {
    accounts.push_back(
        SocialAccount{static_cast<int>(a.network()), a.handle()});
  }
  return accounts;
}

}  // namespace

StaffService::StaffService(const CallEnvironment* env, db::Pool* pool,
                           const PageTokenCodec* page_tokens)
    : env_(env), page_tokens_(page_tokens), repository_(pool) {}

absl::Status StaffService::RequireActiveCaller(const Caller& caller) {
  if (caller.staff_member_id.empty()) return absl::OkStatus();
  absl::StatusOr<StaffMemberRecord> member = repository_.FindStaffMember(
      caller.organization_id, caller.staff_member_id);
  if (absl::IsNotFound(member.status())) {
    return absl::PermissionDeniedError(
        "the token's staff member does not exist in the organization");
  }
  CANDOR_RETURN_IF_ERROR(member.status());
  if (member->state == StaffState::kActive) return absl::OkStatus();
  return InactiveStaffError(static_cast<int>(member->state));
}

// --- shared helpers (staff_internal.h) --------------------------------------

StaffEventRecord StaffEvent(absl::string_view org, int64_t time_us,
                            absl::string_view actor, absl::string_view kind,
                            absl::string_view subject,
                            absl::string_view details) {
  StaffEventRecord event;
  event.organization_id = std::string(org);
  event.time_us = time_us;
  event.actor = std::string(actor);
  event.kind = std::string(kind);
  event.subject = std::string(subject);
  event.details = std::string(details);
  return event;
}

StaffEventRecord RolesChangeEvent(absl::string_view actor,
                                  const StaffMemberRecord& before,
                                  const StaffMemberRecord& after,
                                  int64_t time_us) {
  return StaffEvent(
      after.organization_id, time_us, actor, kRolesChangeEvent,
      StaffMemberName(after.organization_id, after.staff_member_id),
      absl::StrCat("roles: ", RoleNames(before.roles), " -> ",
                   RoleNames(after.roles)));
}

void StaffEventToProto(const StaffEventRecord& e, v1::StaffEvent* out) {
  out->set_sequence(e.sequence);
  *out->mutable_time() = TimeUtil::MicrosecondsToTimestamp(e.time_us);
  out->set_actor(e.actor);
  out->set_kind(e.kind);
  out->set_subject(e.subject);
  out->set_details(e.details);
}

StaffMemberRecord RecordFromProto(const v1::StaffMember& in) {
  StaffMemberRecord r;
  r.employee_id = in.employee_id();
  r.display_name = in.display_name();
  r.email = in.email();
  r.department = in.department();
  r.title = in.title();
  r.location = in.location();
  r.advocacy_consent = in.advocacy_consent();
  r.social_accounts = SocialAccountsFromProto(in);
  r.bio = in.bio();
  return r;
}

void StaffMemberToProto(const StaffMemberRecord& r, bool private_view,
                        v1::StaffMember* out) {
  out->Clear();
  out->set_name(StaffMemberName(r.organization_id, r.staff_member_id));
  out->set_employee_id(r.employee_id);
  out->set_display_name(r.display_name);
  if (private_view) {
    out->set_email(r.email);
    out->set_deactivation_reason(r.deactivation_reason);
  }
  out->set_department(r.department);
  out->set_title(r.title);
  out->set_location(r.location);
  if (!r.manager_id.empty()) {
    out->set_manager(StaffMemberName(r.organization_id, r.manager_id));
  }
  RoleBitsToProto(r.roles, out);
  out->set_state(static_cast<v1::StaffMember::State>(r.state));
  out->set_advocacy_consent(r.advocacy_consent);
  for (const SocialAccount& a : r.social_accounts) {
    v1::SocialAccount* account = out->add_social_accounts();
    account->set_network(static_cast<common::v1::Network>(a.network));
    account->set_handle(a.handle);
  }
  out->set_bio(r.bio);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  *out->mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(r.update_time_us);
  out->set_etag(EtagOf(r.version));
}

absl::Status KeepAnAdmin(StaffRepository& repository, db::Transaction& tx,
                         const StaffMemberRecord& before,
                         const StaffMemberRecord& after) {
  if (!before.IsActiveAdmin() || after.IsActiveAdmin()) return absl::OkStatus();
  CANDOR_ASSIGN_OR_RETURN(int64_t admins, repository.CountActiveAdminsForUpdate(
                                              tx, before.organization_id));
  if (admins <= 1) {
    return absl::FailedPreconditionError(
        "this is the organization's last active admin; make someone else an "
        "admin first");
  }
  return absl::OkStatus();
}

absl::Status WriteStateChange(StaffRepository& repository, db::Transaction& tx,
                              absl::string_view actor,
                              const StaffMemberRecord& before,
                              StaffMemberRecord& after,
                              absl::string_view event_kind,
                              absl::string_view details) {
  CANDOR_RETURN_IF_ERROR(KeepAnAdmin(repository, tx, before, after));
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(repository.UpdateStaffMember(
      tx, after, after.social_accounts != before.social_accounts, ""));
  StaffEventRecord event = StaffEvent(
      after.organization_id, after.update_time_us, actor, event_kind,
      StaffMemberName(after.organization_id, after.staff_member_id), details);
  return repository.AppendStaffEvent(tx, &event);
}

}  // namespace candor::staff
