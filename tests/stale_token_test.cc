// Stale tokens (issue 14): a token stays valid until it expires, whatever
// happens to its person. A person who was erased (privacy EraseStaffMember)
// or deactivated must not be able to change anything with the token they
// still hold. Each test makes a person with every staff role (so each
// write's authorization passes), gets the objects ready that each write
// acts on, then erases or deactivates them, calls EVERY staff-authored
// write with the old token and expects each refused with
// PERMISSION_DENIED, and nothing changed.
//
// The writes are the table below, one row per method; a completeness check
// enumerates every method of every candor.*.v1 service from the descriptor
// pool and fails, naming it, for any write (IsMutatingMethod, the same
// classification the rate limiter uses) that has neither a row nor a
// stated reason in NotStaffAuthored.
//
// The services cache a person's state for --staff_state_ttl
// (staff_state_cache.h); this binary runs its server with a TTL of 0, so
// each call asks the staff service and no test waits or times anything.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "candor/privacy/v1/privacy.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/call.h"
#include "tests/support/generic_call.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::util::TimeUtil;

// Every call asks the staff service (no cached state), and no rate limit
// refuses the many writes of one test.
const bool kConfigured = [] {
  TestServer::Configure([](HostOptions& options) {
    options.staff_state_ttl = absl::ZeroDuration();
    options.write_rate = {};
    options.share_rate = {};
    options.event_rate = {};
  });
  return true;
}();

int NextNumber() {
  static int counter = 0;
  return ++counter;
}

std::string GoodText(const std::string& who) {
  return absl::StrCat("#ad ", who,
                      " here: I tested our new search for a month "
                      "and it is now twice as fast. Note ",
                      NextNumber(), ".");
}
std::string SensitiveText(const std::string& who) {
  return absl::StrCat("#ad ", who,
                      " thinks our savings plan offers "
                      "guaranteed returns to every customer. Note ",
                      NextNumber(), ".");
}
std::string UndisclosedText(const std::string& who) {
  return absl::StrCat(who,
                      " says search is now twice as fast, I tested it "
                      "for a month. Note ",
                      NextNumber(), ".");
}

// What the rows act on, made while the person was still active.
struct World {
  TestServer::Organization org;
  TestPerson person;     // every staff role; erased or deactivated
  TestPerson colleague;  // an employee who stays
  std::string value;     // endorsed by the person
  std::string story;
  std::string draft;      // the person's DRAFT post
  std::string approved;   // the person's APPROVED post
  std::string rejected;   // the person's REJECTED post
  std::string in_review;  // the colleague's IN_REVIEW post
  std::string share;      // the person's share of `approved`
};

using Build = std::function<void(const World&, Message&)>;

struct Row {
  const MethodDescriptor* method = nullptr;
  std::string label;
  Build build;
};

const MethodDescriptor* MethodFor(const google::protobuf::Descriptor* request) {
  const google::protobuf::FileDescriptor* file = request->file();
  for (int s = 0; s < file->service_count(); ++s) {
    for (int m = 0; m < file->service(s)->method_count(); ++m) {
      const MethodDescriptor* method = file->service(s)->method(m);
      if (method->input_type() == request) return method;
    }
  }
  return nullptr;
}

template <typename Request, typename Fill>
Row MakeRow(Fill fill, const std::string& about = "") {
  Row row;
  row.method = MethodFor(Request::descriptor());
  row.label = row.method == nullptr ? Request::descriptor()->full_name()
                                    : row.method->full_name();
  if (!about.empty()) absl::StrAppend(&row.label, " (", about, ")");
  row.build = [fill](const World& w, Message& m) {
    fill(w, static_cast<Request&>(m));
  };
  return row;
}

// Writes no staff member's token can make, so a stale one cannot either.
const std::set<std::string>& NotStaffAuthored() {
  static const auto* const kMethods = new std::set<std::string>{
      // operators only
      "candor.staff.v1.StaffService.CreateOrganization",
      // services only
      "candor.transparency.v1.TransparencyService.CreateDecision",
  };
  return *kMethods;
}

