#include "services/privacy/privacy_service.h"

#include <google/protobuf/util/time_util.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/clock.h"
#include "services/common/export_page.h"
#include "services/common/internal_call.h"
#include "services/common/method_name.h"
#include "services/common/page_token.h"
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

// What one service's export page held.
struct SectionPage {
  int rows = 0;  // items of its repeated fields: what page_size counts
  size_t bytes = 0;
  std::string next_page_token;  // the service's own; "" when it is done
};

int RowsOf(const google::protobuf::Message& section) {
  const google::protobuf::Reflection& reflection = *section.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection.ListFields(section, &fields);
  int rows = 0;
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->is_repeated()) rows += reflection.FieldSize(section, field);
  }
  return rows;
}

// One page of one service's ExportPersonalData for `person`, into
// `section`, whose next_page_token moves into the answer (the export's own
// token carries it).
template <typename Stub, typename Request, typename Response>
absl::StatusOr<SectionPage> ExportFrom(
    const Caller& caller, Stub* stub,
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const std::string& person, int page_size, const std::string& page_token,
    Response* section, absl::string_view service) {
  Request request;
  request.set_staff_member(person);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  CANDOR_RETURN_IF_ERROR(
      CallStep(caller, stub, method, request, section, service));
  SectionPage page;
  page.next_page_token = std::move(*section->mutable_next_page_token());
  section->clear_next_page_token();
  page.rows = RowsOf(*section);
  page.bytes = section->ByteSizeLong();
  return page;
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

PrivacyService::PrivacyService(const CallEnvironment* env,
                               const PageTokenCodec* page_tokens)
    : env_(env), page_tokens_(page_tokens) {}

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

// A page holds pages of the services in turn (staff, values, advocacy,
// engagement, transparency), each asked for the rows the page still has
// room for, and ends when a service has more, or when the page is full.
// Its cursor is "<index of that service>\n<that service's page token>".
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
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(
          absl::StrCat(MethodName<v1::ExportStaffDataRequest>(), "\n",
                       person.name),
          request.page_size(), request.page_token(), kDefaultExportPageSize));
  response->set_staff_member(person.name);
  *response->mutable_export_time() =
      TimeUtil::MicrosecondsToTimestamp(NowMicros());

  // Staff first: on the first page it answers NOT_FOUND for a missing
  // person before anyone else is asked, and records the export
  // (`staff.export`), which transparency, asked later, already shows in the
  // audit entries.
  using Step = std::function<absl::StatusOr<SectionPage>(
      int page_size, const std::string& page_token)>;
  const Step steps[] = {
      [&](int size, const std::string& token) {
        return ExportFrom(caller, staff_.get(),
                          &staff::v1::StaffService::Stub::ExportPersonalData,
                          person.name, size, token, response->mutable_staff(),
                          "staff");
      },
      [&](int size, const std::string& token) {
        return ExportFrom(caller, values_.get(),
                          &values::v1::ValuesService::Stub::ExportPersonalData,
                          person.name, size, token, response->mutable_values(),
                          "values");
      },
      [&](int size, const std::string& token) {
        return ExportFrom(
            caller, advocacy_.get(),
            &advocacy::v1::AdvocacyService::Stub::ExportPersonalData,
            person.name, size, token, response->mutable_advocacy(), "advocacy");
      },
      [&](int size, const std::string& token) {
        return ExportFrom(
            caller, engagement_.get(),
            &engagement::v1::EngagementService::Stub::ExportPersonalData,
            person.name, size, token, response->mutable_engagement(),
            "engagement");
      },
      [&](int size, const std::string& token) {
        return ExportFrom(
            caller, transparency_.get(),
            &transparency::v1::TransparencyService::Stub::ExportPersonalData,
            person.name, size, token, response->mutable_transparency(),
            "transparency");
      },
  };
  constexpr int kSteps = sizeof(steps) / sizeof(steps[0]);

  CANDOR_ASSIGN_OR_RETURN(ExportCursor start,
                          DecodeExportCursor(page.cursor, kSteps));
  std::string step_token = std::move(start.after);
  int rows_left = page.size;
  size_t bytes = 0;
  for (int step = start.section; step < kSteps; ++step) {
    CANDOR_ASSIGN_OR_RETURN(SectionPage part,
                            steps[step](rows_left, step_token));
    rows_left -= part.rows;
    bytes += part.bytes;
    if (!part.next_page_token.empty()) {
      response->set_next_page_token(page_tokens_->Encode(
          page.query, EncodeExportCursor({step, part.next_page_token})));
      break;
    }
    step_token.clear();
    if ((rows_left <= 0 || bytes >= kExportPageBytes) && step + 1 < kSteps) {
      response->set_next_page_token(
          page_tokens_->Encode(page.query, EncodeExportCursor({step + 1, ""})));
      break;
    }
  }
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
