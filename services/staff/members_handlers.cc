// StaffService: staff members (CreateStaffMember, GetStaffMember,
// ListStaffMembers, UpdateStaffMember, DeactivateStaffMember). Many at once
// arrive through ImportStaffMembers (import_handlers.cc).
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/etag.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/staff/staff_internal.h"
#include "services/staff/staff_service.h"

namespace candor::staff {
namespace {

using StaffName = OrgResourceName;

absl::StatusOr<StaffName> ParseStaffName(absl::string_view field,
                                         absl::string_view name) {
  return ParseOrgResourceName(field, name, kStaffMemberPattern);
}

bool CanSeePrivateFields(const Caller& caller, const StaffMemberRecord& r) {
  return caller.IsStaffMember(r.organization_id, r.staff_member_id) ||
         (caller.organization_id == r.organization_id &&
          caller.HasRole(Role::kAdmin));
}

// A manager reference: a staff name in `org` other than `self_id`. Returns
// the manager's id ("" for none).
absl::StatusOr<std::string> ParseManager(absl::string_view field,
                                         absl::string_view manager,
                                         absl::string_view org,
                                         absl::string_view self_id) {
  if (manager.empty()) return std::string();
  CANDOR_ASSIGN_OR_RETURN(StaffName name, ParseStaffName(field, manager));
  if (name.org != org) {
    return InvalidField(field,
                        "must be a staff member of the same organization");
  }
  if (name.id == self_id)
    return InvalidField(field, "cannot be the person themself");
  return std::move(name.id);
}

absl::Status RequireManagerExists(StaffRepository& repository,
                                  db::Transaction& tx, absl::string_view field,
                                  absl::string_view org,
                                  absl::string_view manager_id) {
  if (manager_id.empty()) return absl::OkStatus();
  CANDOR_ASSIGN_OR_RETURN(bool exists,
                          repository.StaffMemberExists(tx, org, manager_id));
  if (!exists)
    return InvalidField(field, "names no staff member of the organization");
  return absl::OkStatus();
}

// The fields an update names: the mask, or every non-default field.
std::vector<std::string> UpdatePaths(
    const v1::UpdateStaffMemberRequest& request) {
  std::vector<std::string> paths(request.update_mask().paths().begin(),
                                 request.update_mask().paths().end());
  if (!paths.empty()) return paths;
  const v1::StaffMember& s = request.staff_member();
  const std::pair<bool, const char*> implied[] = {
      {!s.employee_id().empty(), "employee_id"},
      {!s.display_name().empty(), "display_name"},
      {!s.email().empty(), "email"},
      {!s.department().empty(), "department"},
      {!s.title().empty(), "title"},
      {!s.location().empty(), "location"},
      {!s.manager().empty(), "manager"},
      {s.roles_size() > 0, "roles"},
      {s.advocacy_consent(), "advocacy_consent"},
      {s.social_accounts_size() > 0, "social_accounts"},
      {!s.bio().empty(), "bio"},
  };
  for (const auto& [set, path] : implied) {
    if (set) paths.emplace_back(path);
  }
  return paths;
}

}  // namespace

absl::Status StaffService::DoCreateStaffMember(
    const Caller& caller, const v1::CreateStaffMemberRequest& request,
    v1::StaffMember* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireRole(caller, Role::kAdmin, "create staff members"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(caller));

  if (!request.has_staff_member())
    return InvalidField("staff_member", "required");
  const v1::StaffMember& in = request.staff_member();
  StaffMemberRecord record = RecordFromProto(in);
  CANDOR_RETURN_IF_ERROR(ValidateEmploymentFields(record, "staff_member."));
  CANDOR_RETURN_IF_ERROR(ValidatePersonalFields(record, "staff_member."));
  CANDOR_ASSIGN_OR_RETURN(record.roles,
                          RoleBitsFromProto(in.roles(), "staff_member.roles"));
  // Consent is the person's own decision; an admin cannot give it for them.
  if (in.advocacy_consent()) {
    return InvalidField("staff_member.advocacy_consent",
                        "only the person can give consent, after creation");
  }
  if (!request.staff_member_id().empty()) {
    CANDOR_RETURN_IF_ERROR(
        CheckResourceId("staff_member_id", request.staff_member_id()));
  }
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  record.organization_id = org;
  record.staff_member_id = request.staff_member_id().empty()
                               ? NewResourceId()
                               : request.staff_member_id();
  CANDOR_ASSIGN_OR_RETURN(
      record.manager_id, ParseManager("staff_member.manager", in.manager(), org,
                                      record.staff_member_id));
  record.create_time_us = record.update_time_us = NowMicros();
  record.version = 1;

  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, org));
        CANDOR_RETURN_IF_ERROR(RequireManagerExists(
            repository_, tx, "staff_member.manager", org, record.manager_id));
        CANDOR_RETURN_IF_ERROR(
            repository_.InsertStaffMember(tx, record, "staff_member."));
        StaffMemberToProto(record, /*private_view=*/true, response);
        return absl::OkStatus();
      });
}