std::vector<Row> Rows() {
  std::vector<Row> rows;
  // --- candor.staff.v1.StaffService ---
  rows.push_back(MakeRow<staffpb::CreateStaffMemberRequest>(
      [](const World& w, staffpb::CreateStaffMemberRequest& r) {
        const std::string id = absl::StrCat("N", NextNumber());
        r.set_parent(w.org.name);
        r.mutable_staff_member()->set_employee_id(id);
        r.mutable_staff_member()->set_display_name("New Person");
        r.mutable_staff_member()->set_email(id + "@new.example");
      }));
  rows.push_back(MakeRow<staffpb::UpdateStaffMemberRequest>(
      [](const World& w, staffpb::UpdateStaffMemberRequest& r) {
        r.mutable_staff_member()->set_name(w.person.name());
        r.mutable_staff_member()->set_bio("A new bio.");
        r.mutable_update_mask()->add_paths("bio");
      },
      "own bio"));
  rows.push_back(MakeRow<staffpb::UpdateStaffMemberRequest>(
      [](const World& w, staffpb::UpdateStaffMemberRequest& r) {
        r.mutable_staff_member()->set_name(w.person.name());
        auto* account = r.mutable_staff_member()->add_social_accounts();
        account->set_network(common::v1::MASTODON);
        account->set_handle("@someone@example.social");
        r.mutable_update_mask()->add_paths("social_accounts");
      },
      "own social accounts"));
  rows.push_back(MakeRow<staffpb::UpdateStaffMemberRequest>(
      [](const World& w, staffpb::UpdateStaffMemberRequest& r) {
        r.mutable_staff_member()->set_name(w.person.name());
        r.mutable_staff_member()->set_advocacy_consent(false);
        r.mutable_update_mask()->add_paths("advocacy_consent");
      },
      "own consent"));
  rows.push_back(MakeRow<staffpb::UpdateStaffMemberRequest>(
      [](const World& w, staffpb::UpdateStaffMemberRequest& r) {
        r.mutable_staff_member()->set_name(w.colleague.name());
        r.mutable_staff_member()->set_department("Sales");
        r.mutable_update_mask()->add_paths("department");
      },
      "a colleague's department, as admin"));
  rows.push_back(MakeRow<staffpb::DeactivateStaffMemberRequest>(
      [](const World& w, staffpb::DeactivateStaffMemberRequest& r) {
        r.set_name(w.colleague.name());
        r.set_reason("left the company");
      }));
  rows.push_back(MakeRow<staffpb::ImportStaffMembersRequest>(
      [](const World& w, staffpb::ImportStaffMembersRequest& r) {
        const std::string id = absl::StrCat("I", NextNumber());
        r.set_parent(w.org.name);
        auto* row = r.add_rows();
        row->set_employee_id(id);
        row->set_display_name("Imported Person");
        row->set_email(id + "@import.example");
      }));

  // --- candor.values.v1.ValuesService ---
  rows.push_back(MakeRow<valuespb::CreateValueRequest>(
      [](const World& w, valuespb::CreateValueRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_value()->set_title("Another value");
        r.mutable_value()->set_statement("We keep our promises.");
      }));
  rows.push_back(MakeRow<valuespb::UpdateValueRequest>(
      [](const World& w, valuespb::UpdateValueRequest& r) {
        r.mutable_value()->set_name(w.value);
        r.mutable_value()->set_statement("We keep our promises, always.");
        r.mutable_update_mask()->add_paths("statement");
      }));
  rows.push_back(MakeRow<valuespb::RetireValueRequest>(
      [](const World& w, valuespb::RetireValueRequest& r) {
        r.set_name(w.value);
      }));
  rows.push_back(MakeRow<valuespb::EndorseValueRequest>(
      [](const World& w, valuespb::EndorseValueRequest& r) {
        r.set_name(w.value);
      }));
  rows.push_back(MakeRow<valuespb::UnendorseValueRequest>(
      [](const World& w, valuespb::UnendorseValueRequest& r) {
        r.set_name(w.value);
      }));
  rows.push_back(MakeRow<valuespb::CreateValueFeedbackRequest>(
      [](const World& w, valuespb::CreateValueFeedbackRequest& r) {
        r.set_parent(w.value);
        r.mutable_feedback()->set_text("I see this every day in my team.");
      }));

  // --- candor.advocacy.v1.AdvocacyService ---
  rows.push_back(MakeRow<advocacypb::CreateStoryRequest>(
      [](const World& w, advocacypb::CreateStoryRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_story()->set_title("Another story");
        r.mutable_story()->set_summary("What happened, and why it matters.");
      }));
  rows.push_back(MakeRow<advocacypb::UpdateStoryRequest>(
      [](const World& w, advocacypb::UpdateStoryRequest& r) {
        r.mutable_story()->set_name(w.story);
        r.mutable_story()->set_summary("What happened, told again.");
        r.mutable_update_mask()->add_paths("summary");
      }));
  rows.push_back(MakeRow<advocacypb::ArchiveStoryRequest>(
      [](const World& w, advocacypb::ArchiveStoryRequest& r) {
        r.set_name(w.story);
      }));
  rows.push_back(MakeRow<advocacypb::CreatePostRequest>(
      [](const World& w, advocacypb::CreatePostRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_post()->set_network(common::v1::LINKEDIN);
        r.mutable_post()->set_text(GoodText("writer"));
      }));
  rows.push_back(MakeRow<advocacypb::UpdatePostRequest>(
      [](const World& w, advocacypb::UpdatePostRequest& r) {
        r.mutable_post()->set_name(w.draft);
        r.mutable_post()->set_text(GoodText("editor"));
        r.mutable_update_mask()->add_paths("text");
      }));
  rows.push_back(MakeRow<advocacypb::DeletePostRequest>(
      [](const World& w, advocacypb::DeletePostRequest& r) {
        r.set_name(w.draft);
      }));
  rows.push_back(MakeRow<advocacypb::SubmitPostRequest>(
      [](const World& w, advocacypb::SubmitPostRequest& r) {
        r.set_name(w.draft);
      }));
  rows.push_back(MakeRow<advocacypb::WithdrawPostRequest>(
      [](const World& w, advocacypb::WithdrawPostRequest& r) {
        r.set_name(w.approved);
      }));
  rows.push_back(MakeRow<advocacypb::AppealPostRequest>(
      [](const World& w, advocacypb::AppealPostRequest& r) {
        r.set_name(w.rejected);
        r.set_reason("The post says who I work for in its last line.");
      }));
  rows.push_back(MakeRow<advocacypb::ApprovePostRequest>(
      [](const World& w, advocacypb::ApprovePostRequest& r) {
        r.set_name(w.in_review);
        r.set_note("Fine as written.");
      }));
  rows.push_back(MakeRow<advocacypb::RejectPostRequest>(
      [](const World& w, advocacypb::RejectPostRequest& r) {
        r.set_name(w.in_review);
        r.add_cited_rule_ids("sensitive-terms");
        r.set_note("Please drop the promise.");
      }));

  // --- candor.engagement.v1.EngagementService ---
  rows.push_back(MakeRow<engagementpb::CreateShareRequest>(
      [](const World& w, engagementpb::CreateShareRequest& r) {
        r.set_parent(w.approved);
        r.mutable_share()->set_network(common::v1::LINKEDIN);
        r.mutable_share()->set_published_text(GoodText("sharer"));
        r.mutable_share()->set_external_url(
            "https://www.linkedin.com/feed/update/2");
      }));
  rows.push_back(MakeRow<engagementpb::RecordEngagementEventsRequest>(
      [](const World& w, engagementpb::RecordEngagementEventsRequest& r) {
        r.set_parent(w.org.name);
        engagementpb::EngagementEvent* event = r.add_events();
        event->set_event_id(absl::StrCat("stale-event-", NextNumber()));
        event->set_share(w.share);
        event->set_kind(engagementpb::EngagementEvent::CLICK);
        event->set_count(1);
        *event->mutable_occurred_time() =
            TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) - 60);
      }));
  rows.push_back(MakeRow<engagementpb::UpdateLeaderboardParticipationRequest>(
      [](const World& w,
         engagementpb::UpdateLeaderboardParticipationRequest& r) {
        r.set_parent(w.person.name());
        r.set_participate(true);
      }));
  rows.push_back(MakeRow<engagementpb::MarkNotificationsReadRequest>(
      [](const World& w, engagementpb::MarkNotificationsReadRequest& r) {
        r.set_parent(w.person.name());
      }));

  // --- personal data: the colleague's, as the (former) admin ---
  rows.push_back(MakeRow<valuespb::ExportPersonalDataRequest>(
      [](const World& w, valuespb::ExportPersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
      }));
  rows.push_back(MakeRow<valuespb::ErasePersonalDataRequest>(
      [](const World& w, valuespb::ErasePersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
        r.set_request_id(absl::StrCat("stale-erase-", NextNumber()));
      }));
  rows.push_back(MakeRow<advocacypb::ExportPersonalDataRequest>(
      [](const World& w, advocacypb::ExportPersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
      }));
  rows.push_back(MakeRow<advocacypb::ErasePersonalDataRequest>(
      [](const World& w, advocacypb::ErasePersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
        r.set_request_id(absl::StrCat("stale-erase-", NextNumber()));
      }));
  rows.push_back(MakeRow<engagementpb::ExportPersonalDataRequest>(
      [](const World& w, engagementpb::ExportPersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
      }));
  rows.push_back(MakeRow<engagementpb::ErasePersonalDataRequest>(
      [](const World& w, engagementpb::ErasePersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
        r.set_request_id(absl::StrCat("stale-erase-", NextNumber()));
      }));
  rows.push_back(MakeRow<staffpb::ExportPersonalDataRequest>(
      [](const World& w, staffpb::ExportPersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
      }));
  rows.push_back(MakeRow<staffpb::ErasePersonalDataRequest>(
      [](const World& w, staffpb::ErasePersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
        r.set_request_id(absl::StrCat("stale-erase-", NextNumber()));
      }));
  rows.push_back(MakeRow<transparencypb::CreateRulesetRequest>(
      [](const World& w, transparencypb::CreateRulesetRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_ruleset()->set_display_name("Stricter rules");
      }));
  rows.push_back(MakeRow<transparencypb::PublishRulesetRequest>(
      [](const World& w, transparencypb::PublishRulesetRequest& r) {
        r.set_name(absl::StrCat(w.org.name, "/rulesets/draft-", NextNumber()));
      }));
  rows.push_back(MakeRow<transparencypb::ExportPersonalDataRequest>(
      [](const World& w, transparencypb::ExportPersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
      }));
  rows.push_back(MakeRow<transparencypb::ErasePersonalDataRequest>(
      [](const World& w, transparencypb::ErasePersonalDataRequest& r) {
        r.set_staff_member(w.colleague.name());
        r.set_request_id(absl::StrCat("stale-erase-", NextNumber()));
      }));
  rows.push_back(MakeRow<privacypb::ExportStaffDataRequest>(
      [](const World& w, privacypb::ExportStaffDataRequest& r) {
        r.set_staff_member(w.colleague.name());
      }));
  rows.push_back(MakeRow<privacypb::EraseStaffMemberRequest>(
      [](const World& w, privacypb::EraseStaffMemberRequest& r) {
        r.set_staff_member(w.colleague.name());
        r.set_request_id(absl::StrCat("stale-erase-", NextNumber()));
      }));
  return rows;
}

