// StaffService: ImportStaffMembers, a client stream of rows gathered whole
// (services/common/client_stream.h) and applied in one transaction; what
// each row does is PlanImport's (staff_import.h).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/client_stream.h"
#include "services/common/clock.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/staff/staff_import.h"
#include "services/staff/staff_internal.h"
#include "services/staff/staff_service.h"

namespace candor::staff {
namespace {

// The rows of one import as its stream arrives; shared by the callbacks
// of one call, which gRPC runs one at a time.
struct ImportStream {
  std::string parent;
  std::string org;
  bool validate_only = false;
  std::vector<v1::ImportStaffMembersRequest::Row> rows;
};

}  // namespace

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
    // The admin must still be ACTIVE. Asked here, on the executor, rather
    // than on gRPC's thread as messages arrive; nothing is stored before.
    CANDOR_RETURN_IF_ERROR(RequireActiveCaller(caller));
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
    absl::StatusOr<ImportRow> r = ImportRowFromProto(row);
    if (!r.ok()) {
      auto* error = response->add_errors();
      error->set_row_number(row.row_number());
      error->set_field("roles");
      error->set_reason("unknown role (use employee, reviewer or admin)");
      continue;
    }
    import_rows.push_back(*std::move(r));
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
