// Notifications (ListNotifications, MarkNotificationsRead, the resumable
// WatchNotifications stream) and the tracking-link endpoint, over real gRPC
// and HTTP against the real database. Each test makes its own organization.
//
// Notifications are added the way the service adds them (engagement::
// Notifications::Add in a transaction), through a second Notifications over
// the same schema: its Published() cannot reach the server's streams, so
// the server's poll (Notifications::kPollInterval) delivers them, as it does
// for notifications added by another replica. Reads are bounded by the
// stream's deadline, never by fixed sleeps.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "db/migrations.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "services/common/resource_name.h"
#include "services/engagement/notifications.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using Notification = engagementpb::Notification;

db::Pool& EngagementPool() {
  static db::Pool* const pool = [] {
    TestServer::Get();  // migrates the schemas
    db::PoolOptions options;
    options.connection = TestDatabase::Get().options();
    options.connection.schema = db::SchemaFor("engagement");
    options.max_connections = 2;
    return new db::Pool(options);
  }();
  return *pool;
}

std::string StaffIdOf(const std::string& staff_name) {
  return staff_name.substr(staff_name.rfind('/') + 1);
}

std::string OrgIdOf(const std::string& staff_name) {
  const size_t start = staff_name.find('/') + 1;
  return staff_name.substr(start, staff_name.find('/', start) - start);
}

// Adds a notification for `staff_name` as the service does, and commits.
void AddNotification(const std::string& staff_name, const std::string& message,
                     int kind = Notification::POST_DECISION) {
  static engagement::Notifications* const notifications =
      new engagement::Notifications(&EngagementPool());
  auto tx = db::Transaction::Begin(EngagementPool());
  ASSERT_TRUE(tx.ok()) << tx.status();
  engagement::NewNotification n;
  n.organization_id = OrgIdOf(staff_name);
  n.staff_member_id = StaffIdOf(staff_name);
  n.kind = kind;
  n.subject = OrganizationName(n.organization_id) + "/posts/p1";
  n.message = message;
  ASSERT_TRUE(notifications->Add(*tx, n).ok());
  ASSERT_TRUE(tx->Commit().ok());
  notifications->Published(n.organization_id, n.staff_member_id);
}

// A staff member with their token, and their organization.
struct Person : TestPerson {
  TestServer::Organization org;
};

// A staff member of `org`; with `advocate`, they consent to advocacy and
// link a LinkedIn account (so they may submit posts).
Person MakeStaff(const TestServer::Organization& org, const std::string& id,
                 const std::string& department, bool advocate,
                 std::vector<staffpb::StaffMember::Role> roles = {}) {
  Person p;
  p.org = org;
  static_cast<TestPerson&>(p) =
      MakePerson(org, id, std::move(roles), department, advocate);
  return p;
}

advocacypb::SubmitPostResponse WriteAndSubmit(const Person& author,
                                              const std::string& text) {
  return MustSubmitPost(author, author.org.name, text);
}

Person NewPerson(const std::string& prefix = "notif") {
  Person p;
  p.org = TestServer::Get().CreateOrganization(prefix);
  p.member = TestServer::Get().CreateStaff(p.org, "N1");
  p.token = EmployeeToken(p.member);
  return p;
}

// An open WatchNotifications stream.
struct Watch {
  std::unique_ptr<engagementpb::EngagementService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<engagementpb::WatchNotificationsResponse>>
      reader;

  // The next notification; fails when the stream ends first.
  Notification Next() {
    engagementpb::WatchNotificationsResponse response;
    EXPECT_TRUE(reader->Read(&response)) << "the stream ended early";
    return response.notification();
  }
  grpc::Status Cancel() {
    context->TryCancel();
    engagementpb::WatchNotificationsResponse ignored;
    while (reader->Read(&ignored)) {
    }
    return reader->Finish();
  }
};

Watch OpenWatch(const std::string& token, const std::string& parent,
                const std::string& resume_token = "") {
  Watch watch;
  watch.stub = TestServer::Get().EngagementStub();
  watch.context = TestServer::Context(token);
  watch.context->set_deadline(std::chrono::system_clock::now() +
                              std::chrono::seconds(30));
  engagementpb::WatchNotificationsRequest request;
  request.set_parent(parent);
  request.set_resume_token(resume_token);
  watch.reader = watch.stub->WatchNotifications(watch.context.get(), request);
  return watch;
}

