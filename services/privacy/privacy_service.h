// candor.privacy.v1.PrivacyService: a person's data across every Candor
// service. It holds no data of its own: each service exports and erases its
// own tables (ExportPersonalData / ErasePersonalData, authorized there as
// well), and this service calls them all on the caller's behalf and puts
// the answers together. It sits above every other service, so the one-way
// dependencies (engagement -> advocacy -> transparency -> staff) and
// "no service reads another's tables" both hold.
//
// Erasure order: staff first, then engagement, advocacy, values and
// transparency last.
//  - Staff first: it refuses what must be refused (a missing person, the
//    organization's last active admin) before anything anywhere changes,
//    and the ERASED state stops the person from appearing or being
//    approved for anything while the rest runs. It also records the
//    `staff.erase` staff event.
//  - Then the services that hold the person's words and activity, top of
//    the dependency chain down.
//  - Transparency last: it imports pending staff events into the audit log
//    (the `staff.erase` entry among them) and then replaces the person as
//    actor, so no entry naming them can arrive after its pass.
// Every step is idempotent, so a retry after a crash or an UNAVAILABLE
// dependency finishes the job, and erasing an erased person changes
// nothing and succeeds.
//
// Exports come in pages (DoExportStaffData says how they are cut).
//
// Thread-safe: handlers share only the stubs.
//
// Files: each RPC is a CANDOR_UNARY_RPC line in the class
// (services/common/call.h) and its Do<Method> body in privacy_service.cc.
#ifndef CANDOR_SERVICES_PRIVACY_PRIVACY_SERVICE_H_
#define CANDOR_SERVICES_PRIVACY_PRIVACY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/status.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/privacy/v1/privacy.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "services/common/call.h"
#include "services/common/page_token.h"
#include "services/common/service_token.h"
#include "services/common/staff_state_cache.h"

namespace candor::privacy {

namespace v1 = ::candor::privacy::v1;

class PrivacyService final : public v1::PrivacyService::CallbackService {
 public:
  static constexpr char kServiceName[] = "candor.privacy.v1.PrivacyService";

  // The channels of the services it calls.
  struct Dependencies {
    std::shared_ptr<grpc::Channel> staff;
    std::shared_ptr<grpc::Channel> values;
    std::shared_ptr<grpc::Channel> transparency;
    std::shared_ptr<grpc::Channel> advocacy;
    std::shared_ptr<grpc::Channel> engagement;
    ServiceTokenSource* service_tokens = nullptr;  // not owned; optional
    absl::Duration staff_state_ttl = kDefaultStaffStateTtl;
  };

  // `env` and `page_tokens` must outlive the service.
  PrivacyService(const CallEnvironment* env, const PageTokenCodec* page_tokens);

  // Called once, before serving.
  void SetDependencies(const Dependencies& dependencies);

  CANDOR_UNARY_RPC(ExportStaffData, v1::StaffDataExport);
  CANDOR_UNARY_RPC(EraseStaffMember, v1::EraseStaffMemberResponse);

 private:
  const CallEnvironment* const env_;
  const PageTokenCodec* const page_tokens_;
  std::unique_ptr<staff::v1::StaffService::Stub> staff_;
  std::unique_ptr<values::v1::ValuesService::Stub> values_;
  std::unique_ptr<transparency::v1::TransparencyService::Stub> transparency_;
  std::unique_ptr<advocacy::v1::AdvocacyService::Stub> advocacy_;
  std::unique_ptr<engagement::v1::EngagementService::Stub> engagement_;
  // Whether a staff caller (an admin) is still ACTIVE: EraseStaffMember
  // asks first.
  std::unique_ptr<StaffStateCache> staff_states_;
};

}  // namespace candor::privacy

#endif  // CANDOR_SERVICES_PRIVACY_PRIVACY_SERVICE_H_
