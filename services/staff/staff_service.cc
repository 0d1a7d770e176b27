#include "services/staff/staff_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/authz.h"
#include "services/common/client_stream.h"
#include "services/common/clock.h"
#include "services/common/etag.h"
#include "services/common/event_feed.h"
#include "services/common/grpc_status.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/personal_data.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::staff {
namespace {

using ::google::protobuf::util::TimeUtil;

// Staff event kinds (the audit log's action names).
constexpr char kRolesChangeEvent[] = "roles.change";
constexpr char kDeactivateEvent[] = "staff.deactivate";
constexpr char kExportEvent[] = "staff.export";
constexpr char kEraseEvent[] = "staff.erase";

struct StaffName {
  std::string org;
  std::string id;
};

absl::StatusOr<StaffName> ParseStaffName(absl::string_view field,
                                         absl::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName(field, name, kStaffMemberPattern));
  return StaffName{std::move(parts[0]), std::move(parts[1])};
}

// "employee,reviewer": the roles of a bit set, lowest bit first.
std::string RoleNames(uint32_t bits) {
  std::vector<absl::string_view> names;
  if (bits & kEmployeeBit) names.push_back("employee");
  if (bits & kReviewerBit) names.push_back("reviewer");
  if (bits & kAdminBit) names.push_back("admin");
  return absl::StrJoin(names, ",");
}

// An event of `org`'s feed: `actor` did `kind` to `subject` at `time_us`.
StaffEventRecord StaffEvent(absl::string_view org, int64_t time_us,
                            absl::string_view actor, absl::string_view kind,
                            absl::string_view subject,
                            absl::string_view details = "") {
  StaffEventRecord event;
  event.organization_id = std::string(org);
  event.time_us = time_us;
  event.actor = std::string(actor);
  event.kind = std::string(kind);
  event.subject = std::string(subject);
  event.details = std::string(details);
  return event;
}

// The event a role change of `before` into `after` records, done by `actor`.
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

// --- proto <-> domain -------------------------------------------------------

