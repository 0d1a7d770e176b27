// Authorization of every method of every Candor service, as one table:
// each method is called by every kind of caller
// with a VALID request (so a refusal proves authorization, not validation),
// against fresh objects where the call changes something, and must answer
// exactly the code the contract promises (docs/API.md "Auth",
// services/common/authz.h):
//
//   missing or invalid token (none, expired, bad signature, HS512 instead of
//   HS256, alg "none", and HS256 keyed with the RSA public key of a server
//   that trusts RS256)                           -> UNAUTHENTICATED
//   a resource of another organization           -> NOT_FOUND (never a hint)
//   a valid caller of the organization without
//   the role, or not the object's owner          -> PERMISSION_DENIED, or
//                                                   NOT_FOUND where the
//                                                   object is hidden from them
//   an allowed caller                            -> OK, or
//                                                   FAILED_PRECONDITION in
//                                                   the rows about an object
//                                                   in the wrong state (a
//                                                   draft): authorization
//                                                   comes first
//
// Then: a completeness check (every method of every candor.*.v1 service in
// the descriptor pool has a row), no mass assignment through update_mask on
// any Update* method, and no difference between another organization's
// existing resource and a missing one.
//
// Real servers, real gRPC, real MariaDB (tests/support). A row is one call
// to Row<Request>(expected codes, request builder): the method is found from
// the request type (AIP: `<Method>Request`).
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "candor/privacy/v1/privacy.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "tests/support/generic_call.h"
#include "tests/support/rs256_server.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"

namespace candor::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::util::TimeUtil;
using grpc::StatusCode;
using Who = CallerKind;

// The matrix makes hundreds of writes as a handful of callers within
// seconds; per-caller rate limits (tested in limits_integration_test) would
// refuse some, and a refusal here would read as an authorization mismatch.
const bool kWithoutRateLimits = [] {
  TestServer::Configure([](HostOptions& options) {
    options.write_rate = {};
    options.share_rate = {};
    options.event_rate = {};
  });
  return true;
}();

// --- the world every row acts in
// ----------------------------------------------

int NextNumber() {
  static std::atomic<int> counter{0};
  return ++counter;
}

std::string Unique(const std::string& prefix) {
  return absl::StrCat(prefix, NextNumber());
}

// A person who writes posts: consented to advocacy, a linked account.
using Person = TestPerson;

// Text every rule of the default ruleset passes; `who` and a counter keep
// any two posts apart (no-coordination looks at similar texts).
std::string GoodText(const std::string& who) {
  return absl::StrCat("#ad ", who,
                      " here: I tested our new search for a month "
                      "and it is now twice as fast. Note ",
                      NextNumber(), ".");
}
// A REVIEW rule (sensitive terms) fails: the post goes IN_REVIEW.
std::string SensitiveText(const std::string& who) {
  return absl::StrCat("#ad ", who,
                      " thinks our savings plan offers "
                      "guaranteed returns to every customer. Note ",
                      NextNumber(), ".");
}
// The BLOCK rule (disclosure) fails: the post is REJECTED.
std::string UndisclosedText(const std::string& who) {
  return absl::StrCat(who,
                      " says search is now twice as fast, I tested it "
                      "for a month. Note ",
                      NextNumber(), ".");
}

class World {
 public:
  World() : server_(TestServer::Get()) {
    org = server_.CreateOrganization("matrix");
    CallerOptions options;
    options.other_prefix = "matrix-other";
    callers = MakeTableCallers(org, options);
    employee.member = callers.employee;
    employee.token = callers.TokenFor(Who::kEmployee);
    MakeAdvocate(employee, "alice");
    colleague.member = server_.CreateStaff(org, "C1");
    colleague.token = EmployeeToken(colleague.member);
    MakeAdvocate(colleague, "bob");

    value = NewValue();
    story = NewStory();
    for (Person* p : {&employee, &colleague}) {
      Objects& o = objects_[p->name()];
      o.draft = NewPost(*p, advocacypb::Post::DRAFT).name();
      advocacypb::SubmitPostResponse submitted;
      o.approved = NewPost(*p, advocacypb::Post::APPROVED, &submitted).name();
      o.decision = submitted.decision().name();
      o.share = NewShare(*p, o.approved);
    }
  }

  TestServer::Organization org;
  TableCallers callers;
  Person employee;   // kEmployee and kEmployeeSelf
  Person colleague;  // owns the objects of "someone else"
  std::string value;
  std::string story;

  // The person whose object a caller acts on: the employee's own for
  // kEmployeeSelf, a colleague's for everyone else.
  const Person& Owner(Who who) const {
    return who == Who::kEmployeeSelf ? employee : colleague;
  }
  const std::string& DraftOf(Who who) { return Of(who).draft; }
  const std::string& ApprovedOf(Who who) { return Of(who).approved; }
  const std::string& DecisionOf(Who who) { return Of(who).decision; }
  const engagementpb::Share& ShareOf(Who who) { return Of(who).share; }

  // --- fresh objects (the admin or the owner creates them) ---

  std::string NewValue() { return MustCreateValue(org, Unique("Candor ")); }

  std::string NewStory() {
    return MustCreateStory(org, Unique("Search is faster ")).name();
  }

  // A post of `author` in `state` (DRAFT, or submitted to reach APPROVED,
  // IN_REVIEW or REJECTED).
  advocacypb::Post NewPost(
      const Person& author, advocacypb::Post::State state,
      advocacypb::SubmitPostResponse* submitted = nullptr) {
    const std::string who = author.member.display_name();
    advocacypb::Post post;
    Expect(CreatePost(
               author.token, org.name,
               ::candor::testing::NewPost(
                   state == advocacypb::Post::IN_REVIEW  ? SensitiveText(who)
                   : state == advocacypb::Post::REJECTED ? UndisclosedText(who)
                                                         : GoodText(who)),
               &post),
           "CreatePost");
    if (state == advocacypb::Post::DRAFT) return post;
    advocacypb::SubmitPostResponse response;
    Expect(SubmitPost(author.token, post.name(), &response), "SubmitPost");
    EXPECT_EQ(response.post().state(), state) << response.DebugString();
    if (submitted != nullptr) *submitted = response;
    return response.post();
  }

  engagementpb::Share NewShare(const Person& author, const std::string& post) {
    engagementpb::CreateShareRequest request;
    request.set_parent(post);
    request.mutable_share()->set_network(common::v1::LINKEDIN);
    request.mutable_share()->set_published_text(GoodText("share"));
    request.mutable_share()->set_external_url(
        "https://www.linkedin.com/feed/update/1");
    engagementpb::Share out;
    Expect(server_.EngagementStub()->CreateShare(Ctx(author.token).get(),
                                                 request, &out),
           "CreateShare");
    return out;
  }

