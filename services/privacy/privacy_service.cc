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

constexpr absl::string_view kExportStaffDataMethod =
    "/candor.privacy.v1.PrivacyService/ExportStaffData";
constexpr absl::string_view kEraseStaffMemberMethod =
    "/candor.privacy.v1.PrivacyService/EraseStaffMember";

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
}

grpc::ServerUnaryReactor* PrivacyService::ExportStaffData(
    grpc::CallbackServerContext* context,
    const v1::ExportStaffDataRequest* request, v1::StaffDataExport* response) {
  return RunUnary(*env_, context, kExportStaffDataMethod, *request,
                  [=](const Caller& caller) {
                    return DoExportStaffData(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* PrivacyService::EraseStaffMember(
    grpc::CallbackServerContext* context,
    const v1::EraseStaffMemberRequest* request,
    v1::EraseStaffMemberResponse* response) {
  return RunUnary(*env_, context, kEraseStaffMemberMethod, *request,
                  [=](const Caller& caller) {
                    return DoEraseStaffMember(caller, *request, response);
                  });
}

absl::Status PrivacyService::DoExportStaffData(
    const Caller& caller, const v1::ExportStaffDataRequest& request,
    v1::StaffDataExport* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequireAdminOrOperatorOf(caller, person.org, person.name));
  response->set_staff_member(person.name);
  *response->mutable_export_time() =
      TimeUtil::MicrosecondsToTimestamp(NowMicros());

  // Staff first: it answers NOT_FOUND for a missing person before anyone
  // else is asked, and records the export (`staff.export`), which
  // transparency, asked later, already shows in the audit entries.
  staff::v1::ExportPersonalDataRequest staff_request;
  staff_request.set_staff_member(person.name);
  CANDOR_RETURN_IF_ERROR(CallStep(caller, staff_.get(),
                                  &staff::v1::StaffService::Stub::ExportPersonalData,
                                  staff_request, response->mutable_staff(),
                                  "staff"));
  values::v1::ExportPersonalDataRequest values_request;
  values_request.set_staff_member(person.name);
  CANDOR_RETURN_IF_ERROR(CallStep(
      caller, values_.get(), &values::v1::ValuesService::Stub::ExportPersonalData,
      values_request, response->mutable_values(), "values"));
  advocacy::v1::ExportPersonalDataRequest advocacy_request;
  advocacy_request.set_staff_member(person.name);
  CANDOR_RETURN_IF_ERROR(CallStep(
      caller, advocacy_.get(),
      &advocacy::v1::AdvocacyService::Stub::ExportPersonalData, advocacy_request,
      response->mutable_advocacy(), "advocacy"));
  engagement::v1::ExportPersonalDataRequest engagement_request;
  engagement_request.set_staff_member(person.name);
  CANDOR_RETURN_IF_ERROR(CallStep(
      caller, engagement_.get(),
      &engagement::v1::EngagementService::Stub::ExportPersonalData,
      engagement_request, response->mutable_engagement(), "engagement"));
  transparency::v1::ExportPersonalDataRequest transparency_request;
  transparency_request.set_staff_member(person.name);
  CANDOR_RETURN_IF_ERROR(CallStep(
      caller, transparency_.get(),
      &transparency::v1::TransparencyService::Stub::ExportPersonalData,
      transparency_request, response->mutable_transparency(), "transparency"));
  return absl::OkStatus();
}

absl::Status PrivacyService::DoEraseStaffMember(
    const Caller& caller, const v1::EraseStaffMemberRequest& request,
    v1::EraseStaffMemberResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequireAdminOrOperatorOf(caller, person.org, person.name));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  response->set_staff_member(person.name);
  response->set_pseudonym(ErasedPseudonym(person.name));
  auto& changed = *response->mutable_records_changed();

  // Each step gets the same request_id: a retry replays the steps that
  // finished (each service keys it by its own method) and runs the rest.
  // The order and why: privacy_service.h.
  {
    staff::v1::ErasePersonalDataRequest step;
    step.set_staff_member(person.name);
    step.set_request_id(request.request_id());
    staff::v1::ErasePersonalDataResponse answer;
    CANDOR_RETURN_IF_ERROR(CallStep(
        caller, staff_.get(), &staff::v1::StaffService::Stub::ErasePersonalData,
        step, &answer, "staff"));
    changed["staff"] = answer.records_changed();
  }
  {
    engagement::v1::ErasePersonalDataRequest step;
    step.set_staff_member(person.name);
    step.set_request_id(request.request_id());
    engagement::v1::ErasePersonalDataResponse answer;
    CANDOR_RETURN_IF_ERROR(CallStep(
        caller, engagement_.get(),
        &engagement::v1::EngagementService::Stub::ErasePersonalData, step,
        &answer, "engagement"));
    changed["engagement"] = answer.records_changed();
  }
  {
    advocacy::v1::ErasePersonalDataRequest step;
    step.set_staff_member(person.name);
    step.set_request_id(request.request_id());
    advocacy::v1::ErasePersonalDataResponse answer;
    CANDOR_RETURN_IF_ERROR(CallStep(
        caller, advocacy_.get(),
        &advocacy::v1::AdvocacyService::Stub::ErasePersonalData, step, &answer,
        "advocacy"));
    changed["advocacy"] = answer.records_changed();
  }
  {
    values::v1::ErasePersonalDataRequest step;
    step.set_staff_member(person.name);
    step.set_request_id(request.request_id());
    values::v1::ErasePersonalDataResponse answer;
    CANDOR_RETURN_IF_ERROR(CallStep(
        caller, values_.get(), &values::v1::ValuesService::Stub::ErasePersonalData,
        step, &answer, "values"));
    changed["values"] = answer.records_changed();
  }
  {
    transparency::v1::ErasePersonalDataRequest step;
    step.set_staff_member(person.name);
    step.set_request_id(request.request_id());
    transparency::v1::ErasePersonalDataResponse answer;
    CANDOR_RETURN_IF_ERROR(CallStep(
        caller, transparency_.get(),
        &transparency::v1::TransparencyService::Stub::ErasePersonalData, step,
        &answer, "transparency"));
    changed["transparency"] = answer.records_changed();
  }
  return absl::OkStatus();
}

}  // namespace candor::privacy