absl::StatusOr<uint32_t> RoleBitsFromProto(
    const google::protobuf::RepeatedField<int>& roles,
    absl::string_view field) {
  uint32_t bits = kEmployeeBit;
  for (int i = 0; i < roles.size(); ++i) {
    switch (roles[i]) {
      case v1::StaffMember::EMPLOYEE:
        bits |= kEmployeeBit;
        break;
      case v1::StaffMember::REVIEWER:
        bits |= kReviewerBit;
        break;
      case v1::StaffMember::ADMIN:
        bits |= kAdminBit;
        break;
      default:
        return InvalidField(absl::StrCat(field, "[", i, "]"),
                            "one of EMPLOYEE, REVIEWER, ADMIN");
    }
  }
  return bits;
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

// Employment and personal fields of a proto; output-only fields are ignored.
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

// `private_view`: the person themself or an admin, who may see email and
// the deactivation reason.
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

void OrganizationToProto(const OrganizationRecord& o, v1::Organization* out) {
  out->Clear();
  out->set_name(OrganizationName(o.organization_id));
  out->set_display_name(o.display_name);
  out->set_founding_admin(
      StaffMemberName(o.organization_id, o.founding_admin_id));
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(o.create_time_us);
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

// Refuses a change that would leave the organization without an active
// admin. `before` and `after` are the same person's record.
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

StaffService::StaffService(const CallEnvironment* env, db::Pool* pool,
                           const PageTokenCodec* page_tokens)
    : env_(env), page_tokens_(page_tokens), repository_(pool) {}

// --- handlers ---------------------------------------------------------------

// --- logic ------------------------------------------------------------------

absl::Status StaffService::DoCreateOrganization(
    const Caller& caller, const v1::CreateOrganizationRequest& request,
    v1::Organization* response) {
  CANDOR_RETURN_IF_ERROR(
      RequireRole(caller, Role::kOperator, "create organizations"));
  CANDOR_RETURN_IF_ERROR(
      ValidateOrganizationId("organization_id", request.organization_id()));
  CANDOR_RETURN_IF_ERROR(CheckText("organization.display_name",
                                   request.organization().display_name(),
                                   kMaxDisplayNameLength, Presence::kRequired));
  if (!request.has_first_admin())
    return InvalidField("first_admin", "required");
  StaffMemberRecord admin = RecordFromProto(request.first_admin());
  CANDOR_RETURN_IF_ERROR(ValidateEmploymentFields(admin, "first_admin."));
  CANDOR_RETURN_IF_ERROR(ValidatePersonalFields(admin, "first_admin."));
  if (!request.first_admin().manager().empty()) {
    return InvalidField("first_admin.manager",
                        "must be empty for the first admin");
  }
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  const int64_t now = NowMicros();
  admin.organization_id = request.organization_id();
  admin.staff_member_id = NewResourceId();
  admin.roles = kEmployeeBit | kAdminBit;
  admin.create_time_us = admin.update_time_us = now;
  admin.version = 1;
  const OrganizationRecord organization{request.organization_id(),
                                        request.organization().display_name(),
                                        admin.staff_member_id, now};
  return RunIdempotent(repository_.pool(), MakeIdempotencyKey(caller, request),
                       response, [&](db::Transaction& tx) {
                         CANDOR_RETURN_IF_ERROR(
                             repository_.InsertOrganization(tx, organization));
                         CANDOR_RETURN_IF_ERROR(repository_.InsertStaffMember(
                             tx, admin, "first_admin."));
                         OrganizationToProto(organization, response);
                         return absl::OkStatus();
                       });
}

absl::Status StaffService::DoGetOrganization(
    const Caller& caller, const v1::GetOrganizationRequest& request,
    v1::Organization* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("name", request.name()));
  if (!caller.HasRole(Role::kOperator)) {
    CANDOR_RETURN_IF_ERROR(
        RequireStaffOrServiceOf(caller, org, request.name()));
  }
  CANDOR_ASSIGN_OR_RETURN(OrganizationRecord organization,
                          repository_.FindOrganization(org));
  OrganizationToProto(organization, response);
  return absl::OkStatus();
}

absl::Status StaffService::DoCreateStaffMember(
    const Caller& caller, const v1::CreateStaffMemberRequest& request,
    v1::StaffMember* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireRole(caller, Role::kAdmin, "create staff members"));

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
        CANDOR_RETURN_IF_ERROR(KeepAnAdmin(repository_, tx, before, after));
        after.version = before.version + 1;
        after.update_time_us = NowMicros();
        CANDOR_RETURN_IF_ERROR(repository_.UpdateStaffMember(
            tx, after, /*social_accounts_changed=*/false, ""));
        StaffEventRecord event = StaffEvent(
            name.org, after.update_time_us, caller.subject, kDeactivateEvent,
            StaffMemberName(name.org, name.id), request.reason());
        CANDOR_RETURN_IF_ERROR(repository_.AppendStaffEvent(tx, &event));
        StaffMemberToProto(after, /*private_view=*/true, response);
        return absl::OkStatus();
      });
}

absl::Status StaffService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_ASSIGN_OR_RETURN(StaffMemberRecord member,
                          repository_.FindStaffMember(person.org, person.id));
  // The export itself is recorded first, so the document shows it too.
  {
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    StaffEventRecord event = StaffEvent(person.org, NowMicros(), caller.subject,
                                        kExportEvent, request.staff_member());
    CANDOR_RETURN_IF_ERROR(repository_.AppendStaffEvent(tx, &event));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  StaffMemberToProto(member, /*private_view=*/true,
                     response->mutable_staff_member());
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<StaffEventRecord> events,
      repository_.ListStaffEventsOf(person.org, request.staff_member()));
  for (const StaffEventRecord& e : events) {
    StaffEventToProto(e, response->add_events());
  }
  return absl::OkStatus();
}