class StaleTokenTest : public OrgTest {
 protected:
  StaleTokenTest() : OrgTest("stale") {}

  // The world, with the person still active.
  World MakeWorld() {
    World w;
    w.org = org_;
    w.person = MakePerson(
        org_, "P1",
        {staffpb::StaffMember::EMPLOYEE, staffpb::StaffMember::REVIEWER,
         staffpb::StaffMember::ADMIN});
    w.colleague = MakePerson(org_, "C1");
    w.value = MustCreateValue(org_, "Candor");
    w.story = MustCreateStory(org_, "Search is faster").name();
    valuespb::EndorseValueRequest endorse;
    endorse.set_name(w.value);
    valuespb::Value endorsed;
    EXPECT_TRUE(values_
                    ->EndorseValue(TestServer::Context(w.person.token).get(),
                                   endorse, &endorsed)
                    .ok());
    const std::string who = "Pat";
    w.draft = MustCreatePost(w.person, org_.name, GoodText(who)).name();
    const advocacypb::SubmitPostResponse approved =
        MustSubmitPost(w.person, org_.name, GoodText(who));
    EXPECT_EQ(approved.post().state(), advocacypb::Post::APPROVED);
    w.approved = approved.post().name();
    const advocacypb::SubmitPostResponse rejected =
        MustSubmitPost(w.person, org_.name, UndisclosedText(who));
    EXPECT_EQ(rejected.post().state(), advocacypb::Post::REJECTED);
    w.rejected = rejected.post().name();
    const advocacypb::SubmitPostResponse in_review =
        MustSubmitPost(w.colleague, org_.name, SensitiveText("Cam"));
    EXPECT_EQ(in_review.post().state(), advocacypb::Post::IN_REVIEW);
    w.in_review = in_review.post().name();
    engagementpb::CreateShareRequest share;
    share.set_parent(w.approved);
    share.mutable_share()->set_network(common::v1::LINKEDIN);
    share.mutable_share()->set_published_text(approved.post().text());
    share.mutable_share()->set_external_url(
        "https://www.linkedin.com/feed/update/1");
    engagementpb::Share shared;
    const grpc::Status status = engagement_->CreateShare(
        TestServer::Context(w.person.token).get(), share, &shared);
    EXPECT_TRUE(status.ok()) << status.error_message();
    w.share = shared.name();
    return w;
  }