// The status a stream ends with when it is refused at the start.
grpc::Status WatchStatus(const std::string& token, const std::string& parent,
                         const std::string& resume_token = "") {
  Watch watch = OpenWatch(token, parent, resume_token);
  engagementpb::WatchNotificationsResponse response;
  EXPECT_FALSE(watch.reader->Read(&response));
  return watch.reader->Finish();
}

std::string Name(const std::string& parent, int sequence) {
  return absl::StrCat(parent, "/notifications/", sequence);
}

TEST(WatchNotificationsTest, ResumingMissesNothingAndRepeatsNothing) {
  Person p = NewPerson();
  const std::string& me = p.member.name();
  for (int i = 1; i <= 5; ++i) AddNotification(me, absl::StrCat("news ", i));

  Watch first = OpenWatch(p.token, me);
  std::string resume;
  for (int i = 1; i <= 3; ++i) {
    Notification n = first.Next();
    EXPECT_EQ(n.name(), Name(me, i));
    EXPECT_EQ(n.message(), absl::StrCat("news ", i));
    EXPECT_EQ(n.kind(), Notification::POST_DECISION);
    EXPECT_FALSE(n.read());
    EXPECT_FALSE(n.resume_token().empty());
    resume = n.resume_token();
  }
  EXPECT_EQ(first.Cancel().error_code(), StatusCode::CANCELLED);

  Watch second = OpenWatch(p.token, me, resume);
  EXPECT_EQ(second.Next().name(), Name(me, 4));
  EXPECT_EQ(second.Next().name(), Name(me, 5));
  // A notification added while the stream is open arrives (within the poll).
  AddNotification(me, "news 6");
  Notification sixth = second.Next();
  EXPECT_EQ(sixth.name(), Name(me, 6));
  EXPECT_EQ(sixth.message(), "news 6");
  EXPECT_EQ(second.Cancel().error_code(), StatusCode::CANCELLED);

  // Resuming from the last one sees nothing old, then only the new one.
  Watch third = OpenWatch(p.token, me, sixth.resume_token());
  AddNotification(me, "news 7");
  EXPECT_EQ(third.Next().name(), Name(me, 7));
  third.Cancel();
}

TEST(WatchNotificationsTest, WithoutTokenStartsWithUnread) {
  Person p = NewPerson();
  const std::string& me = p.member.name();
  for (int i = 1; i <= 4; ++i) AddNotification(me, absl::StrCat("n", i));
  auto stub = TestServer::Get().EngagementStub();
  engagementpb::MarkNotificationsReadRequest mark;
  mark.set_parent(me);
  mark.add_names(Name(me, 1));
  mark.add_names(Name(me, 2));
  engagementpb::MarkNotificationsReadResponse marked;
  ASSERT_TRUE(stub->MarkNotificationsRead(TestServer::Context(p.token).get(),
                                          mark, &marked)
                  .ok());
  EXPECT_EQ(marked.marked(), 2);

  Watch watch = OpenWatch(p.token, me);
  EXPECT_EQ(watch.Next().name(), Name(me, 3));
  EXPECT_EQ(watch.Next().name(), Name(me, 4));
  watch.Cancel();
}

TEST(WatchNotificationsTest, AllReadStartsWithNewOnes) {
  Person p = NewPerson();
  const std::string& me = p.member.name();
  AddNotification(me, "old");
  auto stub = TestServer::Get().EngagementStub();
  engagementpb::MarkNotificationsReadRequest mark;
  mark.set_parent(me);
  engagementpb::MarkNotificationsReadResponse marked;
  ASSERT_TRUE(stub->MarkNotificationsRead(TestServer::Context(p.token).get(),
                                          mark, &marked)
                  .ok());
  EXPECT_EQ(marked.marked(), 1);
  Watch watch = OpenWatch(p.token, me);
  AddNotification(me, "new");
  EXPECT_EQ(watch.Next().message(), "new");
  watch.Cancel();
}