  // A DRAFT ruleset with the published rules (publishing it changes no
  // answer of the other rows).
  std::string NewRuleset() {
    auto stub = transparencypb::TransparencyService::NewStub(server_.channel());
    transparencypb::GetPublishedRulesetRequest get;
    get.set_parent(org.name);
    transparencypb::Ruleset published;
    Expect(
        stub->GetPublishedRuleset(Ctx(org.admin_token).get(), get, &published),
        "GetPublishedRuleset");
    transparencypb::CreateRulesetRequest create;
    create.set_parent(org.name);
    create.mutable_ruleset()->set_display_name(Unique("Rules "));
    *create.mutable_ruleset()->mutable_rules() = published.rules();
    transparencypb::Ruleset out;
    Expect(stub->CreateRuleset(Ctx(org.admin_token).get(), create, &out),
           "CreateRuleset");
    return out.name();
  }

  staffpb::StaffMember NewStaff() {
    return server_.CreateStaff(org, Unique("T"));
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return TestServer::Context(token);
  }

 private:
  struct Objects {
    std::string draft;
    std::string approved;
    std::string decision;
    engagementpb::Share share;
  };
  Objects& Of(Who who) { return objects_[Owner(who).name()]; }

  static void Expect(const grpc::Status& status, const char* what) {
    EXPECT_TRUE(status.ok()) << what << ": " << status.error_message();
  }

  void MakeAdvocate(Person& person, const std::string& handle) {
    Expect(BecomeAdvocate(person.token, person.name(),
                          absl::StrCat(handle, "-", org.id), &person.member),
           "UpdateStaffMember (consent)");
  }

  TestServer& server_;
  std::map<std::string, Objects> objects_;
};

// --- the table
// -----------------------------------------------------------------

constexpr StatusCode OK = StatusCode::OK;
constexpr StatusCode NF = StatusCode::NOT_FOUND;
constexpr StatusCode PD = StatusCode::PERMISSION_DENIED;
constexpr StatusCode FP = StatusCode::FAILED_PRECONDITION;
// "No such case": the method has no object of the employee's own.
constexpr StatusCode NA = static_cast<StatusCode>(-1);

// The expected code for each valid caller, in this order.
struct Expected {
  StatusCode other_org, employee, self, reviewer, admin, op, service;

  StatusCode For(Who who) const {
    switch (who) {
      case Who::kOtherOrgAdmin:
        return other_org;
      case Who::kEmployee:
        return employee;
      case Who::kEmployeeSelf:
        return self;
      case Who::kReviewer:
        return reviewer;
      case Who::kAdmin:
        return admin;
      case Who::kOperator:
        return op;
      case Who::kService:
        return service;
      default:
        return StatusCode::UNAUTHENTICATED;  // every broken token
    }
  }
};

using Build = std::function<void(World&, Who, Message&)>;

struct Row {
  const MethodDescriptor* method = nullptr;
  std::string label;  // the method, and what the row is about when a
                      // method has several
  Expected expected;
  Build build;  // fills the request for a caller
};

// The method that takes `Request`: `<Method>Request` in its package.
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
Row MakeRow(Expected expected, Fill fill, const std::string& about = "") {
  Row row;
  row.method = MethodFor(Request::descriptor());
  row.label = row.method == nullptr ? Request::descriptor()->full_name()
                                    : row.method->full_name();
  if (!about.empty()) absl::StrAppend(&row.label, " (", about, ")");
  row.expected = expected;
  row.build = [fill](World& w, Who who, Message& m) {
    fill(w, who, static_cast<Request&>(m));
  };
  return row;
}

// clang-format off
//                             other  emp   self  rev   admin op    service
constexpr Expected kOperatorOnly{PD,  PD,   NA,   PD,   PD,   OK,   PD};
constexpr Expected kAdminWrites{NF,   PD,   NA,   PD,   OK,   PD,   PD};
constexpr Expected kEditorWrites{NF,  PD,   NA,   OK,   OK,   PD,   PD};
constexpr Expected kStaffReads{NF,    OK,   NA,   OK,   OK,   PD,   PD};
constexpr Expected kStaffOrServiceReads{NF, OK, NA, OK,   OK,   PD,   OK};
constexpr Expected kStaffWrites{NF,   OK,   NA,   OK,   OK,   PD,   PD};
// Services of the organization only (a caller of another organization
// still gets NOT_FOUND).
constexpr Expected kServiceOnly{NF,   PD,   NA,   PD,   PD,   PD,   OK};
// The author's own object (a post hidden from colleagues: NOT_FOUND).
constexpr Expected kAuthorOfHidden{NF, NF,  OK,   PD,   PD,   PD,   PD};
// The person's own inbox or settings.
constexpr Expected kSelfOnly{NF,      PD,   OK,   PD,   PD,   PD,   PD};
// A person's data in one service (ExportPersonalData, ErasePersonalData):
// admins of the organization, operators, and services (never the person).
constexpr Expected kPersonalData{NF,  PD,   PD,   PD,   OK,   OK,   OK};
// The same across every service (candor.privacy.v1): people only.
constexpr Expected kPrivacy{NF,       PD,   PD,   PD,   OK,   OK,   PD};
// clang-format on

