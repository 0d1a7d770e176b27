// The pieces of `candorctl values ...` that need no server: value names
// given short, the update request built from the flags given, and what is
// printed for values, their revisions and feedback.
#ifndef CANDOR_CLIENTS_CLI_VALUES_FIELDS_H_
#define CANDOR_CLIENTS_CLI_VALUES_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "candor/values/v1/values.pb.h"
#include "clients/cli/output.h"

namespace candor::cli {

// A value given by id under `organization_name` ("clarity" ->
// "organizations/acme/values/clarity"), or already by resource name
// (anything with a '/'), which stays as it is.
std::string ValueName(std::string_view organization_name,
                      std::string_view id_or_name);

// `values update` flags; std::nullopt when the flag was not given.
struct ValueUpdateFlags {
  std::optional<std::string> title;
  std::optional<std::string> statement;
  std::optional<std::string> etag;
};

// The request for the value `name` whose update_mask names exactly the
// fields given. INVALID_ARGUMENT when neither --title nor --statement is.
absl::StatusOr<candor::values::v1::UpdateValueRequest> BuildValueUpdateRequest(
    const std::string& name, const ValueUpdateFlags& flags);

// "key: value" blocks.
std::string DescribeValue(const candor::values::v1::Value& value);
std::string DescribeValueFeedback(
    const candor::values::v1::ValueFeedback& feedback);

// NAME TITLE STATE ENDORSEMENTS REVISION
Table ValueTable();
void AddValueRow(const candor::values::v1::Value& value, Table& table);

// REVISION TITLE EDITOR TIME STATEMENT (the statement last, whole).
Table ValueRevisionTable();
void AddValueRevisionRow(const candor::values::v1::ValueRevision& revision,
                         Table& table);

// TIME AUTHOR TEXT
Table ValueFeedbackTable();
void AddValueFeedbackRow(const candor::values::v1::ValueFeedback& feedback,
                         Table& table);

// The author's name, or "anonymous" for feedback without one.
std::string FeedbackAuthorText(
    const candor::values::v1::ValueFeedback& feedback);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_VALUES_FIELDS_H_