TEST(WatchNotificationsTest, RefusesOthersAndForgedTokens) {
  Person p = NewPerson();
  const std::string& me = p.member.name();
  TableCallers callers = MakeTableCallers(p.org);
  EXPECT_EQ(WatchStatus("", me).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      WatchStatus(callers.TokenFor(CallerKind::kEmployee), me).error_code(),
      StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(WatchStatus(callers.TokenFor(CallerKind::kAdmin), me).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(WatchStatus(callers.TokenFor(CallerKind::kOtherOrgAdmin), me)
                .error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(
      WatchStatus(callers.TokenFor(CallerKind::kOperator), me).error_code(),
      StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(WatchStatus(p.token, "nonsense").error_code(),
            StatusCode::INVALID_ARGUMENT);

  grpc::Status forged = WatchStatus(p.token, me, "not-a-token");
  EXPECT_EQ(forged.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(forged.error_message(), HasSubstr("resume_token"));

  // Another person's token does not resume this person's stream.
  AddNotification(callers.employee.name(), "theirs");
  auto stub = TestServer::Get().EngagementStub();
  engagementpb::ListNotificationsRequest list;
  list.set_parent(callers.employee.name());
  engagementpb::ListNotificationsResponse theirs;
  ASSERT_TRUE(
      stub->ListNotifications(
              TestServer::Context(EmployeeToken(callers.employee)).get(), list,
              &theirs)
          .ok());
  ASSERT_EQ(theirs.notifications_size(), 1);
  grpc::Status replayed =
      WatchStatus(p.token, me, theirs.notifications(0).resume_token());
  EXPECT_EQ(replayed.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(replayed.error_message(), HasSubstr("resume_token"));
}

TEST(ListNotificationsTest, NewestFirstPagedFilteredAndMarkedRead) {
  Person p = NewPerson();
  const std::string& me = p.member.name();
  for (int i = 1; i <= 5; ++i) AddNotification(me, absl::StrCat("n", i));
  auto stub = TestServer::Get().EngagementStub();

  auto list = [&](const std::string& filter, int page_size,
                  const std::string& page_token,
                  engagementpb::ListNotificationsResponse* response) {
    engagementpb::ListNotificationsRequest request;
    request.set_parent(me);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return stub->ListNotifications(TestServer::Context(p.token).get(), request,
                                   response);
  };
  auto names = [](const engagementpb::ListNotificationsResponse& r) {
    std::vector<std::string> out;
    for (const auto& n : r.notifications()) out.push_back(n.name());
    return out;
  };

  engagementpb::ListNotificationsResponse page1;
  ASSERT_TRUE(list("", 2, "", &page1).ok());
  EXPECT_THAT(names(page1), ElementsAre(Name(me, 5), Name(me, 4)));
  ASSERT_FALSE(page1.next_page_token().empty());
  engagementpb::ListNotificationsResponse page2;
  ASSERT_TRUE(list("", 2, page1.next_page_token(), &page2).ok());
  EXPECT_THAT(names(page2), ElementsAre(Name(me, 3), Name(me, 2)));
  engagementpb::ListNotificationsResponse page3;
  ASSERT_TRUE(list("", 2, page2.next_page_token(), &page3).ok());
  EXPECT_THAT(names(page3), ElementsAre(Name(me, 1)));
  EXPECT_THAT(page3.next_page_token(), IsEmpty());

  // A page token of another filter is refused.
  engagementpb::ListNotificationsResponse refused;
  EXPECT_EQ(
      list("read = false", 2, page1.next_page_token(), &refused).error_code(),
      StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(list("read = true", 2, "", &refused).error_code(),
            StatusCode::INVALID_ARGUMENT);

  engagementpb::MarkNotificationsReadRequest mark;
  mark.set_parent(me);
  mark.add_names(Name(me, 2));
  mark.add_names(Name(me, 4));
  engagementpb::MarkNotificationsReadResponse marked;
  ASSERT_TRUE(stub->MarkNotificationsRead(TestServer::Context(p.token).get(),
                                          mark, &marked)
                  .ok());
  EXPECT_EQ(marked.marked(), 2);
  // Marking again changes nothing.
  ASSERT_TRUE(stub->MarkNotificationsRead(TestServer::Context(p.token).get(),
                                          mark, &marked)
                  .ok());
  EXPECT_EQ(marked.marked(), 0);

  engagementpb::ListNotificationsResponse unread;
  ASSERT_TRUE(list("read = false", 0, "", &unread).ok());
  EXPECT_THAT(names(unread),
              ElementsAre(Name(me, 5), Name(me, 3), Name(me, 1)));
  engagementpb::ListNotificationsResponse all;
  ASSERT_TRUE(list("", 0, "", &all).ok());
  ASSERT_EQ(all.notifications_size(), 5);
  EXPECT_TRUE(all.notifications(1).read());   // 4
  EXPECT_FALSE(all.notifications(0).read());  // 5

  mark.clear_names();
  ASSERT_TRUE(stub->MarkNotificationsRead(TestServer::Context(p.token).get(),
                                          mark, &marked)
                  .ok());
  EXPECT_EQ(marked.marked(), 3);
  ASSERT_TRUE(list("read=false", 0, "", &unread).ok());
  EXPECT_EQ(unread.notifications_size(), 0);
}

TEST(ListNotificationsTest, OwnInboxOnly) {
  Person p = NewPerson();
  const std::string& me = p.member.name();
  TableCallers callers = MakeTableCallers(p.org);
  auto stub = TestServer::Get().EngagementStub();
  engagementpb::ListNotificationsRequest list;
  list.set_parent(me);
  engagementpb::ListNotificationsResponse response;
  const std::vector<std::pair<CallerKind, StatusCode>> expected = {
      {CallerKind::kNoToken, StatusCode::UNAUTHENTICATED},
      {CallerKind::kOtherOrgAdmin, StatusCode::NOT_FOUND},
      {CallerKind::kEmployee, StatusCode::PERMISSION_DENIED},
      {CallerKind::kReviewer, StatusCode::PERMISSION_DENIED},
      {CallerKind::kAdmin, StatusCode::PERMISSION_DENIED},
      {CallerKind::kOperator, StatusCode::PERMISSION_DENIED},
      {CallerKind::kService, StatusCode::PERMISSION_DENIED},
  };
  for (const auto& [kind, code] : expected) {
    EXPECT_EQ(stub->ListNotifications(
                      TestServer::Context(callers.TokenFor(kind)).get(), list,
                      &response)
                  .error_code(),
              code)
        << CallerName(kind);
    engagementpb::MarkNotificationsReadRequest mark;
    mark.set_parent(me);
    engagementpb::MarkNotificationsReadResponse marked;
    EXPECT_EQ(stub->MarkNotificationsRead(
                      TestServer::Context(callers.TokenFor(kind)).get(), mark,
                      &marked)
                  .error_code(),
              code)
        << CallerName(kind);
  }

  // Names must be the caller's own notifications.
  engagementpb::MarkNotificationsReadRequest mark;
  mark.set_parent(me);
  mark.add_names(Name(callers.employee.name(), 1));
  engagementpb::MarkNotificationsReadResponse marked;
  grpc::Status status = stub->MarkNotificationsRead(
      TestServer::Context(p.token).get(), mark, &marked);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("names[0]"));
  mark.set_names(0, me + "/notifications/x");
  EXPECT_EQ(stub->MarkNotificationsRead(TestServer::Context(p.token).get(),
                                        mark, &marked)
                .error_code(),
            StatusCode::INVALID_ARGUMENT);
}

// --- tracking links ----------------------------------------------------------

constexpr char kInsertShare[] =
    "INSERT INTO shares (organization_id, share_id, post_id, author_id, "
    "network, published_text, external_url, link_url, state, tracking_code, "
    "create_time_us) VALUES (?, ?, 'p1', 'a1', 1, 'text', ?, ?, 1, ?, ?)";
constexpr char kCountClicks[] =
    "SELECT COUNT(*), COALESCE(SUM(count), 0) FROM engagement_events "
    "WHERE organization_id = ? AND share_id = ? AND kind = 1";

void InsertShare(const std::string& org, const std::string& share,
                 const std::string& code, const std::string& link_url,
                 const std::string& external_url) {
  auto connection = EngagementPool().Borrow();
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto& insert = (*connection)->Prepare(kInsertShare);
  insert.setString(1, org);
  insert.setString(2, share);
  insert.setString(3, external_url);
  insert.setString(4, link_url);
  insert.setString(5, code);
  insert.setInt64(6, NowMicros());
  insert.executeUpdate();
}

std::pair<int64_t, int64_t> Clicks(const std::string& org,
                                   const std::string& share) {
  auto connection = EngagementPool().Borrow();
  EXPECT_TRUE(connection.ok()) << connection.status();
  if (!connection.ok()) return {-1, -1};
  auto& select = (*connection)->Prepare(kCountClicks);
  select.setString(1, org);
  select.setString(2, share);
  std::unique_ptr<sql::ResultSet> row(select.executeQuery());
  row->next();
  return {row->getInt64(1), row->getInt64(2)};
}

// GET `path` from the tracking endpoint on `port` (TestServer's when 0).
httplib::Result Follow(const std::string& path,
                       const std::string& user_agent = "candor-test/1.0",
                       httplib::Headers headers = {}, int port = 0) {
  httplib::Client client("127.0.0.1",
                         port != 0 ? port : TestServer::Get().tracking_port());
  client.set_follow_location(false);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(10, 0);
  headers.emplace("User-Agent", user_agent);
  return client.Get(path.c_str(), headers);
}

TEST(TrackingLinkTest, RedirectsAndCountsOneClickPerReaderAndDay) {
  ASSERT_GT(TestServer::Get().tracking_port(), 0);
  const std::string org = UniqueId("track");
  const std::string code = absl::StrCat("c", UniqueId("x").substr(2));
  InsertShare(org, "s1", code, "https://example.com/story?id=1",
              "https://social.example/p/1");

  for (int i = 0; i < 2; ++i) {
    httplib::Result result = Follow("/r/" + code);
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, 302);
    EXPECT_EQ(result->get_header_value("Location"),
              "https://example.com/story?id=1");
  }
  EXPECT_EQ(Clicks(org, "s1"), std::make_pair(int64_t{1}, int64_t{1}));

  // Another reader (another user agent from the same address) counts.
  httplib::Result other = Follow("/r/" + code, "another-browser/2.0");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 302);
  EXPECT_EQ(Clicks(org, "s1"), std::make_pair(int64_t{2}, int64_t{2}));
}

// Behind a load balancer every click comes from the balancer's address:
// with --tracking_trust_forwarded_for, readers are told apart by the
// address the balancer appended to X-Forwarded-For (the last entry: the
// ones before it are whatever the client wrote). Without it the header is
// ignored, since anyone can send it.
TEST(TrackingLinkTest, BehindAProxyReadersAreToldApartByForwardedFor) {
  const std::string org = UniqueId("track");
  const std::string code = absl::StrCat("f", UniqueId("x").substr(2));
  InsertShare(org, "s3", code, "https://example.com/story?id=3", "");
  auto from = [](const std::string& forwarded_for) {
    return httplib::Headers{{"X-Forwarded-For", forwarded_for}};
  };

  // Not trusted (the default): one reader, whatever the header says.
  ASSERT_TRUE(Follow("/r/" + code, "agent/1", from("203.0.113.1")));
  ASSERT_TRUE(Follow("/r/" + code, "agent/1", from("203.0.113.2")));
  EXPECT_EQ(Clicks(org, "s3").first, 1);

  TestHost behind_proxy(
      {"staff", "values", "transparency", "advocacy", "engagement"},
      [](HostOptions& options) {
        options.tracking_trust_forwarded_for = true;
      });
  const int port = behind_proxy.host().tracking_port();
  ASSERT_GT(port, 0);
  ASSERT_TRUE(Follow("/r/" + code, "agent/1", from("203.0.113.1"), port));
  ASSERT_TRUE(Follow("/r/" + code, "agent/1", from("203.0.113.2"), port));
  // A client's own header before the proxy's entry changes nothing.
  ASSERT_TRUE(
      Follow("/r/" + code, "agent/1", from("198.51.100.7, 203.0.113.2"), port));
  EXPECT_EQ(Clicks(org, "s3").first, 3);
}

TEST(TrackingLinkTest, FallsBackToTheExternalUrl) {
  const std::string org = UniqueId("track");
  const std::string code = absl::StrCat("e", UniqueId("x").substr(2));
  InsertShare(org, "s2", code, "", "https://social.example/p/2");
  httplib::Result result = Follow("/r/" + code);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 302);
  EXPECT_EQ(result->get_header_value("Location"), "https://social.example/p/2");
  EXPECT_EQ(Clicks(org, "s2").first, 1);
}

TEST(TrackingLinkTest, UnknownOrEmptyLinksAnswerNotFound) {
  const std::string org = UniqueId("track");
  const std::string code = absl::StrCat("n", UniqueId("x").substr(2));
  InsertShare(org, "s3", code, "", "");

  httplib::Result unknown = Follow("/r/no-such-code");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_THAT(unknown->body, HasSubstr("Unknown link"));

  httplib::Result empty = Follow("/r/" + code);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 404);
  EXPECT_EQ(Clicks(org, "s3").first, 0);

  httplib::Result elsewhere = Follow("/elsewhere");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
}

// --- end to end with the real CreateShare ----------------------------------

// A share whose published text lost its disclosure is stored NONCOMPLIANT
// and its author's open stream gets the notification at once (published
// in-process, no poll); its tracking link redirects and counts one click.
TEST(EndToEndTest, NoncompliantShareReachesTheStreamAndItsLinkCounts) {
  TestServer& server = TestServer::Get();
  const TestServer::Organization org = server.CreateOrganization("e2enotif");
  const Person author = MakeStaff(org, "A1", "Engineering", /*advocate=*/true);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const advocacypb::SubmitPostResponse submitted = WriteAndSubmit(
      author,
      "#ad Proud of what our team shipped this week: search is now twice "
      "as fast, and I spent a month testing it myself.");
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_EQ(submitted.post().state(), advocacypb::Post::APPROVED);
  const advocacypb::Post& post = submitted.post();

  Watch watch = OpenWatch(author.token, author.member.name());
  // The decision that approved the post comes first (imported from
  // advocacy's event feed when the stream starts).
  const Notification decided = watch.Next();
  EXPECT_EQ(decided.kind(), Notification::POST_DECISION);
  EXPECT_EQ(decided.subject(), post.name());
  EXPECT_EQ(decided.name(), Name(author.member.name(), 1));
  engagementpb::CreateShareRequest request;
  request.set_parent(post.name());
  request.mutable_share()->set_network(common::v1::LINKEDIN);
  request.mutable_share()->set_published_text(
      "Proud of what our team shipped this week: search is now twice as "
      "fast, and I spent a month testing it myself.");
  request.mutable_share()->set_external_url(
      "https://www.linkedin.com/feed/update/42");
  engagementpb::Share share;
  grpc::Status status = server.EngagementStub()->CreateShare(
      TestServer::Context(author.token).get(), request, &share);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(share.state(), engagementpb::Share::NONCOMPLIANT);

  const auto start = std::chrono::steady_clock::now();
  Notification notified = watch.Next();
  EXPECT_EQ(notified.kind(), Notification::NONCOMPLIANT_SHARE);
  EXPECT_EQ(notified.subject(), share.name());
  EXPECT_EQ(notified.name(), Name(author.member.name(), 2));
  // Published in-process: well before the poll would have found it.
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(1500));
  watch.Cancel();

  ASSERT_FALSE(share.tracking_code().empty());
  EXPECT_TRUE(
      absl::EndsWith(share.tracking_url(), "/r/" + share.tracking_code()));
  for (int i = 0; i < 2; ++i) {
    httplib::Result result = Follow("/r/" + share.tracking_code());
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, 302);
    EXPECT_TRUE(
        absl::StartsWith(result->get_header_value("Location"), "https://"))
        << result->get_header_value("Location");
  }
  const std::string share_id = share.name().substr(share.name().rfind('/') + 1);
  EXPECT_EQ(Clicks(org.id, share_id), std::make_pair(int64_t{1}, int64_t{1}));
}

