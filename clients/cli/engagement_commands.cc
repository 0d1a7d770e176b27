// `candorctl engagement report`, `shares ...`, `notifications ...` and
// `leaderboard ...`: what advocacy brings (EngagementService). Each command
// returns the process exit code (see commands.h).
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/duration.h"
#include "clients/cli/engagement_fields.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

namespace engagementpb = ::candor::engagement::v1;
using EngagementStub = engagementpb::EngagementService::Stub;

// ListShares page size for the report's subjects.
constexpr int32_t kReportPageSize = 200;

// The organization's totals and leaderboard over the last --since; with
// --by post|staff also one row per post or author, found through
// ListShares (at most max_shares shares read, max_subjects rows) and
// measured with GetEngagementMetrics each. For admins.
struct EngagementReportOptions {
  std::string parent;
  std::string since = "30d";
  // csv, json or table; not given: the global --output.
  std::string output;
  CLI::Option* output_option = nullptr;
  std::string by;  // "", post or staff
  int32_t leaderboard_limit = 10;
  int32_t max_subjects = 100;
  int32_t max_shares = 1000;
};

struct ShareCreateOptions {
  std::string post;  // organizations/ORG/posts/ID
  std::string network;
  std::string text;
  std::string external_url;
  std::string request_id;
};

// `parent` is the caller's own staff resource name
// (organizations/ORG/staffMembers/ID).
struct NotificationListOptions {
  std::string parent;
  bool unread = false;
  PageOptions page;
};

// Prints each notification as it arrives (one line each; one JSON object a
// line with -o json) until Ctrl-C, or until `for_duration` has passed
// (then exit 0).
struct NotificationWatchOptions {
  std::string parent;
  std::string resume_token;
  std::string for_duration;  // empty: until interrupted
};

struct LeaderboardOptions {
  std::string parent;
  std::string since;  // empty: the server's default range
  int32_t limit = 0;
};

int RunEngagementReport(const GlobalOptions& global,
                        const EngagementReportOptions& options) {
  const std::string command = "engagement report";
  ReportFormat format = global.output == OutputFormat::kJson
                            ? ReportFormat::kJson
                            : ReportFormat::kTable;
  if (options.output_option->count() > 0) {
    absl::StatusOr<ReportFormat> parsed = ParseReportFormat(options.output);
    if (!parsed.ok()) return UsageError(command, parsed.status());
    format = *parsed;
  }
  absl::StatusOr<ReportBy> by = ParseReportBy(options.by);
  if (!by.ok()) return UsageError(command, by.status());
  absl::StatusOr<MetricsRange> range = ParseSince(options.since, absl::Now());
  if (!range.ok()) return UsageError(command, range.status());
  const std::string parent = OrganizationName(options.parent);

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;

  const auto metrics_of =
      [&](const std::string& subject,
          engagementpb::EngagementMetrics* metrics) -> grpc::Status {
    engagementpb::GetEngagementMetricsRequest request;
    request.set_subject(subject);
    *request.mutable_start_time() = range->start_time;
    *request.mutable_end_time() = range->end_time;
    return connection->engagement().GetEngagementMetrics(
        connection->NewContext().get(), request, metrics);
  };

  EngagementReport report;
  report.by = *by;
  grpc::Status status = metrics_of(parent, &report.organization);
  if (!status.ok()) return connection->CallFailed(status);

  engagementpb::GetLeaderboardRequest leaderboard;
  leaderboard.set_parent(parent);
  *leaderboard.mutable_start_time() = range->start_time;
  *leaderboard.mutable_end_time() = range->end_time;
  leaderboard.set_limit(options.leaderboard_limit);
  status = connection->engagement().GetLeaderboard(
      connection->NewContext().get(), leaderboard, &report.leaderboard);
  if (!status.ok()) return connection->CallFailed(status);

  if (*by != ReportBy::kNone) {
    // The shares, newest first, up to max_shares of them.
    std::vector<engagementpb::Share> shares;
    engagementpb::ListSharesRequest list;
    list.set_parent(parent);
    list.set_page_size(kReportPageSize);
    engagementpb::ListSharesResponse page;
    const int list_exit = FetchPages(
        *connection, list, /*all=*/true,
        [&connection](grpc::ClientContext* context,
                      const engagementpb::ListSharesRequest& request,
                      engagementpb::ListSharesResponse* response) {
          return connection->engagement().ListShares(context, request,
                                                     response);
        },
        [&shares, &options](const engagementpb::ListSharesResponse& response) {
          for (const engagementpb::Share& share : response.shares()) {
            if (static_cast<int32_t>(shares.size()) >= options.max_shares) {
              break;
            }
            shares.push_back(share);
          }
        },
        &page);
    if (list_exit != kExitOk) return list_exit;
    bool truncated = false;
    const std::vector<std::string> subjects = ReportSubjects(
        shares, *by, static_cast<size_t>(options.max_subjects), &truncated);
    report.truncated =
        truncated || static_cast<int32_t>(shares.size()) >= options.max_shares;
    for (const std::string& subject : subjects) {
      engagementpb::EngagementMetrics metrics;
      status = metrics_of(subject, &metrics);
      if (!status.ok()) return connection->CallFailed(status);
      report.subjects.push_back(std::move(metrics));
    }
  }

  switch (format) {
    case ReportFormat::kCsv:
      std::cout << RenderReportCsv(report);
      break;
    case ReportFormat::kJson:
      std::cout << RenderReportJson(report);
      break;
    case ReportFormat::kTable:
      std::cout << RenderReportTable(report);
      break;
  }
  return kExitOk;
}

