// Erasure leaves no trace (issue 14): a person with a distinctive email,
// display name and employee id does everything a person can do, many of it
// with request_ids (so stored replay answers name them), is deactivated with
// a reason that names them, and is erased through
// candor.privacy.v1.PrivacyService/EraseStaffMember. Then every text-like
// column of every table of every candor_* schema, found in
// information_schema rather than listed here (so a new table or column is
// checked without touching this test), is searched for those strings.
//
// Also: stored replay answers expire (DeleteExpiredIdempotencyKeys), in
// bounded batches, and a retry after expiry acts again.
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "candor/privacy/v1/privacy.grpc.pb.h"
#include "db/pool.h"
#include "db/statement.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::google::protobuf::util::TimeUtil;

// Passes every rule of the default ruleset (as privacy_integration_test).
constexpr char kPostText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";
constexpr char kShareText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself!";
// Disclosed, but a sensitive term (a REVIEW rule) matches: a reviewer
// decides it.
constexpr char kSensitiveText[] =
    "#ad Our new savings plan offers guaranteed returns to every customer, "
    "which I find remarkable after years in this industry.";

// Column types that can hold text (information_schema DATA_TYPE).
constexpr char kTextTypes[] =
    "'char','varchar','tinytext','text','mediumtext','longtext','binary',"
    "'varbinary','tinyblob','blob','mediumblob','longblob','json','enum','set'";

// The host's own sweep is off here: ExpiredRequestIdsAreDeletedInBatches
// ages keys by hand and counts what its own calls delete, which a sweep
// running in between would take first.
const bool kConfigured = [] {
  TestServer::Configure([](HostOptions& options) {
    options.idempotency_sweep_interval = absl::ZeroDuration();
  });
  return true;
}();

std::unique_ptr<db::Connection> OpenDatabase() {
  absl::StatusOr<std::unique_ptr<db::Connection>> connection =
      db::Connection::Open(TestDatabase::Get().options());
  EXPECT_TRUE(connection.ok()) << connection.status();
  return connection.ok() ? std::move(*connection) : nullptr;
}

// "schema.table.column" of every text-like column of a candor_* schema
// holding any of `needles` (INSTR: bytes for binary columns, the column's
// collation, utf8mb4_bin, otherwise; both are exact).
std::vector<std::string> ColumnsHolding(
    const std::vector<std::string>& needles) {
  std::unique_ptr<db::Connection> c = OpenDatabase();
  if (c == nullptr) return {"(no database connection)"};
  std::unique_ptr<sql::Statement> statement(c->raw().createStatement());
  std::unique_ptr<sql::ResultSet> columns(statement->executeQuery(absl::StrCat(
      "SELECT table_schema, table_name, column_name FROM "
      "information_schema.columns WHERE table_schema LIKE 'candor\\_%' AND "
      "data_type IN (",
      kTextTypes, ") ORDER BY table_schema, table_name, column_name")));
  std::vector<std::string> hits;
  int searched = 0;
  while (columns->next()) {
    ++searched;
    const std::string schema = columns->getString(1);
    const std::string table = columns->getString(2);
    const std::string column = columns->getString(3);
    // Test-only SQL from the server's own names, never from input.
    const std::string sql =
        absl::StrCat("SELECT COUNT(*) FROM `", schema, "`.`", table,
                     "` WHERE INSTR(`", column, "`, ?) > 0");
    for (const std::string& needle : needles) {
      std::unique_ptr<sql::PreparedStatement> count(
          c->raw().prepareStatement(sql));
      count->setString(1, needle);
      std::unique_ptr<sql::ResultSet> n(count->executeQuery());
      if (n->next() && n->getInt64(1) > 0) {
        hits.push_back(absl::StrCat(schema, ".", table, ".", column, " (\"",
                                    needle, "\")"));
      }
    }
  }
  // Guards against a query that silently finds no columns at all.
  EXPECT_GT(searched, 50) << "too few text columns found";
  return hits;
}

class ErasureTracesTest : public OrgTest {
 protected:
  ErasureTracesTest()
      : OrgTest("traces"),
        privacy_(privacypb::PrivacyService::NewStub(server_.channel())) {}

  std::unique_ptr<privacypb::PrivacyService::Stub> privacy_;
};

