#include "services/privacy/privacy_service.h"

#include <google/protobuf/util/time_util.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/internal_call.h"
#include "services/common/personal_data.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::privacy {
namespace {

using ::google::protobuf::util::TimeUtil;

// One service's part of an export or an erasure reads or rewrites all of
// one person's rows: longer than an ordinary internal call may take. All
// steps together still end with the caller's deadline (at most the server's
// --max_call_duration); an erasure cut short is finished by a retry.
constexpr absl::Duration kStepTimeout = absl::Seconds(60);

// Calls `method` of `stub` for the caller with `request`, mapping the
// answer's status; `service` names the dependency in errors.
template <typename Stub, typename Request, typename Response>
absl::Status CallStep(const Caller& caller, Stub* stub,
                      grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                   const Request&, Response*),
                      const Request& request, Response* response,
                      absl::string_view service) {
  if (stub == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("the ", service, " service is not wired; retry"));
  }
  std::unique_ptr<grpc::ClientContext> context =
      OnBehalfOf(caller, kStepTimeout);
  return FromInternalCall((stub->*method)(context.get(), request, response),
                          absl::StrCat("the ", service, " service"));
}

// One service's ExportPersonalData for `person`, into `section`.
template <typename Stub, typename Request, typename Response>
absl::Status ExportFrom(const Caller& caller, Stub* stub,
                        grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                     const Request&, Response*),
                        const std::string& person, Response* section,
                        absl::string_view service) {
  Request request;
  request.set_staff_member(person);
  return CallStep(caller, stub, method, request, section, service);
}

// One service's ErasePersonalData for `person` under `request_id`; how many
// records it changed.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<int64_t> EraseIn(
    const Caller& caller, Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const std::string& person, const std::string& request_id,
    absl::string_view service) {
  Request request;
  request.set_staff_member(person);
  request.set_request_id(request_id);
  Response answer;
  CANDOR_RETURN_IF_ERROR(
      CallStep(caller, stub, method, request, &answer, service));
  return answer.records_changed();
}

}  // namespace

PrivacyService::PrivacyService(const CallEnvironment* env) : env_(env) {}

void PrivacyService::SetDependencies(const Dependencies& dependencies) {
  staff_ = staff::v1::StaffService::NewStub(dependencies.staff);
  values_ = values::v1::ValuesService::NewStub(dependencies.values);
  transparency_ =
      transparency::v1::TransparencyService::NewStub(dependencies.transparency);
  advocacy_ = advocacy::v1::AdvocacyService::NewStub(dependencies.advocacy);
  engagement_ =
      engagement::v1::EngagementService::NewStub(dependencies.engagement);
  staff_states_ = std::make_unique<StaffStateCache>(
      dependencies.staff, dependencies.service_tokens,
      dependencies.staff_state_ttl);
}

absl::Status PrivacyService::DoExportStaffData(
    const Caller& caller, const v1::ExportStaffDataRequest& request,
    v1::StaffDataExport* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequireAdminOrOperatorOf(caller, person.org, person.name));
  // An admin deactivated or erased since their token was issued reads no
  // one's data out.
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  response->set_staff_member(person.name);
  *response->mutable_export_time() =
      TimeUtil::MicrosecondsToTimestamp(NowMicros());

  // Staff first: it answers NOT_FOUND for a missing person before anyone
  // else is asked, and records the export (`staff.export`), which
  // transparency, asked later, already shows in the audit entries.
  CANDOR_RETURN_IF_ERROR(ExportFrom(
      caller, staff_.get(), &staff::v1::StaffService::Stub::ExportPersonalData,
      person.name, response->mutable_staff(), "staff"));
  CANDOR_RETURN_IF_ERROR(
      ExportFrom(caller, values_.get(),
                 &values::v1::ValuesService::Stub::ExportPersonalData,
                 person.name, response->mutable_values(), "values"));
  CANDOR_RETURN_IF_ERROR(
      ExportFrom(caller, advocacy_.get(),
                 &advocacy::v1::AdvocacyService::Stub::ExportPersonalData,
                 person.name, response->mutable_advocacy(), "advocacy"));
  CANDOR_RETURN_IF_ERROR(
      ExportFrom(caller, engagement_.get(),
                 &engagement::v1::EngagementService::Stub::ExportPersonalData,
                 person.name, response->mutable_engagement(), "engagement"));
  CANDOR_RETURN_IF_ERROR(ExportFrom(
      caller, transparency_.get(),
      &transparency::v1::TransparencyService::Stub::ExportPersonalData,
      person.name, response->mutable_transparency(), "transparency"));
  return absl::OkStatus();
}

absl::Status PrivacyService::DoEraseStaffMember(
    const Caller& caller, const v1::EraseStaffMemberRequest& request,
    v1::EraseStaffMemberResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequireAdminOrOperatorOf(caller, person.org, person.name));
  // Before staff erases anything: an admin deactivated or erased since
  // their token was issued erases nobody (but themself).
  CANDOR_RETURN_IF_ERROR(RequireActiveCallerOrSelf(staff_states_.get(), caller,
                                                   person.org, person.id));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  response->set_staff_member(person.name);
  response->set_pseudonym(ErasedPseudonym(person.name));
  auto& changed = *response->mutable_records_changed();

  // Each step gets the same request_id: a retry replays the steps that
  // finished (each service keys it by its own method) and runs the rest.
  // The order and why: privacy_service.h.
  const std::string& id = request.request_id();
  CANDOR_ASSIGN_OR_RETURN(
      changed["staff"],
      EraseIn(caller, staff_.get(),
              &staff::v1::StaffService::Stub::ErasePersonalData, person.name,
              id, "staff"));
  CANDOR_ASSIGN_OR_RETURN(
      changed["engagement"],
      EraseIn(caller, engagement_.get(),
              &engagement::v1::EngagementService::Stub::ErasePersonalData,
              person.name, id, "engagement"));
  CANDOR_ASSIGN_OR_RETURN(
      changed["advocacy"],
      EraseIn(caller, advocacy_.get(),
              &advocacy::v1::AdvocacyService::Stub::ErasePersonalData,
              person.name, id, "advocacy"));
  CANDOR_ASSIGN_OR_RETURN(
      changed["values"],
      EraseIn(caller, values_.get(),
              &values::v1::ValuesService::Stub::ErasePersonalData, person.name,
              id, "values"));
  CANDOR_ASSIGN_OR_RETURN(
      changed["transparency"],
      EraseIn(caller, transparency_.get(),
              &transparency::v1::TransparencyService::Stub::ErasePersonalData,
              person.name, id, "transparency"));
  return absl::OkStatus();
}

}  // namespace candor::privacy