  // What every row could change, read by the founding admin: the staff,
  // values, feedback, stories, posts, shares, and the person's inbox and
  // leaderboard standing as the organization sees them. Equal before and
  // after the stale calls means nothing changed.
  std::string Snapshot(const World& w) {
    std::string out;
    const std::string& admin = org_.admin_token;
    auto add = [&](const std::string& what, const grpc::Status& status,
                   const Message& m) {
      EXPECT_TRUE(status.ok()) << what << ": " << status.error_message();
      absl::StrAppend(&out, what, ":\n", m.DebugString(), "\n");
    };
    {
      staffpb::ListStaffMembersRequest r;
      r.set_parent(org_.name);
      r.set_page_size(100);
      staffpb::ListStaffMembersResponse m;
      add("staff",
          staff_->ListStaffMembers(TestServer::Context(admin).get(), r, &m), m);
    }
    {
      valuespb::ListValuesRequest r;
      r.set_parent(org_.name);
      valuespb::ListValuesResponse m;
      add("values",
          values_->ListValues(TestServer::Context(admin).get(), r, &m), m);
    }
    {
      valuespb::ListValueFeedbackRequest r;
      r.set_parent(w.value);
      valuespb::ListValueFeedbackResponse m;
      add("feedback",
          values_->ListValueFeedback(TestServer::Context(admin).get(), r, &m),
          m);
    }
    {
      advocacypb::ListStoriesRequest r;
      r.set_parent(org_.name);
      advocacypb::ListStoriesResponse m;
      add("stories",
          advocacy_->ListStories(TestServer::Context(admin).get(), r, &m), m);
    }
    {
      advocacypb::ListPostsRequest r;
      r.set_parent(org_.name);
      advocacypb::ListPostsResponse m;
      add("posts",
          advocacy_->ListPosts(TestServer::Context(admin).get(), r, &m), m);
    }
    {
      engagementpb::ListSharesRequest r;
      r.set_parent(org_.name);
      engagementpb::ListSharesResponse m;
      add("shares",
          engagement_->ListShares(TestServer::Context(admin).get(), r, &m), m);
    }
    {
      engagementpb::GetEngagementMetricsRequest r;
      r.set_subject(org_.name);
      engagementpb::EngagementMetrics m;
      const grpc::Status status = engagement_->GetEngagementMetrics(
          TestServer::Context(admin).get(), r, &m);
      // The period ends now: not a change.
      m.clear_start_time();
      m.clear_end_time();
      add("metrics", status, m);
    }
    {
      engagementpb::GetLeaderboardRequest r;
      r.set_parent(org_.name);
      engagementpb::Leaderboard m;
      const grpc::Status status =
          engagement_->GetLeaderboard(TestServer::Context(admin).get(), r, &m);
      m.clear_start_time();
      m.clear_end_time();
      add("leaderboard", status, m);
    }
    return out;
  }

