// End to end: the real `candord` binary as a child process over the test
// database, driven by the real `candorctl` binary, as a new user would run
// them. One candord serves the whole suite; each test works in its own
// organization(s), created through candorctl.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "candor/staff/v1/staff.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"
#include "tests/support/test_database.h"

namespace candor::testing {
namespace {

using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCreateMethod[] =
    "/candor.staff.v1.StaffService/CreateStaffMember";

// ---------------------------------------------------------------------------
// CSV fixtures, generated at run time.

std::string StaffCsvHeader() {
  return "employee_id,display_name,email,department,title,location,"
         "manager_employee_id,roles\n";
}

std::string EmployeeId(int i) { return absl::StrFormat("P%04d", i); }

// The display name row `i` carries (unquoted).
std::string DisplayNameOf(int i) {
  if (i == 3) return "Zoë Ångström";
  if (i == 4) return "José Núñez, Jr.";     // UTF-8 and a comma
  if (i == 5) return "Jane \"JJ\" O'Hara";  // doubled quotes in the CSV
  if (i % 97 == 0) return absl::StrCat("Søren Kierkegaard ", i);
  if (i % 7 == 0) return absl::StrCat("Doe, Jane ", i);
  return absl::StrCat("Person ", i);
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string TitleOf(int i) {
  return i % 5 == 0 ? "Engineer, Senior" : "Engineer";
}
std::string DepartmentOf(int i) {
  static const char* const kDepartments[] = {
      "Engineering", "Sales", "Research, Development", "Support"};
  return kDepartments[i % 4];
}
bool IsReviewer(int i) { return i % 10 == 0; }

// `rows` staff rows (line i+1 holds row i). Managers refer to earlier rows.
// When `bad_email_row` > 0 that row gets an invalid email.
std::string MakeStaffCsv(int rows, int bad_email_row = 0) {
  std::string csv = StaffCsvHeader();
  for (int i = 1; i <= rows; ++i) {
    const std::string email = i == bad_email_row
                                  ? std::string("not-an-email")
                                  : absl::StrFormat("p%04d@example.com", i);
    const std::string manager = i == 1 ? "" : EmployeeId(i / 2);
    const std::string roles = IsReviewer(i) ? "employee;reviewer"
                              : i % 3 == 0  ? ""
                                            : "employee";
    const std::string location = i % 2 == 0 ? "São Paulo" : "Berlin";
    csv += absl::StrJoin({EmployeeId(i), CsvField(DisplayNameOf(i)), email,
                          CsvField(DepartmentOf(i)), CsvField(TitleOf(i)),
                          location, manager, roles},
                         ",");
    csv += '\n';
  }
  return csv;
}

// ---------------------------------------------------------------------------
// The suite: one candord for every test (tests/support/e2e.h).

using Org = E2eOrg;

class CandorctlEndToEndTest : public E2eTest {
 protected:
  static void SetUpTestSuite() {
    E2eTest::SetUpTestSuite();
    if (startup_error_.empty()) {
      address_ = server_->Address();
      dir_ = server_->dir();
      access_log_ = server_->access_log();
    }
  }

  static std::string Candorctl() { return CandorctlPath(); }

  // candorctl --addr ADDRESS [--token TOKEN] ARGS...
  static CommandResult Ctl(const std::string& token,
                           const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {}) {
    return server_->Ctl(token, args, env);
  }

  static std::string OperatorToken() { return server_->OperatorToken(); }

  static void MintToken(const std::vector<std::string>& args,
                        std::string* token) {
    server_->MintToken(args, token);
  }

  // Scenario 1 as every test starts: an operator creates the organization;
  // the founding admin gets a token.
  static void CreateOrg(const std::string& prefix, Org* org) {
    server_->CreateOrg(prefix, org);
  }

  // Every staff member of `org`, through `staff list --all -o json`.
  static void ListAll(const Org& org,
                      std::vector<staffpb::StaffMember>* members) {
    members->clear();
    const CommandResult listed =
        Ctl(org.admin_token, {"staff", "list", org.id, "--all", "-o", "json"});
    ASSERT_EQ(listed.exit_code, 0) << listed;
    staffpb::ListStaffMembersResponse response;
    ASSERT_TRUE(ParseJson("{\"staffMembers\": " + listed.out + "}", &response));
    members->assign(response.staff_members().begin(),
                    response.staff_members().end());
  }

  static int CountStaff(const Org& org) {
    std::vector<staffpb::StaffMember> members;
    ListAll(org, &members);
    return ::testing::Test::HasFatalFailure()
               ? -1
               : static_cast<int>(members.size());
  }

  static std::string TempFile(const std::string& name,
                              const std::string& contents) {
    return server_->TempFile(name, contents);
  }

  static std::vector<std::string> AccessLogLines(size_t at_least) {
    return server_->AccessLogLines(at_least);
  }

  // Shorthands for the server's.
  static std::string address_;
  static std::string dir_;
  static std::string access_log_;
};

std::string CandorctlEndToEndTest::address_;
std::string CandorctlEndToEndTest::dir_;
std::string CandorctlEndToEndTest::access_log_;

// 1. An operator creates an organization; its founding admin can act.
TEST_F(CandorctlEndToEndTest, OperatorCreatesOrganizationAndAdminActs) {
  const std::string operator_token = OperatorToken();
  ASSERT_FALSE(operator_token.empty());
  const std::string id = UniqueId("table");
  const CommandResult created = Ctl(
      operator_token, {"org", "create", id, "--display-name", "Zoë's Bakery",
                       "--admin-email", "owner@bakery.example", "--admin-name",
                       "Zoë Ångström", "--admin-employee-id", "B-1"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_TRUE(HasField(created.out, "name", "organizations/" + id));
  EXPECT_TRUE(HasField(created.out, "display_name", "Zoë's Bakery"));
  EXPECT_THAT(created.out, ContainsRegex("founding_admin: +organizations/" +
                                         id + "/staffMembers/[a-z0-9-]+\n"));
  EXPECT_THAT(created.out, HasSubstr("create_time:"));

  // The same id again is refused.
  const CommandResult again =
      Ctl(operator_token,
          {"org", "create", id, "--display-name", "Other", "--admin-email",
           "x@bakery.example", "--admin-name", "X"});
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_THAT(again.err, HasSubstr("ALREADY_EXISTS")) << again;

  // JSON output, and the founding admin's token.
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("acme", &org));
  const CommandResult got =
      Ctl(org.admin_token, {"-o", "json", "org", "get", org.id});
  ASSERT_EQ(got.exit_code, 0) << got;
  staffpb::Organization parsed;
  ASSERT_TRUE(ParseJson(got.out, &parsed));
  EXPECT_EQ(parsed.name(), org.name);
  EXPECT_EQ(parsed.founding_admin(), org.admin_name);

  const CommandResult admin =
      Ctl(org.admin_token, {"-o", "json", "staff", "get", org.admin_name});
  ASSERT_EQ(admin.exit_code, 0) << admin;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(admin.out, &member));
  EXPECT_EQ(member.display_name(), "Ada Admin");
  EXPECT_EQ(member.email(), "admin@" + org.id + ".example");
  EXPECT_EQ(member.employee_id(), "E0001");
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::ADMIN));
  EXPECT_EQ(member.state(), staffpb::StaffMember::ACTIVE);
}

// 2. create, get, list, update, deactivate.
TEST_F(CandorctlEndToEndTest, StaffLifecycle) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("life", &org));
  const CommandResult created = Ctl(
      org.admin_token,
      {"staff", "create", org.id, "--employee-id", "E0100", "--display-name",
       "Ada Lovelace", "--email", "ada@example.com", "--department",
       "Engineering", "--title", "Analyst", "--location", "London", "--role",
       "reviewer", "-o", "json"});  // a global flag after the command
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(created.out, &member));
  const std::string name = member.name();
  ASSERT_TRUE(absl::StartsWith(name, org.name + "/staffMembers/")) << created;

  // get, as a table
  CommandResult got = Ctl(org.admin_token, {"staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_TRUE(HasField(got.out, "name", name));
  EXPECT_TRUE(HasField(got.out, "employee_id", "E0100"));
  EXPECT_TRUE(HasField(got.out, "display_name", "Ada Lovelace"));
  EXPECT_TRUE(HasField(got.out, "email", "ada@example.com"));
  EXPECT_TRUE(HasField(got.out, "department", "Engineering"));
  EXPECT_TRUE(HasField(got.out, "state", "ACTIVE"));
  EXPECT_THAT(got.out, HasSubstr("reviewer"));

  // get, as JSON
  got = Ctl(org.admin_token, {"--output", "json", "staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  ASSERT_TRUE(ParseJson(got.out, &member));
  EXPECT_EQ(member.display_name(), "Ada Lovelace");
  EXPECT_EQ(member.title(), "Analyst");
  EXPECT_EQ(member.location(), "London");
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::REVIEWER));
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::EMPLOYEE));
  EXPECT_EQ(member.state(), staffpb::StaffMember::ACTIVE);

  // list, as a table: a header and one line per person
  CommandResult listed = Ctl(org.admin_token, {"staff", "list", org.id});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  std::vector<std::string> lines = Lines(listed.out);
  ASSERT_EQ(lines.size(), 3u) << listed;
  EXPECT_TRUE(absl::StartsWith(lines[0], "NAME")) << listed;
  bool found = false;
  for (const std::string& line : lines) {
    if (absl::StartsWith(line, name + " ")) {
      found = true;
      EXPECT_THAT(line, HasSubstr("E0100"));
      EXPECT_THAT(line, HasSubstr("Ada Lovelace"));
      EXPECT_THAT(line, HasSubstr("Engineering"));
      EXPECT_THAT(line, HasSubstr("ACTIVE"));
    }
  }
  EXPECT_TRUE(found) << listed;

  // list, as JSON (one page)
  listed = Ctl(org.admin_token, {"staff", "list", org.id, "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  staffpb::ListStaffMembersResponse page;
  ASSERT_TRUE(ParseJson(listed.out, &page));
  ASSERT_EQ(page.staff_members_size(), 2) << listed;
  EXPECT_TRUE(page.next_page_token().empty());

  // update changes only what is given
  const CommandResult updated = Ctl(
      org.admin_token, {"staff", "update", name, "--department", "Research"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_TRUE(HasField(updated.out, "department", "Research"));
  got = Ctl(org.admin_token, {"-o", "json", "staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  ASSERT_TRUE(ParseJson(got.out, &member));
  EXPECT_EQ(member.department(), "Research");
  EXPECT_EQ(member.title(), "Analyst");
  EXPECT_EQ(member.email(), "ada@example.com");
  EXPECT_THAT(member.roles(), Contains(staffpb::StaffMember::REVIEWER));

  // deactivate
  const CommandResult deactivated =
      Ctl(org.admin_token,
          {"staff", "deactivate", name, "--reason", "Left the company"});
  ASSERT_EQ(deactivated.exit_code, 0) << deactivated;
  EXPECT_TRUE(HasField(deactivated.out, "state", "INACTIVE")) << deactivated;
  got = Ctl(org.admin_token, {"-o", "json", "staff", "get", name});
  ASSERT_EQ(got.exit_code, 0) << got;
  ASSERT_TRUE(ParseJson(got.out, &member));
  EXPECT_EQ(member.state(), staffpb::StaffMember::INACTIVE);
  EXPECT_EQ(member.deactivation_reason(), "Left the company");

  // and a filter finds exactly that person
  listed = Ctl(org.admin_token, {"-o", "json", "staff", "list", org.id,
                                 "--filter", "state = INACTIVE"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  ASSERT_TRUE(ParseJson(listed.out, &page));
  ASSERT_EQ(page.staff_members_size(), 1) << listed;
  EXPECT_EQ(page.staff_members(0).name(), name);

  // unknown staff member
  const CommandResult missing =
      Ctl(org.admin_token, {"staff", "get", org.name + "/staffMembers/nobody"});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND")) << missing;
}

// 3. A company of 1,000 in one call, then the same file again.
TEST_F(CandorctlEndToEndTest, ImportsThousandStaffAndReimportIsUnchanged) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("bulk", &org));
  const std::string file = TempFile("people-1000.csv", MakeStaffCsv(1000));

  const CommandResult imported =
      Ctl(org.admin_token, {"staff", "import", org.id, file});
  ASSERT_EQ(imported.exit_code, 0) << imported;
  EXPECT_TRUE(HasField(imported.out, "rows", "1000")) << imported;
  EXPECT_TRUE(HasField(imported.out, "created", "1000")) << imported;
  EXPECT_TRUE(HasField(imported.out, "updated", "0")) << imported;
  EXPECT_TRUE(HasField(imported.out, "unchanged", "0")) << imported;
  EXPECT_TRUE(HasField(imported.out, "applied", "yes")) << imported;

  std::vector<staffpb::StaffMember> members;
  ASSERT_NO_FATAL_FAILURE(ListAll(org, &members));
  ASSERT_EQ(members.size(), 1001u);

  // Spot checks: quoting, UTF-8, managers, roles survived the round trip.
  std::map<std::string, staffpb::StaffMember> by_employee_id;
  for (const auto& m : members) by_employee_id[m.employee_id()] = m;
  ASSERT_EQ(by_employee_id.size(), 1001u);
  for (int i : {1, 3, 4, 5, 7, 10, 97, 500, 1000}) {
    SCOPED_TRACE(absl::StrCat("row ", i));
    ASSERT_EQ(by_employee_id.count(EmployeeId(i)), 1u);
    const staffpb::StaffMember& m = by_employee_id[EmployeeId(i)];
    EXPECT_EQ(m.display_name(), DisplayNameOf(i));
    EXPECT_EQ(m.email(), absl::StrFormat("p%04d@example.com", i));
    EXPECT_EQ(m.department(), DepartmentOf(i));
    EXPECT_EQ(m.title(), TitleOf(i));
    EXPECT_EQ(m.location(), i % 2 == 0 ? "São Paulo" : "Berlin");
    if (i == 1) {
      EXPECT_EQ(m.manager(), "");
    } else {
      EXPECT_EQ(m.manager(), by_employee_id[EmployeeId(i / 2)].name());
    }
    if (IsReviewer(i)) {
      EXPECT_THAT(m.roles(), Contains(staffpb::StaffMember::REVIEWER));
    } else {
      EXPECT_THAT(m.roles(), Not(Contains(staffpb::StaffMember::REVIEWER)));
    }
    EXPECT_THAT(m.roles(), Contains(staffpb::StaffMember::EMPLOYEE));
    EXPECT_EQ(m.state(), staffpb::StaffMember::ACTIVE);
  }

  // The same file again changes nothing.
  const CommandResult again =
      Ctl(org.admin_token, {"staff", "import", org.id, file, "-o", "json"});
  ASSERT_EQ(again.exit_code, 0) << again;
  staffpb::ImportStaffMembersResponse response;
  ASSERT_TRUE(ParseJson(again.out, &response));
  EXPECT_EQ(response.rows_total(), 1000);
  EXPECT_EQ(response.created_count(), 0);
  EXPECT_EQ(response.updated_count(), 0);
  EXPECT_EQ(response.unchanged_count(), 1000);
  EXPECT_EQ(response.errors_size(), 0);
  EXPECT_EQ(CountStaff(org), 1001);

  // One changed row is one update.
  std::string changed = MakeStaffCsv(1000);
  const std::string old_row =
      "P0002,Person 2,p0002@example.com,\"Research, Development\"";
  ASSERT_NE(changed.find(old_row), std::string::npos);
  changed.replace(
      changed.find(old_row), old_row.size(),
      "P0002,Person Two,p0002@example.com,\"Research, Development\"");
  const CommandResult update =
      Ctl(org.admin_token,
          {"staff", "import", org.id, TempFile("people-1000-b.csv", changed)});
  ASSERT_EQ(update.exit_code, 0) << update;
  EXPECT_TRUE(HasField(update.out, "created", "0")) << update;
  EXPECT_TRUE(HasField(update.out, "updated", "1")) << update;
  EXPECT_TRUE(HasField(update.out, "unchanged", "999")) << update;
}

// 4. One bad row: nothing is stored and the row is named. A broken file is
// a usage error naming its line.
TEST_F(CandorctlEndToEndTest, BadRowImportsNothingAndIsNamed) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("badrow", &org));
  const std::string file =
      TempFile("people-bad.csv", MakeStaffCsv(100, /*bad_email_row=*/56));
  // Line 57 (the header is line 1) holds row 56, the only bad one.
  const std::vector<std::string> lines = Lines(ReadFile(file));
  ASSERT_EQ(lines.size(), 101u);
  ASSERT_EQ(lines[56].substr(0, 6), "P0056,");
  ASSERT_THAT(lines[56], HasSubstr(",not-an-email,"));

  const CommandResult imported =
      Ctl(org.admin_token, {"staff", "import", org.id, file});
  EXPECT_EQ(imported.exit_code, 1) << imported;
  const std::string all = imported.out + imported.err;
  EXPECT_THAT(all, HasSubstr("people-bad.csv:57:")) << imported;
  EXPECT_THAT(all, HasSubstr("email")) << imported;
  EXPECT_THAT(imported.err, HasSubstr("nothing was stored")) << imported;
  // No other row is blamed.
  EXPECT_THAT(all, Not(HasSubstr("people-bad.csv:56:"))) << imported;
  EXPECT_THAT(all, Not(HasSubstr("people-bad.csv:58:"))) << imported;
  EXPECT_EQ(CountStaff(org), 1);

  // An unterminated quote on line 10 (header and 8 rows before it); the
  // rows after it hold no quote that could close it.
  std::string text = MakeStaffCsv(8);
  text += "P0009,\"Broken Quote,p0009@example.com,Sales,Engineer,Berlin,,\n";
  for (int i = 10; i <= 14; ++i) {
    text += absl::StrFormat("P%04d,Person %d,p%04d@example.com,Sales,,,,\n", i,
                            i, i);
  }
  ASSERT_EQ(Lines(text)[9].substr(0, 6), "P0009,");
  const std::string broken = TempFile("people-broken.csv", text);
  const CommandResult syntax =
      Ctl(org.admin_token, {"staff", "import", org.id, broken});
  EXPECT_EQ(syntax.exit_code, 2) << syntax;
  EXPECT_THAT(syntax.err, HasSubstr("people-broken.csv:10:")) << syntax;
  EXPECT_THAT(syntax.err, HasSubstr("unterminated")) << syntax;
  EXPECT_THAT(syntax.err, HasSubstr("nothing was sent")) << syntax;

  // A missing file is a usage error too.
  const CommandResult no_file = Ctl(
      org.admin_token, {"staff", "import", org.id, dir_ + "/no-such-file.csv"});
  EXPECT_EQ(no_file.exit_code, 2) << no_file;
  EXPECT_THAT(no_file.err, HasSubstr("no-such-file.csv")) << no_file;

  EXPECT_EQ(CountStaff(org), 1);
}

// 5. --dry-run reports counts and stores nothing.
TEST_F(CandorctlEndToEndTest, DryRunStoresNothing) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("dry", &org));
  const std::string file = TempFile("people-dry.csv", MakeStaffCsv(25));
  const CommandResult dry =
      Ctl(org.admin_token, {"staff", "import", org.id, file, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry;
  EXPECT_TRUE(HasField(dry.out, "rows", "25")) << dry;
  EXPECT_TRUE(HasField(dry.out, "created", "25")) << dry;
  EXPECT_TRUE(HasField(dry.out, "applied", "no (dry run)")) << dry;
  EXPECT_EQ(CountStaff(org), 1);

  // A dry run of a bad file names the row too.
  const CommandResult bad = Ctl(
      org.admin_token,
      {"staff", "import", org.id,
       TempFile("people-dry-bad.csv", MakeStaffCsv(25, /*bad_email_row=*/4)),
       "--dry-run"});
  EXPECT_EQ(bad.exit_code, 1) << bad;
  EXPECT_THAT(bad.err, HasSubstr("people-dry-bad.csv:5: email")) << bad;
  EXPECT_EQ(CountStaff(org), 1);
}

// 6. Another organization's token does not see the first one's staff.
TEST_F(CandorctlEndToEndTest, OtherOrganizationSeesNotFound) {
  Org first, second;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("first", &first));
  ASSERT_NO_FATAL_FAILURE(CreateOrg("second", &second));
  const CommandResult created =
      Ctl(first.admin_token,
          {"-o", "json", "staff", "create", first.id, "--employee-id", "E0200",
           "--display-name", "Grace Hopper", "--email", "grace@example.com"});
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember member;
  ASSERT_TRUE(ParseJson(created.out, &member));

  const CommandResult got =
      Ctl(second.admin_token, {"staff", "get", member.name()});
  EXPECT_EQ(got.exit_code, 1) << got;
  EXPECT_THAT(got.err, HasSubstr("NOT_FOUND")) << got;
  EXPECT_THAT(got.out + got.err, Not(HasSubstr("Grace Hopper"))) << got;

  const CommandResult listed =
      Ctl(second.admin_token, {"staff", "list", first.id});
  EXPECT_EQ(listed.exit_code, 1) << listed;
  EXPECT_THAT(listed.out + listed.err, Not(HasSubstr("Grace Hopper")))
      << listed;
}

// 7. An employee cannot create staff.
TEST_F(CandorctlEndToEndTest, EmployeeCannotCreateStaff) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("emp", &org));
  const CommandResult created =
      Ctl(org.admin_token,
          {"-o", "json", "staff", "create", org.id, "--employee-id", "E0300",
           "--display-name", "Eve Employee", "--email", "eve@example.com",
           "--id", "eve"});
  ASSERT_EQ(created.exit_code, 0) << created;
  staffpb::StaffMember eve;
  ASSERT_TRUE(ParseJson(created.out, &eve));
  EXPECT_EQ(eve.name(), org.name + "/staffMembers/eve");

  // --subject by id, resolved in --org
  std::string employee_token;
  ASSERT_NO_FATAL_FAILURE(
      MintToken({"--org", org.id, "--subject", "eve", "--role", "employee"},
                &employee_token));
  const CommandResult refused =
      Ctl(employee_token,
          {"staff", "create", org.id, "--employee-id", "E0301",
           "--display-name", "Mallory", "--email", "mallory@example.com"});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("PERMISSION_DENIED")) << refused;

  // The employee can read themselves.
  const CommandResult self = Ctl(employee_token, {"staff", "get", eve.name()});
  EXPECT_EQ(self.exit_code, 0) << self;
  EXPECT_EQ(CountStaff(org), 2);
}