// A server with open streams shuts down promptly: streams are cancelled,
// not waited for.
TEST(WatchNotificationsTest, ShutdownDoesNotWaitForOpenStreams) {
  Person p = NewPerson();
  HostOptions options;
  options.services = {"engagement"};
  options.server.listen_address = "127.0.0.1:0";
  options.database = TestDatabase::Get().options();
  options.pool_size = 2;
  // Unreachable: importing advocacy events fails fast and is retried on
  // the next read; the inbox is served all the same. Channels connect
  // lazily.
  options.remote_addresses = {{"advocacy", "127.0.0.1:1"},
                              {"transparency", "127.0.0.1:1"},
                              {"staff", "127.0.0.1:1"}};
  std::unique_ptr<TokenVerifier> verifier =
      *TokenVerifier::ForHs256Secret(kTestJwtSecret);
  PageTokenCodec page_tokens("test page token key");
  std::unique_ptr<ServiceTokenSource> service_tokens =
      ServiceTokenSource::MintingWith(kTestJwtSecret, "service:shutdown-test");
  AccessLog access_log(nullptr);
  options.verifier = verifier.get();
  options.access_log = &access_log;
  options.page_tokens = &page_tokens;
  options.service_tokens = service_tokens.get();
  options.tracking_listen = "127.0.0.1:0";
  auto host = ServiceHost::Start(options);
  ASSERT_TRUE(host.ok()) << host.status();
  (*host)->RefreshHealth();

  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*host)->port()),
                          grpc::InsecureChannelCredentials());
  auto stub = engagementpb::EngagementService::NewStub(channel);
  AddNotification(p.member.name(), "before shutdown");
  auto context = TestServer::Context(p.token);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(60));
  engagementpb::WatchNotificationsRequest request;
  request.set_parent(p.member.name());
  auto reader = stub->WatchNotifications(context.get(), request);
  engagementpb::WatchNotificationsResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.notification().message(), "before shutdown");

  const auto start = std::chrono::steady_clock::now();
  (*host)->Shutdown(absl::Seconds(1));
  host->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  while (reader->Read(&response)) {
  }
  EXPECT_FALSE(reader->Finish().ok());
}