int RunShareCreate(const GlobalOptions& global,
                   const ShareCreateOptions& options) {
  const std::string command = "shares create";
  absl::StatusOr<engagementpb::CreateShareRequest> request =
      BuildCreateShareRequest(options.post, options.network, options.text,
                              options.external_url, options.request_id);
  if (!request.ok()) return UsageError(command, request.status());
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  engagementpb::Share share;
  const grpc::Status status = connection->engagement().CreateShare(
      connection->NewContext().get(), *request, &share);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, share, DescribeShare(share));
  if (share.state() == engagementpb::Share::NONCOMPLIANT) {
    std::cerr << "candorctl: " << command
              << ": the share was stored NONCOMPLIANT: "
              << share.compliance_explanation() << "\n";
  }
  return kExitOk;
}

int RunShareList(const GlobalOptions& global, const ListOptions& options) {
  engagementpb::ListSharesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  return ListAndPrint(global, "shares list", request, options.page,
                      &EngagementStub::ListShares,
                      &engagementpb::ListSharesResponse::shares, ShareTable(),
                      &AddShareRow, "shares");
}

int RunNotificationList(const GlobalOptions& global,
                        const NotificationListOptions& options) {
  engagementpb::ListNotificationsRequest request;
  request.set_parent(options.parent);
  if (options.unread) request.set_filter("read = false");
  return ListAndPrint(global, "notifications list", request, options.page,
                      &EngagementStub::ListNotifications,
                      &engagementpb::ListNotificationsResponse::notifications,
                      NotificationTable(), &AddNotificationRow,
                      "notifications");
}

int RunNotificationWatch(const GlobalOptions& global,
                         const NotificationWatchOptions& options) {
  const std::string command = "notifications watch";
  std::optional<absl::Duration> for_duration;
  if (!options.for_duration.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(options.for_duration);
    if (!parsed.ok()) {
      return UsageError(command, absl::InvalidArgumentError(absl::StrCat(
                                     "--for: ", parsed.status().message())));
    }
    for_duration = *parsed;
  }
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  std::unique_ptr<grpc::ClientContext> context = connection->NewContext();
  // A watch runs until interrupted, or for --for.
  if (for_duration) {
    context->set_deadline(absl::ToChronoTime(absl::Now() + *for_duration));
  } else {
    context->set_deadline(std::chrono::system_clock::time_point::max());
  }
  engagementpb::WatchNotificationsRequest request;
  request.set_parent(options.parent);
  request.set_resume_token(options.resume_token);
  std::unique_ptr<grpc::ClientReader<engagementpb::WatchNotificationsResponse>>
      reader =
          connection->engagement().WatchNotifications(context.get(), request);
  engagementpb::WatchNotificationsResponse response;
  while (reader->Read(&response)) {
    std::cout << (global.output == OutputFormat::kJson
                      ? NotificationJsonLine(response.notification())
                      : NotificationLine(response.notification()))
              << std::flush;
  }
  const grpc::Status status = reader->Finish();
  if (status.ok()) return kExitOk;
  if (for_duration && status.error_code() == grpc::DEADLINE_EXCEEDED) {
    return kExitOk;
  }
  return connection->CallFailed(status);
}

// `leaderboard PARENT` shows it; `leaderboard join|leave STAFF` opts in or
// out.
int RunLeaderboard(const GlobalOptions& global,
                   const LeaderboardOptions& options) {
  const std::string command = "leaderboard";
  if (options.parent.empty()) {
    std::cerr << "candorctl: leaderboard: PARENT is required (or join|leave "
                 "STAFF_NAME)\n";
    return kExitUsage;
  }
  engagementpb::GetLeaderboardRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_limit(options.limit);
  if (!options.since.empty()) {
    absl::StatusOr<MetricsRange> range = ParseSince(options.since, absl::Now());
    if (!range.ok()) return UsageError(command, range.status());
    *request.mutable_start_time() = range->start_time;
    *request.mutable_end_time() = range->end_time;
  }
  return CallAndPrint(global, command, request, &EngagementStub::GetLeaderboard,
                      &DescribeLeaderboard);
}

// UpdateLeaderboardParticipation for the caller's own name.
int RunLeaderboardParticipation(const GlobalOptions& global,
                                const std::string& staff_name,
                                bool participate) {
  engagementpb::UpdateLeaderboardParticipationRequest request;
  request.set_parent(staff_name);
  request.set_participate(participate);
  return CallAndPrint(
      global, participate ? "leaderboard join" : "leaderboard leave", request,
      &EngagementStub::UpdateLeaderboardParticipation, &DescribeParticipation);
}