std::vector<Row> Rows() {
  std::vector<Row> rows;

  // --- candor.staff.v1.StaffService ---
  rows.push_back(MakeRow<staffpb::CreateOrganizationRequest>(
      kOperatorOnly, [](World&, Who, staffpb::CreateOrganizationRequest& r) {
        r.set_organization_id(Unique("matrix-new-"));
        r.mutable_organization()->set_display_name("New Company");
        r.mutable_first_admin()->set_employee_id("A1");
        r.mutable_first_admin()->set_display_name("Founder");
        r.mutable_first_admin()->set_email("founder@new.example");
      }));
  rows.push_back(MakeRow<staffpb::GetOrganizationRequest>(
      {NF, OK, NA, OK, OK, OK, OK},
      [](World& w, Who, staffpb::GetOrganizationRequest& r) {
        r.set_name(w.org.name);
      }));
  rows.push_back(MakeRow<staffpb::CreateStaffMemberRequest>(
      kAdminWrites, [](World& w, Who, staffpb::CreateStaffMemberRequest& r) {
        const std::string id = Unique("N");
        r.set_parent(w.org.name);
        r.mutable_staff_member()->set_employee_id(id);
        r.mutable_staff_member()->set_display_name("New Person");
        r.mutable_staff_member()->set_email(id + "@new.example");
      }));
  rows.push_back(MakeRow<staffpb::GetStaffMemberRequest>(
      {NF, OK, OK, OK, OK, PD, OK},
      [](World& w, Who who, staffpb::GetStaffMemberRequest& r) {
        r.set_name(w.Owner(who).name());
      }));
  rows.push_back(MakeRow<staffpb::ListStaffMembersRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, staffpb::ListStaffMembersRequest& r) {
        r.set_parent(w.org.name);
      }));
  // bio is the person's own: not even an admin changes someone else's.
  rows.push_back(MakeRow<staffpb::UpdateStaffMemberRequest>(
      {NF, PD, OK, PD, PD, PD, PD},
      [](World& w, Who who, staffpb::UpdateStaffMemberRequest& r) {
        r.mutable_staff_member()->set_name(who == Who::kEmployeeSelf
                                               ? w.employee.name()
                                               : w.NewStaff().name());
        r.mutable_staff_member()->set_bio(Unique("bio "));
        r.mutable_update_mask()->add_paths("bio");
      },
      "bio"));
  // department is an employment field: admins only, not the person.
  rows.push_back(MakeRow<staffpb::UpdateStaffMemberRequest>(
      {NF, PD, PD, PD, OK, PD, PD},
      [](World& w, Who who, staffpb::UpdateStaffMemberRequest& r) {
        r.mutable_staff_member()->set_name(who == Who::kEmployeeSelf
                                               ? w.employee.name()
                                               : w.NewStaff().name());
        r.mutable_staff_member()->set_department(Unique("Dept "));
        r.mutable_update_mask()->add_paths("department");
      },
      "department"));
  rows.push_back(MakeRow<staffpb::DeactivateStaffMemberRequest>(
      kAdminWrites,
      [](World& w, Who, staffpb::DeactivateStaffMemberRequest& r) {
        r.set_name(w.NewStaff().name());
        r.set_reason("left the company");
      }));
  rows.push_back(MakeRow<staffpb::ImportStaffMembersRequest>(
      kAdminWrites, [](World& w, Who, staffpb::ImportStaffMembersRequest& r) {
        const std::string id = Unique("I");
        r.set_parent(w.org.name);
        r.set_validate_only(true);
        auto* row = r.add_rows();
        row->set_employee_id(id);
        row->set_display_name("Imported Person");
        row->set_email(id + "@import.example");
      }));
  rows.push_back(MakeRow<staffpb::ListStaffEventsRequest>(
      kServiceOnly, [](World& w, Who, staffpb::ListStaffEventsRequest& r) {
        r.set_parent(w.org.name);
      }));

  // --- candor.values.v1.ValuesService ---
  rows.push_back(MakeRow<valuespb::CreateValueRequest>(
      kAdminWrites, [](World& w, Who, valuespb::CreateValueRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_value()->set_title(Unique("Value "));
        r.mutable_value()->set_statement("We keep our promises.");
      }));
  rows.push_back(MakeRow<valuespb::GetValueRequest>(
      kStaffOrServiceReads, [](World& w, Who, valuespb::GetValueRequest& r) {
        r.set_name(w.value);
      }));
  rows.push_back(MakeRow<valuespb::ListValuesRequest>(
      kStaffOrServiceReads, [](World& w, Who, valuespb::ListValuesRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<valuespb::UpdateValueRequest>(
      kAdminWrites, [](World& w, Who, valuespb::UpdateValueRequest& r) {
        r.mutable_value()->set_name(w.NewValue());
        r.mutable_value()->set_statement("We keep our promises, always.");
        r.mutable_update_mask()->add_paths("statement");
      }));
  rows.push_back(MakeRow<valuespb::ListValueRevisionsRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, valuespb::ListValueRevisionsRequest& r) {
        r.set_parent(w.value);
      }));
  rows.push_back(MakeRow<valuespb::RetireValueRequest>(
      kAdminWrites, [](World& w, Who, valuespb::RetireValueRequest& r) {
        r.set_name(w.NewValue());
      }));
  rows.push_back(MakeRow<valuespb::EndorseValueRequest>(
      kStaffWrites, [](World& w, Who, valuespb::EndorseValueRequest& r) {
        r.set_name(w.NewValue());
      }));
  rows.push_back(MakeRow<valuespb::UnendorseValueRequest>(
      kStaffWrites, [](World& w, Who who, valuespb::UnendorseValueRequest& r) {
        // Endorsed first by the same caller (refused alike when not allowed).
        r.set_name(w.NewValue());
        valuespb::EndorseValueRequest endorse;
        endorse.set_name(r.name());
        valuespb::Value ignored;
        TestServer::Get()
            .ValuesStub()
            ->EndorseValue(World::Ctx(w.callers.TokenFor(who)).get(), endorse,
                           &ignored)
            .ok();
      }));
  rows.push_back(MakeRow<valuespb::CreateValueFeedbackRequest>(
      kStaffWrites, [](World& w, Who, valuespb::CreateValueFeedbackRequest& r) {
        r.set_parent(w.value);
        r.mutable_feedback()->set_text("I see this every day in my team.");
      }));
  rows.push_back(MakeRow<valuespb::ListValueFeedbackRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, valuespb::ListValueFeedbackRequest& r) {
        r.set_parent(w.value);
      }));

  // --- candor.advocacy.v1.AdvocacyService ---
  rows.push_back(MakeRow<advocacypb::CreateStoryRequest>(
      kEditorWrites, [](World& w, Who, advocacypb::CreateStoryRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_story()->set_title(Unique("Story "));
        r.mutable_story()->set_summary("What happened, and why it matters.");
      }));
  rows.push_back(MakeRow<advocacypb::GetStoryRequest>(
      kStaffReads, [](World& w, Who, advocacypb::GetStoryRequest& r) {
        r.set_name(w.story);
      }));
  rows.push_back(MakeRow<advocacypb::ListStoriesRequest>(
      kStaffReads, [](World& w, Who, advocacypb::ListStoriesRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<advocacypb::UpdateStoryRequest>(
      kEditorWrites, [](World& w, Who, advocacypb::UpdateStoryRequest& r) {
        r.mutable_story()->set_name(w.NewStory());
        r.mutable_story()->set_summary("What happened, told again.");
        r.mutable_update_mask()->add_paths("summary");
      }));
  rows.push_back(MakeRow<advocacypb::ArchiveStoryRequest>(
      kEditorWrites, [](World& w, Who, advocacypb::ArchiveStoryRequest& r) {
        r.set_name(w.NewStory());
      }));
  rows.push_back(MakeRow<advocacypb::CreatePostRequest>(
      kStaffWrites, [](World& w, Who, advocacypb::CreatePostRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_post()->set_network(common::v1::LINKEDIN);
        r.mutable_post()->set_text(GoodText("writer"));
      }));
  // A draft is its author's (and reviewers' and admins') to see.
  rows.push_back(MakeRow<advocacypb::GetPostRequest>(
      {NF, NF, OK, OK, OK, PD, PD},
      [](World& w, Who who, advocacypb::GetPostRequest& r) {
        r.set_name(w.DraftOf(who));
      },
      "draft"));
  rows.push_back(MakeRow<advocacypb::GetPostRequest>(
      {NF, OK, OK, OK, OK, PD, PD},
      [](World& w, Who who, advocacypb::GetPostRequest& r) {
        r.set_name(w.ApprovedOf(who));
      },
      "approved"));
  rows.push_back(MakeRow<advocacypb::ListPostsRequest>(
      kStaffReads, [](World& w, Who, advocacypb::ListPostsRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<advocacypb::UpdatePostRequest>(
      kAuthorOfHidden, [](World& w, Who who, advocacypb::UpdatePostRequest& r) {
        r.mutable_post()->set_name(
            w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
        r.mutable_post()->set_text(GoodText("editor"));
        r.mutable_update_mask()->add_paths("text");
      }));
  rows.push_back(MakeRow<advocacypb::DeletePostRequest>(
      kAuthorOfHidden, [](World& w, Who who, advocacypb::DeletePostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
      }));
  rows.push_back(MakeRow<advocacypb::SubmitPostRequest>(
      kAuthorOfHidden, [](World& w, Who who, advocacypb::SubmitPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
      }));
  rows.push_back(MakeRow<advocacypb::WithdrawPostRequest>(
      kAuthorOfHidden,
      [](World& w, Who who, advocacypb::WithdrawPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::IN_REVIEW).name());
      }));
  rows.push_back(MakeRow<advocacypb::AppealPostRequest>(
      kAuthorOfHidden, [](World& w, Who who, advocacypb::AppealPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::REJECTED).name());
        r.set_reason("The post says who I work for in its last line.");
      }));
  // On a draft the author passes authorization and meets the state check;
  // everyone else is refused as on a post in the right state.
  rows.push_back(MakeRow<advocacypb::WithdrawPostRequest>(
      {NF, NF, FP, PD, PD, PD, PD},
      [](World& w, Who who, advocacypb::WithdrawPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
      },
      "draft"));
  rows.push_back(MakeRow<advocacypb::AppealPostRequest>(
      {NF, NF, FP, PD, PD, PD, PD},
      [](World& w, Who who, advocacypb::AppealPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
        r.set_reason("Please look again.");
      },
      "draft"));
  // Reviewers and admins decide a colleague's post in review; the author
  // (an employee) is no reviewer.
  rows.push_back(MakeRow<advocacypb::ApprovePostRequest>(
      {NF, NF, PD, OK, OK, PD, PD},
      [](World& w, Who who, advocacypb::ApprovePostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::IN_REVIEW).name());
        r.set_note("Fine as written.");
      }));
  rows.push_back(MakeRow<advocacypb::RejectPostRequest>(
      {NF, NF, PD, OK, OK, PD, PD},
      [](World& w, Who who, advocacypb::RejectPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::IN_REVIEW).name());
        r.add_cited_rule_ids("sensitive-terms");
        r.set_note("Please drop the promise.");
      }));
  // On a draft reviewers and admins pass authorization and meet the state
  // check; the author is refused as on a post in review.
  rows.push_back(MakeRow<advocacypb::ApprovePostRequest>(
      {NF, NF, PD, FP, FP, PD, PD},
      [](World& w, Who who, advocacypb::ApprovePostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
        r.set_note("Fine as written.");
      },
      "draft"));
  rows.push_back(MakeRow<advocacypb::RejectPostRequest>(
      {NF, NF, PD, FP, FP, PD, PD},
      [](World& w, Who who, advocacypb::RejectPostRequest& r) {
        r.set_name(w.NewPost(w.Owner(who), advocacypb::Post::DRAFT).name());
        r.add_cited_rule_ids("disclosure");
        r.set_note("Please say who you work for.");
      },
      "draft"));
  rows.push_back(MakeRow<advocacypb::ListFeedRequest>(
      kStaffReads, [](World& w, Who, advocacypb::ListFeedRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<advocacypb::ListAdvocacyEventsRequest>(
      kServiceOnly,
      [](World& w, Who, advocacypb::ListAdvocacyEventsRequest& r) {
        r.set_parent(w.org.name);
      }));

  // --- candor.transparency.v1.TransparencyService ---
  rows.push_back(MakeRow<transparencypb::CreateRulesetRequest>(
      kAdminWrites, [](World& w, Who, transparencypb::CreateRulesetRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_ruleset()->set_display_name(Unique("Rules "));
        transparencypb::Rule* rule = r.mutable_ruleset()->add_rules();
        rule->set_id("disclosure");
        rule->set_title("Say that you work here");
        rule->set_severity(transparencypb::Rule::BLOCK);
        rule->mutable_disclosure();
      }));
  rows.push_back(MakeRow<transparencypb::GetRulesetRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::GetRulesetRequest& r) {
        r.set_name(w.NewRuleset());
      }));
  rows.push_back(MakeRow<transparencypb::ListRulesetsRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::ListRulesetsRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<transparencypb::PublishRulesetRequest>(
      kAdminWrites,
      [](World& w, Who, transparencypb::PublishRulesetRequest& r) {
        r.set_name(w.NewRuleset());
      }));
  rows.push_back(MakeRow<transparencypb::GetPublishedRulesetRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::GetPublishedRulesetRequest& r) {
        r.set_parent(w.org.name);
      }));
  // A dry run of the caller's own post; of another author's, reviewers,
  // admins and services only.
  rows.push_back(MakeRow<transparencypb::EvaluatePostRequest>(
      {NF, PD, OK, OK, OK, PD, OK},
      [](World& w, Who who, transparencypb::EvaluatePostRequest& r) {
        r.set_parent(w.org.name);
        r.mutable_post()->set_author(w.Owner(who).name());
        r.mutable_post()->set_network(common::v1::LINKEDIN);
        r.mutable_post()->set_text(GoodText("dry run"));
      }));
  // Services only: not even the post's author.
  rows.push_back(MakeRow<transparencypb::CreateDecisionRequest>(
      {NF, PD, PD, PD, PD, PD, OK},
      [](World& w, Who who, transparencypb::CreateDecisionRequest& r) {
        const advocacypb::Post post =
            w.NewPost(w.Owner(who), advocacypb::Post::DRAFT);
        r.set_parent(post.name());
        r.mutable_post()->set_author(post.author());
        r.mutable_post()->set_network(post.network());
        r.mutable_post()->set_text(post.text());
        r.set_post_revision(post.revision());
      }));
  // A decision is its post's author's and the reviewers' and admins'.
  rows.push_back(MakeRow<transparencypb::GetDecisionRequest>(
      {NF, NF, OK, OK, OK, PD, OK},
      [](World& w, Who who, transparencypb::GetDecisionRequest& r) {
        r.set_name(w.DecisionOf(who));
      }));
  rows.push_back(MakeRow<transparencypb::ListDecisionsRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::ListDecisionsRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<transparencypb::ListAuditEntriesRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::ListAuditEntriesRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<transparencypb::VerifyAuditLogRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::VerifyAuditLogRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<transparencypb::GetAuditTreeHeadRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::GetAuditTreeHeadRequest& r) {
        r.set_parent(w.org.name);
      }));
  // An approved post's decision puts entry 1 in the log, so a proof of it
  // in the tree of size 1 is a valid request.
  rows.push_back(MakeRow<transparencypb::GetAuditInclusionProofRequest>(
      kStaffOrServiceReads,
      [](World& w, Who who, transparencypb::GetAuditInclusionProofRequest& r) {
        w.NewPost(w.Owner(who), advocacypb::Post::APPROVED);
        r.set_parent(w.org.name);
        r.set_sequence(1);
        r.set_tree_size(1);
      }));
  rows.push_back(MakeRow<transparencypb::GetAuditConsistencyProofRequest>(
      kStaffOrServiceReads,
      [](World& w, Who who,
         transparencypb::GetAuditConsistencyProofRequest& r) {
        w.NewPost(w.Owner(who), advocacypb::Post::APPROVED);
        r.set_parent(w.org.name);
        r.set_first_tree_size(1);
        r.set_second_tree_size(1);
      }));
  rows.push_back(MakeRow<transparencypb::GetTransparencyReportRequest>(
      kStaffOrServiceReads,
      [](World& w, Who, transparencypb::GetTransparencyReportRequest& r) {
        r.set_parent(w.org.name);
      }));

  // --- candor.engagement.v1.EngagementService ---
  // Only the post's author shares it (the approved post is visible to all).
  rows.push_back(MakeRow<engagementpb::CreateShareRequest>(
      {NF, PD, OK, PD, PD, PD, PD},
      [](World& w, Who who, engagementpb::CreateShareRequest& r) {
        r.set_parent(
            w.NewPost(w.Owner(who), advocacypb::Post::APPROVED).name());
        r.mutable_share()->set_network(common::v1::LINKEDIN);
        r.mutable_share()->set_published_text(GoodText("sharer"));
        r.mutable_share()->set_external_url(
            "https://www.linkedin.com/feed/update/2");
      }));
  rows.push_back(MakeRow<engagementpb::GetShareRequest>(
      {NF, PD, OK, OK, OK, PD, OK},
      [](World& w, Who who, engagementpb::GetShareRequest& r) {
        r.set_name(w.ShareOf(who).name());
      }));
  rows.push_back(MakeRow<engagementpb::ListSharesRequest>(
      kStaffReads, [](World& w, Who, engagementpb::ListSharesRequest& r) {
        r.set_parent(w.org.name);
      }));
  // Accepted from staff and services; an event on someone else's share is
  // reported as an unknown share (checked in CheckResponse).
  rows.push_back(MakeRow<engagementpb::RecordEngagementEventsRequest>(
      {NF, OK, OK, OK, OK, PD, OK},
      [](World& w, Who who, engagementpb::RecordEngagementEventsRequest& r) {
        r.set_parent(w.org.name);
        engagementpb::EngagementEvent* event = r.add_events();
        event->set_event_id(Unique("matrix-event-"));
        event->set_share(w.ShareOf(who).name());
        event->set_kind(engagementpb::EngagementEvent::CLICK);
        event->set_count(1);
        *event->mutable_occurred_time() =
            TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) - 60);
      }));
  rows.push_back(MakeRow<engagementpb::GetEngagementMetricsRequest>(
      {NF, PD, OK, OK, OK, PD, OK},
      [](World& w, Who who, engagementpb::GetEngagementMetricsRequest& r) {
        r.set_subject(w.Owner(who).name());
      },
      "a person"));
  rows.push_back(MakeRow<engagementpb::GetEngagementMetricsRequest>(
      {NF, OK, NA, OK, OK, PD, OK},
      [](World& w, Who, engagementpb::GetEngagementMetricsRequest& r) {
        r.set_subject(w.org.name);
      },
      "the organization"));
  rows.push_back(MakeRow<engagementpb::GetLeaderboardRequest>(
      kStaffReads, [](World& w, Who, engagementpb::GetLeaderboardRequest& r) {
        r.set_parent(w.org.name);
      }));
  rows.push_back(MakeRow<engagementpb::UpdateLeaderboardParticipationRequest>(
      kSelfOnly, [](World& w, Who who,
                    engagementpb::UpdateLeaderboardParticipationRequest& r) {
        r.set_parent(w.Owner(who).name());
        r.set_participate(true);
      }));
  rows.push_back(MakeRow<engagementpb::ListNotificationsRequest>(
      kSelfOnly,
      [](World& w, Who who, engagementpb::ListNotificationsRequest& r) {
        r.set_parent(w.Owner(who).name());
      }));
  rows.push_back(MakeRow<engagementpb::MarkNotificationsReadRequest>(
      kSelfOnly,
      [](World& w, Who who, engagementpb::MarkNotificationsReadRequest& r) {
        r.set_parent(w.Owner(who).name());
      }));
  rows.push_back(MakeRow<engagementpb::WatchNotificationsRequest>(
      kSelfOnly,
      [](World& w, Who who, engagementpb::WatchNotificationsRequest& r) {
        r.set_parent(w.Owner(who).name());
      }));
  // --- personal data: each service's part, and candor.privacy.v1 ---
  // Exports read the colleague (the employee's own data for kEmployeeSelf);
  // erasures act on a fresh person, so an allowed one erases nobody else.
  const auto person_to_read = [](World& w, Who who) {
    return w.Owner(who).name();
  };
  const auto person_to_erase = [](World& w, Who who) {
    return who == Who::kEmployeeSelf ? w.employee.name() : w.NewStaff().name();
  };
  rows.push_back(MakeRow<staffpb::ExportPersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, staffpb::ExportPersonalDataRequest& r) {
        r.set_staff_member(person_to_read(w, who));
      }));
  rows.push_back(MakeRow<staffpb::ErasePersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, staffpb::ErasePersonalDataRequest& r) {
        r.set_staff_member(person_to_erase(w, who));
      }));
  rows.push_back(MakeRow<valuespb::ExportPersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, valuespb::ExportPersonalDataRequest& r) {
        r.set_staff_member(person_to_read(w, who));
      }));
  rows.push_back(MakeRow<valuespb::ErasePersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, valuespb::ErasePersonalDataRequest& r) {
        r.set_staff_member(person_to_erase(w, who));
      }));
  rows.push_back(MakeRow<advocacypb::ExportPersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, advocacypb::ExportPersonalDataRequest& r) {
        r.set_staff_member(person_to_read(w, who));
      }));
  rows.push_back(MakeRow<advocacypb::ErasePersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, advocacypb::ErasePersonalDataRequest& r) {
        r.set_staff_member(person_to_erase(w, who));
      }));
  rows.push_back(MakeRow<transparencypb::ExportPersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, transparencypb::ExportPersonalDataRequest& r) {
        r.set_staff_member(person_to_read(w, who));
      }));
  rows.push_back(MakeRow<transparencypb::ErasePersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, transparencypb::ErasePersonalDataRequest& r) {
        r.set_staff_member(person_to_erase(w, who));
      }));
  rows.push_back(MakeRow<engagementpb::ExportPersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, engagementpb::ExportPersonalDataRequest& r) {
        r.set_staff_member(person_to_read(w, who));
      }));
  rows.push_back(MakeRow<engagementpb::ErasePersonalDataRequest>(
      kPersonalData,
      [=](World& w, Who who, engagementpb::ErasePersonalDataRequest& r) {
        r.set_staff_member(person_to_erase(w, who));
      }));
  rows.push_back(MakeRow<privacypb::ExportStaffDataRequest>(
      kPrivacy, [=](World& w, Who who, privacypb::ExportStaffDataRequest& r) {
        r.set_staff_member(person_to_read(w, who));
      }));
  rows.push_back(MakeRow<privacypb::EraseStaffMemberRequest>(
      kPrivacy, [=](World& w, Who who, privacypb::EraseStaffMemberRequest& r) {
        r.set_staff_member(person_to_erase(w, who));
      }));
  return rows;
}

