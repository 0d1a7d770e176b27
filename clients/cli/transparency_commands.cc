// `candorctl rules|audit|report ...`: the organization's published
// transparency rules, dry runs of a post against them, the audit log and
// the transparency report. Admins publish rulesets; every staff member reads
// them, checks a text, reads and verifies the audit log and the report.
// Each command returns the process exit code (see commands.h).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/posts_fields.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/transparency_fields.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;
using TransparencyStub = transparencypb::TransparencyService::Stub;

// Reads FILE as a Ruleset in protobuf text format (exit 2, with
// FILE:LINE:COLUMN, when it is not one), creates it as a DRAFT and
// publishes it; prints the published ruleset.
struct RulesPublishOptions {
  std::string parent;  // organizations/ID, or just ID
  std::string file;    // "-" reads standard input
  std::string request_id;
};

// A dry run (EvaluatePost): prints the outcome and every rule's result.
// Exits 0 whatever the outcome: only a failed call or bad flags are errors.
struct RulesCheckOptions {
  std::string parent;
  std::string network;
  std::string text;
  std::string link_url;
  // A staff id or resource name; empty: the token's subject.
  std::string author;
};

int RunRulesPublish(const GlobalOptions& global,
                    const RulesPublishOptions& options) {
  const std::string command = "rules publish";
  absl::StatusOr<std::string> text = ReadWholeFile(options.file);
  if (!text.ok()) return UsageError(command, text.status());
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText(*text, options.file == "-" ? "<stdin>" : options.file);
  if (!ruleset.ok()) {
    std::cerr << "candorctl: " << command << ": the file is not a ruleset:\n"
              << ruleset.status().message() << "\n";
    return kExitUsage;
  }

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::CreateRulesetRequest create;
  create.set_parent(OrganizationName(options.parent));
  *create.mutable_ruleset() = *std::move(ruleset);
  create.set_request_id(options.request_id);
  transparencypb::Ruleset draft;
  grpc::Status status = connection->transparency().CreateRuleset(
      connection->NewContext().get(), create, &draft);
  if (!status.ok()) return connection->CallFailed(status);

  transparencypb::PublishRulesetRequest publish;
  publish.set_name(draft.name());
  if (!options.request_id.empty()) {
    publish.set_request_id(options.request_id + "-publish");
  }
  transparencypb::Ruleset published;
  status = connection->transparency().PublishRuleset(
      connection->NewContext().get(), publish, &published);
  if (!status.ok()) {
    std::cerr << "candorctl: " << command << ": created " << draft.name()
              << " as a DRAFT but could not publish it\n";
    return connection->CallFailed(status);
  }
  Print(global, published, DescribeRuleset(published));
  return kExitOk;
}

// The ruleset that judges posts now.
int RunRulesShow(const GlobalOptions& global, const std::string& parent) {
  transparencypb::GetPublishedRulesetRequest request;
  request.set_parent(OrganizationName(parent));
  return CallAndPrint(global, "rules show", request,
                      &TransparencyStub::GetPublishedRuleset, &DescribeRuleset);
}

int RunRulesList(const GlobalOptions& global, const ListOptions& options) {
  transparencypb::ListRulesetsRequest request;
  request.set_parent(OrganizationName(options.parent));
  return ListAndPrint(global, "rules list", request, options.page,
                      &TransparencyStub::ListRulesets,
                      &transparencypb::ListRulesetsResponse::rulesets,
                      RulesetTable(), &AddRulesetRow, "rulesets");
}

int RunRulesCheck(const GlobalOptions& global,
                  const RulesCheckOptions& options) {
  const std::string command = "rules check";
  const std::string parent = OrganizationName(options.parent);
  transparencypb::EvaluatePostRequest request;
  request.set_parent(parent);
  transparencypb::PostContent* post = request.mutable_post();
  if (options.author.empty()) {
    absl::StatusOr<std::string> subject = TokenSubject(global.token);
    if (!subject.ok()) return UsageError(command, subject.status());
    post->set_author(*subject);
  } else {
    post->set_author(StaffMemberName(parent, options.author));
  }
  absl::StatusOr<candor::common::v1::Network> network =
      ParseNetwork(options.network);
  if (!network.ok()) {
    return UsageError(command, absl::InvalidArgumentError(absl::StrCat(
                                   "--network: ", network.status().message())));
  }
  post->set_network(*network);
  post->set_text(options.text);
  post->set_link_url(options.link_url);
  // A dry run: a REJECTED outcome is an answer, not a failure.
  return CallAndPrint(global, command, request, &TransparencyStub::EvaluatePost,
                      &DescribeEvaluation);
}