// --- notifications imported from advocacy's event feed -----------------------

constexpr char kDisclosedText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself. Ask me anything about it.";
constexpr char kSensitiveText[] =
    "#ad Our new savings plan offers guaranteed returns to every customer, "
    "which I find remarkable after years in this industry.";

std::vector<Notification> ListAll(const Person& p) {
  engagementpb::ListNotificationsRequest request;
  request.set_parent(p.member.name());
  request.set_page_size(100);
  engagementpb::ListNotificationsResponse response;
  const grpc::Status status =
      TestServer::Get().EngagementStub()->ListNotifications(
          TestServer::Context(p.token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.notifications().begin(), response.notifications().end()};
}

std::vector<Notification> OfKind(const std::vector<Notification>& all,
                                 Notification::Kind kind) {
  std::vector<Notification> out;
  for (const Notification& n : all) {
    if (n.kind() == kind) out.push_back(n);
  }
  return out;
}

advocacypb::Story CreateStory(const TestServer::Organization& org,
                              const std::vector<std::string>& departments) {
  return MustCreateStory(org, "Search got faster", departments);
}

// Submitting a post notifies its author of the automatic decision: in the
// inbox, and on a stream already open (within the poll interval: advocacy
// publishes nothing to engagement, the stream's poll imports it).
TEST(AdvocacyNotificationsTest, SubmitNotifiesTheAuthorOnListAndStream) {
  const TestServer::Organization org =
      TestServer::Get().CreateOrganization("decnotif");
  const Person author = MakeStaff(org, "A1", "Engineering", /*advocate=*/true);
  ASSERT_FALSE(::testing::Test::HasFailure());
  Watch watch = OpenWatch(author.token, author.member.name());

  const advocacypb::SubmitPostResponse submitted =
      WriteAndSubmit(author, kDisclosedText);
  ASSERT_EQ(submitted.post().state(), advocacypb::Post::APPROVED);
  const auto start = std::chrono::steady_clock::now();
  const Notification streamed = watch.Next();  // bounded by the deadline
  // By the stream's next poll, with room for a busy machine.
  EXPECT_LT(
      std::chrono::steady_clock::now() - start,
      absl::ToChronoMilliseconds(engagement::Notifications::kPollInterval) +
          std::chrono::milliseconds(1500));
  EXPECT_EQ(streamed.kind(), Notification::POST_DECISION);
  EXPECT_EQ(streamed.subject(), submitted.post().name());
  EXPECT_EQ(streamed.message(), "Your post was approved.");
  watch.Cancel();

  const std::vector<Notification> listed = ListAll(author);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name(), streamed.name());
  EXPECT_EQ(listed[0].kind(), Notification::POST_DECISION);
  // Reading again imports nothing twice.
  EXPECT_EQ(ListAll(author).size(), 1u);
}