absl::Status StaffService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PersonRef person,
      PersonToErase(caller, request.staff_member(), request.request_id()));
  const std::string pseudonym = ErasedPseudonym(request.staff_member());

  return RunErasure(
      repository_.pool(), caller, request, response,
      [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        CANDOR_ASSIGN_OR_RETURN(
            StaffMemberRecord before,
            repository_.FindStaffMemberForUpdate(tx, person.org, person.id));
        // Events they made stop naming them (also those written after an
        // earlier erasure: nothing they do may name them again).
        CANDOR_ASSIGN_OR_RETURN(
            int64_t changed,
            repository_.PseudonymizeEventActor(
                tx, person.org, request.staff_member(), pseudonym));
        if (before.state == StaffState::kErased) return changed;
        // Unique columns (employee_id, email) get values derived from the
        // pseudonym, so erased people never collide with anyone.
        StaffMemberRecord after = before;
        after.employee_id = pseudonym;
        after.display_name = pseudonym;
        after.email = absl::StrCat(pseudonym, "@erased.invalid");
        after.department.clear();
        after.title.clear();
        after.location.clear();
        after.manager_id.clear();
        after.roles = 0;
        after.state = StaffState::kErased;
        after.advocacy_consent = false;
        after.social_accounts.clear();
        after.bio.clear();
        after.deactivation_reason.clear();
        CANDOR_RETURN_IF_ERROR(KeepAnAdmin(repository_, tx, before, after));
        after.version = before.version + 1;
        after.update_time_us = NowMicros();
        CANDOR_RETURN_IF_ERROR(repository_.UpdateStaffMember(
            tx, after, /*social_accounts_changed=*/true, ""));
        StaffEventRecord event = StaffEvent(
            person.org, after.update_time_us, caller.subject, kEraseEvent,
            request.staff_member(), absl::StrCat("pseudonym: ", pseudonym));
        CANDOR_RETURN_IF_ERROR(repository_.AppendStaffEvent(tx, &event));
        return changed + 1;
      });
}

absl::Status StaffService::DoListStaffEvents(
    const Caller& caller, const v1::ListStaffEventsRequest& request,
    v1::ListStaffEventsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      FeedPage page,
      StartFeedPage(caller, request.parent(), request.after_sequence(),
                    request.page_size(), "list staff events"));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<StaffEventRecord> events,
      repository_.ListStaffEvents(page.org, page.after_sequence, page.limit));
  for (const StaffEventRecord& e : events) {
    StaffEventToProto(e, response->add_events());
  }
  return absl::OkStatus();
}

}  // namespace candor::staff

// --- import -----------------------------------------------------------------