  // Every row with the person's old token: each refused with
  // PERMISSION_DENIED, and nothing changed.
  void ExpectEveryWriteRefused(const World& w) {
    const std::string before = Snapshot(w);
    for (const Row& row : Rows()) {
      ASSERT_NE(row.method, nullptr) << row.label;
      std::unique_ptr<Message> request = NewRequest(*row.method);
      row.build(w, *request);
      const GenericCallResult result =
          CallMethod(server_.channel(), *row.method, *request, w.person.token);
      EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << row.label << ": " << result.status.error_message();
      EXPECT_THAT(result.status.error_message(),
                  ::testing::HasSubstr("no longer allow changes"))
          << row.label;
    }
    EXPECT_EQ(Snapshot(w), before);
  }
};

TEST_F(StaleTokenTest, EveryStaffWriteHasARow) {
  std::set<std::string> covered;
  for (const Row& row : Rows()) {
    ASSERT_NE(row.method, nullptr) << row.label;
    covered.insert(row.method->full_name());
  }
  std::vector<std::string> missing_files;
  const std::vector<const MethodDescriptor*> methods =
      MethodsOfPackages("candor.", SourceProtoFiles(), &missing_files);
  EXPECT_THAT(missing_files, ::testing::IsEmpty());
  ASSERT_FALSE(methods.empty());
  std::vector<std::string> without_row;
  for (const MethodDescriptor* method : methods) {
    const std::string path =
        absl::StrCat("/", method->service()->full_name(), "/", method->name());
    if (!IsMutatingMethod(path)) continue;
    const std::string& name = method->full_name();
    if (covered.count(name) > 0 || NotStaffAuthored().count(name) > 0) {
      continue;
    }
    without_row.push_back(name);
  }
  EXPECT_THAT(without_row, ::testing::IsEmpty())
      << "writes with no row in stale_token_test.cc: "
      << absl::StrJoin(without_row, ", ");
}

