#include "clients/cli/engagement_fields.h"

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "clients/cli/csv_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

namespace engagementpb = ::candor::engagement::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

engagementpb::Share MakeShare(const std::string& post,
                              const std::string& author) {
  engagementpb::Share share;
  share.set_post(post);
  share.set_author(author);
  return share;
}

// Every record of `csv`, as field values.
std::vector<std::vector<std::string>> ReadCsv(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(csv, "report.csv");
  CsvRecord record;
  while (reader.Next(&record)) {
    std::vector<std::string> row;
    for (const auto& field : record.fields) row.push_back(field.value);
    rows.push_back(row);
  }
  EXPECT_TRUE(reader.status().ok()) << reader.status();
  return rows;
}

TEST(ParseSinceTest, EndsNowAndStartsThatLongBefore) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  absl::StatusOr<MetricsRange> range = ParseSince("30d", now);
  ASSERT_TRUE(range.ok()) << range.status();
  EXPECT_EQ(range->end_time.seconds(), 1700000000);
  EXPECT_EQ(range->start_time.seconds(), 1700000000 - 30 * 86400);
  EXPECT_EQ(range->start_time.nanos(), 0);
}

TEST(ParseSinceTest, RejectsBadDurations) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  EXPECT_FALSE(ParseSince("soon", now).ok());
  EXPECT_FALSE(ParseSince("", now).ok());
  EXPECT_THAT(std::string(ParseSince("x", now).status().message()),
              HasSubstr("--since"));
}

TEST(ReportFlagsTest, FormatsAndGroupings) {
  EXPECT_EQ(*ParseReportFormat("csv"), ReportFormat::kCsv);
  EXPECT_EQ(*ParseReportFormat("JSON"), ReportFormat::kJson);
  EXPECT_EQ(*ParseReportFormat("table"), ReportFormat::kTable);
  EXPECT_FALSE(ParseReportFormat("xml").ok());
  EXPECT_EQ(*ParseReportBy(""), ReportBy::kNone);
  EXPECT_EQ(*ParseReportBy("post"), ReportBy::kPost);
  EXPECT_EQ(*ParseReportBy("Staff"), ReportBy::kStaff);
  EXPECT_FALSE(ParseReportBy("value").ok());
}

TEST(ReportSubjectsTest, DistinctInOrderAndBounded) {
  const std::vector<engagementpb::Share> shares = {
      MakeShare("o/posts/2", "o/staffMembers/b"),
      MakeShare("o/posts/1", "o/staffMembers/a"),
      MakeShare("o/posts/2", "o/staffMembers/b"),
      MakeShare("o/posts/3", "o/staffMembers/a"),
  };
  bool truncated = true;
  EXPECT_THAT(ReportSubjects(shares, ReportBy::kPost, 10, &truncated),
              ElementsAre("o/posts/2", "o/posts/1", "o/posts/3"));
  EXPECT_FALSE(truncated);
  EXPECT_THAT(ReportSubjects(shares, ReportBy::kStaff, 10, &truncated),
              ElementsAre("o/staffMembers/b", "o/staffMembers/a"));
  EXPECT_FALSE(truncated);
  EXPECT_THAT(ReportSubjects(shares, ReportBy::kPost, 2, &truncated),
              ElementsAre("o/posts/2", "o/posts/1"));
  EXPECT_TRUE(truncated);
  EXPECT_TRUE(ReportSubjects(shares, ReportBy::kNone, 10, &truncated).empty());
}

EngagementReport SampleReport() {
  EngagementReport report;
  report.organization.set_subject("organizations/acme");
  report.organization.mutable_start_time()->set_seconds(1700000000);
  report.organization.mutable_end_time()->set_seconds(1702592000);
  report.organization.set_shares(3);
  report.organization.set_noncompliant_shares(1);
  report.organization.set_clicks(42);
  report.organization.set_reshares(2);
  report.leaderboard.set_formula("score = 1 x compliant shares + 0.1 x clicks");
  engagementpb::Leaderboard::Entry* entry = report.leaderboard.add_entries();
  entry->set_rank(1);
  entry->set_staff_member("organizations/acme/staffMembers/ada");
  entry->set_display_name("Lovelace, Ada \"the first\"");
  entry->set_score(6.2);
  entry->set_compliant_shares(2);
  entry->set_clicks(42);
  entry->set_reshares(2);
  report.by = ReportBy::kPost;
  engagementpb::EngagementMetrics post;
  post.set_subject("organizations/acme/posts/p1");
  post.set_shares(2);
  post.set_clicks(40);
  report.subjects.push_back(post);
  return report;
}

