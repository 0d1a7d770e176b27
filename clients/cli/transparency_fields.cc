#include "clients/cli/transparency_fields.h"

#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/cli/duration.h"
#include "clients/cli/stories_fields.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;
using ::google::protobuf::util::TimeUtil;

// Keeps every problem the text format parser reports, as FILE:LINE:COLUMN
// (the parser counts both from 0).
class PositionedErrors : public google::protobuf::io::ErrorCollector {
 public:
  explicit PositionedErrors(std::string file) : file_(std::move(file)) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    lines_.push_back(
        absl::StrCat(file_, ":", line + 1, ":", column + 1, ": ", message));
  }
  void AddWarning(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
    // Warnings (deprecated fields and the like) do not stop a publish;
    // treating them as errors would be surprising.
    (void)line;
    (void)column;
    (void)message;
  }

  const std::vector<std::string>& lines() const { return lines_; }

 private:
  const std::string file_;
  std::vector<std::string> lines_;
};

std::string StateText(const transparencypb::Ruleset& ruleset) {
  if (ruleset.state() == transparencypb::Ruleset::STATE_UNSPECIFIED) return "";
  return transparencypb::Ruleset::State_Name(ruleset.state());
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::NanosecondsToTimestamp(
      absl::ToInt64Nanoseconds(time - absl::UnixEpoch()));
}

std::string VerdictText(transparencypb::Decision::Verdict verdict) {
  if (verdict == transparencypb::Decision::VERDICT_UNSPECIFIED) return "";
  return transparencypb::Decision::Verdict_Name(verdict);
}

std::string DurationText(const google::protobuf::Duration& duration) {
  if (duration.seconds() == 0 && duration.nanos() == 0) return "";
  return absl::FormatDuration(absl::Seconds(duration.seconds()) +
                              absl::Nanoseconds(duration.nanos()));
}

}  // namespace

absl::StatusOr<transparencypb::Ruleset> ParseRulesetText(
    const std::string& text, const std::string& file) {
  PositionedErrors errors(file);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  transparencypb::Ruleset ruleset;
  if (!parser.ParseFromString(text, &ruleset)) {
    if (errors.lines().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file,
                       ": not a candor.transparency.v1.Ruleset in "
                       "protobuf text format"));
    }
    return absl::InvalidArgumentError(absl::StrJoin(errors.lines(), "\n"));
  }
  return ruleset;
}

absl::StatusOr<std::string> TokenSubject(const std::string& token) {
  const std::vector<std::string> parts = absl::StrSplit(token, '.');
  const auto invalid = [](const std::string& why) {
    return absl::InvalidArgumentError("the token " + why +
                                      "; give --author or a staff token");
  };
  if (token.empty()) {
    return absl::InvalidArgumentError(
        "no token given, so no author; give --author or a staff token");
  }
  if (parts.size() != 3) return invalid("is not a JWT");
  std::string payload;
  if (!absl::WebSafeBase64Unescape(parts[1], &payload)) {
    return invalid("is not a JWT (its payload is not base64url)");
  }
  google::protobuf::Struct claims;
  if (!google::protobuf::util::JsonStringToMessage(payload, &claims).ok()) {
    return invalid("is not a JWT (its payload is not JSON)");
  }
  const auto sub = claims.fields().find("sub");
  if (sub == claims.fields().end() || !sub->second.has_string_value() ||
      sub->second.string_value().empty()) {
    return invalid("names no subject");
  }
  return sub->second.string_value();
}

