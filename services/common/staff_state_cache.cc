#include "services/common/staff_state_cache.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/internal_call.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"

namespace candor {

namespace staffpb = ::candor::staff::v1;

absl::Status InactiveStaffError(int state) {
  switch (state) {
    case staffpb::StaffMember::INACTIVE:
      return absl::PermissionDeniedError(
          "the token's staff member was deactivated; their tokens no longer "
          "allow changes");
    case staffpb::StaffMember::ERASED:
      return absl::PermissionDeniedError(
          "the token's staff member was erased; their tokens no longer allow "
          "changes");
    default:
      return absl::PermissionDeniedError(
          "the token's staff member is not active; their tokens do not allow "
          "changes");
  }
}

StaffStateCache::StaffStateCache(std::shared_ptr<grpc::Channel> staff,
                                 ServiceTokenSource* tokens, absl::Duration ttl,
                                 size_t max_entries)
    : staff_(staff == nullptr
                 ? nullptr
                 : staffpb::StaffService::NewStub(std::move(staff))),
      tokens_(tokens),
      states_(ttl, max_entries) {}

absl::Status StaffStateCache::RequireActiveCaller(const Caller& caller) {
  if (caller.staff_member_id.empty()) return absl::OkStatus();
  const std::string key =
      absl::StrCat(caller.organization_id, "/", caller.staff_member_id);
  std::optional<int> state = states_.Get(key);
  if (!state.has_value()) {
    if (staff_ == nullptr) {
      return absl::UnavailableError(
          "the staff service is not connected; retry");
    }
    std::unique_ptr<grpc::ClientContext> context;
    if (tokens_ != nullptr) {
      CANDOR_ASSIGN_OR_RETURN(context, AsService(*tokens_));
    } else {
      context = OnBehalfOf(caller);
    }
    staffpb::GetStaffMemberRequest request;
    request.set_name(
        StaffMemberName(caller.organization_id, caller.staff_member_id));
    staffpb::StaffMember member;
    const grpc::Status status =
        staff_->GetStaffMember(context.get(), request, &member);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      // Staff members are never deleted (erasure keeps an ERASED row), so
      // a token for nobody was minted for someone who never existed.
      return absl::PermissionDeniedError(
          "the token's staff member does not exist in the organization");
    }
    CANDOR_RETURN_IF_ERROR(FromInternalCall(status, "the staff service"));
    state = member.state();
    states_.Put(key, *state);
  }
  if (*state == staffpb::StaffMember::ACTIVE) return absl::OkStatus();
  return InactiveStaffError(*state);
}

absl::Status RequireActiveCaller(StaffStateCache* cache, const Caller& caller) {
  if (caller.staff_member_id.empty()) return absl::OkStatus();
  if (cache == nullptr) {
    return absl::UnavailableError("the staff service is not connected; retry");
  }
  return cache->RequireActiveCaller(caller);
}

absl::Status RequireActiveCallerOrSelf(StaffStateCache* cache,
                                       const Caller& caller,
                                       absl::string_view org,
                                       absl::string_view staff_member_id) {
  if (caller.IsStaffMember(org, staff_member_id)) return absl::OkStatus();
  return RequireActiveCaller(cache, caller);
}

}  // namespace candor