TEST(RenderReportCsvTest, HeaderThenOneRowPerLineQuotedProperly) {
  const std::string csv = RenderReportCsv(SampleReport());
  const std::vector<std::vector<std::string>> rows = ReadCsv(csv);
  ASSERT_EQ(rows.size(), 4u) << csv;
  EXPECT_THAT(rows[0],
              ElementsAre("section", "subject", "display_name", "rank", "score",
                          "shares", "noncompliant_shares", "clicks",
                          "reactions", "comments", "reshares", "impressions",
                          "start_time", "end_time"));
  EXPECT_THAT(rows[1],
              ElementsAre("organization", "organizations/acme", "", "", "", "3",
                          "1", "42", "0", "0", "2", "0", "2023-11-14T22:13:20Z",
                          "2023-12-14T22:13:20Z"));
  EXPECT_THAT(rows[2],
              ElementsAre("leaderboard", "organizations/acme/staffMembers/ada",
                          "Lovelace, Ada \"the first\"", "1", "6.2", "2", "",
                          "42", "", "", "2", "", "", ""));
  EXPECT_EQ(rows[3][0], "post");
  EXPECT_EQ(rows[3][1], "organizations/acme/posts/p1");
  EXPECT_EQ(rows[3][7], "40");
  // The display name with a comma and quotes is quoted, quotes doubled.
  EXPECT_THAT(csv, HasSubstr(",\"Lovelace, Ada \"\"the first\"\"\","));
}

TEST(RenderReportTest, TableAndJsonShowEverything) {
  const EngagementReport report = SampleReport();
  const std::string table = RenderReportTable(report);
  EXPECT_THAT(table, HasSubstr("organizations/acme"));
  EXPECT_THAT(table, HasSubstr("score = 1 x compliant shares"));
  EXPECT_THAT(table, HasSubstr("organizations/acme/posts/p1"));
  EXPECT_THAT(table, HasSubstr("By post"));
  const std::string json = RenderReportJson(report);
  EXPECT_THAT(json, HasSubstr("\"organization\": {"));
  EXPECT_THAT(json, HasSubstr("\"leaderboard\": {"));
  EXPECT_THAT(json, HasSubstr("\"by\": \"post\""));
  EXPECT_THAT(json, HasSubstr("\"truncated\": false"));
  EXPECT_THAT(json, HasSubstr("\"clicks\": \"42\""));
}

TEST(BuildCreateShareRequestTest, BuildsTheRequest) {
  absl::StatusOr<engagementpb::CreateShareRequest> request =
      BuildCreateShareRequest("organizations/acme/posts/p1", "LinkedIn",
                              "#ad my words", "https://linkedin.com/x", "r1");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->parent(), "organizations/acme/posts/p1");
  EXPECT_EQ(request->share().network(), candor::common::v1::LINKEDIN);
  EXPECT_EQ(request->share().published_text(), "#ad my words");
  EXPECT_EQ(request->share().external_url(), "https://linkedin.com/x");
  EXPECT_EQ(request->request_id(), "r1");
}

TEST(BuildCreateShareRequestTest, RejectsBadFlags) {
  EXPECT_FALSE(BuildCreateShareRequest("p1", "linkedin", "t", "", "").ok());
  EXPECT_FALSE(BuildCreateShareRequest("organizations/acme/stories/s",
                                       "linkedin", "t", "", "")
                   .ok());
  EXPECT_FALSE(BuildCreateShareRequest("organizations/acme/posts/p", "myspace",
                                       "t", "", "")
                   .ok());
  EXPECT_FALSE(BuildCreateShareRequest("organizations/acme/posts/p", "linkedin",
                                       "", "", "")
                   .ok());
  EXPECT_FALSE(BuildCreateShareRequest("organizations/acme/posts/p", "linkedin",
                                       "t", "http://x", "")
                   .ok());
}

TEST(NotificationLineTest, OneLineWithTheResumeToken) {
  engagementpb::Notification n;
  n.set_kind(engagementpb::Notification::POST_DECISION);
  n.set_subject("organizations/acme/posts/p1");
  n.set_message("Your post was approved.\nShare it!");
  n.set_resume_token("tok-1");
  n.mutable_create_time()->set_seconds(1700000000);
  EXPECT_EQ(NotificationLine(n),
            "2023-11-14T22:13:20Z POST_DECISION organizations/acme/posts/p1: "
            "Your post was approved. Share it! (resume token: tok-1)\n");
  const std::string json = NotificationJsonLine(n);
  EXPECT_EQ(json.find('\n'), json.size() - 1) << json;
  EXPECT_THAT(json, HasSubstr("\"resumeToken\":\"tok-1\""));
}

TEST(DescribeLeaderboardTest, FormulaAndRows) {
  const std::string text = DescribeLeaderboard(SampleReport().leaderboard);
  EXPECT_THAT(text, HasSubstr("formula"));
  EXPECT_THAT(text, HasSubstr("RANK"));
  EXPECT_THAT(text, HasSubstr("6.2"));
}

}  // namespace
}  // namespace candor::cli