// A post sent to review notifies its author twice: the automatic decision
// (needs review), then the reviewer's approval.
TEST(AdvocacyNotificationsTest, ReviewersApprovalNotifiesAgain) {
  const TestServer::Organization org =
      TestServer::Get().CreateOrganization("revnotif");
  const Person author = MakeStaff(org, "A1", "Engineering", /*advocate=*/true);
  const Person reviewer =
      MakeStaff(org, "R1", "Engineering", /*advocate=*/false,
                {staffpb::StaffMember::REVIEWER});
  ASSERT_FALSE(::testing::Test::HasFailure());
  const advocacypb::SubmitPostResponse submitted =
      WriteAndSubmit(author, kSensitiveText);
  ASSERT_EQ(submitted.post().state(), advocacypb::Post::IN_REVIEW);
  std::vector<Notification> listed = ListAll(author);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].message(), "Your post needs a reviewer's look.");

  advocacypb::ApprovePostRequest approve;
  approve.set_name(submitted.post().name());
  advocacypb::Post approved;
  const grpc::Status status = TestServer::Get().AdvocacyStub()->ApprovePost(
      TestServer::Context(reviewer.token).get(), approve, &approved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  listed = ListAll(author);
  ASSERT_EQ(listed.size(), 2u);  // newest first
  EXPECT_EQ(listed[0].kind(), Notification::POST_DECISION);
  EXPECT_EQ(listed[0].subject(), submitted.post().name());
  EXPECT_EQ(listed[0].message(), "Your post was approved.");
  // The reviewer was told nothing.
  EXPECT_THAT(ListAll(reviewer), IsEmpty());
}

