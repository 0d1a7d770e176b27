#include "tests/bench/load/setup_small.h"

#include <cstdio>
#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "tests/bench/dataset.h"
#include "tests/bench/load/load_context.h"
#include "tests/bench/synthetic.h"

namespace candor::load {
namespace {

namespace apb = ::candor::advocacy::v1;
namespace epb = ::candor::engagement::v1;
namespace spb = ::candor::staff::v1;
namespace tpb = ::candor::transparency::v1;
namespace vpb = ::candor::values::v1;

constexpr int kStaff = 200;
constexpr int kReviewers = 3;    // staff 1..3
constexpr int kAuthors = 40;     // staff 4..43: consent, a post, a share
constexpr uint64_t kTextOffset = 1'000'000;

absl::Status Check(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat("setup_small: ", what, ": ",
                                   status.error_message()));
}

std::string LastSegment(const std::string& name) {
  return name.substr(name.rfind('/') + 1);
}

}  // namespace

absl::Status SetupSmallDataset(const std::string& address,
                               const std::string& jwt_secret, uint64_t seed,
                               const std::string& manifest_path) {
  const std::string org =
      absl::StrCat("load-small-", absl::ToUnixMillis(absl::Now()));
  const std::string company = absl::StrCat("Small Load ", org.substr(11));
  const std::string domain = absl::StrCat(org, ".example");
  const std::string parent = absl::StrCat("organizations/", org);

  // A context whose dataset names only the organization: it mints the
  // operator's token and, once the admin exists, the admin's.
  bench::Dataset dataset;
  dataset.seed = seed;
  dataset.organization_id = org;
  LoadContext bootstrap(address, jwt_secret, seed, dataset, ScenarioFlags());
  auto channel = bootstrap.setup_channel();
  auto staff = spb::StaffService::NewStub(channel);
  auto values = vpb::ValuesService::NewStub(channel);
  auto advocacy = apb::AdvocacyService::NewStub(channel);
  auto engagement = epb::EngagementService::NewStub(channel);
  auto transparency = tpb::TransparencyService::NewStub(channel);
  absl::Status status;

  // The organization and its first admin (staff index 0).
  spb::CreateOrganizationRequest create_org;
  create_org.set_organization_id(org);
  create_org.mutable_organization()->set_display_name(company);
  const bench::SyntheticStaff first = bench::StaffAt(seed, 0, domain);
  create_org.mutable_first_admin()->set_employee_id(first.employee_id);
  create_org.mutable_first_admin()->set_display_name(first.display_name);
  create_org.mutable_first_admin()->set_email(first.email);
  create_org.mutable_first_admin()->set_department(first.department);
  spb::Organization organization;
  status = Check(staff->CreateOrganization(
                     bootstrap.SetupContext(bootstrap.OperatorAuth()).get(),
                     create_org, &organization),
                 "CreateOrganization");
  if (!status.ok()) return status;
  dataset.admin_staff_id = LastSegment(organization.founding_admin());
  LoadContext context(address, jwt_secret, seed, dataset, ScenarioFlags());
  const std::string& admin = context.AdminAuth();

  // The admin reviews too (the manifest promises both roles).
  {
    spb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(organization.founding_admin());
    request.mutable_staff_member()->add_roles(spb::StaffMember::EMPLOYEE);
    request.mutable_staff_member()->add_roles(spb::StaffMember::REVIEWER);
    request.mutable_staff_member()->add_roles(spb::StaffMember::ADMIN);
    request.mutable_update_mask()->add_paths("roles");
    spb::StaffMember member;
    status = Check(staff->UpdateStaffMember(context.SetupContext(admin).get(),
                                            request, &member),
                   "UpdateStaffMember (admin roles)");
    if (!status.ok()) return status;
  }

  // Everyone else, in one import.
  {
    spb::ImportStaffMembersResponse response;
    auto ctx = context.SetupContext(admin);
    auto writer = staff->ImportStaffMembers(ctx.get(), &response);
    spb::ImportStaffMembersRequest message;
    message.set_parent(parent);
    for (int i = 1; i < kStaff; ++i) {
      const bench::SyntheticStaff person =
          bench::StaffAt(seed, static_cast<uint64_t>(i), domain);
      auto* row = message.add_rows();
      row->set_row_number(i);
      row->set_employee_id(person.employee_id);
      row->set_display_name(person.display_name);
      row->set_email(person.email);
      row->set_department(person.department);
      row->set_title(person.title);
      row->set_location(person.location);
      row->add_roles(spb::StaffMember::EMPLOYEE);
      if (i <= kReviewers) row->add_roles(spb::StaffMember::REVIEWER);
    }
    writer->Write(message);
    writer->WritesDone();
    status = Check(writer->Finish(), "ImportStaffMembers");
    if (!status.ok()) return status;
    if (!response.applied()) {
      return absl::InternalError(absl::StrCat(
          "setup_small: the import was not applied: ",
          response.errors_size() > 0 ? response.errors(0).reason() : ""));
    }
  }

  // Staff ids by employee id.
  std::map<std::string, std::string> id_of;
  {
    std::string token;
    do {
      spb::ListStaffMembersRequest request;
      request.set_parent(parent);
      request.set_page_size(1000);
      request.set_page_token(token);
      spb::ListStaffMembersResponse response;
      status = Check(staff->ListStaffMembers(context.SetupContext(admin).get(),
                                             request, &response),
                     "ListStaffMembers");
      if (!status.ok()) return status;
      for (const auto& member : response.staff_members()) {
        id_of[member.employee_id()] = LastSegment(member.name());
      }
      token = response.next_page_token();
    } while (!token.empty());
  }
  auto staff_id = [&](int index) {
    return id_of[bench::StaffAt(seed, static_cast<uint64_t>(index), domain)
                     .employee_id];
  };
  for (int i = 1; i <= kReviewers; ++i) {
    dataset.reviewer_staff_ids.push_back(staff_id(i));
  }

  // Values and stories.
  const char* kValues[][2] = {
      {"clarity", "We say what we mean."},
      {"care", "We look after each other and our customers."},
      {"candor", "We disagree openly and decide together."}};
  for (const auto& value : kValues) {
    vpb::CreateValueRequest request;
    request.set_parent(parent);
    request.set_value_id(value[0]);
    request.mutable_value()->set_title(
        absl::AsciiStrToUpper(std::string(value[0], 1)) + (value[0] + 1));
    request.mutable_value()->set_statement(value[1]);
    vpb::Value created;
    status = Check(values->CreateValue(context.SetupContext(admin).get(),
                                       request, &created),
                   "CreateValue");
    if (!status.ok()) return status;
    dataset.value_ids.push_back(value[0]);
  }
  const char* kStories[][3] = {
      {"lisbon", "We opened in Lisbon", "Our fifth office, with 120 seats."},
      {"open-source", "Our scheduler is open source",
       "The team published the code under Apache 2.0."},
      {"volunteering", "A volunteering day for everyone",
       "Each of us gets a paid day a year to volunteer."}};
  for (size_t s = 0; s < 3; ++s) {
    apb::CreateStoryRequest request;
    request.set_parent(parent);
    request.set_story_id(kStories[s][0]);
    apb::Story* story = request.mutable_story();
    story->set_title(kStories[s][1]);
    story->set_summary(kStories[s][2]);
    story->set_url(absl::StrCat("https://example.com/", kStories[s][0]));
    story->add_talking_points("What it means for our customers");
    story->add_talking_points("What you liked about it");
    story->add_values(absl::StrCat(parent, "/values/", kValues[s][0]));
    apb::Story created;
    status = Check(advocacy->CreateStory(context.SetupContext(admin).get(),
                                         request, &created),
                   "CreateStory");
    if (!status.ok()) return status;
    dataset.story_ids.push_back(kStories[s][0]);
  }

  // Authors: consent and a linked account, one post each, approved (by
  // the rules or by the admin as reviewer), and shared once.
  uint64_t posts = 0;
  for (int i = kReviewers + 1; i <= kReviewers + kAuthors; ++i) {
    const std::string id = staff_id(i);
    const std::string& auth = context.EmployeeAuth(id);
    {
      spb::UpdateStaffMemberRequest request;
      request.mutable_staff_member()->set_name(context.StaffName(id));
      request.mutable_staff_member()->set_advocacy_consent(true);
      auto* account = request.mutable_staff_member()->add_social_accounts();
      account->set_network(common::v1::LINKEDIN);
      account->set_handle(absl::StrCat("load-", id));
      request.mutable_update_mask()->add_paths("advocacy_consent");
      request.mutable_update_mask()->add_paths("social_accounts");
      spb::StaffMember member;
      status = Check(staff->UpdateStaffMember(context.SetupContext(auth).get(),
                                              request, &member),
                     "UpdateStaffMember (consent)");
      if (!status.ok()) return status;
    }
    dataset.employee_staff_ids.push_back(id);

    apb::CreatePostRequest create;
    create.set_parent(parent);
    create.mutable_post()->set_network(common::v1::LINKEDIN);
    create.mutable_post()->set_text(bench::DisclosedPostText(
        seed, kTextOffset + static_cast<uint64_t>(i), company));
    create.mutable_post()->set_story(
        absl::StrCat(parent, "/stories/", kStories[i % 3][0]));
    apb::Post post;
    status = Check(advocacy->CreatePost(context.SetupContext(auth).get(),
                                        create, &post),
                   "CreatePost");
    if (!status.ok()) return status;
    ++posts;
    apb::SubmitPostRequest submit;
    submit.set_name(post.name());
    apb::SubmitPostResponse submitted;
    status = Check(advocacy->SubmitPost(context.SetupContext(auth).get(),
                                        submit, &submitted),
                   "SubmitPost");
    if (!status.ok()) return status;
    apb::Post::State state = submitted.post().state();
    if (state == apb::Post::IN_REVIEW) {
      apb::ApprovePostRequest approve;
      approve.set_name(post.name());
      approve.set_note("Approved for the load test dataset.");
      apb::Post approved;
      // A BLOCK rule refuses approval; such a post is left out.
      if (advocacy->ApprovePost(context.SetupContext(admin).get(), approve,
                                &approved)
              .ok()) {
        state = approved.state();
      }
    }
    if (state != apb::Post::APPROVED) {
      std::fprintf(stderr, "setup_small: %s ended %s; not shared\n",
                   post.name().c_str(),
                   apb::Post::State_Name(state).c_str());
      continue;
    }
    epb::CreateShareRequest share_request;
    share_request.set_parent(post.name());
    share_request.mutable_share()->set_network(common::v1::LINKEDIN);
    share_request.mutable_share()->set_published_text(create.post().text());
    epb::Share share;
    status = Check(engagement->CreateShare(context.SetupContext(auth).get(),
                                           share_request, &share),
                   "CreateShare");
    if (!status.ok()) return status;
    dataset.share_ids.push_back(LastSegment(share.name()));
  }

  tpb::VerifyAuditLogRequest verify;
  verify.set_parent(parent);
  tpb::VerifyAuditLogResponse verified;
  status = Check(transparency->VerifyAuditLog(context.SetupContext(admin).get(),
                                              verify, &verified),
                 "VerifyAuditLog");
  if (!status.ok()) return status;

  dataset.staff_count = kStaff;
  dataset.value_count = dataset.value_ids.size();
  dataset.story_count = dataset.story_ids.size();
  dataset.post_count = posts;
  dataset.audit_entry_count = static_cast<uint64_t>(verified.entries_checked());
  dataset.engagement_event_count = 0;
  status = bench::WriteDataset(dataset, manifest_path);
  if (!status.ok()) return status;
  std::fprintf(stderr,
               "setup_small: organizations/%s: %d staff, %zu authors, %zu "
               "shares, %lld audit entries; manifest %s\n",
               org.c_str(), kStaff, dataset.employee_staff_ids.size(),
               dataset.share_ids.size(),
               static_cast<long long>(dataset.audit_entry_count),
               manifest_path.c_str());
  return absl::OkStatus();
}

}  // namespace candor::load
