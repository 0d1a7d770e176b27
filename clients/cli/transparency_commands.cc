#include "clients/cli/transparency_commands.h"

#include <iostream>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cli/command_line.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/posts_fields.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;

}  // namespace

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

int RunRulesShow(const GlobalOptions& global, const std::string& parent) {
  std::unique_ptr<Connection> connection =
      Open(global, "rules show", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::GetPublishedRulesetRequest request;
  request.set_parent(OrganizationName(parent));
  transparencypb::Ruleset ruleset;
  const grpc::Status status = connection->transparency().GetPublishedRuleset(
      connection->NewContext().get(), request, &ruleset);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, ruleset, DescribeRuleset(ruleset));
  return kExitOk;
}

int RunRulesList(const GlobalOptions& global, const RulesListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "rules list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::ListRulesetsRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<transparencypb::Ruleset> rulesets;
  transparencypb::ListRulesetsResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context,
          const transparencypb::ListRulesetsRequest& r,
          transparencypb::ListRulesetsResponse* response) {
        return connection->transparency().ListRulesets(context, r, response);
      },
      [&](transparencypb::ListRulesetsResponse& response) {
        for (auto& ruleset : *response.mutable_rulesets()) {
          rulesets.push_back(ruleset);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, rulesets, RulesetTable(), &AddRulesetRow,
            "rulesets");
  return kExitOk;
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

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::Evaluation evaluation;
  const grpc::Status status = connection->transparency().EvaluatePost(
      connection->NewContext().get(), request, &evaluation);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, evaluation, DescribeEvaluation(evaluation));
  // A dry run: a REJECTED outcome is an answer, not a failure.
  return kExitOk;
}

int RunAuditList(const GlobalOptions& global, const AuditListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "audit list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::ListAuditEntriesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<transparencypb::AuditEntry> entries;
  transparencypb::ListAuditEntriesResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context,
          const transparencypb::ListAuditEntriesRequest& r,
          transparencypb::ListAuditEntriesResponse* response) {
        return connection->transparency().ListAuditEntries(context, r,
                                                           response);
      },
      [&](transparencypb::ListAuditEntriesResponse& response) {
        for (auto& entry : *response.mutable_audit_entries()) {
          entries.push_back(entry);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, entries, AuditEntryTable(),
            &AddAuditEntryRow, "audit entries");
  return kExitOk;
}

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

int RunReport(const GlobalOptions& global, const std::string& parent,
              const ReportRange& range) {
  const std::string command = "report";
  absl::StatusOr<transparencypb::GetTransparencyReportRequest> request =
      BuildReportRequest(OrganizationName(parent), range, absl::Now());
  if (!request.ok()) return UsageError(command, request.status());
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::TransparencyReport report;
  const grpc::Status status = connection->transparency().GetTransparencyReport(
      connection->NewContext().get(), *request, &report);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, report, DescribeReport(report));
  return kExitOk;
}

namespace {

void AddRulesGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* rules =
      app.add_subcommand("rules", "The organization's transparency rules");
  rules->require_subcommand(1);

  auto publish = std::make_shared<RulesPublishOptions>();
  CLI::App* rules_publish = rules->add_subcommand(
      "publish",
      "Publish a ruleset written in protobuf text format (admin); it judges "
      "every post from now on");
  AddParent(rules_publish, publish->parent);
  rules_publish
      ->add_option("file", publish->file,
                   "A candor.transparency.v1.Ruleset in text format (see "
                   "deploy/rulesets/default.textpb); - for stdin")
      ->required();
  AddRequestId(rules_publish, publish->request_id);
  actions.Set(rules_publish,
              [&global, publish] { return RunRulesPublish(global, *publish); });

  auto show_parent = std::make_shared<std::string>();
  CLI::App* rules_show =
      rules->add_subcommand("show", "Show the ruleset that judges posts now");
  AddParent(rules_show, *show_parent);
  actions.Set(rules_show, [&global, show_parent] {
    return RunRulesShow(global, *show_parent);
  });

  auto list = std::make_shared<RulesListOptions>();
  CLI::App* rules_list =
      rules->add_subcommand("list", "List rulesets, newest first");
  AddParent(rules_list, list->parent);
  AddPageOptions(rules_list, list->page_size, list->page_token, list->all);
  actions.Set(rules_list,
              [&global, list] { return RunRulesList(global, *list); });

  auto check = std::make_shared<RulesCheckOptions>();
  CLI::App* rules_check = rules->add_subcommand(
      "check",
      "Dry run: how the current rules judge a text (stores nothing; exit 0 "
      "whatever the outcome)");
  AddParent(rules_check, check->parent);
  AddNetwork(rules_check, check->network)->required();
  rules_check
      ->add_option("--text", check->text, "The text as it would be published")
      ->required();
  rules_check->add_option("--link", check->link_url,
                          "The post's link, an https URL");
  rules_check->add_option("--author", check->author,
                          "Staff id or name (default: the token's subject)");
  actions.Set(rules_check,
              [&global, check] { return RunRulesCheck(global, *check); });
}

void AddAuditGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* audit = app.add_subcommand(
      "audit", "The organization's tamper-evident audit log");
  audit->require_subcommand(1);

  auto list = std::make_shared<AuditListOptions>();
  CLI::App* audit_list =
      audit->add_subcommand("list", "List audit entries in sequence order");
  AddParent(audit_list, list->parent);
  AddPageOptions(audit_list, list->page_size, list->page_token, list->all);
  actions.Set(audit_list,
              [&global, list] { return RunAuditList(global, *list); });

  auto verify_parent = std::make_shared<std::string>();
  CLI::App* audit_verify = audit->add_subcommand(
      "verify",
      "Recompute the hash chain (exit 1 when an entry does not match)");
  AddParent(audit_verify, *verify_parent);
  audit_verify->footer(
      "Backups of a local deployment: deploy/local/backup [FILE] while\n"
      "candord serves; deploy/local/restore FILE into a fresh CANDOR_VAR,\n"
      "then deploy/local/up and `candorctl audit verify ORG` for every\n"
      "organization (docs/OPERATIONS.md, \"Backup and restore\").");
  actions.Set(audit_verify, [&global, verify_parent] {
    return RunAuditVerify(global, *verify_parent);
  });
}

void AddReportCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  // The range as given: --since excludes --start and --end.
  struct ReportArgs {
    std::string parent, since, start, end;
    CLI::Option *since_option = nullptr, *start_option = nullptr,
                *end_option = nullptr;
  };
  auto args = std::make_shared<ReportArgs>();
  CLI::App* report = app.add_subcommand(
      "report", "The transparency report: decisions by verdict and by rule");
  AddParent(report, args->parent);
  args->since_option = report->add_option(
      "--since", args->since, "The last DURATION, e.g. 30d (default 30d)");
  args->start_option = report->add_option(
      "--start", args->start, "From, RFC 3339: 2025-01-01T00:00:00Z");
  args->end_option =
      report->add_option("--end", args->end, "Until, RFC 3339 (default: now)");
  args->since_option->excludes(args->start_option)->excludes(args->end_option);
  actions.Set(report, [&global, args] {
    ReportRange range;
    range.since = IfGiven(args->since_option, args->since);
    range.start = IfGiven(args->start_option, args->start);
    range.end = IfGiven(args->end_option, args->end);
    return RunReport(global, args->parent, range);
  });
}

}  // namespace

void AddTransparencyCommands(CLI::App& app, const GlobalOptions& global,
                             Actions& actions) {
  AddRulesGroup(app, global, actions);
  AddAuditGroup(app, global, actions);
  AddReportCommand(app, global, actions);
}

}  // namespace candor::cli
