// candor.staff.v1.StaffService: the gRPC edge of the staff service.
// Each handler authorizes (role, organization, ownership), validates every
// field, maps protos to domain records, and calls the repository; blocking
// work runs on the shared bounded executor (services/common/call.h).
//
// Thread-safe: handlers share only immutable state and the repository.
//
// Files: every RPC is in staff_service.cc, as its Do<Method> body and a
// CANDOR_UNARY_HANDLER line (services/common/call.h); a new RPC goes there
// too. ImportStaffMembers streams, so it has a reactor of its own there.
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

  grpc::ServerUnaryReactor* CreateOrganization(
      grpc::CallbackServerContext* context,
      const v1::CreateOrganizationRequest* request,
      v1::Organization* response) override;
  grpc::ServerUnaryReactor* GetOrganization(
      grpc::CallbackServerContext* context,
      const v1::GetOrganizationRequest* request,
      v1::Organization* response) override;
  grpc::ServerUnaryReactor* CreateStaffMember(
      grpc::CallbackServerContext* context,
      const v1::CreateStaffMemberRequest* request,
      v1::StaffMember* response) override;
  grpc::ServerUnaryReactor* GetStaffMember(
      grpc::CallbackServerContext* context,
      const v1::GetStaffMemberRequest* request,
      v1::StaffMember* response) override;
  grpc::ServerUnaryReactor* ListStaffMembers(
      grpc::CallbackServerContext* context,
      const v1::ListStaffMembersRequest* request,
      v1::ListStaffMembersResponse* response) override;
  grpc::ServerUnaryReactor* UpdateStaffMember(
      grpc::CallbackServerContext* context,
      const v1::UpdateStaffMemberRequest* request,
      v1::StaffMember* response) override;
  grpc::ServerUnaryReactor* DeactivateStaffMember(
      grpc::CallbackServerContext* context,
      const v1::DeactivateStaffMemberRequest* request,
      v1::StaffMember* response) override;
  grpc::ServerReadReactor<v1::ImportStaffMembersRequest>* ImportStaffMembers(
      grpc::CallbackServerContext* context,
      v1::ImportStaffMembersResponse* response) override;
  grpc::ServerUnaryReactor* ExportPersonalData(
      grpc::CallbackServerContext* context,
      const v1::ExportPersonalDataRequest* request,
      v1::PersonalData* response) override;
  grpc::ServerUnaryReactor* ErasePersonalData(
      grpc::CallbackServerContext* context,
      const v1::ErasePersonalDataRequest* request,
      v1::ErasePersonalDataResponse* response) override;
  grpc::ServerUnaryReactor* ListStaffEvents(
      grpc::CallbackServerContext* context,
      const v1::ListStaffEventsRequest* request,
      v1::ListStaffEventsResponse* response) override;

 private:
  absl::Status DoCreateOrganization(
      const Caller& caller, const v1::CreateOrganizationRequest& request,
      v1::Organization* response);
  absl::Status DoGetOrganization(const Caller& caller,
                                 const v1::GetOrganizationRequest& request,
                                 v1::Organization* response);
  absl::Status DoCreateStaffMember(const Caller& caller,
                                   const v1::CreateStaffMemberRequest& request,
                                   v1::StaffMember* response);
  absl::Status DoGetStaffMember(const Caller& caller,
                                const v1::GetStaffMemberRequest& request,
                                v1::StaffMember* response);
  absl::Status DoListStaffMembers(const Caller& caller,
                                  const v1::ListStaffMembersRequest& request,
                                  v1::ListStaffMembersResponse* response);
  absl::Status DoUpdateStaffMember(const Caller& caller,
                                   const v1::UpdateStaffMemberRequest& request,
                                   v1::StaffMember* response);
  absl::Status DoDeactivateStaffMember(
      const Caller& caller, const v1::DeactivateStaffMemberRequest& request,
      v1::StaffMember* response);
  absl::Status DoImportStaffMembers(
      const Caller& caller, const std::string& org, bool validate_only,
      std::vector<v1::ImportStaffMembersRequest::Row>& rows,
      v1::ImportStaffMembersResponse* response);
  absl::Status DoExportPersonalData(
      const Caller& caller, const v1::ExportPersonalDataRequest& request,
      v1::PersonalData* response);
  absl::Status DoErasePersonalData(const Caller& caller,
                                   const v1::ErasePersonalDataRequest& request,
                                   v1::ErasePersonalDataResponse* response);
  absl::Status DoListStaffEvents(const Caller& caller,
                                 const v1::ListStaffEventsRequest& request,
                                 v1::ListStaffEventsResponse* response);

  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  StaffRepository repository_;
};

}  // namespace candor::staff

#endif  // CANDOR_SERVICES_STAFF_STAFF_SERVICE_H_
