// End to end: values and stories through the real `candord` and the real
// `candorctl`, as a new user would run them. An admin writes values and a
// story for Sales; employees of Sales and Engineering see what is theirs,
// endorse and give feedback; the admin reads history and feedback. One
// candord serves the whole suite; each test makes its own organization.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "candor/advocacy/v1/advocacy.pb.h"
#include "candor/staff/v1/staff.pb.h"
#include "candor/values/v1/values.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"

namespace candor::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using Person = E2ePerson;

class ValuesStoriesEndToEndTest : public E2eOrgTest {
 protected:
  ValuesStoriesEndToEndTest() : E2eOrgTest("vs") {}

  // An employee with id `id` in `department`, and their token.
  void AddEmployee(const std::string& id, const std::string& department,
                   Person* person) {
    AddPerson(id, {}, /*advocate=*/false, person, department);
  }

  // `values create` as the admin, as JSON.
  void CreateValue(const std::string& id, const std::string& title,
                   const std::string& statement, valuespb::Value* value) {
    const CommandResult created =
        Admin({"values", "create", org_.id, "--id", id, "--title", title,
               "--statement", statement, "-o", "json"});
    ASSERT_EQ(created.exit_code, 0) << created;
    ASSERT_TRUE(ParseJson(created.out, value));
    ASSERT_EQ(value->name(), org_.name + "/values/" + id) << created;
  }

  void GetValue(const std::string& token, const std::string& name,
                valuespb::Value* value) {
    const CommandResult got = Ctl(token, {"-o", "json", "values", "get", name});
    ASSERT_EQ(got.exit_code, 0) << got;
    ASSERT_TRUE(ParseJson(got.out, value));
  }

  // A story for Sales tied to clarity and care, created as the admin.
  void CreateSalesStory(advocacypb::Story* story) {
    const CommandResult created =
        Admin({"-o",
               "json",
               "stories",
               "create",
               org_.id,
               "--id",
               "lisbon",
               "--title",
               "We opened in Lisbon",
               "--summary",
               "Our fifth office, with room for 120 people.",
               "--url",
               "https://example.com/news/lisbon",
               "--point",
               "120 seats",
               "--point",
               "We are hiring in sales",
               "--value",
               "clarity",
               "--value",
               org_.name + "/values/care",
               "--department",
               "Sales",
               "--expires-in",
               "7d"});
    ASSERT_EQ(created.exit_code, 0) << created;
    ASSERT_TRUE(ParseJson(created.out, story));
    ASSERT_EQ(story->name(), org_.name + "/stories/lisbon") << created;
  }

  // The admin's three values: clarity, care and courage.
  void CreateThreeValues() {
    valuespb::Value value;
    ASSERT_NO_FATAL_FAILURE(
        CreateValue("clarity", "Clarity", "We say what we mean.", &value));
    ASSERT_NO_FATAL_FAILURE(
        CreateValue("care", "Care", "We look after each other.", &value));
    ASSERT_NO_FATAL_FAILURE(CreateValue(
        "courage", "Courage", "We try things that may fail.", &value));
  }

  std::string ValueName(const std::string& id) const {
    return org_.name + "/values/" + id;
  }
};