absl::StatusOr<transparencypb::GetTransparencyReportRequest> BuildReportRequest(
    const std::string& parent, const ReportRange& range, absl::Time now) {
  transparencypb::GetTransparencyReportRequest request;
  request.set_parent(parent);
  if (range.since && (range.start || range.end)) {
    return absl::InvalidArgumentError(
        "give --since, or --start and --end, not both");
  }
  if (range.since) {
    absl::StatusOr<absl::Duration> since = ParseDuration(*range.since);
    if (!since.ok()) {
      return absl::InvalidArgumentError("--since: " +
                                        std::string(since.status().message()));
    }
    *request.mutable_start_time() = ToTimestamp(now - *since);
    *request.mutable_end_time() = ToTimestamp(now);
    return request;
  }
  // Only the times given are set: an unset one is the server's default.
  const auto parse =
      [](const std::optional<std::string>& text, const char* flag,
         const std::function<google::protobuf::Timestamp*()>& time)
      -> absl::Status {
    if (!text) return absl::OkStatus();
    absl::StatusOr<google::protobuf::Timestamp> parsed = ParseRfc3339(*text);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": ", parsed.status().message()));
    }
    *time() = *parsed;
    return absl::OkStatus();
  };
  absl::Status status = parse(range.start, "--start", [&request] {
    return request.mutable_start_time();
  });
  if (!status.ok()) return status;
  status = parse(range.end, "--end",
                 [&request] { return request.mutable_end_time(); });
  if (!status.ok()) return status;
  if (range.start && range.end &&
      request.end_time().seconds() * 1000000000LL +
              request.end_time().nanos() <=
          request.start_time().seconds() * 1000000000LL +
              request.start_time().nanos()) {
    return absl::InvalidArgumentError("--end must be after --start");
  }
  return request;
}

std::string RuleKindText(const transparencypb::Rule& rule) {
  const google::protobuf::OneofDescriptor* kind =
      transparencypb::Rule::descriptor()->FindOneofByName("kind");
  const google::protobuf::FieldDescriptor* field =
      transparencypb::Rule::GetReflection()->GetOneofFieldDescriptor(rule,
                                                                     kind);
  return field == nullptr ? "" : field->name();
}

std::string SeverityText(transparencypb::Rule::Severity severity) {
  if (severity == transparencypb::Rule::SEVERITY_UNSPECIFIED) return "";
  return transparencypb::Rule::Severity_Name(severity);
}

std::string OutcomeText(transparencypb::Outcome outcome) {
  if (outcome == transparencypb::OUTCOME_UNSPECIFIED) return "";
  return transparencypb::Outcome_Name(outcome);
}

Table RuleTable() { return Table({"ID", "SEVERITY", "KIND", "TITLE"}); }

void AddRuleRow(const transparencypb::Rule& rule, Table& table) {
  table.AddRow({rule.id(), SeverityText(rule.severity()), RuleKindText(rule),
                rule.title()});
}

std::string DescribeRuleset(const transparencypb::Ruleset& ruleset) {
  std::string out = RenderFields({
      {"name", ruleset.name()},
      {"display_name", ruleset.display_name()},
      {"description", ruleset.description()},
      {"state", StateText(ruleset)},
      {"current", ruleset.current() ? "true" : "false"},
      {"publisher", ruleset.publisher()},
      {"create_time", TimeText(ruleset.create_time())},
      {"publish_time", TimeText(ruleset.publish_time())},
  });
  Table rules = RuleTable();
  for (const transparencypb::Rule& rule : ruleset.rules()) {
    AddRuleRow(rule, rules);
  }
  return out + "\n" + rules.Render();
}

Table RulesetTable() {
  return Table(
      {"NAME", "DISPLAY_NAME", "STATE", "CURRENT", "RULES", "PUBLISHED"});
}

void AddRulesetRow(const transparencypb::Ruleset& ruleset, Table& table) {
  table.AddRow({ruleset.name(), ruleset.display_name(), StateText(ruleset),
                ruleset.current() ? "yes" : "no",
                absl::StrCat(ruleset.rules_size()),
                TimeText(ruleset.publish_time())});
}

Table RuleResultTable() {
  return Table({"RESULT", "SEVERITY", "RULE", "EXPLANATION"});
}