TEST_F(StaleTokenTest, ErasedPersonsTokenChangesNothing) {
  const World w = MakeWorld();
  auto privacy = privacypb::PrivacyService::NewStub(server_.channel());
  privacypb::EraseStaffMemberRequest erase;
  erase.set_staff_member(w.person.name());
  erase.set_request_id("erase-the-person");
  privacypb::EraseStaffMemberResponse erased;
  const grpc::Status status = privacy->EraseStaffMember(
      TestServer::Context(org_.admin_token).get(), erase, &erased);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectEveryWriteRefused(w);
}

TEST_F(StaleTokenTest, DeactivatedPersonsTokenChangesNothing) {
  const World w = MakeWorld();
  staffpb::DeactivateStaffMemberRequest deactivate;
  deactivate.set_name(w.person.name());
  deactivate.set_reason("left the company");
  staffpb::StaffMember deactivated;
  const grpc::Status status = staff_->DeactivateStaffMember(
      TestServer::Context(org_.admin_token).get(), deactivate, &deactivated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(deactivated.state(), staffpb::StaffMember::INACTIVE);
  ExpectEveryWriteRefused(w);
}

// The same token worked while the person was active: the refusals above
// are about the person's state, not about the token or the requests.
TEST_F(StaleTokenTest, ActivePersonsTokenStillWrites) {
  const World w = MakeWorld();
  advocacypb::CreatePostRequest r;
  r.set_parent(org_.name);
  r.mutable_post()->set_network(common::v1::LINKEDIN);
  r.mutable_post()->set_text(GoodText("writer"));
  advocacypb::Post post;
  const grpc::Status status = advocacy_->CreatePost(
      TestServer::Context(w.person.token).get(), r, &post);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace candor::testing
