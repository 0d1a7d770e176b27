// Bad input to StaffService: every malformed field answers INVALID_ARGUMENT
// whose message starts with the field's path (validation.h), and nothing is
// stored. Also the other refusals of a well-formed but conflicting request:
// request_id reuse, stale etags, social accounts owned by someone else.
//
// Real server, real gRPC, real MariaDB (tests/support).
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "tests/support/test_util.h"

namespace candor::testing {
namespace {

using grpc::StatusCode;
using staffpb::StaffMember;
namespace commonpb = ::candor::common::v1;

class StaffBadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    org_ = TestServer::Get().CreateOrganization("bad");
    ASSERT_FALSE(HasFailure());
  }

  std::unique_ptr<staffpb::StaffService::Stub> Stub() {
    return TestServer::Get().StaffStub();
  }

  std::string NextId(const std::string& prefix) {
    return absl::StrCat(prefix, ++counter_);
  }

  // A valid request to add one person to org_.
  staffpb::CreateStaffMemberRequest ValidCreate() {
    staffpb::CreateStaffMemberRequest request;
    request.set_parent(org_.name);
    const std::string id = NextId("E");
    request.mutable_staff_member()->set_employee_id(id);
    request.mutable_staff_member()->set_display_name("Person " + id);
    request.mutable_staff_member()->set_email(id + "@bad.example");
    return request;
  }