// 8 and 10. A retried create with the same --request-id creates one person;
// the access log has one JSON line per call.
TEST_F(CandorctlEndToEndTest, RetriedCreateIsIdempotentAndLogged) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("retry", &org));
  const int before = CountStaff(org);
  ASSERT_EQ(before, 1);
  const size_t log_lines_before = Lines(ReadFile(access_log_)).size();

  const std::string request_id = UniqueId("req");
  const std::vector<std::string> create = {
      "-o",      "json",           "staff",
      "create",  org.id,           "--employee-id",
      "E0400",   "--display-name", "Katherine Johnson",
      "--email", "kj@example.com", "--request-id",
      request_id};
  const CommandResult first = Ctl(org.admin_token, create);
  ASSERT_EQ(first.exit_code, 0) << first;
  const CommandResult second = Ctl(org.admin_token, create);
  ASSERT_EQ(second.exit_code, 0) << second;
  staffpb::StaffMember a, b;
  ASSERT_TRUE(ParseJson(first.out, &a));
  ASSERT_TRUE(ParseJson(second.out, &b));
  EXPECT_EQ(a.name(), b.name());
  EXPECT_FALSE(a.name().empty());
  EXPECT_EQ(CountStaff(org), before + 1);  // one list call

  // Same request id, different request: not silently answered with the first.
  const CommandResult other =
      Ctl(org.admin_token, {"staff", "create", org.id, "--employee-id", "E0401",
                            "--display-name", "Someone Else", "--email",
                            "else@example.com", "--request-id", request_id});
  EXPECT_NE(other.exit_code, 0) << other;  // one more call

  // Calls since the snapshot: create, create, list, create.
  const std::vector<std::string> lines = AccessLogLines(log_lines_before + 4);
  ASSERT_EQ(lines.size(), log_lines_before + 4) << absl::StrJoin(lines, "\n");
  int with_request_id = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    SCOPED_TRACE(lines[i]);
    google::protobuf::Struct entry;
    ASSERT_TRUE(ParseJson(lines[i], &entry));
    const auto& fields = entry.fields();
    for (const char* key : {"time", "method", "code", "caller"}) {
      ASSERT_EQ(fields.count(key), 1u) << key;
      EXPECT_TRUE(fields.at(key).has_string_value()) << key;
    }
    ASSERT_EQ(fields.count("latency_ms"), 1u);
    EXPECT_TRUE(fields.at("latency_ms").has_number_value());
    EXPECT_GE(fields.at("latency_ms").number_value(), 0.0);
    if (i < log_lines_before) continue;
    auto id = fields.find("request_id");
    if (id != fields.end() && id->second.string_value() == request_id) {
      ++with_request_id;
      EXPECT_EQ(fields.at("method").string_value(), kCreateMethod);
      EXPECT_EQ(fields.at("caller").string_value(), org.admin_name);
      if (with_request_id <= 2) {
        EXPECT_EQ(fields.at("code").string_value(), "OK");
      } else {
        EXPECT_NE(fields.at("code").string_value(), "OK");
      }
    }
  }
  EXPECT_EQ(with_request_id, 3);
}

