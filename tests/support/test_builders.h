// Builders for what most integration tests start from, through the API of
// the shared TestServer: a staff member with a token that carries their
// roles, an advocate (consent and a linked LinkedIn account), a post,
// created or submitted, a value, a story, the audit log; and ListAll, which
// follows a List method's pages. Each fails the test (non-fatally) when the
// server refuses.
#ifndef CANDOR_TESTS_SUPPORT_TEST_BUILDERS_H_
#define CANDOR_TESTS_SUPPORT_TEST_BUILDERS_H_

#include <google/protobuf/repeated_ptr_field.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/test_server.h"

namespace candor::testing {

// The names the integration tests use most, declared once.
using ::grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using Post = advocacypb::Post;
using Story = advocacypb::Story;
using Share = engagementpb::Share;
using StaffMember = staffpb::StaffMember;

// A test with an organization of its own on the shared TestServer (org_,
// made with the prefix the suite passes before each test) and a stub of
// every service.
class OrgTest : public ::testing::Test {
 protected:
  explicit OrgTest(const std::string& org_prefix)
      : org_(server_.CreateOrganization(org_prefix)) {}

  TestServer& server_ = TestServer::Get();
  TestServer::Organization org_;
  std::unique_ptr<staffpb::StaffService::Stub> staff_ = server_.StaffStub();
  std::unique_ptr<valuespb::ValuesService::Stub> values_ = server_.ValuesStub();
  std::unique_ptr<advocacypb::AdvocacyService::Stub> advocacy_ =
      server_.AdvocacyStub();
  std::unique_ptr<engagementpb::EngagementService::Stub> engagement_ =
      server_.EngagementStub();
  std::unique_ptr<::candor::transparency::v1::TransparencyService::Stub>
      transparency_ = ::candor::transparency::v1::TransparencyService::NewStub(
          server_.channel());
};

// A staff member and a token of theirs.
struct TestPerson {
  staffpb::StaffMember member;
  std::string token;
  const std::string& name() const { return member.name(); }
};

// A token of `member` with the roles their record has (employee always).
std::string TokenWithRolesOf(const staffpb::StaffMember& member);

// The LinkedIn handle MakePerson links: unique per employee id and org.
std::string DefaultHandle(const TestServer::Organization& org,
                          const std::string& employee_id);

// Gives the staff member `name` advocacy consent and links `handle` on
// LinkedIn, acting as themself with `token`; `updated` gets the record.
grpc::Status BecomeAdvocate(const std::string& token, const std::string& name,
                            const std::string& handle,
                            staffpb::StaffMember* updated);

// Makes `person` an advocate (DefaultHandle) and stores the updated record
// in it; fails the test when refused or when consent did not stick.
void MakeAdvocate(const TestServer::Organization& org, TestPerson& person);

// A staff member `employee_id` of `org` and `department` with `roles`, with
// a token of those roles; an advocate unless `advocate` is false.
TestPerson MakePerson(const TestServer::Organization& org,
                      const std::string& employee_id,
                      std::vector<staffpb::StaffMember::Role> roles = {},
                      const std::string& department = "Engineering",
                      bool advocate = true);

// A LinkedIn post with `text`.
advocacypb::Post NewPost(const std::string& text);

// CreatePost of `post` in the organization `parent` as `token`.
grpc::Status CreatePost(const std::string& token, const std::string& parent,
                        const advocacypb::Post& post, advocacypb::Post* out,
                        const std::string& request_id = "");

// SubmitPost of the post `name` as `token`.
grpc::Status SubmitPost(const std::string& token, const std::string& name,
                        advocacypb::SubmitPostResponse* out,
                        const std::string& request_id = "");

// A LinkedIn post with `text` created by `author` in `parent`.
advocacypb::Post MustCreatePost(const TestPerson& author,
                                const std::string& parent,
                                const std::string& text);

// Creates a post with `text` as `author` in `parent` and submits it; the
// answer.
advocacypb::SubmitPostResponse MustSubmitPost(const TestPerson& author,
                                              const std::string& parent,
                                              const std::string& text);

// A new ACTIVE value of `org` titled `title`, created by its admin; its
// name.
std::string MustCreateValue(const TestServer::Organization& org,
                            const std::string& title);

// A story of `org` titled `title`, for everyone or (with any) the
// `departments`, created by its admin.
advocacypb::Story MustCreateStory(
    const TestServer::Organization& org, const std::string& title,
    const std::vector<std::string>& departments = {});

// The audit log of the organization `parent`, oldest first, as `token`
// reads it: every page, of `page_size` entries (small, so the log spans
// pages).
std::vector<::candor::transparency::v1::AuditEntry> AuditLog(
    const std::string& token, const std::string& parent, int page_size = 2);

namespace builders_internal {
template <typename T>
struct Identity {
  using type = T;
};
}  // namespace builders_internal

// Every item of a paged List: `list(page_token, &page)` asks for one page,
// `items` picks a page's items (e.g. &ListPostsResponse::posts). Follows
// next_page_token until it is empty; `method` names the List in failure
// messages. With a `page_size`, checks that no page holds more; with
// `pages`, counts the pages. A refused page fails the test and ends the
// list; so does a list that never ends (over 1000 pages).
template <typename Response, typename Item>
std::vector<Item> ListAll(
    const std::string& method,
    const std::function<grpc::Status(
        const std::string& page_token,
        typename builders_internal::Identity<Response>::type* page)>& list,
    const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
    int page_size = 0, int* pages = nullptr) {
  std::vector<Item> all;
  std::string page_token;
  int count = 0;
  do {
    if (count == 1000) {
      ADD_FAILURE() << method << ": still more pages after " << count;
      break;
    }
    Response page;
    const grpc::Status status = list(page_token, &page);
    EXPECT_TRUE(status.ok()) << method << ": " << status.error_message();
    if (!status.ok()) break;
    ++count;
    const auto& page_items = (page.*items)();
    if (page_size > 0) {
      EXPECT_LE(page_items.size(), page_size) << method << " page " << count;
    }
    all.insert(all.end(), page_items.begin(), page_items.end());
    page_token = page.next_page_token();
  } while (!page_token.empty());
  if (pages != nullptr) *pages = count;
  return all;
}

// The names of `items`, in order.
template <typename Item>
std::vector<std::string> NamesOf(const std::vector<Item>& items) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const Item& item : items) names.push_back(item.name());
  return names;
}

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_TEST_BUILDERS_H_
