#include "clients/cli/transparency_commands.h"

#include <iostream>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
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
  absl::StatusOr<transparencypb::Ruleset> ruleset = ParseRulesetText(
      *text, options.file == "-" ? "<stdin>" : options.file);
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
  PrintList(global, options.all, last, rulesets, RulesetTable(),
            &AddRulesetRow, "rulesets");
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
    return UsageError(command,
                      absl::InvalidArgumentError(absl::StrCat(
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

}  // namespace candor::cli