// Three values and a story for Sales tied to two of them: Sales sees it,
// Engineering does not.
TEST_F(ValuesStoriesEndToEndTest, StoryForSalesIsSeenBySalesOnly) {
  // A value as a table.
  const CommandResult created =
      Admin({"values", "create", org_.id, "--id", "clarity", "--title",
             "Clarity", "--statement", "We say what we mean."});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_TRUE(HasField(created.out, "name", ValueName("clarity"))) << created;
  EXPECT_TRUE(HasField(created.out, "title", "Clarity")) << created;
  EXPECT_TRUE(HasField(created.out, "statement", "We say what we mean."));
  EXPECT_TRUE(HasField(created.out, "state", "ACTIVE")) << created;
  EXPECT_TRUE(HasField(created.out, "endorsement_count", "0")) << created;
  valuespb::Value value;
  ASSERT_NO_FATAL_FAILURE(
      CreateValue("care", "Care", "We look after each other.", &value));
  EXPECT_EQ(value.state(), valuespb::Value::ACTIVE);
  EXPECT_FALSE(value.revision_id().empty());
  ASSERT_NO_FATAL_FAILURE(CreateValue("courage", "Courage",
                                      "We try things that may fail.", &value));

  // values list, as a table and as JSON.
  const CommandResult table = Admin({"values", "list", org_.id});
  ASSERT_EQ(table.exit_code, 0) << table;
  const std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 4u) << table;
  EXPECT_THAT(lines[0], ContainsRegex("^NAME +TITLE +STATE +ENDORSEMENTS +"
                                      "REVISION$"));
  for (const char* id : {"clarity", "care", "courage"}) {
    const std::vector<std::string> rows = RowsFor(table.out, ValueName(id));
    ASSERT_EQ(rows.size(), 1u) << id << "\n" << table;
    EXPECT_THAT(rows[0], ContainsRegex(" ACTIVE +0 +")) << rows[0];
  }
  const CommandResult json = Admin({"values", "list", org_.id, "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  valuespb::ListValuesResponse listed;
  ASSERT_TRUE(ParseJson(json.out, &listed));
  ASSERT_EQ(listed.values_size(), 3) << json;
  EXPECT_EQ(listed.values(0).name(), ValueName("clarity"));  // creation order
  const CommandResult all =
      Admin({"values", "list", org_.id, "--all", "--page-size", "2"});
  ASSERT_EQ(all.exit_code, 0) << all;
  EXPECT_EQ(Lines(all.out).size(), 4u) << all;

  // The story, tied to two values by id and by name, for Sales.
  advocacypb::Story story;
  ASSERT_NO_FATAL_FAILURE(CreateSalesStory(&story));
  EXPECT_EQ(story.title(), "We opened in Lisbon");
  EXPECT_EQ(story.url(), "https://example.com/news/lisbon");
  EXPECT_THAT(story.talking_points(),
              ElementsAre("120 seats", "We are hiring in sales"));
  EXPECT_THAT(story.values(),
              ElementsAre(ValueName("clarity"), ValueName("care")));
  EXPECT_THAT(story.audience_departments(), ElementsAre("Sales"));
  EXPECT_EQ(story.state(), advocacypb::Story::ACTIVE);
  EXPECT_GT(story.expire_time().seconds(), absl::ToUnixSeconds(absl::Now()));
  EXPECT_EQ(story.creator(), org_.admin_name);

  Person sales, engineering;
  ASSERT_NO_FATAL_FAILURE(AddEmployee("sam", "Sales", &sales));
  ASSERT_NO_FATAL_FAILURE(AddEmployee("eng", "Engineering", &engineering));

  // Sales sees it in the table and can read it.
  const CommandResult seen = Ctl(sales.token, {"stories", "list", org_.id});
  ASSERT_EQ(seen.exit_code, 0) << seen;
  EXPECT_THAT(Lines(seen.out)[0],
              ContainsRegex("^NAME +TITLE +STATE +EXPIRES +DEPARTMENTS +"
                            "VALUES$"));
  const std::vector<std::string> rows = RowsFor(seen.out, story.name());
  ASSERT_EQ(rows.size(), 1u) << seen;
  EXPECT_THAT(rows[0], HasSubstr("We opened in Lisbon"));
  EXPECT_THAT(rows[0], HasSubstr(" ACTIVE "));
  EXPECT_THAT(rows[0], HasSubstr(" Sales "));
  EXPECT_TRUE(absl::EndsWith(rows[0], " clarity,care")) << rows[0];
  const CommandResult read = Ctl(sales.token, {"stories", "get", story.name()});
  ASSERT_EQ(read.exit_code, 0) << read;
  EXPECT_TRUE(HasField(read.out, "talking_point", "120 seats")) << read;
  EXPECT_TRUE(HasField(read.out, "audience_departments", "Sales")) << read;

  // Engineering does not.
  const CommandResult not_seen =
      Ctl(engineering.token, {"stories", "list", org_.id, "-o", "json"});
  ASSERT_EQ(not_seen.exit_code, 0) << not_seen;
  advocacypb::ListStoriesResponse none;
  ASSERT_TRUE(ParseJson(not_seen.out, &none));
  EXPECT_EQ(none.stories_size(), 0) << not_seen;
  const CommandResult not_seen_table =
      Ctl(engineering.token, {"stories", "list", org_.id});
  ASSERT_EQ(not_seen_table.exit_code, 0) << not_seen_table;
  EXPECT_EQ(Lines(not_seen_table.out).size(), 1u) << not_seen_table;
  const CommandResult not_found =
      Ctl(engineering.token, {"stories", "get", story.name()});
  EXPECT_EQ(not_found.exit_code, 1) << not_found;
  EXPECT_THAT(not_found.err, HasSubstr("NOT_FOUND")) << not_found;
  EXPECT_THAT(not_found.out + not_found.err, Not(HasSubstr("Lisbon")));

  // The admin sees every story.
  const CommandResult admin_list =
      Admin({"-o", "json", "stories", "list", org_.id, "--all"});
  ASSERT_EQ(admin_list.exit_code, 0) << admin_list;
  advocacypb::ListStoriesResponse every;
  ASSERT_TRUE(ParseJson("{\"stories\": " + admin_list.out + "}", &every));
  ASSERT_EQ(every.stories_size(), 1) << admin_list;
  EXPECT_EQ(every.stories(0).name(), story.name());
}

// An employee endorses twice: the count rises once.
TEST_F(ValuesStoriesEndToEndTest, EndorsingTwiceCountsOnce) {
  ASSERT_NO_FATAL_FAILURE(CreateThreeValues());
  Person sales, engineering;
  ASSERT_NO_FATAL_FAILURE(AddEmployee("sam", "Sales", &sales));
  ASSERT_NO_FATAL_FAILURE(AddEmployee("eng", "Engineering", &engineering));
  const std::string clarity = ValueName("clarity");

  const CommandResult first = Ctl(sales.token, {"values", "endorse", clarity});
  ASSERT_EQ(first.exit_code, 0) << first;
  EXPECT_TRUE(HasField(first.out, "endorsement_count", "1")) << first;
  EXPECT_TRUE(HasField(first.out, "endorsed_by_caller", "true")) << first;
  const CommandResult second =
      Ctl(sales.token, {"-o", "json", "values", "endorse", clarity});
  ASSERT_EQ(second.exit_code, 0) << second;
  valuespb::Value value;
  ASSERT_TRUE(ParseJson(second.out, &value));
  EXPECT_EQ(value.endorsement_count(), 1);

  ASSERT_NO_FATAL_FAILURE(GetValue(sales.token, clarity, &value));
  EXPECT_EQ(value.endorsement_count(), 1);
  EXPECT_TRUE(value.endorsed_by_caller());
  ASSERT_NO_FATAL_FAILURE(GetValue(org_.admin_token, clarity, &value));
  EXPECT_EQ(value.endorsement_count(), 1);
  EXPECT_FALSE(value.endorsed_by_caller());
  const CommandResult table = Admin({"values", "get", clarity});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(HasField(table.out, "endorsement_count", "1")) << table;

  // A second person counts; the list shows it.
  const CommandResult other =
      Ctl(engineering.token, {"values", "endorse", clarity});
  ASSERT_EQ(other.exit_code, 0) << other;
  const CommandResult listed = Admin({"values", "list", org_.id});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  const std::vector<std::string> rows = RowsFor(listed.out, clarity);
  ASSERT_EQ(rows.size(), 1u) << listed;
  EXPECT_THAT(rows[0], ContainsRegex(" ACTIVE +2 +")) << listed;

  // Withdrawing, twice, takes one away.
  for (int i = 0; i < 2; ++i) {
    const CommandResult withdrawn =
        Ctl(sales.token, {"values", "unendorse", clarity});
    ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn;
    EXPECT_TRUE(HasField(withdrawn.out, "endorsement_count", "1")) << withdrawn;
    EXPECT_TRUE(HasField(withdrawn.out, "endorsed_by_caller", "false"))
        << withdrawn;
  }
}

// Anonymous feedback shows no author, even to the admin.
TEST_F(ValuesStoriesEndToEndTest, AnonymousFeedbackShowsNoAuthor) {
  ASSERT_NO_FATAL_FAILURE(CreateThreeValues());
  Person sales, engineering;
  ASSERT_NO_FATAL_FAILURE(AddEmployee("sam", "Sales", &sales));
  ASSERT_NO_FATAL_FAILURE(AddEmployee("eng", "Engineering", &engineering));
  const std::string care = ValueName("care");

  const CommandResult anonymous =
      Ctl(sales.token, {"-o", "json", "values", "give-feedback", care, "--text",
                        "Not what I see in my team.", "--anonymous"});
  ASSERT_EQ(anonymous.exit_code, 0) << anonymous;
  valuespb::ValueFeedback feedback;
  ASSERT_TRUE(ParseJson(anonymous.out, &feedback));
  EXPECT_TRUE(feedback.anonymous());
  EXPECT_EQ(feedback.author(), "");
  EXPECT_THAT(anonymous.out, Not(HasSubstr("sam")));

  const CommandResult signed_feedback =
      Ctl(engineering.token,
          {"values", "give-feedback", care, "--text", "Proud of this one."});
  ASSERT_EQ(signed_feedback.exit_code, 0) << signed_feedback;
  EXPECT_TRUE(HasField(signed_feedback.out, "author", engineering.name))
      << signed_feedback;

  // The admin's JSON: the anonymous one has an empty author.
  const CommandResult json = Admin({"values", "feedback", care, "-o", "json"});
  ASSERT_EQ(json.exit_code, 0) << json;
  valuespb::ListValueFeedbackResponse listed;
  ASSERT_TRUE(ParseJson(json.out, &listed));
  ASSERT_EQ(listed.feedback_size(), 2) << json;
  EXPECT_THAT(json.out, HasSubstr("\"author\": \"\""));
  EXPECT_THAT(json.out, Not(HasSubstr(sales.name)));
  int anonymous_count = 0;
  for (const auto& item : listed.feedback()) {
    if (item.text() == "Not what I see in my team.") {
      ++anonymous_count;
      EXPECT_TRUE(item.anonymous());
      EXPECT_EQ(item.author(), "");
    } else {
      EXPECT_EQ(item.text(), "Proud of this one.");
      EXPECT_EQ(item.author(), engineering.name);
    }
  }
  EXPECT_EQ(anonymous_count, 1);

  // The admin's table: "anonymous" in the AUTHOR column.
  const CommandResult table = Admin({"values", "feedback", care, "--all"});
  ASSERT_EQ(table.exit_code, 0) << table;
  const std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 3u) << table;
  EXPECT_THAT(lines[0], ContainsRegex("^TIME +AUTHOR +TEXT$"));
  EXPECT_THAT(table.out,
              ContainsRegex(" anonymous +Not what I see in my team\\.\n"));
  EXPECT_THAT(table.out, ContainsRegex(" " + engineering.name +
                                       " +Proud of this one\\.\n"));
  EXPECT_THAT(table.out, Not(HasSubstr(sales.name)));
}