// What an allowed call must have done, where the code alone does not say.
void CheckResponse(const Row& row, Who who, const Message& response) {
  if (row.method->name() == "GetStaffMember") {
    // Email is private: the person themself and admins only.
    const auto& r = static_cast<const staffpb::StaffMember&>(response);
    const bool private_view = who == Who::kEmployeeSelf || who == Who::kAdmin;
    EXPECT_EQ(r.email().empty(), !private_view) << r.email();
  }
  if (row.method->name() == "RecordEngagementEvents") {
    const auto& r =
        static_cast<const engagementpb::RecordEngagementEventsResponse&>(
            response);
    // Staff record events on their own shares only; services on any.
    const bool own = who == Who::kEmployeeSelf || who == Who::kService;
    EXPECT_EQ(r.recorded(), own ? 1 : 0) << r.DebugString();
  }
}

std::string CodeName(StatusCode code) {
  return std::string(GrpcCodeName(code));
}

constexpr Who kBrokenTokens[] = {Who::kNoToken, Who::kExpired,
                                 Who::kBadSignature, Who::kHs512,
                                 Who::kAlgNone};
constexpr Who kValidCallers[] = {
    Who::kOtherOrgAdmin, Who::kEmployee, Who::kEmployeeSelf, Who::kReviewer,
    Who::kAdmin,         Who::kOperator, Who::kService};