absl::Status StaffService::DoGetStaffMember(
    const Caller& caller, const v1::GetStaffMemberRequest& request,
    v1::StaffMember* response) {
  CANDOR_ASSIGN_OR_RETURN(StaffName name,
                          ParseStaffName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name.org, request.name()));
  CANDOR_ASSIGN_OR_RETURN(StaffMemberRecord record,
                          repository_.FindStaffMember(name.org, name.id));
  StaffMemberToProto(record, CanSeePrivateFields(caller, record), response);
  return absl::OkStatus();
}

absl::Status StaffService::DoListStaffMembers(
    const Caller& caller, const v1::ListStaffMembersRequest& request,
    v1::ListStaffMembersResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(StaffFilter filter,
                          ParseStaffFilter(request.filter()));
  std::string manager_id;
  if (filter.manager.has_value()) {
    absl::StatusOr<StaffName> manager =
        ParseStaffName("filter", *filter.manager);
    if (!manager.ok() || manager->org != org) {
      return InvalidField("filter",
                          "manager must be a staff member name of "
                          "this organization");
    }
    manager_id = manager->id;
  }
  // A token is only good for the same parent and filter.
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartListPage(request, org, request.filter()));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<StaffMemberRecord> records,
      repository_.ListStaffMembers(org, filter, manager_id, page.cursor,
                                   page.limit()));
  response->set_next_page_token(page_tokens_->FinishPage(
      page, records,
      [](const StaffMemberRecord& r) { return r.staff_member_id; }));
  for (const StaffMemberRecord& record : records) {
    StaffMemberToProto(record, CanSeePrivateFields(caller, record),
                       response->add_staff_members());
  }
  return absl::OkStatus();
}