// 9. No token, and bad usage.
TEST_F(CandorctlEndToEndTest, NoTokenAndBadUsage) {
  Org org;
  ASSERT_NO_FATAL_FAILURE(CreateOrg("usage", &org));

  const CommandResult no_token = Ctl("", {"staff", "list", org.id});
  EXPECT_EQ(no_token.exit_code, 1) << no_token;
  EXPECT_THAT(no_token.err, HasSubstr("UNAUTHENTICATED")) << no_token;
  EXPECT_THAT(no_token.err, HasSubstr("no token given")) << no_token;

  const CommandResult bad_token =
      Ctl("not-a-token", {"staff", "get", org.admin_name});
  EXPECT_EQ(bad_token.exit_code, 1) << bad_token;
  EXPECT_THAT(bad_token.err, HasSubstr("UNAUTHENTICATED")) << bad_token;

  // A token signed with another secret.
  const std::string other_secret =
      TempFile("other.secret", RandomHex(64) + "\n");
  const CommandResult forged_mint = RunCommand(
      {Candorctl(), "token", "mint", "--secret-file", other_secret, "--org",
       org.id, "--subject", org.admin_name, "--role", "admin"});
  ASSERT_EQ(forged_mint.exit_code, 0) << forged_mint;
  const CommandResult forged =
      Ctl(std::string(absl::StripAsciiWhitespace(forged_mint.out)),
          {"staff", "get", org.admin_name});
  EXPECT_EQ(forged.exit_code, 1) << forged;
  EXPECT_THAT(forged.err, HasSubstr("UNAUTHENTICATED")) << forged;

  // CANDOR_ADDR and CANDOR_TOKEN instead of flags.
  const CommandResult from_env = RunCommand(
      {Candorctl(), "staff", "get", org.admin_name},
      {"CANDOR_ADDR=" + address_, "CANDOR_TOKEN=" + org.admin_token});
  EXPECT_EQ(from_env.exit_code, 0) << from_env;
  EXPECT_TRUE(HasField(from_env.out, "name", org.admin_name)) << from_env;

  const CommandResult unknown = Ctl(org.admin_token, {"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown;
  const CommandResult no_command = Ctl(org.admin_token, {});
  EXPECT_EQ(no_command.exit_code, 2) << no_command;
  const CommandResult missing_flag =
      Ctl(org.admin_token, {"staff", "create", org.id, "--employee-id", "E1"});
  EXPECT_EQ(missing_flag.exit_code, 2) << missing_flag;
  const CommandResult bad_output =
      Ctl(org.admin_token, {"-o", "yaml", "staff", "list", org.id});
  EXPECT_EQ(bad_output.exit_code, 2) << bad_output;
  const CommandResult bad_role =
      Ctl(org.admin_token,
          {"staff", "create", org.id, "--employee-id", "E1", "--display-name",
           "X", "--email", "x@example.com", "--role", "overlord"});
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role;
  const CommandResult bad_timeout =
      Ctl(org.admin_token, {"--timeout", "soon", "staff", "list", org.id});
  EXPECT_EQ(bad_timeout.exit_code, 2) << bad_timeout;
  const CommandResult help = RunCommand({Candorctl(), "--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_THAT(help.out, HasSubstr("staff")) << help;

  // Nothing listens: UNAVAILABLE with a hint.
  const int closed_port = PickFreePort();
  const CommandResult unreachable = RunCommand(
      {Candorctl(), "--addr", absl::StrCat("127.0.0.1:", closed_port),
       "--token", org.admin_token, "--timeout", "5s", "staff", "list", org.id});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable;
  EXPECT_THAT(unreachable.err, HasSubstr("UNAVAILABLE")) << unreachable;

  EXPECT_EQ(CountStaff(org), 1);
}

}  // namespace
}  // namespace candor::testing