// The HS/RS confusion: the admin's claims as an HS256 token keyed with the
// RS256 server's public key.
std::string ConfusedToken(const World& w) {
  TokenClaims claims;
  claims.subject = w.org.admin_name;
  claims.organization_id = w.org.id;
  claims.roles = {Role::kEmployee, Role::kAdmin};
  return Rs256Server::Get().HsWithPublicKeyToken(claims);
}

TEST(AuthorizationMatrixTest, EveryMethodForEveryCaller) {
  World w;
  ASSERT_FALSE(HasFailure()) << "fixtures could not be created";
  const std::vector<Row> rows = Rows();
  const std::string confused = ConfusedToken(w);
  int cases = 0;
  int mismatches = 0;
  const auto run = [&](const Row& row, Who who, const std::string& token,
                       const std::shared_ptr<grpc::Channel>& channel,
                       const std::string& caller, StatusCode expected) {
    SCOPED_TRACE(absl::StrCat(row.label, " as ", caller));
    std::unique_ptr<Message> request = NewRequest(*row.method);
    row.build(w, who, *request);
    const GenericCallResult result =
        CallMethod(channel, *row.method, *request, token);
    ++cases;
    const StatusCode got = result.status.error_code();
    if (got != expected) ++mismatches;
    EXPECT_EQ(CodeName(got), CodeName(expected))
        << row.label << " as " << caller << ": got \""
        << result.status.error_message() << "\"";
    if (expected == StatusCode::UNAUTHENTICATED) {
      // The broken-token answers say why, under "authorization".
      EXPECT_EQ(result.status.error_message().rfind("authorization: ", 0), 0u)
          << result.status.error_message();
    }
    if (got == OK && expected == OK && result.response != nullptr) {
      CheckResponse(row, who, *result.response);
    }
    return result.status.error_message();
  };

  const auto channel = TestServer::Get().channel();
  for (const Row& row : rows) {
    ASSERT_NE(row.method, nullptr) << row.label;
    for (Who who : kBrokenTokens) {
      // The admin's object: everything but the token would be allowed.
      run(row, Who::kAdmin, w.callers.TokenFor(who), channel, CallerName(who),
          StatusCode::UNAUTHENTICATED);
    }
    // The forgery's HMAC checks out with the public key as secret; only the
    // algorithm check stops it, and must, for every method.
    const std::string message =
        run(row, Who::kAdmin, confused, Rs256Server::Get().channel(),
            "HS256 keyed with the RS256 server's public key",
            StatusCode::UNAUTHENTICATED);
    EXPECT_TRUE(absl::StrContains(message, "unexpected algorithm"))
        << row.label << ": " << message;
    for (Who who : kValidCallers) {
      const StatusCode expected = row.expected.For(who);
      if (expected == NA) continue;
      run(row, who, w.callers.TokenFor(who), channel, CallerName(who),
          expected);
    }
  }
  std::cout << "authorization matrix: " << rows.size() << " rows, " << cases
            << " cases, " << mismatches << " mismatches\n";
  RecordProperty("cases", cases);
  EXPECT_EQ(mismatches, 0) << "of " << cases << " cases";
}

