// `candorctl values ...`: the organization's shared values. Admins create,
// update and retire values and read their history and feedback; every
// staff member endorses values and gives feedback. Each command returns
// the process exit code (see commands.h).
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/values_fields.h"

namespace candor::cli {
namespace {

namespace valuespb = ::candor::values::v1;
using ValuesStub = valuespb::ValuesService::Stub;

const char kValueName[] = "organizations/ORG/values/ID";

struct ValueCreateOptions {
  std::string parent;  // organizations/ID, or just ID
  std::string title;
  std::string statement;
  std::string value_id;
  std::string request_id;
};

struct ValueGiveFeedbackOptions {
  std::string name;
  std::string text;
  bool anonymous = false;
  std::string request_id;
};

int RunValueCreate(const GlobalOptions& global,
                   const ValueCreateOptions& options) {
  valuespb::CreateValueRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.mutable_value()->set_title(options.title);
  request.mutable_value()->set_statement(options.statement);
  request.set_value_id(options.value_id);
  request.set_request_id(options.request_id);
  return CallAndPrint(global, "values create", request,
                      &ValuesStub::CreateValue, &DescribeValue);
}

int RunValueList(const GlobalOptions& global, const ListOptions& options) {
  valuespb::ListValuesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  return ListAndPrint(global, "values list", request, options.page,
                      &ValuesStub::ListValues,
                      &valuespb::ListValuesResponse::values, ValueTable(),
                      &AddValueRow, "values");
}

// `values update`'s flags as given: only those given change the value.
struct ValueUpdateOptions {
  std::string name, title, statement, etag;
  CLI::Option *title_option = nullptr, *statement_option = nullptr,
              *etag_option = nullptr;
};

int RunValueUpdate(const GlobalOptions& global,
                   const ValueUpdateOptions& options) {
  ValueUpdateFlags flags;
  flags.title = IfGiven(options.title_option, options.title);
  flags.statement = IfGiven(options.statement_option, options.statement);
  flags.etag = IfGiven(options.etag_option, options.etag);
  return CallAndPrint(global, "values update",
                      BuildValueUpdateRequest(options.name, flags),
                      &ValuesStub::UpdateValue, &DescribeValue);
}

int RunValueRetire(const GlobalOptions& global,
                   const NameAndRequestId& options) {
  valuespb::RetireValueRequest request;
  request.set_name(options.name);
  request.set_request_id(options.request_id);
  return CallAndPrint(global, "values retire", request,
                      &ValuesStub::RetireValue, &DescribeValue);
}

// `values history` (ListValueRevisions) and `values feedback`
// (ListValueFeedback): the options' parent is the value's name.
int RunValueHistory(const GlobalOptions& global, const ListOptions& options) {
  valuespb::ListValueRevisionsRequest request;
  request.set_parent(options.parent);
  return ListAndPrint(global, "values history", request, options.page,
                      &ValuesStub::ListValueRevisions,
                      &valuespb::ListValueRevisionsResponse::revisions,
                      ValueRevisionTable(), &AddValueRevisionRow, "revisions");
}

int RunValueFeedbackList(const GlobalOptions& global,
                         const ListOptions& options) {
  valuespb::ListValueFeedbackRequest request;
  request.set_parent(options.parent);
  return ListAndPrint(global, "values feedback", request, options.page,
                      &ValuesStub::ListValueFeedback,
                      &valuespb::ListValueFeedbackResponse::feedback,
                      ValueFeedbackTable(), &AddValueFeedbackRow, "feedback");
}

int RunValueGiveFeedback(const GlobalOptions& global,
                         const ValueGiveFeedbackOptions& options) {
  valuespb::CreateValueFeedbackRequest request;
  request.set_parent(options.name);
  request.mutable_feedback()->set_text(options.text);
  request.mutable_feedback()->set_anonymous(options.anonymous);
  request.set_request_id(options.request_id);
  return CallAndPrint(global, "values give-feedback", request,
                      &ValuesStub::CreateValueFeedback, &DescribeValueFeedback);
}

}  // namespace

void AddValuesCommands(CLI::App& app, const GlobalOptions& global,
                       Actions& actions) {
  CLI::App* values = app.add_subcommand("values", "The organization's values");
  values->require_subcommand(1);

  auto [create, create_options] =
      AddCommand(*values, "create", "Create a value (admin)", global, actions,
                 &RunValueCreate);
  AddParent(create, create_options.parent);
  create->add_option("--title", create_options.title, "At most 120 characters")
      ->required();
  create
      ->add_option("--statement", create_options.statement,
                   "What the company commits to, at most 2000 characters")
      ->required();
  create->add_option("--id", create_options.value_id,
                     "Value id (default: the server picks one)");
  AddRequestId(create, create_options.request_id);

  AddNameCommand(*values, "get", "Show a value", kValueName, global, actions,
                 &ValuesStub::GetValue, &DescribeValue);

  AddListCommand(*values, "list", "List values",
                 "state = ACTIVE or state = RETIRED", global, actions,
                 &RunValueList);

  auto [update, update_options] =
      AddCommand(*values, "update",
                 "Reword a value (admin); the earlier wording stays in history",
                 global, actions, &RunValueUpdate);
  AddName(update, update_options.name, kValueName);
  update_options.title_option =
      update->add_option("--title", update_options.title);
  update_options.statement_option =
      update->add_option("--statement", update_options.statement);
  update_options.etag_option = AddEtag(update, update_options.etag, "value");

  auto [retire, retire_options] = AddCommand(
      *values, "retire", "Retire a value (admin): readable, no longer endorsed",
      global, actions, &RunValueRetire);
  AddName(retire, retire_options.name, kValueName);
  AddRequestId(retire, retire_options.request_id);

  auto [history, history_options] =
      AddCommand(*values, "history", "Every wording of a value, newest first",
                 global, actions, &RunValueHistory);
  AddName(history, history_options.parent, kValueName);
  AddPageOptions(history, history_options.page);

  auto [feedback, feedback_options] = AddCommand(
      *values, "feedback", "List the feedback on a value, newest first", global,
      actions, &RunValueFeedbackList);
  AddName(feedback, feedback_options.parent, kValueName);
  AddPageOptions(feedback, feedback_options.page);

  AddNameCommand(*values, "endorse", "Endorse a value as yourself", kValueName,
                 global, actions, &ValuesStub::EndorseValue, &DescribeValue);

  AddNameCommand(*values, "unendorse", "Withdraw your endorsement of a value",
                 kValueName, global, actions, &ValuesStub::UnendorseValue,
                 &DescribeValue);

  auto [give_feedback, give_feedback_options] =
      AddCommand(*values, "give-feedback", "Answer a value with feedback",
                 global, actions, &RunValueGiveFeedback);
  AddName(give_feedback, give_feedback_options.name, kValueName);
  give_feedback
      ->add_option("--text", give_feedback_options.text,
                   "At most 2000 characters")
      ->required();
  give_feedback->add_flag("--anonymous", give_feedback_options.anonymous,
                          "Keep no author anywhere, not even for admins");
  AddRequestId(give_feedback, give_feedback_options.request_id);
}

}  // namespace candor::cli