// `values update` keeps the earlier wording in `values history`.
TEST_F(ValuesStoriesEndToEndTest, EarlierWordingStaysInHistory) {
  valuespb::Value original;
  ASSERT_NO_FATAL_FAILURE(
      CreateValue("clarity", "Clarity", "We say what we mean.", &original));
  const std::string clarity = original.name();

  const CommandResult updated =
      Admin({"values", "update", clarity, "--statement",
             "We say what we mean, and we mean what we say.", "--etag",
             original.etag()});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_TRUE(HasField(updated.out, "statement",
                       "We say what we mean, and we mean what we say."))
      << updated;
  EXPECT_TRUE(HasField(updated.out, "title", "Clarity")) << updated;
  valuespb::Value current;
  ASSERT_NO_FATAL_FAILURE(GetValue(org_.admin_token, clarity, &current));
  EXPECT_EQ(current.title(), "Clarity");
  EXPECT_NE(current.revision_id(), original.revision_id());

  // The old etag is stale now.
  const CommandResult stale = Admin({"values", "update", clarity, "--title",
                                     "Candour", "--etag", original.etag()});
  EXPECT_EQ(stale.exit_code, 1) << stale;
  EXPECT_THAT(stale.err, HasSubstr("ABORTED")) << stale;

  // History as a table: newest first, both wordings.
  const CommandResult table = Admin({"values", "history", clarity});
  ASSERT_EQ(table.exit_code, 0) << table;
  const std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 3u) << table;
  EXPECT_THAT(lines[0], ContainsRegex("^REVISION +TITLE +EDITOR +TIME +"
                                      "STATEMENT$"));
  EXPECT_TRUE(absl::StartsWith(lines[1], current.revision_id() + " ")) << table;
  EXPECT_TRUE(absl::EndsWith(lines[1],
                             " We say what we mean, and we mean what we say."))
      << table;
  EXPECT_TRUE(absl::StartsWith(lines[2], original.revision_id() + " "))
      << table;
  EXPECT_TRUE(absl::EndsWith(lines[2], " We say what we mean.")) << table;
  EXPECT_THAT(lines[2], HasSubstr(org_.admin_name)) << table;

  // And as JSON, which an employee may read too.
  Person sales;
  ASSERT_NO_FATAL_FAILURE(AddEmployee("sam", "Sales", &sales));
  const CommandResult json =
      Ctl(sales.token, {"-o", "json", "values", "history", clarity});
  ASSERT_EQ(json.exit_code, 0) << json;
  valuespb::ListValueRevisionsResponse history;
  ASSERT_TRUE(ParseJson(json.out, &history));
  ASSERT_EQ(history.revisions_size(), 2) << json;
  EXPECT_EQ(history.revisions(0).statement(),
            "We say what we mean, and we mean what we say.");
  EXPECT_EQ(history.revisions(1).statement(), "We say what we mean.");
  EXPECT_EQ(history.revisions(1).revision_id(), original.revision_id());
  EXPECT_EQ(history.revisions(1).editor(), org_.admin_name);

  // An employee cannot reword it.
  const CommandResult refused =
      Ctl(sales.token, {"values", "update", clarity, "--title", "Mine"});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("PERMISSION_DENIED")) << refused;
}