absl::Status StaffService::DoUpdateStaffMember(
    const Caller& caller, const v1::UpdateStaffMemberRequest& request,
    v1::StaffMember* response) {
  const v1::StaffMember& in = request.staff_member();
  CANDOR_ASSIGN_OR_RETURN(StaffName name,
                          ParseStaffName("staff_member.name", in.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, in.name()));
  const bool is_self = caller.IsStaffMember(name.org, name.id);
  const bool is_admin = caller.HasRole(Role::kAdmin);
  if (!is_self && !is_admin) {
    return absl::PermissionDeniedError(
        "only the person themself or an admin can update a staff member");
  }

  // Authorize every path before looking at any value.
  const std::vector<std::string> paths = UpdatePaths(request);
  if (paths.empty())
    return InvalidField("update_mask", "names no field to update");
  for (const std::string& path : paths) {
    CANDOR_ASSIGN_OR_RETURN(FieldOwner owner, UpdatableFieldOwner(path));
    if (owner == FieldOwner::kSelf && !is_self) {
      return absl::PermissionDeniedError(absl::StrCat(
          "update_mask: only the person themself can change ", path));
    }
    if (owner == FieldOwner::kAdmin && !is_admin) {
      return absl::PermissionDeniedError(
          absl::StrCat("update_mask: only admins can change ", path));
    }
  }
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(caller));

  // Validate the new value of every named field.
  StaffMemberRecord incoming = RecordFromProto(in);
  const absl::flat_hash_set<std::string> named(paths.begin(), paths.end());
  const auto has = [&](const char* path) { return named.contains(path); };
  for (const std::string& path : paths) {
    CANDOR_RETURN_IF_ERROR(ValidateStaffField(path, incoming, "staff_member."));
  }
  uint32_t roles = 0;
  if (has("roles")) {
    CANDOR_ASSIGN_OR_RETURN(
        roles, RoleBitsFromProto(in.roles(), "staff_member.roles"));
  }
  std::string manager_id;
  if (has("manager")) {
    CANDOR_ASSIGN_OR_RETURN(
        manager_id,
        ParseManager("staff_member.manager", in.manager(), name.org, name.id));
  }

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(repository_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      StaffMemberRecord before,
      repository_.FindStaffMemberForUpdate(tx, name.org, name.id));
  if (before.state == StaffState::kErased) {
    return absl::FailedPreconditionError(
        "an erased staff member cannot change");
  }
  if (is_self && !is_admin && before.state == StaffState::kInactive) {
    return absl::PermissionDeniedError(
        "a deactivated staff member cannot change their profile");
  }
  CANDOR_RETURN_IF_ERROR(CheckEtag(in.etag(), before.version, "staff member"));
  StaffMemberRecord after = before;
  if (has("employee_id")) after.employee_id = incoming.employee_id;
  if (has("display_name")) after.display_name = incoming.display_name;
  if (has("email")) after.email = incoming.email;
  if (has("department")) after.department = incoming.department;
  if (has("title")) after.title = incoming.title;
  if (has("location")) after.location = incoming.location;
  if (has("manager")) after.manager_id = manager_id;
  if (has("roles")) after.roles = roles;
  if (has("advocacy_consent"))
    after.advocacy_consent = incoming.advocacy_consent;
  if (has("social_accounts")) after.social_accounts = incoming.social_accounts;
  if (has("bio")) after.bio = incoming.bio;
  CANDOR_RETURN_IF_ERROR(KeepAnAdmin(repository_, tx, before, after));
  if (has("manager")) {
    CANDOR_RETURN_IF_ERROR(RequireManagerExists(
        repository_, tx, "staff_member.manager", name.org, after.manager_id));
  }
  after.version = before.version + 1;
  after.update_time_us = NowMicros();
  CANDOR_RETURN_IF_ERROR(repository_.UpdateStaffMember(
      tx, after, after.social_accounts != before.social_accounts,
      "staff_member."));
  if (after.roles != before.roles) {
    StaffEventRecord event =
        RolesChangeEvent(caller.subject, before, after, after.update_time_us);
    CANDOR_RETURN_IF_ERROR(repository_.AppendStaffEvent(tx, &event));
  }
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  StaffMemberToProto(after, CanSeePrivateFields(caller, after), response);
  return absl::OkStatus();
}

absl::Status StaffService::DoDeactivateStaffMember(
    const Caller& caller, const v1::DeactivateStaffMemberRequest& request,
    v1::StaffMember* response) {
  CANDOR_ASSIGN_OR_RETURN(StaffName name,
                          ParseStaffName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, request.name()));
  CANDOR_RETURN_IF_ERROR(
      RequireRole(caller, Role::kAdmin, "deactivate staff members"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(caller));
  CANDOR_RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxReasonLength,
                                   Presence::kRequired));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            StaffMemberRecord before,
            repository_.FindStaffMemberForUpdate(tx, name.org, name.id));
        if (before.state == StaffState::kErased) {
          return absl::FailedPreconditionError(
              "an erased staff member cannot be deactivated");
        }
        if (before.state == StaffState::kInactive) {
          // Already done: deactivation is idempotent.
          StaffMemberToProto(before, /*private_view=*/true, response);
          return absl::OkStatus();
        }
        StaffMemberRecord after = before;
        after.state = StaffState::kInactive;
        after.deactivation_reason = request.reason();
        CANDOR_RETURN_IF_ERROR(WriteStateChange(repository_, tx, caller.subject,
                                                before, after, kDeactivateEvent,
                                                request.reason()));
        StaffMemberToProto(after, /*private_view=*/true, response);
        return absl::OkStatus();
      });
}

}  // namespace candor::staff