// A story for Sales notifies Sales staff, not Engineering staff.
TEST(AdvocacyNotificationsTest, NewStoryNotifiesItsAudience) {
  const TestServer::Organization org =
      TestServer::Get().CreateOrganization("storynotif");
  const Person sales = MakeStaff(org, "S1", "Sales", /*advocate=*/false);
  const Person engineer =
      MakeStaff(org, "E1", "Engineering", /*advocate=*/false);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const advocacypb::Story story = CreateStory(org, {"Sales"});
  ASSERT_FALSE(story.name().empty());

  // The engineer reads first: the import notifies Sales all the same.
  EXPECT_THAT(OfKind(ListAll(engineer), Notification::NEW_STORY), IsEmpty());
  const std::vector<Notification> told =
      OfKind(ListAll(sales), Notification::NEW_STORY);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].subject(), story.name());
}

// A story without an audience is for everyone active.
TEST(AdvocacyNotificationsTest, StoryForEveryoneNotifiesEveryone) {
  const TestServer::Organization org =
      TestServer::Get().CreateOrganization("allnotif");
  const Person sales = MakeStaff(org, "S1", "Sales", /*advocate=*/false);
  const Person engineer =
      MakeStaff(org, "E1", "Engineering", /*advocate=*/false);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const advocacypb::Story story = CreateStory(org, {});
  for (const Person* p : {&sales, &engineer}) {
    const std::vector<Notification> told =
        OfKind(ListAll(*p), Notification::NEW_STORY);
    ASSERT_EQ(told.size(), 1u) << p->member.name();
    EXPECT_EQ(told[0].subject(), story.name());
  }
}

