#include "clients/cli/engagement_fields.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "clients/cli/csv_writer.h"
#include "clients/cli/duration.h"
#include "clients/cli/posts_fields.h"
#include "google/protobuf/util/json_util.h"

namespace candor::cli {
namespace {

namespace engagementpb = ::candor::engagement::v1;

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  google::protobuf::Timestamp out;
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest * 1000));
  return out;
}

std::string Int(int64_t value) { return absl::StrCat(value); }

// "12.5": a score with at most 2 decimals, without trailing zeros.
std::string Score(double score) {
  std::string text = absl::StrFormat("%.2f", score);
  while (absl::StrContains(text, '.') &&
         (text.back() == '0' || text.back() == '.')) {
    const bool dot = text.back() == '.';
    text.pop_back();
    if (dot) break;
  }
  return text;
}

std::string Indent(const std::string& json) {
  std::string trimmed = json;
  if (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  return absl::StrReplaceAll(trimmed, {{"\n", "\n "}});
}

const char* BySection(ReportBy by) {
  switch (by) {
    case ReportBy::kPost:
      return "post";
    case ReportBy::kStaff:
      return "staff";
    case ReportBy::kNone:
      break;
  }
  return "";
}

}  // namespace

absl::StatusOr<MetricsRange> ParseSince(const std::string& since,
                                        absl::Time now) {
  absl::StatusOr<absl::Duration> duration = ParseDuration(since);
  if (!duration.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--since: ", duration.status().message()));
  }
  if (*duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--since: must be more than zero");
  }
  MetricsRange range;
  range.start_time = ToTimestamp(now - *duration);
  range.end_time = ToTimestamp(now);
  return range;
}

absl::StatusOr<ReportFormat> ParseReportFormat(const std::string& text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "table") return ReportFormat::kTable;
  if (lower == "json") return ReportFormat::kJson;
  if (lower == "csv") return ReportFormat::kCsv;
  return absl::InvalidArgumentError(
      absl::StrCat("--output: \"", text, "\" is not one of csv, json, table"));
}

absl::StatusOr<ReportBy> ParseReportBy(const std::string& text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower.empty()) return ReportBy::kNone;
  if (lower == "post") return ReportBy::kPost;
  if (lower == "staff") return ReportBy::kStaff;
  return absl::InvalidArgumentError(
      absl::StrCat("--by: \"", text, "\" is not one of post, staff"));
}

std::vector<std::string> ReportSubjects(
    const std::vector<engagementpb::Share>& shares, ReportBy by, size_t max,
    bool* truncated) {
  std::vector<std::string> subjects;
  std::set<std::string> seen;
  *truncated = false;
  if (by == ReportBy::kNone) return subjects;
  for (const engagementpb::Share& share : shares) {
    const std::string& subject =
        by == ReportBy::kPost ? share.post() : share.author();
    if (subject.empty() || !seen.insert(subject).second) continue;
    if (subjects.size() >= max) {
      *truncated = true;
      break;
    }
    subjects.push_back(subject);
  }
  return subjects;
}

std::string RenderReportCsv(const EngagementReport& report) {
  CsvWriter csv;
  csv.Add({"section", "subject", "display_name", "rank", "score", "shares",
           "noncompliant_shares", "clicks", "reactions", "comments", "reshares",
           "impressions", "start_time", "end_time"});
  const auto add_metrics = [&csv](const std::string& section,
                                  const engagementpb::EngagementMetrics& m) {
    csv.Add({section, m.subject(), "", "", "", Int(m.shares()),
             Int(m.noncompliant_shares()), Int(m.clicks()), Int(m.reactions()),
             Int(m.comments()), Int(m.reshares()), Int(m.impressions()),
             TimeText(m.start_time()), TimeText(m.end_time())});
  };
  add_metrics("organization", report.organization);
  for (const engagementpb::Leaderboard::Entry& entry :
       report.leaderboard.entries()) {
    csv.Add({"leaderboard", entry.staff_member(), entry.display_name(),
             Int(entry.rank()), Score(entry.score()),
             Int(entry.compliant_shares()), "", Int(entry.clicks()), "", "",
             Int(entry.reshares()), "",
             TimeText(report.leaderboard.start_time()),
             TimeText(report.leaderboard.end_time())});
  }
  for (const engagementpb::EngagementMetrics& m : report.subjects) {
    add_metrics(BySection(report.by), m);
  }
  return csv.text();
}

std::string RenderReportJson(const EngagementReport& report) {
  std::string out = "{\n \"organization\": ";
  out += Indent(ToJson(report.organization));
  out += ",\n \"leaderboard\": ";
  out += Indent(ToJson(report.leaderboard));
  out += ",\n \"by\": \"";
  out += BySection(report.by);
  out += "\",\n \"subjects\": ";
  std::vector<const google::protobuf::Message*> messages;
  for (const engagementpb::EngagementMetrics& m : report.subjects) {
    messages.push_back(&m);
  }
  out += Indent(ToJsonArray(messages));
  out += ",\n \"truncated\": ";
  out += report.truncated ? "true" : "false";
  out += "\n}\n";
  return out;
}