int RunAuditList(const GlobalOptions& global, const ListOptions& options) {
  transparencypb::ListAuditEntriesRequest request;
  request.set_parent(OrganizationName(options.parent));
  return ListAndPrint(global, "audit list", request, options.page,
                      &TransparencyStub::ListAuditEntries,
                      &transparencypb::ListAuditEntriesResponse::audit_entries,
                      AuditEntryTable(), &AddAuditEntryRow, "audit entries");
}

// Prints whether the chain holds; exits 1 when it does not.
int RunAuditVerify(const GlobalOptions& global, const std::string& parent) {
  std::unique_ptr<Connection> connection =
      Open(global, "audit verify", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::VerifyAuditLogRequest request;
  request.set_parent(OrganizationName(parent));
  transparencypb::VerifyAuditLogResponse response;
  const grpc::Status status = connection->transparency().VerifyAuditLog(
      connection->NewContext().get(), request, &response);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, response, DescribeVerification(response));
  return response.ok() ? kExitOk : kExitFailed;
}

// The range as given: --since excludes --start and --end.
struct ReportOptions {
  std::string parent, since, start, end;
  CLI::Option *since_option = nullptr, *start_option = nullptr,
              *end_option = nullptr;
};

int RunReport(const GlobalOptions& global, const ReportOptions& options) {
  ReportRange range;
  range.since = IfGiven(options.since_option, options.since);
  range.start = IfGiven(options.start_option, options.start);
  range.end = IfGiven(options.end_option, options.end);
  return CallAndPrint(
      global, "report",
      BuildReportRequest(OrganizationName(options.parent), range, absl::Now()),
      &TransparencyStub::GetTransparencyReport, &DescribeReport);
}

void AddRulesGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* rules =
      app.add_subcommand("rules", "The organization's transparency rules");
  rules->require_subcommand(1);

  auto [publish, publish_options] = AddCommand(
      *rules, "publish",
      "Publish a ruleset written in protobuf text format (admin); it judges "
      "every post from now on",
      global, actions, &RunRulesPublish);
  AddParent(publish, publish_options.parent);
  publish
      ->add_option("file", publish_options.file,
                   "A candor.transparency.v1.Ruleset in text format (see "
                   "deploy/rulesets/default.textpb); - for stdin")
      ->required();
  AddRequestId(publish, publish_options.request_id);

  auto [show, show_parent] =
      AddCommand(*rules, "show", "Show the ruleset that judges posts now",
                 global, actions, &RunRulesShow);
  AddParent(show, show_parent);

  AddListCommand(*rules, "list", "List rulesets, newest first",
                 /*filter_help=*/"", global, actions, &RunRulesList);

  auto [check, check_options] = AddCommand(
      *rules, "check",
      "Dry run: how the current rules judge a text (stores nothing; exit 0 "
      "whatever the outcome)",
      global, actions, &RunRulesCheck);
  AddParent(check, check_options.parent);
  AddNetwork(check, check_options.network)->required();
  check
      ->add_option("--text", check_options.text,
                   "The text as it would be published")
      ->required();
  check->add_option("--link", check_options.link_url,
                    "The post's link, an https URL");
  check->add_option("--author", check_options.author,
                    "Staff id or name (default: the token's subject)");
}

void AddAuditGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* audit = app.add_subcommand(
      "audit", "The organization's tamper-evident audit log");
  audit->require_subcommand(1);

  AddListCommand(*audit, "list", "List audit entries in sequence order",
                 /*filter_help=*/"", global, actions, &RunAuditList);

  auto [verify, verify_parent] = AddCommand(
      *audit, "verify",
      "Recompute the hash chain (exit 1 when an entry does not match)", global,
      actions, &RunAuditVerify);
  AddParent(verify, verify_parent);
  verify->footer(
      "Backups of a local deployment: deploy/local/backup [FILE] while\n"
      "candord serves; deploy/local/restore FILE into a fresh CANDOR_VAR,\n"
      "then deploy/local/up and `candorctl audit verify ORG` for every\n"
      "organization (docs/OPERATIONS.md, \"Backup and restore\").");
}

void AddReportCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  auto [report, options] =
      AddCommand(app, "report",
                 "The transparency report: decisions by verdict and by rule",
                 global, actions, &RunReport);
  AddParent(report, options.parent);
  options.since_option = report->add_option(
      "--since", options.since, "The last DURATION, e.g. 30d (default 30d)");
  options.start_option = report->add_option(
      "--start", options.start, "From, RFC 3339: 2025-01-01T00:00:00Z");
  options.end_option = report->add_option("--end", options.end,
                                          "Until, RFC 3339 (default: now)");
  options.since_option->excludes(options.start_option)
      ->excludes(options.end_option);
}

}  // namespace

void AddTransparencyCommands(CLI::App& app, const GlobalOptions& global,
                             Actions& actions) {
  AddRulesGroup(app, global, actions);
  AddAuditGroup(app, global, actions);
  AddReportCommand(app, global, actions);
}

}  // namespace candor::cli