// The RS256 server takes a real RS256 token (so its refusals of the forged
// ones above are about the algorithm) and refuses our HS256 tokens.
TEST(AuthorizationMatrixTest, Rs256ServerTakesOnlyRs256) {
  const TestServer::Organization org =
      TestServer::Get().CreateOrganization("matrix-rs");
  TokenClaims claims;
  claims.subject = org.admin_name;
  claims.organization_id = org.id;
  claims.roles = {Role::kEmployee, Role::kAdmin};
  auto stub = staffpb::StaffService::NewStub(Rs256Server::Get().channel());
  staffpb::GetOrganizationRequest request;
  request.set_name(org.name);
  staffpb::Organization out;
  const grpc::Status good = stub->GetOrganization(
      TestServer::Context(Rs256Server::Get().Rs256Token(claims)).get(), request,
      &out);
  EXPECT_TRUE(good.ok()) << good.error_message();
  EXPECT_EQ(out.name(), org.name);
  const grpc::Status hs = stub->GetOrganization(
      TestServer::Context(org.admin_token).get(), request, &out);
  EXPECT_EQ(CodeName(hs.error_code()), "UNAUTHENTICATED");
}

// Every method of every candor.*.v1 service has a row, and every valid kind
// of caller a cell (NA only for "the employee's own object").
TEST(AuthorizationMatrixTest, TableCoversEveryMethod) {
  std::vector<std::string> missing_files;
  const std::vector<const MethodDescriptor*> methods =
      MethodsOfPackages("candor.", SourceProtoFiles(), &missing_files);
  EXPECT_TRUE(missing_files.empty())
      << "proto files not linked into the test: " << missing_files.front();
  EXPECT_GE(methods.size(), 50u);
  const std::vector<Row> rows = Rows();
  std::set<const MethodDescriptor*> covered;
  for (const Row& row : rows) {
    ASSERT_NE(row.method, nullptr) << row.label;
    covered.insert(row.method);
    EXPECT_NE(row.expected.other_org, NA) << row.label;
    EXPECT_NE(row.expected.employee, NA) << row.label;
    EXPECT_NE(row.expected.reviewer, NA) << row.label;
    EXPECT_NE(row.expected.admin, NA) << row.label;
    EXPECT_NE(row.expected.op, NA) << row.label;
    EXPECT_NE(row.expected.service, NA) << row.label;
  }
  for (const MethodDescriptor* method : methods) {
    if (!absl::EndsWith(method->service()->file()->package(), ".v1")) continue;
    EXPECT_TRUE(covered.count(method) == 1)
        << method->full_name()
        << " has no row in tests/authorization_matrix_test.cc (Rows())";
  }
}

// --- no mass assignment through update_mask ---------------------------------

// One update whose mask names a field the caller may not set.
struct MaskCase {
  std::string path;
  StatusCode expected;
};

const StatusCode IA = StatusCode::INVALID_ARGUMENT;

// Output-only fields: INVALID_ARGUMENT ("'create_time' is output only"),
// never written.
std::vector<MaskCase> OutputOnly(std::vector<std::string> paths) {
  std::vector<MaskCase> cases;
  for (std::string& path : paths) cases.push_back({std::move(path), IA});
  return cases;
}