namespace candor::staff {

// The rows of one import as its stream arrives; shared by the callbacks
// of one call, which gRPC runs one at a time.
struct ImportStream {
  std::string parent;
  std::string org;
  bool validate_only = false;
  std::vector<v1::ImportStaffMembersRequest::Row> rows;
};

grpc::ServerReadReactor<v1::ImportStaffMembersRequest>*
StaffService::ImportStaffMembers(grpc::CallbackServerContext* context,
                                 v1::ImportStaffMembersResponse* response) {
  auto stream = std::make_shared<ImportStream>();
  auto accept = [stream](
                    const Caller& caller,
                    v1::ImportStaffMembersRequest& message) -> absl::Status {
    if (stream->org.empty()) {
      CANDOR_ASSIGN_OR_RETURN(
          stream->org, ParseOrganizationName("parent", message.parent()));
      stream->parent = message.parent();
      CANDOR_RETURN_IF_ERROR(
          RequireStaffOf(caller, stream->org, stream->parent));
      CANDOR_RETURN_IF_ERROR(
          RequireRole(caller, Role::kAdmin, "import staff members"));
      stream->validate_only = message.validate_only();
    } else if (!message.parent().empty() &&
               message.parent() != stream->parent) {
      return InvalidField("parent", "must be the same in every message");
    }
    if (stream->rows.size() + message.rows_size() >
        static_cast<size_t>(kMaxImportRows)) {
      return InvalidField("rows", absl::StrCat("at most ", kMaxImportRows,
                                               " rows in one import"));
    }
    for (v1::ImportStaffMembersRequest::Row& row : *message.mutable_rows()) {
      if (row.row_number() <= 0) {
        row.set_row_number(static_cast<int64_t>(stream->rows.size()) + 1);
      }
      stream->rows.push_back(std::move(row));
    }
    return absl::OkStatus();
  };
  auto run = [this, stream, response](const Caller& caller) -> absl::Status {
    if (stream->org.empty()) {
      return InvalidField("parent", "required in the first message");
    }
    if (env_->metrics != nullptr) {
      env_->metrics->RecordBatch(MethodName<v1::ImportStaffMembersRequest>(),
                                 stream->rows.size());
    }
    return DoImportStaffMembers(caller, stream->org, stream->validate_only,
                                stream->rows, response);
  };
  return GatherClientStream<v1::ImportStaffMembersRequest>(
      *env_, context, MethodName<v1::ImportStaffMembersRequest>(),
      std::move(accept), std::move(run));
}

absl::Status StaffService::DoImportStaffMembers(
    const Caller& caller, const std::string& org, bool validate_only,
    std::vector<v1::ImportStaffMembersRequest::Row>& rows,
    v1::ImportStaffMembersResponse* response) {
  // Authorized when the stream opened; the caller is the events' actor.
  response->set_rows_total(static_cast<int64_t>(rows.size()));
  std::vector<ImportRow> import_rows;
  import_rows.reserve(rows.size());
  for (const auto& row : rows) {
    ImportRow r;
    r.row_number = row.row_number();
    r.employee_id = row.employee_id();
    r.display_name = row.display_name();
    r.email = row.email();
    r.department = row.department();
    r.title = row.title();
    r.location = row.location();
    r.manager_employee_id = row.manager_employee_id();
    absl::StatusOr<uint32_t> roles = RoleBitsFromProto(row.roles(), "roles");
    if (!roles.ok()) {
      auto* error = response->add_errors();
      error->set_row_number(r.row_number);
      error->set_field("roles");
      error->set_reason("unknown role (use employee, reviewer or admin)");
      continue;
    }
    r.roles = row.roles_size() > 0 ? *roles : 0;
    import_rows.push_back(std::move(r));
  }

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(repository_.pool()));
  CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, org));
  CANDOR_ASSIGN_OR_RETURN(std::vector<StaffMemberRecord> existing,
                          repository_.ListAllForUpdate(tx, org));
  ImportPlan plan =
      PlanImport(import_rows, existing, org, NowMicros(), NewResourceId);
  for (const ImportError& e : plan.errors) {
    auto* error = response->add_errors();
    error->set_row_number(e.row_number);
    error->set_field(e.field);
    error->set_reason(e.reason);
  }
  if (response->errors_size() > 0) {
    std::sort(response->mutable_errors()->begin(),
              response->mutable_errors()->end(),
              [](const auto& a, const auto& b) {
                return a.row_number() < b.row_number();
              });
    return absl::OkStatus();  // the response says what is wrong; nothing stored
  }
  response->set_created_count(static_cast<int64_t>(plan.creates.size()));
  response->set_updated_count(static_cast<int64_t>(plan.updates.size()));
  response->set_unchanged_count(plan.unchanged);
  if (validate_only) return absl::OkStatus();

  for (const StaffMemberRecord& record : plan.creates) {
    CANDOR_RETURN_IF_ERROR(repository_.InsertStaffMember(tx, record, ""));
  }
  absl::flat_hash_map<std::string, const StaffMemberRecord*> before;
  for (const StaffMemberRecord& record : existing) {
    before.emplace(record.staff_member_id, &record);
  }
  for (const StaffMemberRecord& record : plan.updates) {
    CANDOR_RETURN_IF_ERROR(repository_.UpdateStaffMember(
        tx, record, /*social_accounts_changed=*/false, ""));
    auto was = before.find(record.staff_member_id);
    if (was != before.end() && was->second->roles != record.roles) {
      StaffEventRecord event = RolesChangeEvent(caller.subject, *was->second,
                                                record, record.update_time_us);
      CANDOR_RETURN_IF_ERROR(repository_.AppendStaffEvent(tx, &event));
    }
  }
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  response->set_applied(true);
  return absl::OkStatus();
}

}  // namespace candor::staff