// ListAdvocacyEvents is for services of the organization only.
TEST(AdvocacyNotificationsTest, ListAdvocacyEventsIsForServicesOnly) {
  TestServer& server = TestServer::Get();
  const TestServer::Organization org = server.CreateOrganization("evfeed");
  const TestServer::Organization other = server.CreateOrganization("evother");
  const advocacypb::Story story = CreateStory(org, {"Sales", "Support"});
  advocacypb::ListAdvocacyEventsRequest request;
  request.set_parent(org.name);
  advocacypb::ListAdvocacyEventsResponse response;
  grpc::Status status = server.AdvocacyStub()->ListAdvocacyEvents(
      TestServer::Context(ServiceToken(org, "services/engagement")).get(),
      request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.events_size(), 1);
  EXPECT_EQ(response.events(0).sequence(), 1);
  EXPECT_EQ(response.events(0).kind(), "story.create");
  EXPECT_EQ(response.events(0).subject(), story.name());
  EXPECT_EQ(response.events(0).details(), "Sales\nSupport");

  response.Clear();
  status = server.AdvocacyStub()->ListAdvocacyEvents(
      TestServer::Context(org.admin_token).get(), request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  status = server.AdvocacyStub()->ListAdvocacyEvents(
      TestServer::Context(ServiceToken(other, "services/engagement")).get(),
      request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace candor::testing
