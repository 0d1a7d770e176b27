// PrivacyService (ExportStaffData, EraseStaffMember) over real gRPC against
// the real database, with every service behind it: a person with data in
// every service is exported, erased, and exported again. Each test makes its
// own organization.
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "candor/privacy/v1/privacy.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using ::google::protobuf::util::TimeUtil;

// Passes every rule of the default ruleset.
constexpr char kPostText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself.";
constexpr char kShareText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself!";
constexpr char kFeedbackText[] = "Candour means I can disagree in meetings.";
constexpr char kBio[] = "Hiker, baker, search engineer.";
constexpr char kExternalUrl[] = "https://www.linkedin.com/feed/update/4242";

std::string Json(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(message, &json, options)
          .ok());
  return json;
}

class PrivacyTest : public OrgTest {
 protected:
  PrivacyTest()
      : OrgTest("privacy"),
        privacy_(privacypb::PrivacyService::NewStub(server_.channel())) {}

  grpc::Status Export(const std::string& token, const std::string& name,
                      privacypb::StaffDataExport* out, int page_size = 0,
                      const std::string& page_token = "") {
    privacypb::ExportStaffDataRequest request;
    request.set_staff_member(name);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return privacy_->ExportStaffData(TestServer::Context(token).get(), request,
                                     out);
  }

  grpc::Status Erase(const std::string& token, const std::string& name,
                     privacypb::EraseStaffMemberResponse* out,
                     const std::string& request_id = "") {
    privacypb::EraseStaffMemberRequest request;
    request.set_staff_member(name);
    request.set_request_id(request_id);
    return privacy_->EraseStaffMember(TestServer::Context(token).get(), request,
                                      out);
  }