TEST_F(ErasureTracesTest, NothingNamesAnErasedPerson) {
  // Distinctive, and unique to this organization.
  const std::string display_name = absl::StrCat("Quillon Vantreck ", org_.id);
  const std::string email =
      absl::StrCat("Quillon.Vantreck.", org_.id, "@Example.com");
  const std::string employee_id = absl::StrCat("QV-", org_.id);

  // --- an admin creates them (a stored answer with all three) ------------
  StaffMember created;
  {
    staffpb::CreateStaffMemberRequest request;
    request.set_parent(org_.name);
    request.set_request_id(absl::StrCat("create-", org_.id));
    StaffMember* member = request.mutable_staff_member();
    member->set_employee_id(employee_id);
    member->set_display_name(display_name);
    member->set_email(email);
    member->set_department("Engineering");
    member->set_title(absl::StrCat("Engineer (", display_name, ")"));
    member->add_roles(StaffMember::ADMIN);
    const grpc::Status status = staff_->CreateStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const std::string person = created.name();
  const std::string token =
      TestServer::StaffToken(person, {Role::kEmployee, Role::kAdmin});
  const TestPerson author{created, token};
  // Made a reviewer by the person below.
  const StaffMember reviewer =
      server_.CreateStaff(org_, absl::StrCat("R-", org_.id));
  const std::string reviewer_token = TestServer::StaffToken(
      reviewer.name(), {Role::kEmployee, Role::kReviewer});

  // --- their profile: consent, bio, a social account -----------------------
  {
    staffpb::UpdateStaffMemberRequest request;
    StaffMember* change = request.mutable_staff_member();
    change->set_name(person);
    change->set_advocacy_consent(true);
    change->set_bio(absl::StrCat("I am ", display_name, "; write to ", email));
    auto* account = change->add_social_accounts();
    account->set_network(common::v1::LINKEDIN);
    account->set_handle(absl::StrCat("qv-", org_.id));
    for (const char* path : {"advocacy_consent", "bio", "social_accounts"}) {
      request.mutable_update_mask()->add_paths(path);
    }
    StaffMember updated;
    const grpc::Status status = staff_->UpdateStaffMember(
        TestServer::Context(token).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // As an admin they make the reviewer's roles change (an event they act in).
  {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(reviewer.name());
    request.mutable_staff_member()->add_roles(StaffMember::REVIEWER);
    request.mutable_staff_member()->add_roles(StaffMember::EMPLOYEE);
    request.mutable_update_mask()->add_paths("roles");
    StaffMember updated;
    const grpc::Status status = staff_->UpdateStaffMember(
        TestServer::Context(token).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // --- values: an endorsement and signed feedback ---------------------------
  const std::string value = MustCreateValue(org_, "Candour");
  ASSERT_FALSE(HasFailure());
  {
    valuespb::EndorseValueRequest endorse;
    endorse.set_name(value);
    valuespb::Value endorsed;
    const grpc::Status status = values_->EndorseValue(
        TestServer::Context(token).get(), endorse, &endorsed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    valuespb::CreateValueFeedbackRequest feedback;
    feedback.set_parent(value);
    feedback.set_request_id(absl::StrCat("feedback-", org_.id));
    feedback.mutable_feedback()->set_text(
        absl::StrCat("Signed: ", display_name, " (", employee_id, ")"));
    valuespb::ValueFeedback stored;
    const grpc::Status fed = values_->CreateValueFeedback(
        TestServer::Context(token).get(), feedback, &stored);
    ASSERT_TRUE(fed.ok()) << fed.error_message();
  }

  // --- posts: one a reviewer decides, one approved and shared --------------
  {
    advocacypb::Post created_post;
    // Signed with their name, so the stored answers of CreatePost and
    // SubmitPost (and the decision's evidence) carry it.
    grpc::Status status = CreatePost(
        token, org_.name,
        NewPost(absl::StrCat(kSensitiveText, " Signed, ", display_name, ".")),
        &created_post, absl::StrCat("post-1-", org_.id));
    ASSERT_TRUE(status.ok()) << status.error_message();
    advocacypb::SubmitPostResponse submitted;
    status = SubmitPost(token, created_post.name(), &submitted,
                        absl::StrCat("submit-1-", org_.id));
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(submitted.post().state(), advocacypb::Post::IN_REVIEW);
    advocacypb::ApprovePostRequest approve;
    approve.set_name(created_post.name());
    approve.set_note("Fine once the returns claim is checked.");
    advocacypb::Post approved;
    status = advocacy_->ApprovePost(TestServer::Context(reviewer_token).get(),
                                    approve, &approved);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  advocacypb::Post post;
  {
    grpc::Status status = CreatePost(token, org_.name, NewPost(kPostText),
                                     &post, absl::StrCat("post-2-", org_.id));
    ASSERT_TRUE(status.ok()) << status.error_message();
    advocacypb::SubmitPostResponse submitted;
    status = SubmitPost(token, post.name(), &submitted,
                        absl::StrCat("submit-2-", org_.id));
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(submitted.post().state(), advocacypb::Post::APPROVED);
  }
  {
    // Rejected (no disclosure), then appealed with a reason that names them.
    advocacypb::Post rejected;
    grpc::Status status =
        CreatePost(token, org_.name, NewPost("Proud of the team this week."),
                   &rejected, absl::StrCat("post-3-", org_.id));
    ASSERT_TRUE(status.ok()) << status.error_message();
    advocacypb::SubmitPostResponse submitted;
    status = SubmitPost(token, rejected.name(), &submitted,
                        absl::StrCat("submit-3-", org_.id));
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(submitted.post().state(), advocacypb::Post::REJECTED);
    advocacypb::AppealPostRequest appeal;
    appeal.set_name(rejected.name());
    appeal.set_reason(absl::StrCat("I am ", display_name, "; my bio says it."));
    advocacypb::Post appealed;
    status = advocacy_->AppealPost(TestServer::Context(token).get(), appeal,
                                   &appealed);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    engagementpb::CreateShareRequest request;
    request.set_parent(post.name());
    request.set_request_id(absl::StrCat("share-", org_.id));
    request.mutable_share()->set_network(common::v1::LINKEDIN);
    request.mutable_share()->set_published_text(kShareText);
    request.mutable_share()->set_external_url(
        "https://www.linkedin.com/feed/update/quillon-vantreck");
    engagementpb::Share share;
    const grpc::Status status = engagement_->CreateShare(
        TestServer::Context(token).get(), request, &share);
    ASSERT_TRUE(status.ok()) << status.error_message();
    auto context = TestServer::Context(token);
    engagementpb::RecordEngagementEventsResponse recorded;
    auto writer = engagement_->RecordEngagementEvents(context.get(), &recorded);
    engagementpb::RecordEngagementEventsRequest events;
    events.set_parent(org_.name);
    auto* event = events.add_events();
    event->set_event_id(absl::StrCat("click-", org_.id));
    event->set_share(share.name());
    event->set_kind(engagementpb::EngagementEvent::CLICK);
    event->set_count(3);
    *event->mutable_occurred_time() =
        TimeUtil::MicrosecondsToTimestamp(NowMicros() - 60'000'000);
    writer->Write(events);
    writer->WritesDone();
    const grpc::Status finished = writer->Finish();
    ASSERT_TRUE(finished.ok()) << finished.error_message();
  }
  {
    // Reading the inbox brings in the decisions' notifications.
    engagementpb::ListNotificationsRequest request;
    request.set_parent(person);
    engagementpb::ListNotificationsResponse page;
    const grpc::Status status = engagement_->ListNotifications(
        TestServer::Context(token).get(), request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // --- deactivated, with a reason that names them ---------------------------
  {
    staffpb::DeactivateStaffMemberRequest request;
    request.set_name(person);
    request.set_reason(absl::StrCat(display_name, " left for another company"));
    request.set_request_id(absl::StrCat("deactivate-", org_.id));
    StaffMember deactivated;
    const grpc::Status status = staff_->DeactivateStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &deactivated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // Reading the audit log imports the staff events (the deactivation with
  // its reason) before the erasure: the harder case.
  EXPECT_FALSE(AuditLog(org_.admin_token, org_.name, 1000).empty());

  const std::vector<std::string> needles = {
      display_name, email, absl::AsciiStrToLower(email), employee_id};
  // Before the erasure the search finds them where this test means to
  // check, so an empty result afterwards is not a search that sees nothing.
  const std::vector<std::string> before = ColumnsHolding(needles);
  for (const char* column : {"candor_staff.staff_members.email ",
                             "candor_staff.staff_events.details ",
                             "candor_staff.idempotency_keys.response ",
                             "candor_values.idempotency_keys.response ",
                             "candor_advocacy.idempotency_keys.response "}) {
    EXPECT_THAT(before, ::testing::Contains(::testing::StartsWith(column)))
        << absl::StrJoin(before, ", ");
  }

  // --- erased, then the erasure retried --------------------------------------
  privacypb::EraseStaffMemberRequest erase;
  erase.set_staff_member(person);
  erase.set_request_id(absl::StrCat("erase-", org_.id));
  privacypb::EraseStaffMemberResponse erased;
  grpc::Status status = privacy_->EraseStaffMember(
      TestServer::Context(org_.admin_token).get(), erase, &erased);
  ASSERT_TRUE(status.ok()) << status.error_message();
  privacypb::EraseStaffMemberResponse replayed;
  status = privacy_->EraseStaffMember(
      TestServer::Context(org_.admin_token).get(), erase, &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(erased, replayed))
      << "the erasure's own stored answers replay: "
      << erased.ShortDebugString() << " vs " << replayed.ShortDebugString();

  const std::vector<std::string> hits = ColumnsHolding(needles);
  EXPECT_THAT(hits, ::testing::IsEmpty())
      << "columns that still name the erased person: "
      << absl::StrJoin(hits, ", ");
}

// Stored answers older than the retention go, in batches of at most the
// given size; younger ones stay; a retry after its key went acts again.
TEST_F(ErasureTracesTest, ExpiredRequestIdsAreDeletedInBatches) {
  db::PoolOptions pool_options;
  pool_options.connection = TestDatabase::Get().options();
  pool_options.connection.schema = "candor_values";
  pool_options.max_connections = 2;
  db::Pool pool(pool_options);

  // A write with a request_id; its key is made to look three days old
  // (the test cannot wait a day).
  valuespb::CreateValueRequest request;
  request.set_parent(org_.name);
  request.mutable_value()->set_title("Old request");
  request.mutable_value()->set_statement("Stored answers do not live forever.");
  request.set_request_id(absl::StrCat("old-", org_.id));
  valuespb::Value first;
  grpc::Status status = values_->CreateValue(
      TestServer::Context(org_.admin_token).get(), request, &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  valuespb::Value replay;
  status = values_->CreateValue(TestServer::Context(org_.admin_token).get(),
                                request, &replay);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replay.name(), first.name()) << "a retry replays";

  // Four more keys of this organization, also old, and one of today.
  const int64_t three_days_ago_us =
      absl::ToUnixMicros(absl::Now() - absl::Hours(72));
  std::unique_ptr<db::Connection> c = OpenDatabase();
  ASSERT_NE(c, nullptr);
  {
    std::unique_ptr<sql::PreparedStatement> age(c->raw().prepareStatement(
        "UPDATE candor_values.idempotency_keys SET create_time_us = ? "
        "WHERE scope = ? AND request_id = ?"));
    db::Bind(*age, three_days_ago_us, org_.id, request.request_id())
        .executeUpdate();
    std::unique_ptr<sql::PreparedStatement> insert(c->raw().prepareStatement(
        "INSERT INTO candor_values.idempotency_keys (scope, request_id, "
        "request_fingerprint, response, create_time_us) "
        "VALUES (?, ?, 'f', 'r', ?)"));
    for (int i = 0; i < 4; ++i) {
      db::Bind(*insert, org_.id, absl::StrCat("older-", i), three_days_ago_us)
          .executeUpdate();
    }
    db::Bind(*insert, org_.id, "today", NowMicros()).executeUpdate();
  }
  auto keys_of_org = [&] {
    std::unique_ptr<sql::PreparedStatement> count(c->raw().prepareStatement(
        "SELECT COUNT(*) FROM candor_values.idempotency_keys WHERE scope = ?"));
    count->setString(1, org_.id);
    std::unique_ptr<sql::ResultSet> n(count->executeQuery());
    return n->next() ? n->getInt64(1) : -1;
  };
  const int64_t before = keys_of_org();

  // Other binaries' keys are not here (a database per test binary), and
  // this binary's other test writes only today's keys: the old keys are
  // exactly ours, five of them.
  std::vector<int64_t> batches;
  for (;;) {
    absl::StatusOr<int64_t> deleted = DeleteExpiredIdempotencyKeys(
        pool, absl::Now(), kIdempotencyRetention, /*batch=*/2);
    ASSERT_TRUE(deleted.ok()) << deleted.status();
    batches.push_back(*deleted);
    if (*deleted < 2) break;
  }
  EXPECT_THAT(batches, ::testing::ElementsAre(2, 2, 1));
  EXPECT_EQ(keys_of_org(), before - 5) << "today's keys stay";

  // The retry after expiry is a new call: it creates a second value.
  valuespb::Value again;
  status = values_->CreateValue(TestServer::Context(org_.admin_token).get(),
                                request, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_NE(again.name(), first.name());
}

}  // namespace
}  // namespace candor::testing