// Retired values and archived stories.
TEST_F(ValuesStoriesEndToEndTest, RetireValueAndUpdateAndArchiveStory) {
  ASSERT_NO_FATAL_FAILURE(CreateThreeValues());
  advocacypb::Story story;
  ASSERT_NO_FATAL_FAILURE(CreateSalesStory(&story));
  Person sales;
  ASSERT_NO_FATAL_FAILURE(AddEmployee("sam", "Sales", &sales));

  // update: --point replaces every point; --value and --department too.
  const CommandResult updated =
      Admin({"-o", "json", "stories", "update", story.name(), "--title",
             "Lisbon is open", "--point", "Opening party on Friday", "--value",
             "courage", "--department", "Sales", "--department", "Support",
             "--etag", story.etag()});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  advocacypb::Story changed;
  ASSERT_TRUE(ParseJson(updated.out, &changed));
  EXPECT_EQ(changed.title(), "Lisbon is open");
  EXPECT_EQ(changed.summary(), story.summary());
  EXPECT_THAT(changed.talking_points(), ElementsAre("Opening party on Friday"));
  EXPECT_THAT(changed.values(), ElementsAre(ValueName("courage")));
  EXPECT_THAT(changed.audience_departments(), ElementsAre("Sales", "Support"));
  EXPECT_EQ(changed.expire_time().seconds(), story.expire_time().seconds());

  // A retired value: readable, no longer endorsed or used by new stories.
  const CommandResult retired = Admin({"values", "retire", ValueName("care")});
  ASSERT_EQ(retired.exit_code, 0) << retired;
  EXPECT_TRUE(HasField(retired.out, "state", "RETIRED")) << retired;
  const CommandResult again = Admin({"values", "retire", ValueName("care")});
  EXPECT_EQ(again.exit_code, 0) << again;  // idempotent
  const CommandResult endorse =
      Ctl(sales.token, {"values", "endorse", ValueName("care")});
  EXPECT_EQ(endorse.exit_code, 1) << endorse;
  EXPECT_THAT(endorse.err, HasSubstr("FAILED_PRECONDITION")) << endorse;
  const CommandResult with_retired =
      Admin({"stories", "create", org_.id, "--title", "T", "--summary", "S",
             "--value", "care"});
  EXPECT_EQ(with_retired.exit_code, 1) << with_retired;
  const CommandResult retired_list =
      Admin({"values", "list", org_.id, "--filter", "state = RETIRED"});
  ASSERT_EQ(retired_list.exit_code, 0) << retired_list;
  ASSERT_EQ(Lines(retired_list.out).size(), 2u) << retired_list;
  EXPECT_EQ(RowsFor(retired_list.out, ValueName("care")).size(), 1u);

  // Archive: Sales no longer sees it; the admin finds it by filter.
  const CommandResult archived = Admin({"stories", "archive", story.name()});
  ASSERT_EQ(archived.exit_code, 0) << archived;
  EXPECT_TRUE(HasField(archived.out, "state", "ARCHIVED")) << archived;
  const CommandResult gone =
      Ctl(sales.token, {"-o", "json", "stories", "list", org_.id});
  ASSERT_EQ(gone.exit_code, 0) << gone;
  advocacypb::ListStoriesResponse none;
  ASSERT_TRUE(ParseJson(gone.out, &none));
  EXPECT_EQ(none.stories_size(), 0) << gone;
  const CommandResult by_filter =
      Admin({"stories", "list", org_.id, "--filter", "state = ARCHIVED"});
  ASSERT_EQ(by_filter.exit_code, 0) << by_filter;
  const std::vector<std::string> rows = RowsFor(by_filter.out, story.name());
  ASSERT_EQ(rows.size(), 1u) << by_filter;
  EXPECT_THAT(rows[0], HasSubstr(" ARCHIVED ")) << by_filter;
  const CommandResult late =
      Admin({"stories", "update", story.name(), "--title", "Too late"});
  EXPECT_EQ(late.exit_code, 1) << late;
  EXPECT_THAT(late.err, HasSubstr("FAILED_PRECONDITION")) << late;
}

