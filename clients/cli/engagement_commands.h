// `candorctl engagement report`, `shares ...`, `notifications ...` and
// `leaderboard ...`: what advocacy brings (EngagementService). Each command
// returns the process exit code (see commands.h).
#ifndef CANDOR_CLIENTS_CLI_ENGAGEMENT_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_ENGAGEMENT_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"

namespace candor::cli {

// The organization's totals and leaderboard over the last --since; with
// --by post|staff also one row per post or author, found through
// ListShares (at most max_shares shares read, max_subjects rows) and
// measured with GetEngagementMetrics each. For admins.
struct EngagementReportOptions {
  std::string parent;
  std::string since = "30d";
  // csv, json or table; unset: the global --output.
  std::optional<std::string> output;
  std::string by;  // "", post or staff
  int32_t leaderboard_limit = 10;
  int32_t max_subjects = 100;
  int32_t max_shares = 1000;
};
int RunEngagementReport(const GlobalOptions& global,
                        const EngagementReportOptions& options);

struct ShareCreateOptions {
  std::string post;  // organizations/ORG/posts/ID
  std::string network;
  std::string text;
  std::string external_url;
  std::string request_id;
};
int RunShareCreate(const GlobalOptions& global,
                   const ShareCreateOptions& options);

int RunShareGet(const GlobalOptions& global, const std::string& name);

int RunShareList(const GlobalOptions& global, const ListOptions& options);

// `parent` is the caller's own staff resource name
// (organizations/ORG/staffMembers/ID).
struct NotificationListOptions {
  std::string parent;
  bool unread = false;
  PageOptions page;
};
int RunNotificationList(const GlobalOptions& global,
                        const NotificationListOptions& options);

// Prints each notification as it arrives (one line each; one JSON object a
// line with -o json) until Ctrl-C, or until `for_duration` has passed
// (then exit 0).
struct NotificationWatchOptions {
  std::string parent;
  std::string resume_token;
  std::string for_duration;  // empty: until interrupted
};
int RunNotificationWatch(const GlobalOptions& global,
                         const NotificationWatchOptions& options);

struct LeaderboardOptions {
  std::string parent;
  std::string since;  // empty: the server's default range
  int32_t limit = 0;
};
int RunLeaderboard(const GlobalOptions& global,
                   const LeaderboardOptions& options);

// join/leave: UpdateLeaderboardParticipation for the caller's own name.
int RunLeaderboardParticipation(const GlobalOptions& global,
                                const std::string& staff_name,
                                bool participate);

// Adds `engagement`, `shares`, `notifications` and `leaderboard` with their
// subcommands to `app`; their actions (in `actions`) run with `global`.
void AddEngagementCommands(CLI::App& app, const GlobalOptions& global,
                           Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_ENGAGEMENT_COMMANDS_H_
