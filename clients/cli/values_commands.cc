#include "clients/cli/values_commands.h"

#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
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
         const auto& message, valuespb::Value* value) {
        return stub.CreateValue(context, message, value);
      });
}

int RunValueGet(const GlobalOptions& global, const std::string& name) {
  valuespb::GetValueRequest request;
  request.set_name(name);
  return CallForValue(
      global, "values get", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& message, valuespb::Value* value) {
        return stub.GetValue(context, message, value);
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
         const auto& message, valuespb::Value* value) {
        return stub.UpdateValue(context, message, value);
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
         const auto& message, valuespb::Value* value) {
        return stub.RetireValue(context, message, value);
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
         const auto& message, valuespb::Value* value) {
        return stub.EndorseValue(context, message, value);
      });
}

int RunValueUnendorse(const GlobalOptions& global, const std::string& name) {
  valuespb::UnendorseValueRequest request;
  request.set_name(name);
  return CallForValue(
      global, "values unendorse", request,
      [](valuespb::ValuesService::Stub& stub, grpc::ClientContext* context,
         const auto& message, valuespb::Value* value) {
        return stub.UnendorseValue(context, message, value);
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

void AddValuesCommands(CLI::App& app, const GlobalOptions& global,
                       Actions& actions) {
  CLI::App* values = app.add_subcommand("values", "The organization's values");
  values->require_subcommand(1);

  auto create = std::make_shared<ValueCreateOptions>();
  CLI::App* values_create =
      values->add_subcommand("create", "Create a value (admin)");
  AddParent(values_create, create->parent);
  values_create->add_option("--title", create->title, "At most 120 characters")
      ->required();
  values_create
      ->add_option("--statement", create->statement,
                   "What the company commits to, at most 2000 characters")
      ->required();
  values_create->add_option("--id", create->value_id,
                            "Value id (default: the server picks one)");
  AddRequestId(values_create, create->request_id);
  actions.Set(values_create,
              [&global, create] { return RunValueCreate(global, *create); });

  auto get_name = std::make_shared<std::string>();
  CLI::App* values_get = values->add_subcommand("get", "Show a value");
  AddName(values_get, *get_name, "organizations/ORG/values/ID");
  actions.Set(values_get,
              [&global, get_name] { return RunValueGet(global, *get_name); });

  auto list = std::make_shared<ValueListOptions>();
  CLI::App* values_list = values->add_subcommand("list", "List values");
  AddParent(values_list, list->parent);
  values_list->add_option("--filter", list->filter,
                          "state = ACTIVE or state = RETIRED");
  AddPageOptions(values_list, list->page_size, list->page_token, list->all);
  actions.Set(values_list,
              [&global, list] { return RunValueList(global, *list); });

  // Only the flags given change the value.
  struct UpdateArgs {
    std::string name, title, statement, etag;
    CLI::Option *title_option = nullptr, *statement_option = nullptr,
                *etag_option = nullptr;
  };
  auto update = std::make_shared<UpdateArgs>();
  CLI::App* values_update = values->add_subcommand(
      "update", "Reword a value (admin); the earlier wording stays in history");
  AddName(values_update, update->name, "organizations/ORG/values/ID");
  update->title_option = values_update->add_option("--title", update->title);
  update->statement_option =
      values_update->add_option("--statement", update->statement);
  update->etag_option = AddEtag(values_update, update->etag, "value");
  actions.Set(values_update, [&global, update] {
    ValueUpdateFlags flags;
    flags.title = IfGiven(update->title_option, update->title);
    flags.statement = IfGiven(update->statement_option, update->statement);
    flags.etag = IfGiven(update->etag_option, update->etag);
    return RunValueUpdate(global, update->name, flags);
  });

  struct RetireArgs {
    std::string name, request_id;
  };
  auto retire = std::make_shared<RetireArgs>();
  CLI::App* values_retire = values->add_subcommand(
      "retire", "Retire a value (admin): readable, no longer endorsed");
  AddName(values_retire, retire->name, "organizations/ORG/values/ID");
  AddRequestId(values_retire, retire->request_id);
  actions.Set(values_retire, [&global, retire] {
    return RunValueRetire(global, retire->name, retire->request_id);
  });

  auto history = std::make_shared<ValuePagesOptions>();
  CLI::App* values_history = values->add_subcommand(
      "history", "Every wording of a value, newest first");
  AddName(values_history, history->name, "organizations/ORG/values/ID");
  AddPageOptions(values_history, history->page_size, history->page_token,
                 history->all);
  actions.Set(values_history,
              [&global, history] { return RunValueHistory(global, *history); });

  auto feedback = std::make_shared<ValuePagesOptions>();
  CLI::App* values_feedback = values->add_subcommand(
      "feedback", "List the feedback on a value, newest first");
  AddName(values_feedback, feedback->name, "organizations/ORG/values/ID");
  AddPageOptions(values_feedback, feedback->page_size, feedback->page_token,
                 feedback->all);
  actions.Set(values_feedback, [&global, feedback] {
    return RunValueFeedbackList(global, *feedback);
  });

  auto endorse_name = std::make_shared<std::string>();
  CLI::App* values_endorse =
      values->add_subcommand("endorse", "Endorse a value as yourself");
  AddName(values_endorse, *endorse_name, "organizations/ORG/values/ID");
  actions.Set(values_endorse, [&global, endorse_name] {
    return RunValueEndorse(global, *endorse_name);
  });

  auto unendorse_name = std::make_shared<std::string>();
  CLI::App* values_unendorse = values->add_subcommand(
      "unendorse", "Withdraw your endorsement of a value");
  AddName(values_unendorse, *unendorse_name, "organizations/ORG/values/ID");
  actions.Set(values_unendorse, [&global, unendorse_name] {
    return RunValueUnendorse(global, *unendorse_name);
  });

  auto give_feedback = std::make_shared<ValueGiveFeedbackOptions>();
  CLI::App* values_give_feedback =
      values->add_subcommand("give-feedback", "Answer a value with feedback");
  AddName(values_give_feedback, give_feedback->name,
          "organizations/ORG/values/ID");
  values_give_feedback
      ->add_option("--text", give_feedback->text, "At most 2000 characters")
      ->required();
  values_give_feedback->add_flag(
      "--anonymous", give_feedback->anonymous,
      "Keep no author anywhere, not even for admins");
  AddRequestId(values_give_feedback, give_feedback->request_id);
  actions.Set(values_give_feedback, [&global, give_feedback] {
    return RunValueGiveFeedback(global, *give_feedback);
  });
}

}  // namespace candor::cli
