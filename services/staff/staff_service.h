// candor.staff.v1.StaffService: the gRPC edge of the staff service.
// Each handler authorizes (role, organization, ownership), validates every
// field, maps protos to domain records, and calls the repository; blocking
// work runs on the shared bounded executor (services/common/call.h).
//
// Every write a staff member makes (CreateStaffMember, UpdateStaffMember,
// DeactivateStaffMember, ImportStaffMembers) first checks that they are
// still ACTIVE (RequireActiveCaller): a token outlives a deactivation.
//
// Thread-safe: handlers share only immutable state and the repository.
//
// Files: one per family of RPCs, <family>_handlers.cc. A new RPC goes in
// the class as a CANDOR_UNARY_RPC line (services/common/call.h), and its
// Do<Method> body in the file of its family:
//   organizations_handlers.cc  CreateOrganization, GetOrganization
//   members_handlers.cc        CreateStaffMember, GetStaffMember,
//                              ListStaffMembers, UpdateStaffMember,
//                              DeactivateStaffMember
//   import_handlers.cc         ImportStaffMembers, which streams, so it has
//                              a reactor of its own (and DoImportStaffMembers)
//   personal_data_handlers.cc  ExportPersonalData, ErasePersonalData
//   events_handlers.cc         ListStaffEvents, on its own: it is the
//                              transparency service's feed, not a person's
//                              data; the other families append its events
// staff_service.cc holds the constructor and the helpers the family files
// share (staff_internal.h).
#ifndef CANDOR_SERVICES_STAFF_STAFF_SERVICE_H_
#define CANDOR_SERVICES_STAFF_STAFF_SERVICE_H_

#include "absl/status/status.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/staff/staff_import.h"
#include "services/staff/staff_repository.h"

namespace candor::staff {

namespace v1 = ::candor::staff::v1;

class StaffService final : public v1::StaffService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.staff.v1.StaffService";
  // Rows one import may carry.
  static constexpr int kMaxImportRows = 200'000;

  // `env`, `pool` and `page_tokens` must outlive the service.
  StaffService(const CallEnvironment* env, db::Pool* pool,
               const PageTokenCodec* page_tokens);

  CANDOR_UNARY_RPC(CreateOrganization, v1::Organization);
  CANDOR_UNARY_RPC(GetOrganization, v1::Organization);
  CANDOR_UNARY_RPC(CreateStaffMember, v1::StaffMember);
  CANDOR_UNARY_RPC(GetStaffMember, v1::StaffMember);
  CANDOR_UNARY_RPC(ListStaffMembers, v1::ListStaffMembersResponse);
  CANDOR_UNARY_RPC(UpdateStaffMember, v1::StaffMember);
  CANDOR_UNARY_RPC(DeactivateStaffMember, v1::StaffMember);
  grpc::ServerReadReactor<v1::ImportStaffMembersRequest>* ImportStaffMembers(
      grpc::CallbackServerContext* context,
      v1::ImportStaffMembersResponse* response) override;
  CANDOR_UNARY_RPC(ExportPersonalData, v1::PersonalData);
  CANDOR_UNARY_RPC(ErasePersonalData, v1::ErasePersonalDataResponse);
  CANDOR_UNARY_RPC(ListStaffEvents, v1::ListStaffEventsResponse);

 private:
  // OK when `caller` names no staff member (operators, services) or one
  // who is ACTIVE in the table now; PERMISSION_DENIED (InactiveStaffError)
  // for a deactivated or erased person, whose token may not have expired
  // yet. Every write a staff member makes asks first, right after its
  // authorization. Read from the database, not cached: this service owns
  // the fact (the other services cache it, staff_state_cache.h).
  absl::Status RequireActiveCaller(const Caller& caller);

  absl::Status DoImportStaffMembers(
      const Caller& caller, const std::string& org, bool validate_only,
      std::vector<v1::ImportStaffMembersRequest::Row>& rows,
      v1::ImportStaffMembersResponse* response);

  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  StaffRepository repository_;
};

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_STAFF_SERVICE_H_