// Runs every case through `update` (the request's mask names the case's
// path, the resource carries a changed value for it) and checks the answer
// and that the resource's etag, hence every field, is unchanged.
void ExpectNoMassAssignment(
    const std::string& what, const std::vector<MaskCase>& cases,
    const std::function<grpc::Status(const std::string& path)>& update,
    const std::function<std::string()>& etag) {
  const std::string before = etag();
  ASSERT_FALSE(before.empty()) << what;
  std::cout << "update_mask: " << what << ": " << cases.size() << " cases\n";
  for (const MaskCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(what, " with update_mask ", c.path));
    const grpc::Status status = update(c.path);
    EXPECT_EQ(CodeName(status.error_code()), CodeName(c.expected))
        << status.error_message();
    EXPECT_EQ(etag(), before) << "the update changed the resource";
  }
}

TEST(AuthorizationMatrixTest, NoMassAssignmentThroughUpdateMask) {
  World w;
  ASSERT_FALSE(HasFailure()) << "fixtures could not be created";
  TestServer& server = TestServer::Get();
  const std::string admin = w.org.admin_token;

  // UpdateStaffMember: the person changes bio, social accounts and consent
  // only; an admin changes employment fields and roles only (not a person's
  // consent or profile); state and output-only fields through no update.
  const auto staff_etag = [&](const std::string& name) {
    staffpb::GetStaffMemberRequest get;
    get.set_name(name);
    staffpb::StaffMember out;
    EXPECT_TRUE(server.StaffStub()
                    ->GetStaffMember(World::Ctx(admin).get(), get, &out)
                    .ok());
    return out.etag();
  };
  const auto staff_update = [&](const std::string& token,
                                const std::string& name,
                                const std::vector<std::string>& paths) {
    staffpb::UpdateStaffMemberRequest request;
    staffpb::StaffMember* m = request.mutable_staff_member();
    m->set_name(name);
    m->set_employee_id("HACK1");
    m->set_display_name("Hacked Name");
    m->set_email("hacked@evil.example");
    m->set_department("Hacked");
    m->set_title("Chief");
    m->set_location("Elsewhere");
    m->set_manager(w.org.admin_name);
    m->add_roles(staffpb::StaffMember::ADMIN);
    m->add_roles(staffpb::StaffMember::REVIEWER);
    m->set_state(staffpb::StaffMember::INACTIVE);
    m->set_advocacy_consent(false);
    m->set_bio("hacked bio");
    auto* account = m->add_social_accounts();
    account->set_network(common::v1::X);
    account->set_handle("hacked");
    *m->mutable_create_time() = TimeUtil::SecondsToTimestamp(1);
    *m->mutable_update_time() = TimeUtil::SecondsToTimestamp(1);
    for (const std::string& path : paths)
      request.mutable_update_mask()->add_paths(path);
    staffpb::StaffMember out;
    return server.StaffStub()->UpdateStaffMember(World::Ctx(token).get(),
                                                 request, &out);
  };
  std::vector<MaskCase> self_cases = {
      {"roles", PD},    {"department", PD},   {"employee_id", PD},
      {"email", PD},    {"display_name", PD}, {"title", PD},
      {"location", PD}, {"manager", PD},      {"state", IA}};
  for (MaskCase c :
       OutputOnly({"name", "create_time", "update_time", "etag"})) {
    self_cases.push_back(c);
  }
  ExpectNoMassAssignment(
      "UpdateStaffMember by the person", self_cases,
      [&](const std::string& path) {
        return staff_update(w.employee.token, w.employee.name(), {path});
      },
      [&] { return staff_etag(w.employee.name()); });
  // A field the person may set next to one they may not: nothing is written.
  ExpectNoMassAssignment(
      "UpdateStaffMember by the person, bio and roles", {{"bio+roles", PD}},
      [&](const std::string&) {
        return staff_update(w.employee.token, w.employee.name(),
                            {"bio", "roles"});
      },
      [&] { return staff_etag(w.employee.name()); });
  ExpectNoMassAssignment(
      "UpdateStaffMember by an admin of someone else",
      {{"advocacy_consent", PD},
       {"bio", PD},
       {"social_accounts", PD},
       {"state", IA}},
      [&](const std::string& path) {
        return staff_update(admin, w.colleague.name(), {path});
      },
      [&] { return staff_etag(w.colleague.name()); });
  // A reviewer is no admin: no role changes, not even their own.
  ExpectNoMassAssignment(
      "UpdateStaffMember by a reviewer of themself", {{"roles", PD}},
      [&](const std::string& path) {
        return staff_update(w.callers.TokenFor(Who::kReviewer),
                            w.callers.reviewer.name(), {path});
      },
      [&] { return staff_etag(w.callers.reviewer.name()); });

  // UpdateValue (admin): state, counts, revisions and times are the
  // service's.
  const std::string value = w.NewValue();
  ExpectNoMassAssignment(
      "UpdateValue by an admin",
      OutputOnly({"name", "state", "revision_id", "endorsement_count",
                  "create_time", "update_time", "etag", "endorsed_by_caller"}),
      [&](const std::string& path) {
        valuespb::UpdateValueRequest request;
        valuespb::Value* v = request.mutable_value();
        v->set_name(value);
        v->set_state(valuespb::Value::RETIRED);
        v->set_revision_id("r999");
        v->set_endorsement_count(1000);
        v->set_endorsed_by_caller(true);
        *v->mutable_create_time() = TimeUtil::SecondsToTimestamp(1);
        request.mutable_update_mask()->add_paths(path);
        valuespb::Value out;
        return server.ValuesStub()->UpdateValue(World::Ctx(admin).get(),
                                                request, &out);
      },
      [&] {
        valuespb::GetValueRequest get;
        get.set_name(value);
        valuespb::Value out;
        EXPECT_TRUE(server.ValuesStub()
                        ->GetValue(World::Ctx(admin).get(), get, &out)
                        .ok());
        return out.etag();
      });

  // UpdateStory (reviewer): state by ArchiveStory only; creator and times
  // are the service's.
  const std::string story = w.NewStory();
  ExpectNoMassAssignment(
      "UpdateStory by a reviewer",
      OutputOnly(
          {"name", "state", "creator", "create_time", "update_time", "etag"}),
      [&](const std::string& path) {
        advocacypb::UpdateStoryRequest request;
        advocacypb::Story* s = request.mutable_story();
        s->set_name(story);
        s->set_state(advocacypb::Story::ARCHIVED);
        s->set_creator(w.callers.reviewer.name());
        *s->mutable_create_time() = TimeUtil::SecondsToTimestamp(1);
        request.mutable_update_mask()->add_paths(path);
        advocacypb::Story out;
        return server.AdvocacyStub()->UpdateStory(
            World::Ctx(w.callers.TokenFor(Who::kReviewer)).get(), request,
            &out);
      },
      [&] {
        advocacypb::GetStoryRequest get;
        get.set_name(story);
        advocacypb::Story out;
        EXPECT_TRUE(server.AdvocacyStub()
                        ->GetStory(World::Ctx(admin).get(), get, &out)
                        .ok());
        return out.etag();
      });

  // UpdatePost (the author): state moves by its own methods; author,
  // decision, revision and times are the service's.
  const std::string post =
      w.NewPost(w.employee, advocacypb::Post::DRAFT).name();
  ExpectNoMassAssignment(
      "UpdatePost by its author",
      OutputOnly({"name", "state", "author", "latest_decision", "revision",
                  "create_time", "update_time", "etag"}),
      [&](const std::string& path) {
        advocacypb::UpdatePostRequest request;
        advocacypb::Post* p = request.mutable_post();
        p->set_name(post);
        p->set_state(advocacypb::Post::APPROVED);
        p->set_author(w.colleague.name());
        p->set_revision(99);
        p->mutable_latest_decision()->set_verdict(
            transparencypb::Decision::APPROVED);
        *p->mutable_create_time() = TimeUtil::SecondsToTimestamp(1);
        request.mutable_update_mask()->add_paths(path);
        advocacypb::Post out;
        return server.AdvocacyStub()->UpdatePost(
            World::Ctx(w.employee.token).get(), request, &out);
      },
      [&] {
        advocacypb::GetPostRequest get;
        get.set_name(post);
        advocacypb::Post out;
        EXPECT_TRUE(server.AdvocacyStub()
                        ->GetPost(World::Ctx(admin).get(), get, &out)
                        .ok());
        return out.etag();
      });

  // UpdateLeaderboardParticipation has no mask: it names its person, and
  // the matrix shows only that person may call it.
}