// Employees read and endorse but do not write values or stories.
TEST_F(ValuesStoriesEndToEndTest, EmployeesCannotWrite) {
  ASSERT_NO_FATAL_FAILURE(CreateThreeValues());
  Person sales;
  ASSERT_NO_FATAL_FAILURE(AddEmployee("sam", "Sales", &sales));
  const CommandResult value = Ctl(
      sales.token,
      {"values", "create", org_.id, "--title", "Mine", "--statement", "Mine."});
  EXPECT_EQ(value.exit_code, 1) << value;
  EXPECT_THAT(value.err, HasSubstr("PERMISSION_DENIED")) << value;
  const CommandResult retire =
      Ctl(sales.token, {"values", "retire", ValueName("clarity")});
  EXPECT_EQ(retire.exit_code, 1) << retire;
  EXPECT_THAT(retire.err, HasSubstr("PERMISSION_DENIED")) << retire;
  const CommandResult story = Ctl(
      sales.token,
      {"stories", "create", org_.id, "--title", "Mine", "--summary", "Mine."});
  EXPECT_EQ(story.exit_code, 1) << story;
  EXPECT_THAT(story.err, HasSubstr("PERMISSION_DENIED")) << story;
  const CommandResult listed = Ctl(sales.token, {"values", "list", org_.id});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_EQ(Lines(listed.out).size(), 4u) << listed;

  // Another organization's admin sees nothing of this one.
  E2eOrg other;
  ASSERT_NO_FATAL_FAILURE(server_->CreateOrg("vs-other", &other));
  const CommandResult foreign =
      Ctl(other.admin_token, {"values", "get", ValueName("clarity")});
  EXPECT_EQ(foreign.exit_code, 1) << foreign;
  EXPECT_THAT(foreign.err, HasSubstr("NOT_FOUND")) << foreign;
}

