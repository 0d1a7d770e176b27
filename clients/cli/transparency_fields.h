// The pieces of `candorctl rules|audit|report ...` that need no server:
// rulesets read from protobuf text format files (errors with their line and
// column), the report's time range, the subject of a bearer token, and what
// is printed for rulesets, evaluations, audit entries and reports.
#ifndef CANDOR_CLIENTS_CLI_TRANSPARENCY_FIELDS_H_
#define CANDOR_CLIENTS_CLI_TRANSPARENCY_FIELDS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "clients/cli/output.h"

namespace candor::cli {

// Parses `text` as a candor.transparency.v1.Ruleset in protobuf text
// format. INVALID_ARGUMENT otherwise, one line per problem, each
// "FILE:LINE:COLUMN: message" (1-based, `file` as given) so that editors
// can jump to it. Unknown fields are errors (a misspelt field would
// otherwise silently drop a rule's setting).
absl::StatusOr<candor::transparency::v1::Ruleset> ParseRulesetText(
    const std::string& text, const std::string& file);

// The `sub` claim of a JWT, read without checking its signature (the
// server checks it): candorctl only needs to know who it acts as.
// INVALID_ARGUMENT when `token` is not a JWT with a string `sub`.
absl::StatusOr<std::string> TokenSubject(const std::string& token);

// The report's range: `--since` (a duration back from `now`, "30d"), or
// `--start` and/or `--end` (RFC 3339); neither leaves both times unset so
// that the server's default (the last 30 days) applies. INVALID_ARGUMENT
// for a bad value or --since with --start/--end.
struct ReportRange {
  std::optional<std::string> since;
  std::optional<std::string> start;
  std::optional<std::string> end;
};
absl::StatusOr<candor::transparency::v1::GetTransparencyReportRequest>
BuildReportRequest(const std::string& parent, const ReportRange& range,
                   absl::Time now);

// "disclosure", "sensitive_terms", ...: the name of the rule's kind (the
// proto oneof field); empty when none is set.
std::string RuleKindText(const candor::transparency::v1::Rule& rule);
// "BLOCK", "REVIEW"; empty when unset.
std::string SeverityText(candor::transparency::v1::Rule::Severity severity);
// "APPROVED", "NEEDS_REVIEW", "REJECTED"; empty when unset.
std::string OutcomeText(candor::transparency::v1::Outcome outcome);

// The ruleset's fields, then its rules as a table (ID SEVERITY KIND TITLE).
std::string DescribeRuleset(const candor::transparency::v1::Ruleset& ruleset);
Table RuleTable();
void AddRuleRow(const candor::transparency::v1::Rule& rule, Table& table);

// NAME DISPLAY_NAME STATE CURRENT RULES PUBLISHED
Table RulesetTable();
void AddRulesetRow(const candor::transparency::v1::Ruleset& ruleset,
                   Table& table);

// One line per rule result: RESULT (PASS or FAIL) SEVERITY RULE
// EXPLANATION, under a header; the explanation last, whole.
Table RuleResultTable();
void AddRuleResultRow(const candor::transparency::v1::RuleResult& result,
                      Table& table);
std::string RenderRuleResults(const google::protobuf::RepeatedPtrField<
                              candor::transparency::v1::RuleResult>& results);

// "outcome: ...", "ruleset: ...", a blank line and the rule results.
std::string DescribeEvaluation(
    const candor::transparency::v1::Evaluation& evaluation);

// The decision's fields and its rule results.
std::string DescribeDecision(
    const candor::transparency::v1::Decision& decision);

// The ids of the rules that failed, in order, joined by ','.
std::string FailedRuleIds(const google::protobuf::RepeatedPtrField<
                          candor::transparency::v1::RuleResult>& results);

// SEQ TIME ACTOR ACTION SUBJECT
Table AuditEntryTable();
void AddAuditEntryRow(const candor::transparency::v1::AuditEntry& entry,
                      Table& table);

// "ok: N entries checked" or "NOT OK: entry S is the first that does not
// match (N entries checked)".
std::string DescribeVerification(
    const candor::transparency::v1::VerifyAuditLogResponse& response);

// The totals as fields, then a table of decisions by verdict and one of
// failures by rule.
std::string DescribeReport(
    const candor::transparency::v1::TransparencyReport& report);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_TRANSPARENCY_FIELDS_H_