int RunLeaderboardJoin(const GlobalOptions& global,
                       const std::string& staff_name) {
  return RunLeaderboardParticipation(global, staff_name, true);
}

int RunLeaderboardLeave(const GlobalOptions& global,
                        const std::string& staff_name) {
  return RunLeaderboardParticipation(global, staff_name, false);
}

void AddEngagementGroup(CLI::App& app, const GlobalOptions& global,
                        Actions& actions) {
  CLI::App* engagement =
      app.add_subcommand("engagement", "What advocacy brings: engagement");
  engagement->require_subcommand(1);

  auto [report, options] = AddCommand(
      *engagement, "report",
      "The organization's engagement totals and leaderboard; with --by, one "
      "row per post or staff member (admin)",
      global, actions, &RunEngagementReport);
  AddParent(report, options.parent);
  report
      ->add_option("--since", options.since, "The last DURATION, e.g. 30d, 12h")
      ->capture_default_str();
  options.output_option =
      report->add_option("-o,--output", options.output,
                         "csv, json or table (default: the global --output)");
  report
      ->add_option("--by", options.by,
                   "post or staff: a row per post or per author, found "
                   "through the organization's shares")
      ->check(CLI::IsMember({"post", "staff"}));
  report
      ->add_option("--leaderboard-limit", options.leaderboard_limit, "1 to 100")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  report
      ->add_option("--max-subjects", options.max_subjects,
                   "With --by: at most this many rows (one call each)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  report
      ->add_option("--max-shares", options.max_shares,
                   "With --by: read at most this many shares, newest first")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
}

void AddSharesGroup(CLI::App& app, const GlobalOptions& global,
                    Actions& actions) {
  CLI::App* shares = app.add_subcommand(
      "shares", "Approved posts as published, with tracking links");
  shares->require_subcommand(1);

  auto [create, create_options] = AddCommand(
      *shares, "create", "Record that you published your APPROVED post", global,
      actions, &RunShareCreate);
  create->add_option("post", create_options.post, "organizations/ORG/posts/ID")
      ->required();
  AddNetwork(create, create_options.network)->required();
  create->add_option("--text", create_options.text, "The text as published")
      ->required();
  create->add_option("--external-url", create_options.external_url,
                     "The published item's own https URL");
  AddRequestId(create, create_options.request_id);

  AddNameCommand(*shares, "get", "Show a share", "organizations/ORG/shares/ID",
                 global, actions, &EngagementStub::GetShare, &DescribeShare);

  AddListCommand(*shares, "list", "List shares, newest first",
                 "e.g. 'state = NONCOMPLIANT AND author = "
                 "\"organizations/x/staffMembers/y\"'",
                 global, actions, &RunShareList);
}

void AddNotificationsGroup(CLI::App& app, const GlobalOptions& global,
                           Actions& actions) {
  CLI::App* notifications =
      app.add_subcommand("notifications", "Your notifications");
  notifications->require_subcommand(1);

  auto [list, list_options] = AddCommand(
      *notifications, "list", "List your notifications, newest first", global,
      actions, &RunNotificationList);
  AddOwnStaffName(list, "parent", list_options.parent);
  list->add_flag("--unread", list_options.unread, "Only those not read yet");
  AddPageOptions(list, list_options.page);

  auto [watch, watch_options] = AddCommand(
      *notifications, "watch",
      "Print your notifications as they arrive, until Ctrl-C or --for", global,
      actions, &RunNotificationWatch);
  AddOwnStaffName(watch, "parent", watch_options.parent);
  watch->add_option("--resume-token", watch_options.resume_token,
                    "Start after the notification that carried this token");
  watch->add_option("--for", watch_options.for_duration,
                    "Stop (exit 0) after this long, e.g. 30s, 5m");
}

void AddLeaderboardGroup(CLI::App& app, const GlobalOptions& global,
                         Actions& actions) {
  auto [leaderboard, options] =
      AddCommand(app, "leaderboard",
                 "The leaderboard of staff who opted in, and opting in", global,
                 actions, &RunLeaderboard);
  AddParent(leaderboard, options.parent)->required(false);
  leaderboard->add_option("--since", options.since,
                          "The last DURATION (default: the server's, 30d)");
  leaderboard->add_option("--limit", options.limit, "1 to 100")
      ->check(CLI::Range(1, 100));

  auto [join, join_name] = AddCommand(
      *leaderboard, "join", "Appear on the leaderboard (yourself only)", global,
      actions, &RunLeaderboardJoin);
  AddOwnStaffName(join, "staff", join_name);

  auto [leave, leave_name] =
      AddCommand(*leaderboard, "leave", "Leave the leaderboard (yourself only)",
                 global, actions, &RunLeaderboardLeave);
  AddOwnStaffName(leave, "staff", leave_name);
}

}  // namespace

void AddEngagementCommands(CLI::App& app, const GlobalOptions& global,
                           Actions& actions) {
  AddEngagementGroup(app, global, actions);
  AddSharesGroup(app, global, actions);
  AddNotificationsGroup(app, global, actions);
  AddLeaderboardGroup(app, global, actions);
}

}  // namespace candor::cli
