#include "clients/cli/values_fields.h"

#include "absl/strings/str_cat.h"

namespace candor::cli {
namespace {

using ::candor::values::v1::Value;
using ::candor::values::v1::ValueFeedback;
using ::candor::values::v1::ValueRevision;

std::string StateText(const Value& value) {
  if (value.state() == Value::STATE_UNSPECIFIED) return "";
  return Value::State_Name(value.state());
}

}  // namespace

std::string ValueName(std::string_view organization_name,
                      std::string_view id_or_name) {
  if (id_or_name.find('/') != std::string_view::npos) {
    return std::string(id_or_name);
  }
  return std::string(organization_name) + "/values/" + std::string(id_or_name);
}

absl::StatusOr<candor::values::v1::UpdateValueRequest> BuildValueUpdateRequest(
    const std::string& name, const ValueUpdateFlags& flags) {
  candor::values::v1::UpdateValueRequest request;
  Value* value = request.mutable_value();
  value->set_name(name);
  if (flags.title) {
    value->set_title(*flags.title);
    request.mutable_update_mask()->add_paths("title");
  }
  if (flags.statement) {
    value->set_statement(*flags.statement);
    request.mutable_update_mask()->add_paths("statement");
  }
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give --title, --statement or both");
  }
  if (flags.etag) value->set_etag(*flags.etag);
  return request;
}

std::string DescribeValue(const Value& value) {
  return RenderFields({
      {"name", value.name()},
      {"title", value.title()},
      {"statement", value.statement()},
      {"state", StateText(value)},
      {"revision_id", value.revision_id()},
      {"endorsement_count", absl::StrCat(value.endorsement_count())},
      {"endorsed_by_caller", value.endorsed_by_caller() ? "true" : "false"},
      {"create_time", TimeText(value.create_time())},
      {"update_time", TimeText(value.update_time())},
      {"etag", value.etag()},
  });
}

std::string FeedbackAuthorText(const ValueFeedback& feedback) {
  if (feedback.anonymous() || feedback.author().empty()) return "anonymous";
  return feedback.author();
}

std::string DescribeValueFeedback(const ValueFeedback& feedback) {
  return RenderFields({
      {"name", feedback.name()},
      {"text", feedback.text()},
      {"anonymous", feedback.anonymous() ? "true" : "false"},
      {"author", FeedbackAuthorText(feedback)},
      {"value_revision_id", feedback.value_revision_id()},
      {"create_time", TimeText(feedback.create_time())},
  });
}

Table ValueTable() {
  return Table({"NAME", "TITLE", "STATE", "ENDORSEMENTS", "REVISION"});
}

void AddValueRow(const Value& value, Table& table) {
  table.AddRow({value.name(), value.title(), StateText(value),
                absl::StrCat(value.endorsement_count()), value.revision_id()});
}

Table ValueRevisionTable() {
  return Table({"REVISION", "TITLE", "EDITOR", "TIME", "STATEMENT"});
}

void AddValueRevisionRow(const ValueRevision& revision, Table& table) {
  table.AddRow({revision.revision_id(), revision.title(), revision.editor(),
                TimeText(revision.create_time()), revision.statement()});
}

Table ValueFeedbackTable() { return Table({"TIME", "AUTHOR", "TEXT"}); }

void AddValueFeedbackRow(const ValueFeedback& feedback, Table& table) {
  table.AddRow({TimeText(feedback.create_time()), FeedbackAuthorText(feedback),
                feedback.text()});
}

}  // namespace candor::cli