// --- another organization learns nothing ------------------------------------

// The field naming the resource a request acts on: `name`, or the resource's
// own `name` in an Update, else `parent` or `subject`.
struct NameField {
  Message* message;
  const FieldDescriptor* field;
};

std::optional<NameField> TargetField(Message& request) {
  const google::protobuf::Descriptor* d = request.GetDescriptor();
  const google::protobuf::Reflection* r = request.GetReflection();
  if (const FieldDescriptor* f = d->FindFieldByName("name")) {
    return NameField{&request, f};
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated() ||
        !r->HasField(request, f)) {
      continue;
    }
    Message* inner = r->MutableMessage(&request, f);
    const FieldDescriptor* name =
        inner->GetDescriptor()->FindFieldByName("name");
    if (name != nullptr && name->type() == FieldDescriptor::TYPE_STRING &&
        !inner->GetReflection()->GetString(*inner, name).empty()) {
      return NameField{inner, name};
    }
  }
  // staff_member: the person a personal-data request is about.
  for (const char* field : {"parent", "subject", "staff_member"}) {
    if (const FieldDescriptor* f = d->FindFieldByName(field)) {
      return NameField{&request, f};
    }
  }
  return std::nullopt;
}

// `name` with its last id replaced by one that exists nowhere (for an
// organization: an organization that does not exist).
std::string MissingTwin(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  parts.back() = Unique("missing");
  return absl::StrJoin(parts, "/");
}

TEST(AuthorizationMatrixTest, AnotherOrganizationsResourceLooksMissing) {
  World w;
  ASSERT_FALSE(HasFailure()) << "fixtures could not be created";
  const std::string token = w.callers.TokenFor(Who::kOtherOrgAdmin);
  const std::string own_org = w.callers.other.name;
  const auto channel = TestServer::Get().channel();
  // What the other organization's attempts must leave alone.
  const auto colleague_etag = [&] {
    staffpb::GetStaffMemberRequest get;
    get.set_name(w.colleague.name());
    staffpb::StaffMember out;
    EXPECT_TRUE(
        TestServer::Get()
            .StaffStub()
            ->GetStaffMember(World::Ctx(w.org.admin_token).get(), get, &out)
            .ok());
    return out.etag();
  };
  const auto draft_etag = [&] {
    advocacypb::GetPostRequest get;
    get.set_name(w.DraftOf(Who::kEmployee));
    advocacypb::Post out;
    EXPECT_TRUE(TestServer::Get()
                    .AdvocacyStub()
                    ->GetPost(World::Ctx(w.org.admin_token).get(), get, &out)
                    .ok());
    return out.etag();
  };
  const std::string colleague_before = colleague_etag();
  const std::string draft_before = draft_etag();
  int compared = 0;
  int own_missing = 0;
  for (const Row& row : Rows()) {
    if (row.expected.other_org != NF) continue;  // not about an org's resource
    SCOPED_TRACE(row.label);
    std::unique_ptr<Message> foreign = NewRequest(*row.method);
    row.build(w, Who::kOtherOrgAdmin, *foreign);
    std::optional<NameField> target = TargetField(*foreign);
    ASSERT_TRUE(target.has_value()) << row.label << ": no name field";
    const google::protobuf::Reflection* r = target->message->GetReflection();
    const std::string name = r->GetString(*target->message, target->field);
    ASSERT_TRUE(absl::StartsWith(name, w.org.name)) << name;

    // The same request naming a missing twin in the same organization.
    std::unique_ptr<Message> missing(foreign->New());
    missing->CopyFrom(*foreign);
    std::optional<NameField> twin_field = TargetField(*missing);
    const std::string twin = MissingTwin(name);
    twin_field->message->GetReflection()->SetString(twin_field->message,
                                                    twin_field->field, twin);

    const GenericCallResult a =
        CallMethod(channel, *row.method, *foreign, token);
    const GenericCallResult b =
        CallMethod(channel, *row.method, *missing, token);
    ++compared;
    EXPECT_EQ(CodeName(a.status.error_code()), "NOT_FOUND")
        << a.status.error_message();
    const auto shape = [](const grpc::Status& s, const std::string& n) {
      return absl::StrCat(
          CodeName(s.error_code()), " ",
          absl::StrReplaceAll(s.error_message(), {{n, "<name>"}}));
    };
    EXPECT_EQ(shape(a.status, name), shape(b.status, twin));
    // Nothing of the other organization leaks but the name the caller sent.
    EXPECT_FALSE(absl::StrContains(a.status.error_message(),
                                   w.colleague.member.display_name()));

    // And a missing resource of the caller's own organization answers with
    // the same code (for methods on a resource below the organization).
    if (absl::StrContains(absl::string_view(name).substr(w.org.name.size()),
                          "/") &&
        target->field->name() == "name") {
      std::unique_ptr<Message> own(foreign->New());
      own->CopyFrom(*foreign);
      std::optional<NameField> own_field = TargetField(*own);
      const std::string own_name =
          MissingTwin(own_org + name.substr(w.org.name.size()));
      own_field->message->GetReflection()->SetString(
          own_field->message, own_field->field, own_name);
      const GenericCallResult c = CallMethod(channel, *row.method, *own, token);
      ++own_missing;
      // Where an admin is refused on an existing object (someone else's
      // post, bio), the refusal may come before the lookup: PERMISSION_DENIED
      // then says nothing about the object either.
      const std::string code = CodeName(c.status.error_code());
      if (row.expected.admin == OK || code != "PERMISSION_DENIED") {
        EXPECT_EQ(code, "NOT_FOUND")
            << own_name << ": " << c.status.error_message();
      }
    }
  }
  EXPECT_EQ(colleague_etag(), colleague_before);
  EXPECT_EQ(draft_etag(), draft_before);
  std::cout << "other organization: " << compared
            << " methods compared (existing vs missing), " << own_missing
            << " missing names of the caller's own organization\n";
}

}  // namespace
}  // namespace candor::testing