  StaffMember Get(const std::string& name) {
    staffpb::GetStaffMemberRequest request;
    request.set_name(name);
    StaffMember out;
    const grpc::Status status = staff_->GetStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  std::vector<transparencypb::AuditEntry> AuditLog() {
    return ::candor::testing::AuditLog(org_.admin_token, org_.name, 1000);
  }

  transparencypb::VerifyAuditLogResponse Verify() {
    transparencypb::VerifyAuditLogRequest request;
    request.set_parent(org_.name);
    transparencypb::VerifyAuditLogResponse out;
    const grpc::Status status = transparency_->VerifyAuditLog(
        TestServer::Context(org_.admin_token).get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  // Counts that must not change when a person is erased.
  struct Aggregates {
    int64_t endorsements = 0;
    int64_t shares = 0;
    int64_t clicks = 0;
    int64_t decisions = 0;
  };
  Aggregates ReadAggregates(const std::string& value) {
    Aggregates a;
    valuespb::GetValueRequest get_value;
    get_value.set_name(value);
    valuespb::Value v;
    grpc::Status status = values_->GetValue(
        TestServer::Context(org_.admin_token).get(), get_value, &v);
    EXPECT_TRUE(status.ok()) << status.error_message();
    a.endorsements = v.endorsement_count();
    engagementpb::GetEngagementMetricsRequest metrics_request;
    metrics_request.set_subject(org_.name);
    engagementpb::EngagementMetrics metrics;
    status = engagement_->GetEngagementMetrics(
        TestServer::Context(org_.admin_token).get(), metrics_request, &metrics);
    EXPECT_TRUE(status.ok()) << status.error_message();
    a.shares = metrics.shares();
    a.clicks = metrics.clicks();
    transparencypb::GetTransparencyReportRequest report_request;
    report_request.set_parent(org_.name);
    transparencypb::TransparencyReport report;
    status = transparency_->GetTransparencyReport(
        TestServer::Context(org_.admin_token).get(), report_request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    a.decisions = report.decisions_total();
    return a;
  }

  std::unique_ptr<privacypb::PrivacyService::Stub> privacy_;
};

TEST_F(PrivacyTest, ExportThenEraseEverywhereKeepsAggregatesAndTheChain) {
  // The person: an admin (so they act in the audit log) and an advocate.
  const StaffMember created =
      server_.CreateStaff(org_, "P1", {StaffMember::ADMIN});
  const std::string person = created.name();
  const std::string token =
      TestServer::StaffToken(person, {Role::kEmployee, Role::kAdmin});
  const std::string handle = absl::StrCat("p1-handle-", org_.id);
  {
    staffpb::UpdateStaffMemberRequest request;
    StaffMember* change = request.mutable_staff_member();
    change->set_name(person);
    change->set_advocacy_consent(true);
    change->set_bio(kBio);
    auto* account = change->add_social_accounts();
    account->set_network(common::v1::LINKEDIN);
    account->set_handle(handle);
    for (const char* path : {"advocacy_consent", "bio", "social_accounts"}) {
      request.mutable_update_mask()->add_paths(path);
    }
    StaffMember updated;
    const grpc::Status status = staff_->UpdateStaffMember(
        TestServer::Context(token).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // As admin they make a colleague a reviewer: an audit entry with them as
  // the actor.
  const StaffMember colleague = server_.CreateStaff(org_, "C1");
  {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(colleague.name());
    request.mutable_staff_member()->add_roles(StaffMember::REVIEWER);
    request.mutable_update_mask()->add_paths("roles");
    StaffMember updated;
    const grpc::Status status = staff_->UpdateStaffMember(
        TestServer::Context(token).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // A value they endorse and give signed feedback on.
  const std::string value = MustCreateValue(org_, "Candour");
  ASSERT_FALSE(HasFailure());
  {
    valuespb::EndorseValueRequest endorse;
    endorse.set_name(value);
    valuespb::Value endorsed;
    ASSERT_TRUE(
        values_
            ->EndorseValue(TestServer::Context(token).get(), endorse, &endorsed)
            .ok());
    valuespb::CreateValueFeedbackRequest feedback;
    feedback.set_parent(value);
    feedback.mutable_feedback()->set_text(kFeedbackText);
    valuespb::ValueFeedback stored;
    const grpc::Status fed = values_->CreateValueFeedback(
        TestServer::Context(token).get(), feedback, &stored);
    ASSERT_TRUE(fed.ok()) << fed.error_message();
  }
  // A post with an automatic decision, a share of it, and engagement.
  const TestPerson author{created, token};
  const Post post = MustCreatePost(author, org_.name, kPostText);
  ASSERT_FALSE(HasFailure());
  {
    advocacypb::SubmitPostResponse submitted;
    const grpc::Status status = SubmitPost(token, post.name(), &submitted);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(submitted.post().state(), Post::APPROVED);
  }
  Share share;
  {
    engagementpb::CreateShareRequest request;
    request.set_parent(post.name());
    request.mutable_share()->set_network(common::v1::LINKEDIN);
    request.mutable_share()->set_published_text(kShareText);
    request.mutable_share()->set_external_url(kExternalUrl);
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
    event->set_count(7);
    *event->mutable_occurred_time() =
        TimeUtil::MicrosecondsToTimestamp(NowMicros() - 60'000'000);
    writer->Write(events);
    writer->WritesDone();
    const grpc::Status finished = writer->Finish();
    ASSERT_TRUE(finished.ok()) << finished.error_message();
  }
  // Their inbox (reading it brings in the decision's notification).
  {
    engagementpb::ListNotificationsRequest request;
    request.set_parent(person);
    engagementpb::ListNotificationsResponse page;
    ASSERT_TRUE(engagement_
                    ->ListNotifications(TestServer::Context(token).get(),
                                        request, &page)
                    .ok());
  }
  const Aggregates before = ReadAggregates(value);
  EXPECT_EQ(before.endorsements, 1);
  EXPECT_EQ(before.shares, 1);
  EXPECT_EQ(before.clicks, 7);
  EXPECT_GE(before.decisions, 1);

  // --- export: every piece is there --------------------------------------
  privacypb::StaffDataExport exported;
  grpc::Status status = Export(org_.admin_token, person, &exported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(exported.staff_member(), person);
  EXPECT_EQ(exported.staff().staff_member().email(), created.email());
  EXPECT_EQ(exported.staff().staff_member().bio(), kBio);
  ASSERT_EQ(exported.staff().staff_member().social_accounts_size(), 1);
  ASSERT_EQ(exported.values().endorsements_size(), 1);
  EXPECT_EQ(exported.values().endorsements(0).value(), value);
  ASSERT_EQ(exported.values().feedback_size(), 1);
  EXPECT_EQ(exported.values().feedback(0).text(), kFeedbackText);
  ASSERT_EQ(exported.advocacy().posts_size(), 1);
  EXPECT_EQ(exported.advocacy().posts(0).text(), kPostText);
  EXPECT_GE(exported.advocacy().revisions_size(), 1);
  EXPECT_GE(exported.transparency().decisions_size(), 1);
  ASSERT_EQ(exported.engagement().shares_size(), 1);
  EXPECT_EQ(exported.engagement().shares(0).published_text(), kShareText);
  EXPECT_EQ(exported.engagement().shares(0).external_url(), kExternalUrl);
  EXPECT_GE(exported.engagement().notifications_size(), 1);
  bool acted = false;
  for (const auto& entry : exported.transparency().audit_entries()) {
    EXPECT_EQ(entry.actor(), person);
    acted = acted || entry.action() == "roles.change";
  }
  EXPECT_TRUE(acted) << "the roles change they made is in their export";
  bool export_recorded = false;
  for (const auto& event : exported.staff().events()) {
    export_recorded = export_recorded || event.kind() == "staff.export";
  }
  EXPECT_TRUE(export_recorded);
  const std::string json = Json(exported);
  for (const std::string& piece :
       {created.email(), handle, std::string(kBio), std::string(kFeedbackText),
        std::string(kPostText), std::string(kShareText),
        std::string(kExternalUrl)}) {
    EXPECT_THAT(json, HasSubstr(piece));
  }
  EXPECT_THAT(json, HasSubstr("\"staff\""));
  EXPECT_THAT(json, HasSubstr("\"engagement\""));

  // --- erase ---------------------------------------------------------------
  privacypb::EraseStaffMemberResponse erased;
  status = Erase(org_.admin_token, person, &erased, "erase-1");
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string pseudonym = erased.pseudonym();
  EXPECT_THAT(pseudonym, StartsWith("erased-"));
  EXPECT_GT(erased.records_changed().at("staff"), 0);

  const StaffMember after = Get(person);
  EXPECT_EQ(after.state(), StaffMember::ERASED);
  EXPECT_EQ(after.display_name(), pseudonym);
  EXPECT_THAT(after.email(), Not(HasSubstr(created.email())));
  EXPECT_EQ(after.bio(), "");
  EXPECT_EQ(after.social_accounts_size(), 0);
  EXPECT_EQ(after.roles_size(), 0);
  EXPECT_EQ(after.department(), "");
  {
    staffpb::ListStaffMembersRequest request;
    request.set_parent(org_.name);
    staffpb::ListStaffMembersResponse page;
    ASSERT_TRUE(
        staff_
            ->ListStaffMembers(TestServer::Context(org_.admin_token).get(),
                               request, &page)
            .ok());
    bool listed = false;
    for (const StaffMember& m : page.staff_members()) {
      if (m.name() == person) {
        listed = true;
        EXPECT_EQ(m.display_name(), pseudonym);
      }
    }
    EXPECT_TRUE(listed);
  }

  // Aggregates are unchanged.
  const Aggregates kept = ReadAggregates(value);
  EXPECT_EQ(kept.endorsements, before.endorsements);
  EXPECT_EQ(kept.shares, before.shares);
  EXPECT_EQ(kept.clicks, before.clicks);
  EXPECT_EQ(kept.decisions, before.decisions);

  // The chain still verifies, and the log shows the export and the
  // erasure; entries they acted in name the pseudonym the log's own
  // "audit.erase" entry declares (docs/AUDIT.md, "Erasure").
  const transparencypb::VerifyAuditLogResponse verified = Verify();
  EXPECT_TRUE(verified.ok()) << "first bad " << verified.first_bad_sequence()
                             << ": " << verified.problem();
  bool logged_export = false, logged_erase = false, pseudonymous = false;
  std::string audit_pseudonym;
  for (const auto& entry : AuditLog()) {
    if (entry.action() == "audit.erase" && entry.subject() == person) {
      audit_pseudonym = entry.details().substr(entry.details().rfind(' ') + 1);
    }
  }
  EXPECT_THAT(audit_pseudonym, StartsWith("erased-"));
  for (const auto& entry : AuditLog()) {
    EXPECT_NE(entry.actor(), person);
    if (entry.subject() == person && entry.action() == "staff.export") {
      logged_export = true;
    }
    if (entry.subject() == person && entry.action() == "staff.erase") {
      logged_erase = true;
      EXPECT_EQ(entry.actor(), org_.admin_name);
    }
    if (entry.actor() == audit_pseudonym && entry.action() == "roles.change") {
      pseudonymous = true;
    }
  }
  EXPECT_TRUE(logged_export);
  EXPECT_TRUE(logged_erase);
  EXPECT_TRUE(pseudonymous);

  // Exported again: only the pseudonym and what was kept.
  privacypb::StaffDataExport again;
  status = Export(org_.admin_token, person, &again);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(again.staff().staff_member().display_name(), pseudonym);
  EXPECT_EQ(again.values().endorsements_size(), 0);
  EXPECT_EQ(again.values().feedback_size(), 0);
  ASSERT_EQ(again.advocacy().posts_size(), 1);
  EXPECT_EQ(again.advocacy().posts(0).state(), Post::WITHDRAWN);
  for (const auto& decision : again.transparency().decisions()) {
    for (const auto& result : decision.results()) {
      EXPECT_TRUE(result.evidence().empty()) << result.rule_id();
    }
  }
  EXPECT_EQ(again.transparency().audit_entries_size(), 0);
  ASSERT_EQ(again.engagement().shares_size(), 1);
  EXPECT_EQ(again.engagement().shares(0).external_url(), "");
  EXPECT_EQ(again.engagement().notifications_size(), 0);
  const std::string json_again = Json(again);
  for (const std::string& piece :
       {created.email(), handle, std::string(kBio), std::string(kFeedbackText),
        std::string(kPostText), std::string(kShareText),
        std::string(kExternalUrl), created.display_name(),
        created.employee_id()}) {
    EXPECT_THAT(json_again, Not(HasSubstr(piece)));
  }
  EXPECT_THAT(json_again, HasSubstr(pseudonym));

  // The value's feedback still counts, authorless and without its words.
  {
    valuespb::ListValueFeedbackRequest request;
    request.set_parent(value);
    valuespb::ListValueFeedbackResponse page;
    ASSERT_TRUE(
        values_
            ->ListValueFeedback(TestServer::Context(org_.admin_token).get(),
                                request, &page)
            .ok());
    ASSERT_EQ(page.feedback_size(), 1);
    EXPECT_EQ(page.feedback(0).author(), "");
    EXPECT_NE(page.feedback(0).text(), kFeedbackText);
  }

  // A second erasure (another request) finds nothing left and succeeds.
  privacypb::EraseStaffMemberResponse second;
  status = Erase(org_.admin_token, person, &second, "erase-2");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(second.pseudonym(), pseudonym);
  for (const auto& [service, changed] : second.records_changed()) {
    EXPECT_EQ(changed, 0) << service;
  }
  EXPECT_TRUE(Verify().ok());

  // An erased person cannot be changed back or deactivated.
  {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(person);
    request.mutable_staff_member()->set_display_name("Back again");
    request.mutable_update_mask()->add_paths("display_name");
    StaffMember out;
    EXPECT_EQ(
        staff_
            ->UpdateStaffMember(TestServer::Context(org_.admin_token).get(),
                                request, &out)
            .error_code(),
        StatusCode::FAILED_PRECONDITION);
  }
}

// An erasure that stopped after its first step (the staff profile) is
// finished by erasing again: every step is idempotent, and the audit log
// records the erasure once.
// Rows on an export page: the items of its sections' repeated fields.
int RowsOn(const privacypb::StaffDataExport& page) {
  int rows = 0;
  for (const google::protobuf::Message* section :
       std::initializer_list<const google::protobuf::Message*>{
           &page.staff(), &page.values(), &page.advocacy(), &page.engagement(),
           &page.transparency()}) {
    const google::protobuf::Reflection& reflection = *section->GetReflection();
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    reflection.ListFields(*section, &fields);
    for (const google::protobuf::FieldDescriptor* field : fields) {
      if (field->is_repeated()) rows += reflection.FieldSize(*section, field);
    }
  }
  return rows;
}

TEST_F(PrivacyTest, PagedExportIsCompleteWithoutDuplicates) {
  // An admin with rows in every section of every service: role changes
  // they made (staff events, audit entries), endorsements and signed
  // feedback, posts with decisions and revisions, shares, notifications.
  TestPerson person = MakePerson(org_, "PG1", {StaffMember::ADMIN});
  ASSERT_FALSE(HasFailure());
  constexpr int kEach = 3;
  for (int i = 0; i < kEach; ++i) {
    const StaffMember colleague =
        server_.CreateStaff(org_, absl::StrCat("PGC", i));
    staffpb::UpdateStaffMemberRequest roles;
    roles.mutable_staff_member()->set_name(colleague.name());
    roles.mutable_staff_member()->add_roles(StaffMember::REVIEWER);
    roles.mutable_update_mask()->add_paths("roles");
    StaffMember updated;
    grpc::Status status = staff_->UpdateStaffMember(
        TestServer::Context(person.token).get(), roles, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();

    const std::string value = MustCreateValue(org_, absl::StrCat("Value ", i));
    ASSERT_FALSE(HasFailure());
    valuespb::EndorseValueRequest endorse;
    endorse.set_name(value);
    valuespb::Value endorsed;
    status = values_->EndorseValue(TestServer::Context(person.token).get(),
                                   endorse, &endorsed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    valuespb::CreateValueFeedbackRequest feedback;
    feedback.set_parent(value);
    feedback.mutable_feedback()->set_text(absl::StrCat(kFeedbackText, " ", i));
    valuespb::ValueFeedback stored;
    status = values_->CreateValueFeedback(
        TestServer::Context(person.token).get(), feedback, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();

    const std::string text =
        absl::StrCat("#ad Week ", i, " at work: ", kPostText + 4);
    const advocacypb::SubmitPostResponse submitted =
        MustSubmitPost(person, org_.name, text);
    ASSERT_FALSE(HasFailure());
    if (submitted.post().state() != Post::APPROVED) continue;
    engagementpb::CreateShareRequest share;
    share.set_parent(submitted.post().name());
    share.mutable_share()->set_network(common::v1::LINKEDIN);
    share.mutable_share()->set_published_text(text);
    share.mutable_share()->set_external_url(absl::StrCat(kExternalUrl, i));
    Share made;
    status = engagement_->CreateShare(TestServer::Context(person.token).get(),
                                      share, &made);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  {
    engagementpb::ListNotificationsRequest request;
    request.set_parent(person.name());
    engagementpb::ListNotificationsResponse page;
    ASSERT_TRUE(engagement_
                    ->ListNotifications(TestServer::Context(person.token).get(),
                                        request, &page)
                    .ok());
  }

  // Two rows a page, merged as candorctl merges them.
  privacypb::StaffDataExport paged;
  std::string token;
  int pages = 0;
  do {
    privacypb::StaffDataExport page;
    const grpc::Status status =
        Export(org_.admin_token, person.name(), &page, 2, token);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(RowsOn(page), 2);
    EXPECT_EQ(page.staff_member(), person.name());
    for (const std::string& inner :
         {page.staff().next_page_token(), page.values().next_page_token(),
          page.advocacy().next_page_token(),
          page.engagement().next_page_token(),
          page.transparency().next_page_token()}) {
      EXPECT_EQ(inner, "") << "the export's own token carries the sections'";
    }
    token = page.next_page_token();
    page.clear_next_page_token();
    page.clear_export_time();
    paged.MergeFrom(page);
    ASSERT_LT(++pages, 100);
  } while (!token.empty());

  // The same export in one page (made after: one more staff.export event).
  privacypb::StaffDataExport whole;
  const grpc::Status status =
      Export(org_.admin_token, person.name(), &whole, 1000);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(whole.next_page_token(), "");
  const int rows = RowsOn(whole);
  EXPECT_GE(rows, 6 * kEach) << Json(whole);
  EXPECT_GE(pages, rows / 2) << "two rows a page at most";
  ASSERT_EQ(whole.staff().events_size(), paged.staff().events_size() + 1);
  EXPECT_EQ(whole.staff().events().rbegin()->kind(), "staff.export");
  whole.mutable_staff()->mutable_events()->RemoveLast();
  whole.clear_export_time();
  // Every row once, in the one-page order: nothing lost, nothing repeated.
  google::protobuf::util::MessageDifferencer differencer;
  std::string difference;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(whole, paged)) << difference;
  EXPECT_EQ(paged.values().endorsements_size(), kEach);
  EXPECT_EQ(paged.values().feedback_size(), kEach);
  EXPECT_EQ(paged.advocacy().posts_size(), kEach);
  EXPECT_GE(paged.transparency().decisions_size(), kEach);
  EXPECT_GE(paged.transparency().audit_entries_size(), kEach);
  EXPECT_GE(paged.engagement().notifications_size(), 1);
  EXPECT_GE(paged.engagement().shares_size(), 1);
}

TEST_F(PrivacyTest, ExportPagesRefuseBadSizesAndForeignTokens) {
  const StaffMember first = server_.CreateStaff(org_, "PT1");
  const StaffMember second = server_.CreateStaff(org_, "PT2");
  privacypb::StaffDataExport page;
  for (int bad : {-1, 1001}) {
    const grpc::Status status =
        Export(org_.admin_token, first.name(), &page, bad);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("page_size"));
  }
  // One staff event (its creation) and the export's own: two pages of one.
  ASSERT_TRUE(Export(org_.admin_token, first.name(), &page, 1).ok());
  const std::string token = page.next_page_token();
  ASSERT_NE(token, "");
  // Another person's export, or an edited token, is refused.
  grpc::Status status =
      Export(org_.admin_token, second.name(), &page, 1, token);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  std::string edited = token;
  edited[edited.size() / 2] = edited[edited.size() / 2] == 'A' ? 'B' : 'A';
  status = Export(org_.admin_token, first.name(), &page, 1, edited);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  EXPECT_TRUE(Export(org_.admin_token, first.name(), &page, 1, token).ok());
}

TEST_F(PrivacyTest, InterruptedErasureIsFinishedByARetry) {
  const StaffMember created = server_.CreateStaff(org_, "R1");
  const std::string person = created.name();
  const std::string token = TestServer::StaffToken(person, {Role::kEmployee});
  {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(person);
    request.mutable_staff_member()->set_advocacy_consent(true);
    request.mutable_update_mask()->add_paths("advocacy_consent");
    StaffMember updated;
    ASSERT_TRUE(staff_
                    ->UpdateStaffMember(TestServer::Context(token).get(),
                                        request, &updated)
                    .ok());
  }
  MustCreatePost(TestPerson{created, token}, org_.name, kPostText);
  ASSERT_FALSE(HasFailure());
  // The first step alone, as if the privacy service had stopped after it.
  {
    staffpb::ErasePersonalDataRequest request;
    request.set_staff_member(person);
    staffpb::ErasePersonalDataResponse out;
    const grpc::Status status = staff_->ErasePersonalData(
        TestServer::Context(org_.admin_token).get(), request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(Get(person).state(), StaffMember::ERASED);
  privacypb::StaffDataExport halfway;
  ASSERT_TRUE(Export(org_.admin_token, person, &halfway).ok());
  ASSERT_EQ(halfway.advocacy().posts_size(), 1);
  EXPECT_EQ(halfway.advocacy().posts(0).text(), kPostText);

  privacypb::EraseStaffMemberResponse erased;
  const grpc::Status status = Erase(org_.admin_token, person, &erased);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(erased.records_changed().at("staff"), 0);
  EXPECT_GT(erased.records_changed().at("advocacy"), 0);
  privacypb::StaffDataExport done;
  ASSERT_TRUE(Export(org_.admin_token, person, &done).ok());
  ASSERT_EQ(done.advocacy().posts_size(), 1);
  EXPECT_NE(done.advocacy().posts(0).text(), kPostText);
  EXPECT_EQ(done.advocacy().posts(0).state(), Post::WITHDRAWN);
  EXPECT_TRUE(Verify().ok());
  int erasures = 0;
  for (const auto& entry : AuditLog()) {
    if (entry.subject() == person && entry.action() == "staff.erase") {
      ++erasures;
    }
  }
  EXPECT_EQ(erasures, 1);
}

TEST_F(PrivacyTest, OnlyAdminsOfTheOrganizationAndOperatorsMayCall) {
  const TableCallers callers = MakeTableCallers(org_);
  const StaffMember target = server_.CreateStaff(org_, "T1");
  struct Row {
    CallerKind caller;
    StatusCode expected;
  };
  const Row rows[] = {
      {CallerKind::kNoToken, StatusCode::UNAUTHENTICATED},
      {CallerKind::kOtherOrgAdmin, StatusCode::NOT_FOUND},
      {CallerKind::kEmployee, StatusCode::PERMISSION_DENIED},
      {CallerKind::kReviewer, StatusCode::PERMISSION_DENIED},
      {CallerKind::kService, StatusCode::PERMISSION_DENIED},
      {CallerKind::kAdmin, StatusCode::OK},
      {CallerKind::kOperator, StatusCode::OK},
  };
  for (const Row& row : rows) {
    privacypb::StaffDataExport exported;
    EXPECT_EQ(Export(callers.TokenFor(row.caller), target.name(), &exported)
                  .error_code(),
              row.expected)
        << "export by " << CallerName(row.caller);
  }
  // The employee on themself is no admin either.
  privacypb::StaffDataExport own;
  EXPECT_EQ(Export(callers.TokenFor(CallerKind::kEmployeeSelf),
                   callers.employee.name(), &own)
                .error_code(),
            StatusCode::PERMISSION_DENIED);

  // Refused erasures change nothing.
  for (const Row& row : rows) {
    if (row.expected == StatusCode::OK) continue;
    privacypb::EraseStaffMemberResponse erased;
    EXPECT_EQ(Erase(callers.TokenFor(row.caller), target.name(), &erased)
                  .error_code(),
              row.expected)
        << "erase by " << CallerName(row.caller);
  }
  EXPECT_EQ(Get(target.name()).display_name(), target.display_name());
  EXPECT_EQ(Get(target.name()).state(), StaffMember::ACTIVE);

  // An operator may erase.
  privacypb::EraseStaffMemberResponse erased;
  const grpc::Status status =
      Erase(callers.TokenFor(CallerKind::kOperator), target.name(), &erased);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Get(target.name()).state(), StaffMember::ERASED);
}

TEST_F(PrivacyTest, BadNamesMissingPeopleAndTheLastAdminAreRefused) {
  privacypb::StaffDataExport exported;
  EXPECT_EQ(Export(org_.admin_token, "people/1", &exported).error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      Export(org_.admin_token, org_.name + "/staffMembers/nobody", &exported)
          .error_code(),
      StatusCode::NOT_FOUND);
  privacypb::EraseStaffMemberResponse erased;
  EXPECT_EQ(Erase(org_.admin_token, org_.name + "/staffMembers/nobody", &erased)
                .error_code(),
            StatusCode::NOT_FOUND);
  grpc::Status status =
      Erase(org_.admin_token, org_.admin_name, &erased, std::string(65, 'x'));
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("request_id"));

  // The founding admin is the only admin: erasing them is refused before
  // anything changes.
  const StaffMember admin = Get(org_.admin_name);
  status = Erase(org_.admin_token, org_.admin_name, &erased);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  const StaffMember still = Get(org_.admin_name);
  EXPECT_EQ(still.display_name(), admin.display_name());
  EXPECT_EQ(still.state(), StaffMember::ACTIVE);
}

}  // namespace
}  // namespace candor::testing