  grpc::Status Create(const staffpb::CreateStaffMemberRequest& request,
                      StaffMember* out = nullptr) {
    StaffMember response;
    grpc::Status status = Stub()->CreateStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  grpc::Status Update(const std::string& token,
                      const staffpb::UpdateStaffMemberRequest& request,
                      StaffMember* out = nullptr) {
    StaffMember response;
    grpc::Status status = Stub()->UpdateStaffMember(
        TestServer::Context(token).get(), request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  grpc::Status List(const staffpb::ListStaffMembersRequest& request,
                    staffpb::ListStaffMembersResponse* out) {
    return Stub()->ListStaffMembers(TestServer::Context(org_.admin_token).get(),
                                    request, out);
  }

  // Every staff member of `org`, as its admin sees them.
  std::vector<StaffMember> All(const TestServer::Organization& org) {
    staffpb::ListStaffMembersRequest request;
    request.set_parent(org.name);
    request.set_page_size(1000);
    staffpb::ListStaffMembersResponse response;
    grpc::Status status = Stub()->ListStaffMembers(
        TestServer::Context(org.admin_token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.staff_members().begin(), response.staff_members().end()};
  }
  int Count() { return static_cast<int>(All(org_).size()); }

  StaffMember Get(const std::string& name) {
    staffpb::GetStaffMemberRequest request;
    request.set_name(name);
    StaffMember response;
    grpc::Status status = Stub()->GetStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  TestServer::Organization org_;
  int counter_ = 0;
};

struct CreateCase {
  std::string what;
  std::function<void(staffpb::CreateStaffMemberRequest&)> mutate;
  std::string field;
};

// --- CreateStaffMember ------------------------------------------------------

TEST_F(StaffBadInputTest, CreateStaffMemberRefusesBadFieldsAndStoresNothing) {
  const TestServer::Organization other =
      TestServer::Get().CreateOrganization("bad-other");
  const StaffMember outsider = TestServer::Get().CreateStaff(other, "X1");
  const int before = Count();

  const auto member = [](staffpb::CreateStaffMemberRequest& r) {
    return r.mutable_staff_member();
  };
  const auto email = [member](const std::string& value) {
    return [member, value](staffpb::CreateStaffMemberRequest& r) {
      member(r)->set_email(value);
    };
  };
  const auto employee_id = [member](const std::string& value) {
    return [member, value](staffpb::CreateStaffMemberRequest& r) {
      member(r)->set_employee_id(value);
    };
  };
  const auto parent = [](const std::string& value) {
    return
        [value](staffpb::CreateStaffMemberRequest& r) { r.set_parent(value); };
  };
  const auto id = [](const std::string& value) {
    return [value](staffpb::CreateStaffMemberRequest& r) {
      r.set_staff_member_id(value);
    };
  };
  const auto add_account = [member](staffpb::CreateStaffMemberRequest& r,
                                    int network, const std::string& handle) {
    auto* account = member(r)->add_social_accounts();
    account->set_network(static_cast<commonpb::Network>(network));
    account->set_handle(handle);
  };

  const std::vector<CreateCase> cases = {
      {"no staff_member", [](auto& r) { r.clear_staff_member(); },
       "staff_member"},
      {"empty display_name",
       [member](auto& r) { member(r)->set_display_name(""); },
       "staff_member.display_name"},
      {"blank display_name",
       [member](auto& r) { member(r)->set_display_name("   "); },
       "staff_member.display_name"},
      {"201-char display_name",
       [member](auto& r) {
         member(r)->set_display_name(std::string(201, 'a'));
       },
       "staff_member.display_name"},
      {"201 multi-byte chars in display_name",
       [member](auto& r) {
         member(r)->set_display_name(Repeat("\xC3\xA9", 201));
       },
       "staff_member.display_name"},
      {"control character in display_name",
       [member](auto& r) { member(r)->set_display_name("Ada\nLovelace"); },
       "staff_member.display_name"},
      {"101-char title",
       [member](auto& r) { member(r)->set_title(std::string(101, 't')); },
       "staff_member.title"},
      {"empty email", email(""), "staff_member.email"},
      {"email without @", email("plainaddress"), "staff_member.email"},
      {"email without local part", email("@x.example"), "staff_member.email"},
      {"email without domain", email("a@"), "staff_member.email"},
      {"email with undotted domain", email("a@localhost"),
       "staff_member.email"},
      {"email with two @", email("a@b@x.example"), "staff_member.email"},
      {"email with a space", email("a b@x.example"), "staff_member.email"},
      {"email with ..", email("a@x..example"), "staff_member.email"},
      {"email ending with .", email("a@x.example."), "staff_member.email"},
      {"email in <>", email("<a@x.example>"), "staff_member.email"},
      {"255-char email", email(std::string(243, 'a') + "@x.example.com"),
       "staff_member.email"},
      {"email with SQL", email("a'; DROP TABLE staff_members; --@x.com"),
       "staff_member.email"},
      {"empty employee_id", employee_id(""), "staff_member.employee_id"},
      {"employee_id with a space", employee_id("E 1"),
       "staff_member.employee_id"},
      {"employee_id with '", employee_id("E'1"), "staff_member.employee_id"},
      {"employee_id with \"", employee_id("E\"1"), "staff_member.employee_id"},
      {"employee_id with SQL", employee_id("E1' OR '1'='1"),
       "staff_member.employee_id"},
      {"65-char employee_id", employee_id(std::string(65, 'e')),
       "staff_member.employee_id"},
      {"unknown role 42",
       [member](auto& r) { member(r)->mutable_roles()->Add(42); },
       "staff_member.roles[0]"},
      {"ROLE_UNSPECIFIED",
       [member](auto& r) {
         member(r)->add_roles(StaffMember::REVIEWER);
         member(r)->add_roles(StaffMember::ROLE_UNSPECIFIED);
       },
       "staff_member.roles[1]"},
      {"unknown network 42",
       [add_account](auto& r) { add_account(r, 42, "ada"); },
       "staff_member.social_accounts[0].network"},
      {"NETWORK_UNSPECIFIED",
       [add_account](auto& r) { add_account(r, 0, "ada"); },
       "staff_member.social_accounts[0].network"},
      {"empty handle",
       [add_account](auto& r) { add_account(r, commonpb::LINKEDIN, ""); },
       "staff_member.social_accounts[0].handle"},
      {"handle '@' only",
       [add_account](auto& r) { add_account(r, commonpb::LINKEDIN, "@"); },
       "staff_member.social_accounts[0].handle"},
      {"101-char handle",
       [add_account](auto& r) {
         add_account(r, commonpb::LINKEDIN, std::string(101, 'h'));
       },
       "staff_member.social_accounts[0].handle"},
      {"11 social accounts",
       [add_account](auto& r) {
         for (int i = 0; i < 11; ++i) {
           add_account(r, commonpb::LINKEDIN, absl::StrCat("handle", i));
         }
       },
       "staff_member.social_accounts"},
      {"the same account twice (case and @ differ)",
       [add_account](auto& r) {
         add_account(r, commonpb::MASTODON, "@Ada");
         add_account(r, commonpb::MASTODON, "ada");
       },
       "staff_member.social_accounts[1]"},
      {"1001-char bio",
       [member](auto& r) { member(r)->set_bio(std::string(1001, 'b')); },
       "staff_member.bio"},
      {"consent given by the admin",
       [member](auto& r) { member(r)->set_advocacy_consent(true); },
       "staff_member.advocacy_consent"},
      {"manager of another organization",
       [member, &outsider](auto& r) {
         member(r)->set_manager(outsider.name());
       },
       "staff_member.manager"},
      {"manager that does not exist",
       [member, this](auto& r) {
         member(r)->set_manager(org_.name + "/staffMembers/nobody");
       },
       "staff_member.manager"},
      {"manager not a name",
       [member](auto& r) { member(r)->set_manager("bob"); },
       "staff_member.manager"},
      {"empty parent", parent(""), "parent"},
      {"parent organizations/../x", parent("organizations/../x"), "parent"},
      {"parent organizations/..", parent("organizations/.."), "parent"},
      {"parent with uppercase", parent("organizations/ACME"), "parent"},
      {"parent with trailing /", parent(org_.name + "/"), "parent"},
      {"parent of another collection", parent("orgs/" + org_.id), "parent"},
      {"parent naming a staff member", parent(org_.admin_name), "parent"},
      {"staff_member_id with uppercase", id("Alice"), "staff_member_id"},
      {"staff_member_id with a space", id("al ice"), "staff_member_id"},
      {"staff_member_id with _", id("al_ice"), "staff_member_id"},
      {"staff_member_id starting with -", id("-alice"), "staff_member_id"},
      {"64-char staff_member_id", id(std::string(64, 'a')), "staff_member_id"},
      {"request_id with a space", [](auto& r) { r.set_request_id("retry 1"); },
       "request_id"},
  };
  for (const CreateCase& c : cases) {
    SCOPED_TRACE(c.what);
    staffpb::CreateStaffMemberRequest request = ValidCreate();
    c.mutate(request);
    EXPECT_TRUE(IsInvalidField(Create(request), c.field));
  }
  EXPECT_EQ(Count(), before) << "a refused request stored a staff member";
  // The other organization was not touched either.
  EXPECT_EQ(All(other).size(), 2u);
}

TEST_F(StaffBadInputTest, CreateStaffMemberAcceptsLimitsAndQuotesVerbatim) {
  const int before = Count();
  // 200 characters of two bytes and of four bytes are within the limit.
  for (const std::string& ch :
       {std::string("\xC3\xA9"), std::string("\xF0\x9F\x98\x80")}) {
    staffpb::CreateStaffMemberRequest request = ValidCreate();
    request.mutable_staff_member()->set_display_name(Repeat(ch, 200));
    StaffMember created;
    grpc::Status status = Create(request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(Get(created.name()).display_name(), Repeat(ch, 200));
  }
  // SQL metacharacters that are valid in a field are stored as they are.
  staffpb::CreateStaffMemberRequest request = ValidCreate();
  request.mutable_staff_member()->set_email("o'brien+x@bad.example");
  request.mutable_staff_member()->set_display_name(
      "Robert'); DROP TABLE staff_members;--");
  StaffMember created;
  grpc::Status status = Create(request, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const StaffMember read = Get(created.name());
  EXPECT_EQ(read.email(), "o'brien+x@bad.example");
  EXPECT_EQ(read.display_name(), "Robert'); DROP TABLE staff_members;--");
  EXPECT_EQ(Count(), before + 3);
}

// Invalid UTF-8 in a proto3 string field never reaches the service's own
// check: the server's protobuf parser refuses the message first (the C++
// client's serializer only logs an error and sends it). The server turns
// that into INVALID_ARGUMENT naming the field (services/common/
// parse_errors.h) instead of gRPC 1.51's bare UNIMPLEMENTED; nothing is
// stored.
TEST_F(StaffBadInputTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  const int before = Count();
  staffpb::CreateStaffMemberRequest request = ValidCreate();
  request.mutable_staff_member()->set_display_name("Ad\xC3(a\xFF");
  const grpc::Status status = Create(request);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT)
      << GrpcCodeName(status.error_code()) << " \"" << status.error_message()
      << "\"";
  EXPECT_EQ(status.error_message(),
            "StaffMember.display_name: not valid UTF-8");
  EXPECT_EQ(Count(), before);
}

// --- ListStaffMembers -------------------------------------------------------

TEST_F(StaffBadInputTest, ListStaffMembersRefusesBadPagingAndFilters) {
  TestServer::Get().CreateStaff(org_, "L1");
  TestServer::Get().CreateStaff(org_, "L2");

  staffpb::ListStaffMembersRequest base;
  base.set_parent(org_.name);
  staffpb::ListStaffMembersResponse response;

  for (int size : {-1, 1001, -2147483647}) {
    SCOPED_TRACE(size);
    staffpb::ListStaffMembersRequest request = base;
    request.set_page_size(size);
    EXPECT_TRUE(IsInvalidField(List(request, &response), "page_size"));
  }

  // A real token, for the filter "" and page size 1.
  staffpb::ListStaffMembersRequest first = base;
  first.set_page_size(1);
  ASSERT_TRUE(List(first, &response).ok());
  const std::string token = response.next_page_token();
  ASSERT_FALSE(token.empty());

  // The same token with a different filter, or for another organization.
  {
    staffpb::ListStaffMembersRequest request = first;
    request.set_page_token(token);
    request.set_filter("state = ACTIVE");
    EXPECT_TRUE(IsInvalidField(List(request, &response), "page_token"));
  }
  {
    const TestServer::Organization other =
        TestServer::Get().CreateOrganization("bad-other");
    staffpb::ListStaffMembersRequest request = first;
    request.set_parent(other.name);
    request.set_page_token(token);
    staffpb::ListStaffMembersResponse other_response;
    grpc::Status status = Stub()->ListStaffMembers(
        TestServer::Context(other.admin_token).get(), request, &other_response);
    EXPECT_TRUE(IsInvalidField(status, "page_token"));
  }
  // Forged tokens: garbage, a cursor without a valid MAC, a tampered token.
  std::string tampered = token;
  tampered[tampered.size() / 2] =
      tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& forged :
       {std::string("not-a-token"), std::string("!!!"),
        absl::WebSafeBase64Escape(std::string(1, '\x01') + "zzzz" +
                                  std::string(16, '\0')),
        tampered, std::string(2000, 'A')}) {
    SCOPED_TRACE(forged);
    staffpb::ListStaffMembersRequest request = first;
    request.set_page_token(forged);
    EXPECT_TRUE(IsInvalidField(List(request, &response), "page_token"));
  }

  for (const std::string& filter : {
           std::string("salary = 5"),
           std::string("email = \"a@b.example\""),
           std::string("department"),
           std::string("department ="),
           std::string("= Sales"),
           std::string("department == Sales"),
           std::string("department = \"Sales"),
           std::string("department = Sales OR title = x"),
           std::string("department = Sales title = x"),
           std::string("department = Sales AND"),
           std::string("department = a AND department = b"),
           std::string("state = DELETED"),
           std::string("role = OWNER"),
           std::string("advocacy_consent = yes"),
           std::string("manager = bob"),
           std::string("department = \"x\"; DROP TABLE staff_members; --"),
           std::string(1025, ' ') + "state = ACTIVE",
       }) {
    SCOPED_TRACE(filter);
    staffpb::ListStaffMembersRequest request = base;
    request.set_filter(filter);
    EXPECT_TRUE(IsInvalidField(List(request, &response), "filter"));
  }
}

TEST_F(StaffBadInputTest, ListStaffMembersTreatsQuotedSqlAsPlainValues) {
  const int count = Count();
  ASSERT_GE(count, 1);
  for (const std::string& filter : {
           std::string("department = \"x' OR '1'='1\""),
           std::string("department = \"x\\\" OR \\\"1\\\"=\\\"1\""),
           std::string("employee_id = \"A0001' -- \""),
           std::string("title = \"'; DROP TABLE staff_members; --\""),
           std::string("location = \"%\""),
           std::string("department = \"\\\\\""),
       }) {
    SCOPED_TRACE(filter);
    staffpb::ListStaffMembersRequest request;
    request.set_parent(org_.name);
    request.set_filter(filter);
    staffpb::ListStaffMembersResponse response;
    const grpc::Status status = List(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.staff_members_size(), 0);
  }
  // The table and its rows are still there.
  EXPECT_EQ(Count(), count);
}

// --- UpdateStaffMember ------------------------------------------------------

TEST_F(StaffBadInputTest, UpdateStaffMemberRefusesBadMasksAndValues) {
  const StaffMember person = TestServer::Get().CreateStaff(org_, "U1");
  const StaffMember original = Get(person.name());

  struct UpdateCase {
    std::string what;
    std::vector<std::string> paths;
    std::function<void(StaffMember&)> set;
    bool as_admin;
    std::string field;
  };
  const auto none = [](StaffMember&) {};
  const std::vector<UpdateCase> cases = {
      {"unknown path", {"salary"}, none, true, "update_mask"},
      {"unknown nested path",
       {"social_accounts.handle"},
       none,
       false,
       "update_mask"},
      {"output-only create_time", {"create_time"}, none, true, "update_mask"},
      {"output-only update_time", {"update_time"}, none, true, "update_mask"},
      {"output-only name", {"name"}, none, true, "update_mask"},
      {"output-only etag", {"etag"}, none, true, "update_mask"},
      {"state",
       {"state"},
       [](StaffMember& s) { s.set_state(StaffMember::INACTIVE); },
       true,
       "update_mask"},
      {"a bad path after a good one",
       {"bio", "create_time"},
       [](StaffMember& s) { s.set_bio("new bio"); },
       false,
       "update_mask"},
      {"empty mask and no field", {}, none, false, "update_mask"},
      {"1001-char bio",
       {"bio"},
       [](StaffMember& s) { s.set_bio(std::string(1001, 'b')); },
       false,
       "staff_member.bio"},
      {"bio with a NUL",
       {"bio"},
       [](StaffMember& s) { s.set_bio(std::string("a\0b", 3)); },
       false,
       "staff_member.bio"},
      {"bad email",
       {"email"},
       [](StaffMember& s) { s.set_email("nope"); },
       true,
       "staff_member.email"},
      {"empty display_name",
       {"display_name"},
       none,
       true,
       "staff_member.display_name"},
      {"employee_id with a quote",
       {"employee_id"},
       [](StaffMember& s) { s.set_employee_id("U'1"); },
       true,
       "staff_member.employee_id"},
      {"unknown role",
       {"roles"},
       [](StaffMember& s) { s.mutable_roles()->Add(42); },
       true,
       "staff_member.roles[0]"},
      {"manager is themself",
       {"manager"},
       [&person](StaffMember& s) { s.set_manager(person.name()); },
       true,
       "staff_member.manager"},
      {"11 social accounts",
       {"social_accounts"},
       [](StaffMember& s) {
         for (int i = 0; i < 11; ++i) {
           auto* a = s.add_social_accounts();
           a->set_network(commonpb::X);
           a->set_handle(absl::StrCat("h", i));
         }
       },
       false,
       "staff_member.social_accounts"},
      {"bad name",
       {"bio"},
       [](StaffMember& s) { s.set_name("organizations/../staffMembers/x"); },
       false,
       "staff_member.name"},
  };
  for (const UpdateCase& c : cases) {
    SCOPED_TRACE(c.what);
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(person.name());
    c.set(*request.mutable_staff_member());
    for (const std::string& path : c.paths)
      request.mutable_update_mask()->add_paths(path);
    EXPECT_TRUE(IsInvalidField(
        Update(c.as_admin ? org_.admin_token : EmployeeToken(person), request),
        c.field));
  }
  const StaffMember after = Get(person.name());
  EXPECT_EQ(after.etag(), original.etag())
      << "a refused update changed the record";
  EXPECT_EQ(after.bio(), original.bio());
  EXPECT_EQ(after.state(), StaffMember::ACTIVE);
  EXPECT_EQ(after.email(), original.email());
}

TEST_F(StaffBadInputTest, UpdateStaffMemberWithStaleEtagIsAborted) {
  const StaffMember person = TestServer::Get().CreateStaff(org_, "U2");
  const std::string stale = Get(person.name()).etag();

  staffpb::UpdateStaffMemberRequest request;
  request.mutable_staff_member()->set_name(person.name());
  request.mutable_staff_member()->set_department("Sales");
  request.mutable_staff_member()->set_etag(stale);
  request.mutable_update_mask()->add_paths("department");
  StaffMember updated;
  ASSERT_TRUE(Update(org_.admin_token, request, &updated).ok());
  EXPECT_NE(updated.etag(), stale);

  request.mutable_staff_member()->set_department("Marketing");
  EXPECT_THAT(Update(org_.admin_token, request),
              GrpcStatusIs(StatusCode::ABORTED, "etag"));
  request.mutable_staff_member()->set_etag("\"999\"");
  EXPECT_THAT(Update(org_.admin_token, request),
              GrpcStatusIs(StatusCode::ABORTED, "etag"));

  const StaffMember after = Get(person.name());
  EXPECT_EQ(after.department(), "Sales");
  EXPECT_EQ(after.etag(), updated.etag());
}

// --- social accounts: one owner per (network, handle) ------------------------

TEST_F(StaffBadInputTest, SocialAccountOfSomeoneElseIsAlreadyExists) {
  const StaffMember ada = TestServer::Get().CreateStaff(org_, "S1");
  const StaffMember bob = TestServer::Get().CreateStaff(org_, "S2");

  const auto link = [&](const StaffMember& who, int network,
                        const std::string& handle) {
    staffpb::UpdateStaffMemberRequest request;
    request.mutable_staff_member()->set_name(who.name());
    auto* account = request.mutable_staff_member()->add_social_accounts();
    account->set_network(static_cast<commonpb::Network>(network));
    account->set_handle(handle);
    request.mutable_update_mask()->add_paths("social_accounts");
    return Update(EmployeeToken(who), request);
  };

  ASSERT_TRUE(link(ada, commonpb::LINKEDIN, "Ada.Lovelace").ok());
  for (const std::string& handle :
       {std::string("Ada.Lovelace"), std::string("ada.lovelace"),
        std::string("@ada.lovelace"), std::string("@ADA.LOVELACE")}) {
    SCOPED_TRACE(handle);
    EXPECT_THAT(link(bob, commonpb::LINKEDIN, handle),
                GrpcStatusIs(StatusCode::ALREADY_EXISTS,
                             "staff_member.social_accounts"));
  }
  EXPECT_EQ(Get(bob.name()).social_accounts_size(), 0);

  // A new person cannot be created with it either, and nothing is stored.
  const int before = Count();
  staffpb::CreateStaffMemberRequest create = ValidCreate();
  auto* account = create.mutable_staff_member()->add_social_accounts();
  account->set_network(commonpb::LINKEDIN);
  account->set_handle("@Ada.Lovelace");
  EXPECT_THAT(Create(create), GrpcStatusIs(StatusCode::ALREADY_EXISTS,
                                           "staff_member.social_accounts"));
  EXPECT_EQ(Count(), before);

  // The same handle on another network is someone else's account.
  EXPECT_TRUE(link(bob, commonpb::X, "@ada.lovelace").ok());
  // Ada still owns hers (re-linking it to herself is fine).
  EXPECT_TRUE(link(ada, commonpb::LINKEDIN, "@ADA.lovelace").ok());
}

// --- DeactivateStaffMember --------------------------------------------------

TEST_F(StaffBadInputTest, DeactivateStaffMemberNeedsAReason) {
  const StaffMember person = TestServer::Get().CreateStaff(org_, "D1");
  for (const std::string& reason :
       {std::string(""), std::string("   "), std::string(501, 'r'),
        std::string("left\x01")}) {
    SCOPED_TRACE(reason);
    staffpb::DeactivateStaffMemberRequest request;
    request.set_name(person.name());
    request.set_reason(reason);
    StaffMember response;
    EXPECT_TRUE(IsInvalidField(
        Stub()->DeactivateStaffMember(
            TestServer::Context(org_.admin_token).get(), request, &response),
        "reason"));
  }
  const StaffMember after = Get(person.name());
  EXPECT_EQ(after.state(), StaffMember::ACTIVE);
  EXPECT_EQ(after.etag(), person.etag());
}

// --- CreateOrganization -----------------------------------------------------

TEST_F(StaffBadInputTest, CreateOrganizationRefusesBadInputAndStoresNothing) {
  const auto valid = [](const std::string& id) {
    staffpb::CreateOrganizationRequest request;
    request.set_organization_id(id);
    request.mutable_organization()->set_display_name("Bad Input Inc");
    request.mutable_first_admin()->set_employee_id("A1");
    request.mutable_first_admin()->set_display_name("Founder");
    request.mutable_first_admin()->set_email("founder@bad.example");
    return request;
  };
  const auto create = [&](const staffpb::CreateOrganizationRequest& request) {
    staffpb::Organization response;
    return Stub()->CreateOrganization(
        TestServer::Context(TestServer::OperatorToken()).get(), request,
        &response);
  };
  // Nothing of that id exists (an id that is not a valid name cannot).
  const auto expect_absent = [&](const std::string& id) {
    staffpb::GetOrganizationRequest request;
    request.set_name("organizations/" + id);
    staffpb::Organization response;
    const grpc::Status status = Stub()->GetOrganization(
        TestServer::Context(TestServer::OperatorToken()).get(), request,
        &response);
    EXPECT_TRUE(status.error_code() == StatusCode::NOT_FOUND ||
                status.error_code() == StatusCode::INVALID_ARGUMENT)
        << id << ": " << GrpcCodeName(status.error_code());
  };

  const std::string good = UniqueId("badorg");  // e.g. badorg-123-4
  struct OrgCase {
    std::string what;
    staffpb::CreateOrganizationRequest request;
    std::string field;
    std::string id;
  };
  std::vector<OrgCase> cases;
  for (const std::string& id :
       {std::string("Acme-" + good), std::string("ab"), std::string(41, 'a'),
        std::string("acme_" + good), std::string(""), std::string("1" + good),
        std::string("-" + good), std::string(good + "-"), std::string("a b"),
        std::string("../" + good)}) {
    cases.push_back(
        {"organization_id '" + id + "'", valid(id), "organization_id", id});
  }
  {
    auto request = valid(good);
    request.clear_first_admin();
    cases.push_back({"missing first_admin", request, "first_admin", good});
  }
  {
    auto request = valid(good);
    request.mutable_first_admin()->set_email("founder");
    cases.push_back(
        {"bad first_admin email", request, "first_admin.email", good});
  }
  {
    auto request = valid(good);
    request.mutable_first_admin()->set_manager(
        "organizations/x/staffMembers/y");
    cases.push_back(
        {"first_admin with a manager", request, "first_admin.manager", good});
  }
  {
    auto request = valid(good);
    request.clear_organization();
    cases.push_back(
        {"missing organization", request, "organization.display_name", good});
  }
  {
    auto request = valid(good);
    request.set_request_id("has spaces in it");
    cases.push_back({"request_id with spaces", request, "request_id", good});
  }
  {
    auto request = valid(good);
    request.set_request_id(std::string(65, 'r'));
    cases.push_back({"65-char request_id", request, "request_id", good});
  }
  for (const OrgCase& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_TRUE(IsInvalidField(create(c.request), c.field));
    expect_absent(c.id);
  }
  // The id is still free: the refused calls claimed neither it nor the
  // request_id.
  auto request = valid(good);
  request.set_request_id("create-" + good);
  const grpc::Status status = create(request);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// --- request_id -------------------------------------------------------------

TEST_F(StaffBadInputTest, RetriedCreateStaffMemberCreatesOnce) {
  const int before = Count();
  staffpb::CreateStaffMemberRequest request = ValidCreate();
  request.set_request_id("create-once-" + org_.id);
  StaffMember first, second;
  ASSERT_TRUE(Create(request, &first).ok());
  ASSERT_TRUE(Create(request, &second).ok());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_EQ(Count(), before + 1);

  // The same id with another body is refused, naming request_id.
  staffpb::CreateStaffMemberRequest changed = request;
  changed.mutable_staff_member()->set_display_name("Someone Else");
  EXPECT_TRUE(IsInvalidField(Create(changed), "request_id"));
  EXPECT_EQ(Count(), before + 1);
  EXPECT_EQ(Get(first.name()).display_name(),
            request.staff_member().display_name());
}

TEST_F(StaffBadInputTest, FailedCallDoesNotUseUpItsRequestId) {
  const int before = Count();
  const std::string request_id = "fails-then-works-" + org_.id;
  // Refused by validation.
  staffpb::CreateStaffMemberRequest bad = ValidCreate();
  bad.set_request_id(request_id);
  bad.mutable_staff_member()->set_email("nope");
  EXPECT_TRUE(IsInvalidField(Create(bad), "staff_member.email"));
  // Refused inside the transaction (the employee_id is taken).
  staffpb::CreateStaffMemberRequest taken = ValidCreate();
  taken.set_request_id(request_id);
  taken.mutable_staff_member()->set_employee_id("A0001");
  EXPECT_THAT(Create(taken), GrpcStatusIs(StatusCode::ALREADY_EXISTS,
                                          "staff_member.employee_id"));
  EXPECT_EQ(Count(), before);
  // The corrected request with the same id runs.
  staffpb::CreateStaffMemberRequest good = ValidCreate();
  good.set_request_id(request_id);
  const grpc::Status status = Create(good);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Count(), before + 1);
}

// A duplicate key is explained by the index it hit, looked up in the
// server's message; that message also quotes the duplicated value, which must
// not change which field is blamed.
TEST_F(StaffBadInputTest,
       DuplicateEmployeeIdIsBlamedOnEmployeeIdWhateverItSays) {
  for (const std::string& employee_id :
       {std::string("plain-id"), std::string("staff_by_email")}) {
    SCOPED_TRACE(employee_id);
    staffpb::CreateStaffMemberRequest request = ValidCreate();
    request.mutable_staff_member()->set_employee_id(employee_id);
    ASSERT_TRUE(Create(request).ok());
    const int before = Count();
    staffpb::CreateStaffMemberRequest again = ValidCreate();
    again.mutable_staff_member()->set_employee_id(employee_id);
    EXPECT_THAT(Create(again), GrpcStatusIs(StatusCode::ALREADY_EXISTS,
                                            "staff_member.employee_id"));
    EXPECT_EQ(Count(), before);
  }
}

}  // namespace
}  // namespace candor::testing
