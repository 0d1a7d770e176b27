#include "clients/cli/engagement_commands.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cli/command_line.h"
#include "clients/cli/connection.h"
#include "clients/cli/duration.h"
#include "clients/cli/engagement_fields.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

namespace engagementpb = ::candor::engagement::v1;

// ListShares page size for the report's subjects.
constexpr int32_t kReportPageSize = 200;

}  // namespace

int RunEngagementReport(const GlobalOptions& global,
                        const EngagementReportOptions& options) {
  const std::string command = "engagement report";
  ReportFormat format = global.output == OutputFormat::kJson
                            ? ReportFormat::kJson
                            : ReportFormat::kTable;
  if (options.output) {
    absl::StatusOr<ReportFormat> parsed = ParseReportFormat(*options.output);
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

int RunShareGet(const GlobalOptions& global, const std::string& name) {
  std::unique_ptr<Connection> connection =
      Open(global, "shares get", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  engagementpb::GetShareRequest request;
  request.set_name(name);
  engagementpb::Share share;
  const grpc::Status status = connection->engagement().GetShare(
      connection->NewContext().get(), request, &share);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, share, DescribeShare(share));
  return kExitOk;
}

int RunShareList(const GlobalOptions& global, const ShareListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "shares list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  engagementpb::ListSharesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<engagementpb::Share> shares;
  engagementpb::ListSharesResponse last;
  const int exit_code = FetchPages(
      *connection, request, options.all,
      [&connection](grpc::ClientContext* context,
                    const engagementpb::ListSharesRequest& r,
                    engagementpb::ListSharesResponse* response) {
        return connection->engagement().ListShares(context, r, response);
      },
      [&shares](const engagementpb::ListSharesResponse& response) {
        shares.insert(shares.end(), response.shares().begin(),
                      response.shares().end());
      },
      &last);
  if (exit_code != kExitOk) return exit_code;
  PrintList(global, options.all, last, shares, ShareTable(), &AddShareRow,
            "shares");
  return kExitOk;
}

int RunNotificationList(const GlobalOptions& global,
                        const NotificationListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "notifications list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  engagementpb::ListNotificationsRequest request;
  request.set_parent(options.parent);
  if (options.unread) request.set_filter("read = false");
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<engagementpb::Notification> notifications;
  engagementpb::ListNotificationsResponse last;
  const int exit_code = FetchPages(
      *connection, request, options.all,
      [&connection](grpc::ClientContext* context,
                    const engagementpb::ListNotificationsRequest& r,
                    engagementpb::ListNotificationsResponse* response) {
        return connection->engagement().ListNotifications(context, r, response);
      },
      [&notifications](const engagementpb::ListNotificationsResponse& r) {
        notifications.insert(notifications.end(), r.notifications().begin(),
                             r.notifications().end());
      },
      &last);
  if (exit_code != kExitOk) return exit_code;
  PrintList(global, options.all, last, notifications, NotificationTable(),
            &AddNotificationRow, "notifications");
  return kExitOk;
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

int RunLeaderboard(const GlobalOptions& global,
                   const LeaderboardOptions& options) {
  const std::string command = "leaderboard";
  engagementpb::GetLeaderboardRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_limit(options.limit);
  if (!options.since.empty()) {
    absl::StatusOr<MetricsRange> range = ParseSince(options.since, absl::Now());
    if (!range.ok()) return UsageError(command, range.status());
    *request.mutable_start_time() = range->start_time;
    *request.mutable_end_time() = range->end_time;
  }
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  engagementpb::Leaderboard leaderboard;
  const grpc::Status status = connection->engagement().GetLeaderboard(
      connection->NewContext().get(), request, &leaderboard);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, leaderboard, DescribeLeaderboard(leaderboard));
  return kExitOk;
}

int RunLeaderboardParticipation(const GlobalOptions& global,
                                const std::string& staff_name,
                                bool participate) {
  std::unique_ptr<Connection> connection =
      Open(global, participate ? "leaderboard join" : "leaderboard leave",
           kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  engagementpb::UpdateLeaderboardParticipationRequest request;
  request.set_parent(staff_name);
  request.set_participate(participate);
  engagementpb::LeaderboardParticipation participation;
  const grpc::Status status =
      connection->engagement().UpdateLeaderboardParticipation(
          connection->NewContext().get(), request, &participation);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, participation, DescribeParticipation(participation));
  return kExitOk;
}

namespace {

void AddEngagementGroup(CLI::App& app, const GlobalOptions& global,
                        Actions& actions) {
  CLI::App* engagement =
      app.add_subcommand("engagement", "What advocacy brings: engagement");
  engagement->require_subcommand(1);

  struct ReportArgs {
    EngagementReportOptions options;
    std::string output;
    CLI::Option* output_option = nullptr;
  };
  auto args = std::make_shared<ReportArgs>();
  EngagementReportOptions& options = args->options;
  CLI::App* report = engagement->add_subcommand(
      "report",
      "The organization's engagement totals and leaderboard; with --by, one "
      "row per post or staff member (admin)");
  AddParent(report, options.parent);
  report
      ->add_option("--since", options.since, "The last DURATION, e.g. 30d, 12h")
      ->capture_default_str();
  args->output_option =
      report->add_option("-o,--output", args->output,
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
  actions.Set(report, [&global, args] {
    args->options.output = IfGiven(args->output_option, args->output);
    return RunEngagementReport(global, args->options);
  });
}

void AddSharesGroup(CLI::App& app, const GlobalOptions& global,
                    Actions& actions) {
  CLI::App* shares = app.add_subcommand(
      "shares", "Approved posts as published, with tracking links");
  shares->require_subcommand(1);

  auto create = std::make_shared<ShareCreateOptions>();
  CLI::App* shares_create = shares->add_subcommand(
      "create", "Record that you published your APPROVED post");
  shares_create->add_option("post", create->post, "organizations/ORG/posts/ID")
      ->required();
  AddNetwork(shares_create, create->network)->required();
  shares_create->add_option("--text", create->text, "The text as published")
      ->required();
  shares_create->add_option("--external-url", create->external_url,
                            "The published item's own https URL");
  AddRequestId(shares_create, create->request_id);
  actions.Set(shares_create,
              [&global, create] { return RunShareCreate(global, *create); });

  auto get_name = std::make_shared<std::string>();
  CLI::App* shares_get = shares->add_subcommand("get", "Show a share");
  AddName(shares_get, *get_name, "organizations/ORG/shares/ID");
  actions.Set(shares_get,
              [&global, get_name] { return RunShareGet(global, *get_name); });

  auto list = std::make_shared<ShareListOptions>();
  CLI::App* shares_list =
      shares->add_subcommand("list", "List shares, newest first");
  AddParent(shares_list, list->parent);
  shares_list->add_option("--filter", list->filter,
                          "e.g. 'state = NONCOMPLIANT AND author = "
                          "\"organizations/x/staffMembers/y\"'");
  AddPageOptions(shares_list, list->page_size, list->page_token, list->all);
  actions.Set(shares_list,
              [&global, list] { return RunShareList(global, *list); });
}

void AddNotificationsGroup(CLI::App& app, const GlobalOptions& global,
                           Actions& actions) {
  CLI::App* notifications =
      app.add_subcommand("notifications", "Your notifications");
  notifications->require_subcommand(1);

  auto list = std::make_shared<NotificationListOptions>();
  CLI::App* notifications_list = notifications->add_subcommand(
      "list", "List your notifications, newest first");
  AddOwnStaffName(notifications_list, "parent", list->parent);
  notifications_list->add_flag("--unread", list->unread,
                               "Only those not read yet");
  AddPageOptions(notifications_list, list->page_size, list->page_token,
                 list->all);
  actions.Set(notifications_list,
              [&global, list] { return RunNotificationList(global, *list); });

  auto watch = std::make_shared<NotificationWatchOptions>();
  CLI::App* notifications_watch = notifications->add_subcommand(
      "watch",
      "Print your notifications as they arrive, until Ctrl-C or --for");
  AddOwnStaffName(notifications_watch, "parent", watch->parent);
  notifications_watch->add_option(
      "--resume-token", watch->resume_token,
      "Start after the notification that carried this token");
  notifications_watch->add_option(
      "--for", watch->for_duration,
      "Stop (exit 0) after this long, e.g. 30s, 5m");
  actions.Set(notifications_watch, [&global, watch] {
    return RunNotificationWatch(global, *watch);
  });
}

void AddLeaderboardGroup(CLI::App& app, const GlobalOptions& global,
                         Actions& actions) {
  // `leaderboard PARENT` shows it; `leaderboard join|leave STAFF` opts in
  // or out.
  auto options = std::make_shared<LeaderboardOptions>();
  CLI::App* leaderboard = app.add_subcommand(
      "leaderboard", "The leaderboard of staff who opted in, and opting in");
  AddParent(leaderboard, options->parent)->required(false);
  leaderboard->add_option("--since", options->since,
                          "The last DURATION (default: the server's, 30d)");
  leaderboard->add_option("--limit", options->limit, "1 to 100")
      ->check(CLI::Range(1, 100));
  actions.Set(leaderboard, [&global, options] {
    if (options->parent.empty()) {
      std::cerr << "candorctl: leaderboard: PARENT is required (or join|leave "
                   "STAFF_NAME)\n";
      return kExitUsage;
    }
    return RunLeaderboard(global, *options);
  });

  auto join_name = std::make_shared<std::string>();
  CLI::App* join = leaderboard->add_subcommand(
      "join", "Appear on the leaderboard (yourself only)");
  AddOwnStaffName(join, "staff", *join_name);
  actions.Set(join, [&global, join_name] {
    return RunLeaderboardParticipation(global, *join_name, true);
  });

  auto leave_name = std::make_shared<std::string>();
  CLI::App* leave = leaderboard->add_subcommand(
      "leave", "Leave the leaderboard (yourself only)");
  AddOwnStaffName(leave, "staff", *leave_name);
  actions.Set(leave, [&global, leave_name] {
    return RunLeaderboardParticipation(global, *leave_name, false);
  });
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