void AddRuleResultRow(const transparencypb::RuleResult& result, Table& table) {
  table.AddRow({result.passed() ? "PASS" : "FAIL",
                SeverityText(result.severity()), result.rule_id(),
                result.explanation()});
}

std::string RenderRuleResults(
    const google::protobuf::RepeatedPtrField<transparencypb::RuleResult>&
        results) {
  Table table = RuleResultTable();
  for (const transparencypb::RuleResult& result : results) {
    AddRuleResultRow(result, table);
  }
  return table.Render();
}

std::string DescribeEvaluation(const transparencypb::Evaluation& evaluation) {
  return RenderFields({
             {"outcome", OutcomeText(evaluation.outcome())},
             {"ruleset", evaluation.ruleset()},
             {"failed_rules", FailedRuleIds(evaluation.results())},
         }) +
         "\n" + RenderRuleResults(evaluation.results());
}

std::string DescribeDecision(const transparencypb::Decision& decision) {
  return RenderFields({
             {"decision", decision.name()},
             {"post_revision", decision.post_revision() == 0
                                   ? ""
                                   : absl::StrCat(decision.post_revision())},
             {"decider", decision.decider()},
             {"verdict", VerdictText(decision.verdict())},
             {"cited_rules", absl::StrJoin(decision.cited_rule_ids(), ",")},
             {"note", decision.note()},
             {"decided", TimeText(decision.create_time())},
             {"outcome", OutcomeText(decision.outcome())},
             {"ruleset", decision.ruleset()},
             {"failed_rules", FailedRuleIds(decision.results())},
         }) +
         (decision.results().empty()
              ? ""
              : "\n" + RenderRuleResults(decision.results()));
}

std::string FailedRuleIds(
    const google::protobuf::RepeatedPtrField<transparencypb::RuleResult>&
        results) {
  std::vector<std::string> failed;
  for (const transparencypb::RuleResult& result : results) {
    if (!result.passed()) failed.push_back(result.rule_id());
  }
  return absl::StrJoin(failed, ",");
}

Table AuditEntryTable() {
  return Table({"SEQ", "TIME", "ACTOR", "ACTION", "SUBJECT"});
}

void AddAuditEntryRow(const transparencypb::AuditEntry& entry, Table& table) {
  table.AddRow({absl::StrCat(entry.sequence()), TimeText(entry.time()),
                entry.actor(), entry.action(), entry.subject()});
}

std::string DescribeVerification(
    const transparencypb::VerifyAuditLogResponse& response) {
  if (response.ok()) {
    return absl::StrCat("ok: ", response.entries_checked(),
                        " entries checked\n");
  }
  return absl::StrCat("NOT OK: entry ", response.first_bad_sequence(),
                      " is the first that does not match (",
                      response.entries_checked(), " entries checked)\n");
}

std::string DescribeReport(const transparencypb::TransparencyReport& report) {
  std::string out = RenderFields({
      {"start_time", TimeText(report.start_time())},
      {"end_time", TimeText(report.end_time())},
      {"decisions_total", absl::StrCat(report.decisions_total())},
      {"automatic_decisions", absl::StrCat(report.automatic_decisions())},
      {"human_decisions", absl::StrCat(report.human_decisions())},
      {"human_overrides", absl::StrCat(report.human_overrides())},
      {"median_time_in_review", DurationText(report.median_time_in_review())},
  });
  Table verdicts({"VERDICT", "DECISIONS"});
  for (const auto& count : report.by_verdict()) {
    verdicts.AddRow(
        {VerdictText(count.verdict()), absl::StrCat(count.count())});
  }
  Table rules({"RULE", "FAILED"});
  for (const auto& count : report.failed_by_rule()) {
    rules.AddRow({count.rule_id(), absl::StrCat(count.failed())});
  }
  return out + "\n" + verdicts.Render() + "\n" + rules.Render();
}

}  // namespace candor::cli