// Wrong command lines exit 2 and send nothing.
TEST_F(ValuesStoriesEndToEndTest, UsageErrors) {
  const size_t log_lines_before = Lines(ReadFile(server_->access_log())).size();
  const std::string clarity = ValueName("clarity");
  const std::vector<std::vector<std::string>> wrong = {
      {"values", "update", clarity},                    // nothing to do
      {"values", "update", clarity, "--etag", "x"},     // still nothing
      {"values", "create", org_.id, "--title", "T"},    // no --statement
      {"values", "give-feedback", clarity},             // no --text
      {"values", "list", org_.id, "--page-size", "0"},  // out of range
      {"values"},                                       // no subcommand
      {"stories", "create", org_.id, "--title", "T"},   // no --summary
      {"stories", "create", org_.id, "--title", "T", "--summary", "S",
       "--expire-time", "2030-01-01T00:00:00Z", "--expires-in", "7d"},
      {"stories", "create", org_.id, "--title", "T", "--summary", "S",
       "--expire-time", "next friday"},
      {"stories", "create", org_.id, "--title", "T", "--summary", "S",
       "--expires-in", "a week"},
      {"stories", "update", org_.name + "/stories/x"},  // nothing to do
      {"stories", "update", org_.name + "/stories/x", "--point", "p",
       "--clear-points"},
  };
  for (const auto& args : wrong) {
    const CommandResult result = Admin(args);
    EXPECT_EQ(result.exit_code, 2) << result;
  }
  const CommandResult bad_time =
      Admin({"stories", "create", org_.id, "--title", "T", "--summary", "S",
             "--expire-time", "next friday"});
  EXPECT_THAT(bad_time.err, HasSubstr("--expire-time")) << bad_time;
  EXPECT_THAT(bad_time.err, HasSubstr("RFC 3339")) << bad_time;

  const CommandResult help = RunCandorctl({"values", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help;
  EXPECT_THAT(help.out, HasSubstr("give-feedback")) << help;
  const std::vector<std::string> log = Lines(ReadFile(server_->access_log()));
  ASSERT_GE(log.size(), log_lines_before);
  for (size_t i = log_lines_before; i < log.size(); ++i) {
    const std::string& line = log[i];
    EXPECT_THAT(line, Not(HasSubstr("ValuesService"))) << line;
    EXPECT_THAT(line, Not(HasSubstr("AdvocacyService"))) << line;
  }
}

}  // namespace
}  // namespace candor::testing
