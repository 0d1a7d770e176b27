#include "tests/support/test_builders.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace candor::testing {

std::string TokenWithRolesOf(const staffpb::StaffMember& member) {
  std::vector<Role> roles = {Role::kEmployee};
  for (const int role : member.roles()) {
    if (role == staffpb::StaffMember::REVIEWER)
      roles.push_back(Role::kReviewer);
    if (role == staffpb::StaffMember::ADMIN) roles.push_back(Role::kAdmin);
  }
  return TestServer::StaffToken(member.name(), roles);
}

std::string DefaultHandle(const TestServer::Organization& org,
                          const std::string& employee_id) {
  return absl::StrCat(absl::AsciiStrToLower(employee_id), "-", org.id);
}

grpc::Status BecomeAdvocate(const std::string& token, const std::string& name,
                            const std::string& handle,
                            staffpb::StaffMember* updated) {
  staffpb::UpdateStaffMemberRequest request;
  staffpb::StaffMember* change = request.mutable_staff_member();
  change->set_name(name);
  change->set_advocacy_consent(true);
  auto* account = change->add_social_accounts();
  account->set_network(common::v1::LINKEDIN);
  account->set_handle(handle);
  request.mutable_update_mask()->add_paths("advocacy_consent");
  request.mutable_update_mask()->add_paths("social_accounts");
  return TestServer::Get().StaffStub()->UpdateStaffMember(
      TestServer::Context(token).get(), request, updated);
}

void MakeAdvocate(const TestServer::Organization& org, TestPerson& person) {
  staffpb::StaffMember updated;
  const grpc::Status status =
      BecomeAdvocate(person.token, person.name(),
                     DefaultHandle(org, person.member.employee_id()), &updated);
  EXPECT_TRUE(status.ok()) << "UpdateStaffMember (consent) of " << person.name()
                           << ": " << status.error_message();
  if (!status.ok()) return;
  EXPECT_TRUE(updated.advocacy_consent()) << person.name();
  person.member = updated;
}

TestPerson MakePerson(const TestServer::Organization& org,
                      const std::string& employee_id,
                      std::vector<staffpb::StaffMember::Role> roles,
                      const std::string& department, bool advocate) {
  TestPerson person;
  person.member = TestServer::Get().CreateStaff(org, employee_id,
                                                std::move(roles), department);
  person.token = TokenWithRolesOf(person.member);
  if (advocate) MakeAdvocate(org, person);
  return person;
}

advocacypb::Post NewPost(const std::string& text) {
  advocacypb::Post post;
  post.set_network(common::v1::LINKEDIN);
  post.set_text(text);
  return post;
}

grpc::Status CreatePost(const std::string& token, const std::string& parent,
                        const advocacypb::Post& post, advocacypb::Post* out,
                        const std::string& request_id) {
  advocacypb::CreatePostRequest request;
  request.set_parent(parent);
  *request.mutable_post() = post;
  request.set_request_id(request_id);
  return TestServer::Get().AdvocacyStub()->CreatePost(
      TestServer::Context(token).get(), request, out);
}

grpc::Status SubmitPost(const std::string& token, const std::string& name,
                        advocacypb::SubmitPostResponse* out,
                        const std::string& request_id) {
  advocacypb::SubmitPostRequest request;
  request.set_name(name);
  request.set_request_id(request_id);
  return TestServer::Get().AdvocacyStub()->SubmitPost(
      TestServer::Context(token).get(), request, out);
}

advocacypb::Post MustCreatePost(const TestPerson& author,
                                const std::string& parent,
                                const std::string& text) {
  advocacypb::Post out;
  const grpc::Status status =
      CreatePost(author.token, parent, NewPost(text), &out);
  EXPECT_TRUE(status.ok()) << "CreatePost as " << author.name() << ": "
                           << status.error_message();
  return out;
}

advocacypb::SubmitPostResponse MustSubmitPost(const TestPerson& author,
                                              const std::string& parent,
                                              const std::string& text) {
  const advocacypb::Post post = MustCreatePost(author, parent, text);
  advocacypb::SubmitPostResponse out;
  const grpc::Status status = SubmitPost(author.token, post.name(), &out);
  EXPECT_TRUE(status.ok()) << "SubmitPost as " << author.name() << ": "
                           << status.error_message();
  return out;
}

std::string MustCreateValue(const TestServer::Organization& org,
                            const std::string& title) {
  valuespb::CreateValueRequest request;
  request.set_parent(org.name);
  request.mutable_value()->set_title(title);
  request.mutable_value()->set_statement("We commit to " + title + ".");
  valuespb::Value value;
  const grpc::Status status = TestServer::Get().ValuesStub()->CreateValue(
      TestServer::Context(org.admin_token).get(), request, &value);
  EXPECT_TRUE(status.ok()) << "CreateValue " << title << ": "
                           << status.error_message();
  return value.name();
}

advocacypb::Story MustCreateStory(const TestServer::Organization& org,
                                  const std::string& title,
                                  const std::vector<std::string>& departments) {
  advocacypb::CreateStoryRequest request;
  request.set_parent(org.name);
  request.mutable_story()->set_title(title);
  request.mutable_story()->set_summary(
      "What happened, in a few sentences.\nAnd why it matters.");
  for (const std::string& department : departments) {
    request.mutable_story()->add_audience_departments(department);
  }
  advocacypb::Story out;
  const grpc::Status status = TestServer::Get().AdvocacyStub()->CreateStory(
      TestServer::Context(org.admin_token).get(), request, &out);
  EXPECT_TRUE(status.ok()) << "CreateStory " << title << ": "
                           << status.error_message();
  return out;
}

std::vector<::candor::transparency::v1::AuditEntry> AuditLog(
    const std::string& token, const std::string& parent, int page_size) {
  namespace tpb = ::candor::transparency::v1;
  auto stub = tpb::TransparencyService::NewStub(TestServer::Get().channel());
  return ListAll<tpb::ListAuditEntriesResponse>(
      "ListAuditEntries",
      [&](const std::string& page_token, tpb::ListAuditEntriesResponse* page) {
        tpb::ListAuditEntriesRequest request;
        request.set_parent(parent);
        request.set_page_size(page_size);
        request.set_page_token(page_token);
        return stub->ListAuditEntries(TestServer::Context(token).get(), request,
                                      page);
      },
      &tpb::ListAuditEntriesResponse::audit_entries, page_size);
}

}  // namespace candor::testing
