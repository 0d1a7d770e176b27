// The parts of `candorctl engagement|shares|notifications|leaderboard` that
// need no server: flags to requests, the report's subjects and its
// rendering as a table, JSON or CSV, and how shares, notifications and the
// leaderboard print.
#ifndef CANDOR_CLIENTS_CLI_ENGAGEMENT_FIELDS_H_
#define CANDOR_CLIENTS_CLI_ENGAGEMENT_FIELDS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "candor/engagement/v1/engagement.pb.h"
#include "clients/cli/output.h"

namespace candor::cli {

// The time range of a report: the last `since` ("30d", "12h") up to now.
struct MetricsRange {
  google::protobuf::Timestamp start_time;
  google::protobuf::Timestamp end_time;
};
absl::StatusOr<MetricsRange> ParseSince(const std::string& since,
                                        absl::Time now);

// `engagement report --output`: table, json or csv.
enum class ReportFormat { kTable, kJson, kCsv };
absl::StatusOr<ReportFormat> ParseReportFormat(const std::string& text);

// `engagement report --by`: nothing (the organization and the
// leaderboard only), post or staff.
enum class ReportBy { kNone, kPost, kStaff };
absl::StatusOr<ReportBy> ParseReportBy(const std::string& text);

// The distinct posts (kPost) or authors (kStaff) of `shares`, in the
// order they first appear (shares come newest first), at most `max`.
// `*truncated` says whether more were left out.
std::vector<std::string> ReportSubjects(
    const std::vector<candor::engagement::v1::Share>& shares, ReportBy by,
    size_t max, bool* truncated);

// Everything `engagement report` prints.
struct EngagementReport {
  candor::engagement::v1::EngagementMetrics organization;
  candor::engagement::v1::Leaderboard leaderboard;
  ReportBy by = ReportBy::kNone;
  // One per post or staff member, with --by.
  std::vector<candor::engagement::v1::EngagementMetrics> subjects;
  // Subjects were left out (the bound on shares read or subjects).
  bool truncated = false;
};

// The CSV header row, and then one row per line of the report:
//   section,subject,display_name,rank,score,shares,noncompliant_shares,
//   clicks,reactions,comments,reshares,impressions,start_time,end_time
// section is "organization", "post", "staff" or "leaderboard"; a
// leaderboard row's shares are its compliant shares, and the columns the
// leaderboard does not have are empty.
std::string RenderReportCsv(const EngagementReport& report);
// One JSON object: {"organization": ..., "leaderboard": ..., "subjects":
// [...], "truncated": bool}, ending in '\n'.
std::string RenderReportJson(const EngagementReport& report);
// The organization's totals, the leaderboard with its formula, then the
// per-subject table.
std::string RenderReportTable(const EngagementReport& report);

// `shares create`: `post` must be a post's resource name
// (organizations/ORG/posts/ID); network as in ParseNetwork.
absl::StatusOr<candor::engagement::v1::CreateShareRequest>
BuildCreateShareRequest(const std::string& post, const std::string& network,
                        const std::string& text,
                        const std::string& external_url,
                        const std::string& request_id);

std::string ShareStateText(candor::engagement::v1::Share::State state);
std::string DescribeShare(const candor::engagement::v1::Share& share);
// NAME POST AUTHOR NETWORK STATE CREATED TRACKING_URL
Table ShareTable();
void AddShareRow(const candor::engagement::v1::Share& share, Table& table);

std::string NotificationKindText(
    candor::engagement::v1::Notification::Kind kind);
// NAME KIND READ CREATED SUBJECT MESSAGE
Table NotificationTable();
void AddNotificationRow(const candor::engagement::v1::Notification& n,
                        Table& table);
// One line for `notifications watch`: "TIME KIND SUBJECT: MESSAGE
// (resume token: T)\n".
std::string NotificationLine(const candor::engagement::v1::Notification& n);
// One line of compact JSON, for `notifications watch -o json`.
std::string NotificationJsonLine(const candor::engagement::v1::Notification& n);

// The formula, then RANK STAFF_MEMBER DISPLAY_NAME SCORE COMPLIANT_SHARES
// CLICKS RESHARES.
std::string DescribeLeaderboard(
    const candor::engagement::v1::Leaderboard& leaderboard);
std::string DescribeParticipation(
    const candor::engagement::v1::LeaderboardParticipation& participation);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_ENGAGEMENT_FIELDS_H_
