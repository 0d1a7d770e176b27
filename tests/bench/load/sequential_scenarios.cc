// import_staff and verify_audit: single sequential operations, timed
// whole, over blocking stubs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "tests/bench/load/scenario_support.h"
#include "tests/bench/load/scenarios.h"
#include "tests/bench/synthetic.h"

namespace candor::load {
namespace {

namespace spb = ::candor::staff::v1;
namespace tpb = ::candor::transparency::v1;

}  // namespace

absl::Status RunImportStaff(LoadContext& context, JsonWriter& out,
                            std::string& summary) {
  const int rows = context.flags().import_rows;
  if (rows < 1 || rows > 200000) {
    return absl::InvalidArgumentError("--import_rows must be 1 to 200000");
  }
  // A new organization per run, so every row is a create, as in a first
  // import of a company's directory.
  const std::string org =
      absl::StrCat("load-import-", absl::ToUnixMillis(absl::Now()));
  const std::string domain = absl::StrCat(org, ".example");
  auto staff = spb::StaffService::NewStub(context.setup_channel());

  spb::CreateOrganizationRequest create;
  create.set_organization_id(org);
  create.mutable_organization()->set_display_name(
      absl::StrCat("Import load ", org));
  const bench::SyntheticStaff first = bench::StaffAt(context.seed(), 0, domain);
  spb::StaffMember* admin = create.mutable_first_admin();
  admin->set_employee_id(first.employee_id);
  admin->set_display_name(first.display_name);
  admin->set_email(first.email);
  admin->set_department(first.department);
  admin->set_title(first.title);
  admin->set_location(first.location);
  spb::Organization organization;
  {
    auto ctx = context.SetupContext(context.OperatorAuth());
    absl::Status status =
        FromGrpc(staff->CreateOrganization(ctx.get(), create, &organization),
                 "CreateOrganization (as operator)");
    if (!status.ok()) return status;
  }
  const std::string& founder = organization.founding_admin();
  absl::StatusOr<std::string> auth = context.MintStaffAuth(
      org, founder.substr(founder.rfind('/') + 1), /*admin=*/true);
  if (!auth.ok()) return auth.status();

  // Every message is built before the clock starts.
  constexpr int kRowsPerMessage = 1000;
  std::vector<spb::ImportStaffMembersRequest> messages;
  for (int i = 1; i <= rows; ++i) {
    if ((i - 1) % kRowsPerMessage == 0) {
      messages.emplace_back();
      if (messages.size() == 1) {
        messages.back().set_parent(absl::StrCat("organizations/", org));
      }
    }
    const bench::SyntheticStaff person =
        bench::StaffAt(context.seed(), static_cast<uint64_t>(i), domain);
    spb::ImportStaffMembersRequest::Row* row = messages.back().add_rows();
    row->set_row_number(i);
    row->set_employee_id(person.employee_id);
    row->set_display_name(person.display_name);
    row->set_email(person.email);
    row->set_department(person.department);
    row->set_title(person.title);
    row->set_location(person.location);
  }

  std::fprintf(stderr,
               "candor_load: importing %d rows into organizations/%s...\n",
               rows, org.c_str());
  spb::ImportStaffMembersResponse response;
  auto ctx = context.SetupContext(*auth, absl::Minutes(30));
  const Clock::time_point start = Clock::now();
  auto writer = staff->ImportStaffMembers(ctx.get(), &response);
  for (const auto& message : messages) {
    if (!writer->Write(message)) break;  // Finish says why
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - start).count();

  PhaseStats stats;
  if (status.ok()) {
    stats.ok_latency_us.push_back(static_cast<int64_t>(seconds * 1e6));
  } else {
    stats
        .errors[absl::StrCat("code_", static_cast<int>(status.error_code()))]++;
  }
  WritePhase(stats, seconds, out);
  out.String("organization", org);
  out.Int("import_rows", rows);
  out.Double("import_seconds", seconds);
  out.Double("rows_per_s", status.ok() ? rows / seconds : 0);
  out.Bool("applied", response.applied());
  out.Int("created_count", response.created_count());
  out.Int("row_errors", response.errors_size());
  summary =
      absl::StrCat("import_staff: ", rows, " rows in ", seconds, " s (",
                   status.ok() ? rows / seconds : 0,
                   " rows/s), applied=", response.applied() ? "true" : "false");
  if (!status.ok()) {
    summary += absl::StrCat(", failed: ", status.error_message());
  } else if (response.errors_size() > 0) {
    summary += absl::StrCat(
        ", first row error: row ", response.errors(0).row_number(), " ",
        response.errors(0).field(), ": ", response.errors(0).reason());
  }
  return absl::OkStatus();
}

absl::Status RunVerifyAudit(LoadContext& context, JsonWriter& out,
                            std::string& summary) {
  auto transparency =
      tpb::TransparencyService::NewStub(context.setup_channel());
  const int repeat = std::max(1, context.flags().repeat);
  PhaseStats stats;
  double total = 0, min = 0, max = 0;
  int64_t entries = 0;
  bool all_ok = true;
  for (int i = 0; i < repeat; ++i) {
    tpb::VerifyAuditLogRequest request;
    request.set_parent(context.org_name());
    tpb::VerifyAuditLogResponse response;
    auto ctx = context.SetupContext(context.AdminAuth(), absl::Minutes(30));
    const Clock::time_point start = Clock::now();
    grpc::Status status =
        transparency->VerifyAuditLog(ctx.get(), request, &response);
    const double seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    if (!status.ok()) {
      return FromGrpc(status, "VerifyAuditLog");
    }
    stats.ok_latency_us.push_back(static_cast<int64_t>(seconds * 1e6));
    total += seconds;
    min = i == 0 ? seconds : std::min(min, seconds);
    max = std::max(max, seconds);
    entries = response.entries_checked();
    all_ok = all_ok && response.ok();
  }
  WritePhase(stats, total, out);
  out.Int("repeat", repeat);
  out.Double("verify_seconds", total / repeat);
  out.Double("verify_seconds_min", min);
  out.Double("verify_seconds_max", max);
  out.Int("entries", entries);
  out.Double("entries_per_s", total > 0 ? entries * repeat / total : 0);
  out.Bool("audit_log_ok", all_ok);
  summary = absl::StrCat("verify_audit: ", entries, " entries, ",
                         total / repeat, " s per verification (", repeat,
                         " runs), ok=", all_ok ? "true" : "false");
  return absl::OkStatus();
}

}  // namespace candor::load
