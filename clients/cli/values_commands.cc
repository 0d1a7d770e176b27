#include "clients/cli/values_commands.h"

#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

namespace valuespb = ::candor::values::v1;

// Calls a method that answers a Value and prints it.
template <typename Request, typename Call>
int CallForValue(const GlobalOptions& global, const std::string& command,
                 const Request& request, Call call) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  valuespb::Value value;
  const grpc::Status status = call(
      connection->values(), connection->NewContext().get(), request, &value);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, value, DescribeValue(value));
  return kExitOk;
}

}  // namespace

int RunValueCreate(const GlobalOptions& global,
                   const ValueCreateOptions& options) {
  valuespb::CreateValueRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.mutable_value()->set_title(options.title);
  request.mutable_value()->set_statement(options.statement);
  request.set_value_id(options.value_id);
  request.set_request_id(options.request_id);
  return CallForValue(
      global, "values create", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& request, valuespb::Value* value) {
        return stub.CreateValue(context, request, value);
      });
}

int RunValueGet(const GlobalOptions& global, const std::string& name) {
  valuespb::GetValueRequest request;
  request.set_name(name);
  return CallForValue(
      global, "values get", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& request, valuespb::Value* value) {
        return stub.GetValue(context, request, value);
      });
}

int RunValueList(const GlobalOptions& global, const ValueListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "values list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  valuespb::ListValuesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<valuespb::Value> values;
  valuespb::ListValuesResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context, const valuespb::ListValuesRequest& r,
          valuespb::ListValuesResponse* response) {
        return connection->values().ListValues(context, r, response);
      },
      [&](valuespb::ListValuesResponse& response) {
        for (auto& value : *response.mutable_values()) {
          values.push_back(value);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, values, ValueTable(), &AddValueRow,
            "values");
  return kExitOk;
}

int RunValueUpdate(const GlobalOptions& global, const std::string& name,
                   const ValueUpdateFlags& flags) {
  const std::string command = "values update";
  absl::StatusOr<valuespb::UpdateValueRequest> request =
      BuildValueUpdateRequest(name, flags);
  if (!request.ok()) return UsageError(command, request.status());
  return CallForValue(
      global, command, *request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& request, valuespb::Value* value) {
        return stub.UpdateValue(context, request, value);
      });
}

int RunValueRetire(const GlobalOptions& global, const std::string& name,
                   const std::string& request_id) {
  valuespb::RetireValueRequest request;
  request.set_name(name);
  request.set_request_id(request_id);
  return CallForValue(
      global, "values retire", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& request, valuespb::Value* value) {
        return stub.RetireValue(context, request, value);
      });
}

int RunValueHistory(const GlobalOptions& global,
                    const ValuePagesOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "values history", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  valuespb::ListValueRevisionsRequest request;
  request.set_parent(options.name);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<valuespb::ValueRevision> revisions;
  valuespb::ListValueRevisionsResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context,
          const valuespb::ListValueRevisionsRequest& r,
          valuespb::ListValueRevisionsResponse* response) {
        return connection->values().ListValueRevisions(context, r, response);
      },
      [&](valuespb::ListValueRevisionsResponse& response) {
        for (auto& revision : *response.mutable_revisions()) {
          revisions.push_back(revision);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, revisions, ValueRevisionTable(),
            &AddValueRevisionRow, "revisions");
  return kExitOk;
}

int RunValueFeedbackList(const GlobalOptions& global,
                         const ValuePagesOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "values feedback", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  valuespb::ListValueFeedbackRequest request;
  request.set_parent(options.name);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<valuespb::ValueFeedback> feedback;
  valuespb::ListValueFeedbackResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context,
          const valuespb::ListValueFeedbackRequest& r,
          valuespb::ListValueFeedbackResponse* response) {
        return connection->values().ListValueFeedback(context, r, response);
      },
      [&](valuespb::ListValueFeedbackResponse& response) {
        for (auto& item : *response.mutable_feedback()) {
          feedback.push_back(item);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, feedback, ValueFeedbackTable(),
            &AddValueFeedbackRow, "feedback");
  return kExitOk;
}

int RunValueEndorse(const GlobalOptions& global, const std::string& name) {
  valuespb::EndorseValueRequest request;
  request.set_name(name);
  return CallForValue(
      global, "values endorse", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& request, valuespb::Value* value) {
        return stub.EndorseValue(context, request, value);
      });
}

int RunValueUnendorse(const GlobalOptions& global, const std::string& name) {
  valuespb::UnendorseValueRequest request;
  request.set_name(name);
  return CallForValue(
      global, "values unendorse", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& request, valuespb::Value* value) {
        return stub.UnendorseValue(context, request, value);
      });
}

int RunValueGiveFeedback(const GlobalOptions& global,
                         const ValueGiveFeedbackOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "values give-feedback", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  valuespb::CreateValueFeedbackRequest request;
  request.set_parent(options.name);
  request.mutable_feedback()->set_text(options.text);
  request.mutable_feedback()->set_anonymous(options.anonymous);
  request.set_request_id(options.request_id);
  valuespb::ValueFeedback feedback;
  const grpc::Status status = connection->values().CreateValueFeedback(
      connection->NewContext().get(), request, &feedback);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, feedback, DescribeValueFeedback(feedback));
  return kExitOk;
}

}  // namespace candor::cli