std::string RenderReportTable(const EngagementReport& report) {
  const engagementpb::EngagementMetrics& m = report.organization;
  std::string out = RenderFields({
      {"organization", m.subject()},
      {"from", TimeText(m.start_time())},
      {"until", TimeText(m.end_time())},
      {"shares", Int(m.shares())},
      {"noncompliant shares", Int(m.noncompliant_shares())},
      {"clicks", Int(m.clicks())},
      {"reactions", Int(m.reactions())},
      {"comments", Int(m.comments())},
      {"reshares", Int(m.reshares())},
      {"impressions", Int(m.impressions())},
  });
  out += "\nLeaderboard\n";
  out += DescribeLeaderboard(report.leaderboard);
  if (report.by != ReportBy::kNone) {
    out += absl::StrCat("\nBy ", BySection(report.by), "\n");
    Table table({"SUBJECT", "SHARES", "NONCOMPLIANT", "CLICKS", "REACTIONS",
                 "COMMENTS", "RESHARES", "IMPRESSIONS"});
    for (const engagementpb::EngagementMetrics& s : report.subjects) {
      table.AddRow({s.subject(), Int(s.shares()), Int(s.noncompliant_shares()),
                    Int(s.clicks()), Int(s.reactions()), Int(s.comments()),
                    Int(s.reshares()), Int(s.impressions())});
    }
    out += table.Render();
    if (report.truncated) {
      out += "(more subjects left out; raise --max-subjects)\n";
    }
  }
  return out;
}

absl::StatusOr<engagementpb::CreateShareRequest> BuildCreateShareRequest(
    const std::string& post, const std::string& network,
    const std::string& text, const std::string& external_url,
    const std::string& request_id) {
  const std::vector<std::string> parts = absl::StrSplit(post, '/');
  if (parts.size() != 4 || parts[0] != "organizations" || parts[1].empty() ||
      parts[2] != "posts" || parts[3].empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", post, "\" is not a post name (organizations/ORG/posts/ID)"));
  }
  absl::StatusOr<candor::common::v1::Network> parsed = ParseNetwork(network);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--network: ", parsed.status().message()));
  }
  if (text.empty()) {
    return absl::InvalidArgumentError(
        "--text: the text as published is required");
  }
  if (!external_url.empty() && !absl::StartsWith(external_url, "https://")) {
    return absl::InvalidArgumentError("--external-url: must be an https URL");
  }
  engagementpb::CreateShareRequest request;
  request.set_parent(std::string(post));
  request.mutable_share()->set_network(*parsed);
  request.mutable_share()->set_published_text(std::string(text));
  request.mutable_share()->set_external_url(std::string(external_url));
  request.set_request_id(std::string(request_id));
  return request;
}

std::string ShareStateText(engagementpb::Share::State state) {
  if (state == engagementpb::Share::STATE_UNSPECIFIED) return "";
  return engagementpb::Share::State_Name(state);
}

std::string DescribeShare(const engagementpb::Share& share) {
  return RenderFields({
      {"name", share.name()},
      {"post", share.post()},
      {"author", share.author()},
      {"network", NetworkText(share.network())},
      {"state", ShareStateText(share.state())},
      {"why", share.compliance_explanation()},
      {"tracking url", share.tracking_url()},
      {"tracking code", share.tracking_code()},
      {"external url", share.external_url()},
      {"created", TimeText(share.create_time())},
      {"published text", share.published_text()},
  });
}

Table ShareTable() {
  return Table({"NAME", "POST", "AUTHOR", "NETWORK", "STATE", "CREATED",
                "TRACKING_URL"});
}

void AddShareRow(const engagementpb::Share& share, Table& table) {
  table.AddRow({share.name(), share.post(), share.author(),
                NetworkText(share.network()), ShareStateText(share.state()),
                TimeText(share.create_time()), share.tracking_url()});
}

std::string NotificationKindText(engagementpb::Notification::Kind kind) {
  if (kind == engagementpb::Notification::KIND_UNSPECIFIED) return "";
  return engagementpb::Notification::Kind_Name(kind);
}

Table NotificationTable() {
  return Table({"NAME", "KIND", "READ", "CREATED", "SUBJECT", "MESSAGE"});
}

void AddNotificationRow(const engagementpb::Notification& n, Table& table) {
  table.AddRow({n.name(), NotificationKindText(n.kind()),
                n.read() ? "yes" : "no", TimeText(n.create_time()), n.subject(),
                n.message()});
}

std::string NotificationLine(const engagementpb::Notification& n) {
  // One line whatever the message holds.
  const std::string message =
      absl::StrReplaceAll(n.message(), {{"\r", " "}, {"\n", " "}});
  return absl::StrCat(TimeText(n.create_time()), " ",
                      NotificationKindText(n.kind()), " ", n.subject(), ": ",
                      message, " (resume token: ", n.resume_token(), ")\n");
}

std::string NotificationJsonLine(const engagementpb::Notification& n) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(n, &json, options);
  return json + "\n";
}

std::string DescribeLeaderboard(const engagementpb::Leaderboard& leaderboard) {
  std::string out = RenderFields({
      {"formula", leaderboard.formula()},
      {"from", TimeText(leaderboard.start_time())},
      {"until", TimeText(leaderboard.end_time())},
  });
  Table table({"RANK", "STAFF_MEMBER", "DISPLAY_NAME", "SCORE",
               "COMPLIANT_SHARES", "CLICKS", "RESHARES"});
  for (const engagementpb::Leaderboard::Entry& entry : leaderboard.entries()) {
    table.AddRow({Int(entry.rank()), entry.staff_member(), entry.display_name(),
                  Score(entry.score()), Int(entry.compliant_shares()),
                  Int(entry.clicks()), Int(entry.reshares())});
  }
  return out + table.Render();
}

std::string DescribeParticipation(
    const engagementpb::LeaderboardParticipation& participation) {
  return RenderFields({
      {"staff member", participation.staff_member()},
      {"participates", participation.participate() ? "yes" : "no"},
      {"updated", TimeText(participation.update_time())},
  });
}

}  // namespace candor::cli
