// End to end: transparency rules and human review through the real
// `candord` and the real `candorctl`, as people would run them. An admin
// publishes the shipped example ruleset; an employee checks a text without
// a disclosure (a dry run) and posts one with a disclosure that is approved
// at once; a post with a financial promise goes to review, a reviewer
// rejects it citing the rule, its author appeals and the reviewer approves
// it; anyone verifies the audit log and reads the report. One candord serves
// the whole suite; each test makes its own organization.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "candor/advocacy/v1/advocacy.pb.h"
#include "candor/staff/v1/staff.pb.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/e2e.h"

namespace candor::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

using Person = E2ePerson;

// deploy/rulesets/default.textpb in this source tree (this file is
// tests/e2e_rules_review_test.cc; CMake compiles it by its absolute path).
std::string ShippedRulesetPath() {
  std::string dir = __FILE__;
  for (int i = 0; i < 2; ++i) dir = dir.substr(0, dir.rfind('/'));
  return dir + "/deploy/rulesets/default.textpb";
}

const transparencypb::RuleResult* FindResult(
    const google::protobuf::RepeatedPtrField<transparencypb::RuleResult>&
        results,
    const std::string& rule_id) {
  for (const transparencypb::RuleResult& result : results) {
    if (result.rule_id() == rule_id) return &result;
  }
  return nullptr;
}

// A disclosed post in the author's own words, within LinkedIn's visible
// prefix; `topic` keeps texts of one organization apart.
std::string DisclosedText(const std::string& topic) {
  return "#ad Proud of my team this week: " + topic +
         ". Ask me anything about how we got there.";
}

class RulesReviewEndToEndTest : public E2eOrgTest {
 protected:
  RulesReviewEndToEndTest() : E2eOrgTest("rr") {}

  // `rules publish` of the shipped example, as the admin.
  void PublishShippedRuleset(transparencypb::Ruleset* ruleset) {
    const CommandResult published = Admin(
        {"-o", "json", "rules", "publish", org_.id, ShippedRulesetPath()});
    ASSERT_EQ(published.exit_code, 0) << published;
    ASSERT_TRUE(ParseJson(published.out, ruleset));
  }

  // `posts create` then `posts submit -o json` as `author`.
  void CreateAndSubmit(const Person& author, const std::string& text,
                       advocacypb::SubmitPostResponse* submitted) {
    const CommandResult created =
        Ctl(author.token, {"-o", "json", "posts", "create", org_.id,
                           "--network", "linkedin", "--text", text});
    ASSERT_EQ(created.exit_code, 0) << created;
    advocacypb::Post post;
    ASSERT_TRUE(ParseJson(created.out, &post));
    EXPECT_EQ(post.state(), advocacypb::Post::DRAFT) << created;
    EXPECT_EQ(post.author(), author.name) << created;
    ASSERT_TRUE(absl::StartsWith(post.name(), org_.name + "/posts/"))
        << created;
    const CommandResult submit =
        Ctl(author.token, {"-o", "json", "posts", "submit", post.name()});
    ASSERT_EQ(submit.exit_code, 0) << submit;
    ASSERT_TRUE(ParseJson(submit.out, submitted));
    ASSERT_EQ(submitted->post().name(), post.name()) << submit;
  }

  // The post as `token` sees it, as JSON.
  void GetPost(const std::string& token, const std::string& name,
               advocacypb::Post* post) {
    const CommandResult got = Ctl(token, {"-o", "json", "posts", "get", name});
    ASSERT_EQ(got.exit_code, 0) << got;
    ASSERT_TRUE(ParseJson(got.out, post));
  }
};

// The shipped example publishes as is; `rules show` and `rules list` show
// it; a broken file is refused before any call, with its position.
TEST_F(RulesReviewEndToEndTest, PublishTheShippedRulesetAndShowIt) {
  const CommandResult published =
      Admin({"rules", "publish", org_.name, ShippedRulesetPath()});
  ASSERT_EQ(published.exit_code, 0) << published;
  EXPECT_TRUE(HasField(published.out, "state", "PUBLISHED")) << published;
  EXPECT_TRUE(HasField(published.out, "current", "true")) << published;
  EXPECT_TRUE(HasField(published.out, "publisher", org_.admin_name))
      << published;
  EXPECT_THAT(published.out, ContainsRegex("\nID +SEVERITY +KIND +TITLE\n"));
  EXPECT_THAT(published.out,
              ContainsRegex("\ndisclosure +BLOCK +disclosure +Say that you "
                            "work here\n"));
  EXPECT_THAT(published.out,
              ContainsRegex("\nsensitive-terms +REVIEW +sensitive_terms +"));

  // Any staff member reads it.
  Person employee;
  ASSERT_NO_FATAL_FAILURE(AddPerson("emma", {}, false, &employee));
  const CommandResult shown =
      Ctl(employee.token, {"-o", "json", "rules", "show", org_.id});
  ASSERT_EQ(shown.exit_code, 0) << shown;
  transparencypb::Ruleset ruleset;
  ASSERT_TRUE(ParseJson(shown.out, &ruleset));
  EXPECT_TRUE(ruleset.current());
  EXPECT_EQ(ruleset.state(), transparencypb::Ruleset::PUBLISHED);
  EXPECT_EQ(ruleset.display_name(), "Candor default rules");
  ASSERT_EQ(ruleset.rules_size(), 9) << shown;
  EXPECT_EQ(ruleset.rules(0).id(), "disclosure");
  EXPECT_EQ(ruleset.rules(5).id(), "sensitive-terms");
  EXPECT_EQ(ruleset.rules(5).severity(), transparencypb::Rule::REVIEW);

  const CommandResult table = Ctl(employee.token, {"rules", "show", org_.id});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(HasField(table.out, "name", ruleset.name())) << table;
  EXPECT_EQ(RowsFor(table.out, "length").size(), 1u) << table;

  const CommandResult listed = Ctl(employee.token, {"rules", "list", org_.id});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  const std::vector<std::string> rows = RowsFor(listed.out, ruleset.name());
  ASSERT_EQ(rows.size(), 1u) << listed;
  EXPECT_THAT(rows[0], ContainsRegex(" PUBLISHED +yes +9 +")) << rows[0];

  // Only admins publish.
  const CommandResult refused =
      Ctl(employee.token, {"rules", "publish", org_.id, ShippedRulesetPath()});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("PERMISSION_DENIED")) << refused;

  // A broken file: exit 2, FILE:LINE:COLUMN, and nothing published.
  const std::string broken = server_->TempFile(
      "broken.textpb",
      "display_name: \"Broken\"\nrules {\n  id: \"x\"\n  severty: BLOCK\n}\n");
  const CommandResult bad = Admin({"rules", "publish", org_.id, broken});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr(broken + ":4:10: ")) << bad;
  EXPECT_THAT(bad.err, HasSubstr("severty")) << bad;
  const CommandResult still = Admin({"-o", "json", "rules", "show", org_.id});
  ASSERT_EQ(still.exit_code, 0) << still;
  transparencypb::Ruleset current;
  ASSERT_TRUE(ParseJson(still.out, &current));
  EXPECT_EQ(current.name(), ruleset.name());
}

// `rules check` is a dry run: a text without a disclosure is REJECTED,
// with the disclosure rule's explanation, and the command still exits 0.
TEST_F(RulesReviewEndToEndTest, CheckATextWithoutDisclosure) {
  Person employee;
  ASSERT_NO_FATAL_FAILURE(AddPerson("omar", {}, true, &employee));
  const std::string text =
      "Our new office in Lisbon opened this week and it looks great.";
  const CommandResult checked =
      Ctl(employee.token,
          {"rules", "check", org_.id, "--network", "linkedin", "--text", text});
  ASSERT_EQ(checked.exit_code, 0) << checked;
  EXPECT_TRUE(HasField(checked.out, "outcome", "REJECTED")) << checked;
  EXPECT_THAT(checked.out,
              ContainsRegex("\nRESULT +SEVERITY +RULE +EXPLANATION\n"));
  bool disclosure_failed = false;
  for (const std::string& row : RowsFor(checked.out, "FAIL")) {
    if (absl::StrContains(row, " disclosure ")) {
      disclosure_failed = true;
      EXPECT_THAT(row, ContainsRegex("^FAIL +BLOCK +disclosure +[^ -]")) << row;
    }
  }
  EXPECT_TRUE(disclosure_failed) << checked;
  EXPECT_THAT(checked.out, ContainsRegex("\nPASS +BLOCK +length +")) << checked;

  const CommandResult json =
      Ctl(employee.token, {"-o", "json", "rules", "check", org_.id, "--network",
                           "linkedin", "--text", text});
  ASSERT_EQ(json.exit_code, 0) << json;
  transparencypb::Evaluation evaluation;
  ASSERT_TRUE(ParseJson(json.out, &evaluation));
  EXPECT_EQ(evaluation.outcome(), transparencypb::REJECTED);
  EXPECT_TRUE(absl::StartsWith(evaluation.ruleset(), org_.name + "/rulesets/"))
      << json;
  const transparencypb::RuleResult* disclosure =
      FindResult(evaluation.results(), "disclosure");
  ASSERT_NE(disclosure, nullptr) << json;
  EXPECT_FALSE(disclosure->passed());
  EXPECT_EQ(disclosure->severity(), transparencypb::Rule::BLOCK);
  EXPECT_FALSE(disclosure->explanation().empty());

  // A dry run stores nothing: no post, no decision.
  const CommandResult posts =
      Ctl(employee.token, {"-o", "json", "posts", "list", org_.id});
  ASSERT_EQ(posts.exit_code, 0) << posts;
  advocacypb::ListPostsResponse listed;
  ASSERT_TRUE(ParseJson(posts.out, &listed));
  EXPECT_EQ(listed.posts_size(), 0) << posts;

  // The same text with a disclosure, checked for another author by name.
  const CommandResult disclosed =
      Admin({"-o", "json", "rules", "check", org_.id, "--network", "linkedin",
             "--text", "#ad " + text, "--author", employee.name});
  ASSERT_EQ(disclosed.exit_code, 0) << disclosed;
  ASSERT_TRUE(ParseJson(disclosed.out, &evaluation));
  disclosure = FindResult(evaluation.results(), "disclosure");
  ASSERT_NE(disclosure, nullptr) << disclosed;
  EXPECT_TRUE(disclosure->passed()) << disclosed;
  EXPECT_EQ(evaluation.outcome(), transparencypb::APPROVED) << disclosed;

  // An unknown network is the caller's mistake.
  const CommandResult bad =
      Ctl(employee.token,
          {"rules", "check", org_.id, "--network", "myspace", "--text", text});
  EXPECT_EQ(bad.exit_code, 2) << bad;
}

// An employee who consented and linked their LinkedIn account posts with a
// disclosure: approved at once, every rule passing.
TEST_F(RulesReviewEndToEndTest, DisclosedPostIsApproved) {
  Person employee;
  ASSERT_NO_FATAL_FAILURE(AddPerson("lena", {}, true, &employee));
  advocacypb::SubmitPostResponse submitted;
  ASSERT_NO_FATAL_FAILURE(CreateAndSubmit(
      employee, DisclosedText("we shipped the new payments dashboard"),
      &submitted));
  EXPECT_EQ(submitted.post().state(), advocacypb::Post::APPROVED);
  EXPECT_EQ(submitted.decision().verdict(), transparencypb::Decision::APPROVED);
  EXPECT_EQ(submitted.decision().decider(), "automatic");
  EXPECT_EQ(submitted.decision().outcome(), transparencypb::APPROVED);
  EXPECT_GT(submitted.decision().results_size(), 0);
  for (const transparencypb::RuleResult& result :
       submitted.decision().results()) {
    EXPECT_TRUE(result.passed())
        << result.rule_id() << ": " << result.explanation();
  }

  // As a table: the state and one PASS line per rule.
  const CommandResult shown =
      Ctl(employee.token, {"posts", "get", submitted.post().name()});
  ASSERT_EQ(shown.exit_code, 0) << shown;
  EXPECT_TRUE(HasField(shown.out, "state", "APPROVED")) << shown;
  EXPECT_TRUE(HasField(shown.out, "network", "linkedin")) << shown;
  EXPECT_THAT(shown.out, ContainsRegex("\nPASS +BLOCK +disclosure +")) << shown;
  EXPECT_THAT(shown.out, Not(ContainsRegex("\nFAIL "))) << shown;

  // Colleagues see approved posts.
  Person colleague;
  ASSERT_NO_FATAL_FAILURE(AddPerson("cole", {}, false, &colleague));
  const CommandResult listed = Ctl(colleague.token, {"posts", "list", org_.id});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  const std::vector<std::string> rows =
      RowsFor(listed.out, submitted.post().name());
  ASSERT_EQ(rows.size(), 1u) << listed;
  EXPECT_THAT(rows[0], HasSubstr(" APPROVED ")) << rows[0];
}

// A financial promise goes to review; a reviewer rejects it citing the
// rule; its author appeals; the reviewer approves it (no BLOCK rule fails).
// The audit log verifies and the report counts the decisions.
TEST_F(RulesReviewEndToEndTest, ReviewRejectAppealApprove) {
  transparencypb::Ruleset ruleset;
  ASSERT_NO_FATAL_FAILURE(PublishShippedRuleset(&ruleset));
  Person author, reviewer;
  ASSERT_NO_FATAL_FAILURE(AddPerson("ana", {}, true, &author));
  ASSERT_NO_FATAL_FAILURE(AddPerson("rui", {"reviewer"}, false, &reviewer));

  advocacypb::SubmitPostResponse submitted;
  ASSERT_NO_FATAL_FAILURE(CreateAndSubmit(
      author, DisclosedText("our fund has guaranteed returns for every saver"),
      &submitted));
  const std::string post = submitted.post().name();
  EXPECT_EQ(submitted.post().state(), advocacypb::Post::IN_REVIEW);
  EXPECT_EQ(submitted.decision().verdict(),
            transparencypb::Decision::NEEDS_REVIEW);
  EXPECT_EQ(submitted.decision().ruleset(), ruleset.name());
  const transparencypb::RuleResult* sensitive =
      FindResult(submitted.decision().results(), "sensitive-terms");
  ASSERT_NE(sensitive, nullptr);
  EXPECT_FALSE(sensitive->passed());
  for (const transparencypb::RuleResult& result :
       submitted.decision().results()) {
    if (result.severity() == transparencypb::Rule::BLOCK) {
      EXPECT_TRUE(result.passed())
          << result.rule_id() << ": " << result.explanation();
    }
  }

  // The reviewer's queue shows it and the rule that sent it there.
  const CommandResult queue = Ctl(reviewer.token, {"review", "list", org_.id});
  ASSERT_EQ(queue.exit_code, 0) << queue;
  EXPECT_THAT(Lines(queue.out)[0],
              ContainsRegex("^NAME +AUTHOR +NETWORK +FAILED_RULES$"));
  std::vector<std::string> rows = RowsFor(queue.out, post);
  ASSERT_EQ(rows.size(), 1u) << queue;
  EXPECT_THAT(rows[0], ContainsRegex(" " + author.name +
                                     " +linkedin +[a-z,-]*sensitive-terms"))
      << rows[0];

  const CommandResult queue_json =
      Ctl(reviewer.token, {"-o", "json", "review", "list", org_.id});
  ASSERT_EQ(queue_json.exit_code, 0) << queue_json;
  advocacypb::ListPostsResponse queued;
  ASSERT_TRUE(ParseJson(queue_json.out, &queued));
  ASSERT_EQ(queued.posts_size(), 1) << queue_json;
  EXPECT_EQ(queued.posts(0).name(), post);
  EXPECT_EQ(queued.posts(0).state(), advocacypb::Post::IN_REVIEW);

  // Rejecting needs a cited rule (the command line asks for one).
  const CommandResult uncited = Ctl(reviewer.token, {"review", "reject", post});
  EXPECT_EQ(uncited.exit_code, 2) << uncited;

  const CommandResult rejected =
      Ctl(reviewer.token,
          {"review", "reject", post, "--rule", "sensitive-terms", "--note",
           "Returns are never "
           "guaranteed."});
  ASSERT_EQ(rejected.exit_code, 0) << rejected;
  EXPECT_TRUE(HasField(rejected.out, "state", "REJECTED")) << rejected;
  advocacypb::Post got;
  ASSERT_NO_FATAL_FAILURE(GetPost(author.token, post, &got));
  EXPECT_EQ(got.state(), advocacypb::Post::REJECTED);
  EXPECT_EQ(got.latest_decision().decider(), reviewer.name);
  EXPECT_EQ(got.latest_decision().verdict(),
            transparencypb::Decision::REJECTED);
  ASSERT_EQ(got.latest_decision().cited_rule_ids_size(), 1);
  EXPECT_EQ(got.latest_decision().cited_rule_ids(0), "sensitive-terms");
  const CommandResult gone = Ctl(reviewer.token, {"review", "list", org_.id});
  ASSERT_EQ(gone.exit_code, 0) << gone;
  EXPECT_TRUE(RowsFor(gone.out, post).empty()) << gone;

  // The author appeals: back in review.
  const CommandResult appealed =
      Ctl(author.token, {"posts", "appeal", post, "--reason",
                         "It quotes the fund's prospectus word for word."});
  ASSERT_EQ(appealed.exit_code, 0) << appealed;
  EXPECT_TRUE(HasField(appealed.out, "state", "IN_REVIEW")) << appealed;
  const CommandResult again = Ctl(reviewer.token, {"review", "list", org_.id});
  ASSERT_EQ(again.exit_code, 0) << again;
  EXPECT_EQ(RowsFor(again.out, post).size(), 1u) << again;

  // The author cannot approve their own post.
  const CommandResult self = Ctl(author.token, {"review", "approve", post});
  EXPECT_EQ(self.exit_code, 1) << self;

  const CommandResult approved = Ctl(
      reviewer.token, {"review", "approve", post, "--note", "Fair enough."});
  ASSERT_EQ(approved.exit_code, 0) << approved;
  EXPECT_TRUE(HasField(approved.out, "state", "APPROVED")) << approved;
  ASSERT_NO_FATAL_FAILURE(GetPost(author.token, post, &got));
  EXPECT_EQ(got.state(), advocacypb::Post::APPROVED);
  EXPECT_EQ(got.latest_decision().decider(), reviewer.name);
  EXPECT_EQ(got.latest_decision().verdict(),
            transparencypb::Decision::APPROVED);

  // Anyone verifies the audit log.
  const CommandResult verified =
      Ctl(author.token, {"audit", "verify", org_.id});
  ASSERT_EQ(verified.exit_code, 0) << verified;
  EXPECT_THAT(verified.out,
              ContainsRegex(
                  "^ok: [0-9]+ entries checked against the signed tree head\n"))
      << verified;
  // The author keeps the head they saw, proves their decision is in the
  // log, and a later check extends the saved head (docs/AUDIT.md).
  const std::string head_file =
      ::testing::TempDir() + "candor-head-" + org_.id + ".json";
  const CommandResult saved =
      Ctl(author.token, {"audit", "verify", org_.id, "--head-file", head_file});
  ASSERT_EQ(saved.exit_code, 0) << saved;
  EXPECT_THAT(saved.out, HasSubstr("head_file_written")) << saved;
  const CommandResult proved = Ctl(
      author.token,
      {"audit", "prove", org_.id, "--sequence", "2", "--head-file", head_file});
  EXPECT_EQ(proved.exit_code, 0) << proved;
  const CommandResult extended =
      Ctl(author.token, {"audit", "verify", org_.id, "--head-file", head_file});
  EXPECT_EQ(extended.exit_code, 0) << extended;
  EXPECT_THAT(extended.out, HasSubstr("saved_head")) << extended;
  // An entry the saved head does not cover (the admin's export of the
  // author) is proved under the newest head, once a consistency proof
  // shows that head extends the saved one.
  transparencypb::AuditTreeHead saved_head;
  ASSERT_TRUE(ParseJson(ReadFile(head_file), &saved_head));
  const CommandResult exported =
      Ctl(org_.admin_token, {"staff", "export", author.name});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  const CommandResult newer =
      Ctl(author.token,
          {"audit", "prove", org_.id, "--sequence",
           absl::StrCat(saved_head.tree_size() + 1), "--head-file", head_file});
  EXPECT_EQ(newer.exit_code, 0) << newer;
  EXPECT_THAT(newer.out, HasSubstr("the server, now")) << newer;
  const CommandResult audit =
      Ctl(author.token, {"audit", "list", org_.id, "--all"});
  ASSERT_EQ(audit.exit_code, 0) << audit;
  EXPECT_THAT(Lines(audit.out)[0],
              ContainsRegex("^SEQ +TIME +ACTOR +ACTION +SUBJECT$"));
  EXPECT_THAT(audit.out, ContainsRegex("\n1 +[0-9T:.-]+Z +"));
  EXPECT_THAT(audit.out,
              ContainsRegex(" " + org_.admin_name + " +ruleset\\.publish +" +
                            ruleset.name() + "\n"))
      << audit;
  EXPECT_THAT(audit.out, ContainsRegex(" " + reviewer.name + " +[a-z.]+ +" +
                                       post + "(/decisions/[^ ]+)?\n"))
      << audit;

  // The report counts the automatic and the two human decisions.
  const CommandResult report =
      Ctl(author.token, {"-o", "json", "report", org_.id, "--since", "1d"});
  ASSERT_EQ(report.exit_code, 0) << report;
  transparencypb::TransparencyReport counted;
  ASSERT_TRUE(ParseJson(report.out, &counted));
  EXPECT_GE(counted.decisions_total(), 3) << report;
  EXPECT_GE(counted.automatic_decisions(), 1) << report;
  EXPECT_EQ(counted.human_decisions(), 2) << report;
  int64_t approved_count = 0, rejected_count = 0;
  for (const auto& count : counted.by_verdict()) {
    if (count.verdict() == transparencypb::Decision::APPROVED) {
      approved_count = count.count();
    }
    if (count.verdict() == transparencypb::Decision::REJECTED) {
      rejected_count = count.count();
    }
  }
  EXPECT_GE(approved_count, 1) << report;
  EXPECT_GE(rejected_count, 1) << report;
  bool sensitive_counted = false;
  for (const auto& count : counted.failed_by_rule()) {
    if (count.rule_id() == "sensitive-terms") {
      sensitive_counted = count.failed() >= 1;
    }
  }
  EXPECT_TRUE(sensitive_counted) << report;
  const CommandResult table = Ctl(author.token, {"report", org_.id});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_TRUE(HasField(table.out, "human_decisions", "2")) << table;
  EXPECT_THAT(table.out, ContainsRegex("\nVERDICT +DECISIONS\n"));
  EXPECT_THAT(table.out, ContainsRegex("\nsensitive-terms +[1-9][0-9]*\n"));
}

// A post without a disclosure is REJECTED by a BLOCK rule, and no reviewer
// can approve it even after an appeal.
TEST_F(RulesReviewEndToEndTest, BlockedPostCannotBeApprovedOnAppeal) {
  Person author, reviewer;
  ASSERT_NO_FATAL_FAILURE(AddPerson("bo", {}, true, &author));
  ASSERT_NO_FATAL_FAILURE(AddPerson("rita", {"reviewer"}, false, &reviewer));
  advocacypb::SubmitPostResponse submitted;
  ASSERT_NO_FATAL_FAILURE(CreateAndSubmit(
      author, "Our new office in Porto opened this week and it looks great.",
      &submitted));
  const std::string post = submitted.post().name();
  EXPECT_EQ(submitted.post().state(), advocacypb::Post::REJECTED);
  const transparencypb::RuleResult* disclosure =
      FindResult(submitted.decision().results(), "disclosure");
  ASSERT_NE(disclosure, nullptr);
  EXPECT_FALSE(disclosure->passed());

  // The table shows the failing rule with its explanation.
  const CommandResult shown = Ctl(author.token, {"posts", "get", post});
  ASSERT_EQ(shown.exit_code, 0) << shown;
  EXPECT_TRUE(HasField(shown.out, "state", "REJECTED")) << shown;
  EXPECT_THAT(shown.out, ContainsRegex("\nFAIL +BLOCK +disclosure +[^ -]"));

  const CommandResult appealed =
      Ctl(author.token, {"posts", "appeal", post, "--reason", "I forgot #ad."});
  ASSERT_EQ(appealed.exit_code, 0) << appealed;
  const CommandResult approve =
      Ctl(reviewer.token, {"review", "approve", post});
  EXPECT_EQ(approve.exit_code, 1) << approve;
  EXPECT_THAT(approve.err, HasSubstr("FAILED_PRECONDITION")) << approve;

  // The reviewer rejects it citing the rule; the author adds a disclosure
  // (a new revision, back to DRAFT) and submits again.
  const CommandResult rejected =
      Ctl(reviewer.token, {"review", "reject", post, "--rule", "disclosure"});
  ASSERT_EQ(rejected.exit_code, 0) << rejected;
  const CommandResult updated =
      Ctl(author.token,
          {"posts", "update", post, "--text",
           "#ad Our new office in Porto opened this week and it looks great."});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_TRUE(HasField(updated.out, "state", "DRAFT")) << updated;
  EXPECT_TRUE(HasField(updated.out, "revision", "2")) << updated;
  const CommandResult resubmitted =
      Ctl(author.token, {"posts", "submit", post});
  ASSERT_EQ(resubmitted.exit_code, 0) << resubmitted;
  EXPECT_TRUE(HasField(resubmitted.out, "state", "APPROVED")) << resubmitted;
  EXPECT_THAT(resubmitted.out, ContainsRegex("\nPASS +BLOCK +disclosure +"));
}

// An author deletes a draft, and withdraws an approved post.
TEST_F(RulesReviewEndToEndTest, DeleteDraftAndWithdrawApproved) {
  Person author;
  ASSERT_NO_FATAL_FAILURE(AddPerson("wes", {}, true, &author));
  const CommandResult draft =
      Ctl(author.token, {"-o", "json", "posts", "create", org_.id, "--network",
                         "linkedin", "--text", DisclosedText("a draft")});
  ASSERT_EQ(draft.exit_code, 0) << draft;
  advocacypb::Post post;
  ASSERT_TRUE(ParseJson(draft.out, &post));
  const CommandResult deleted =
      Ctl(author.token, {"posts", "delete", post.name()});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_EQ(deleted.out, "deleted " + post.name() + "\n");
  const CommandResult missing =
      Ctl(author.token, {"posts", "get", post.name()});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND")) << missing;

  advocacypb::SubmitPostResponse submitted;
  ASSERT_NO_FATAL_FAILURE(CreateAndSubmit(
      author, DisclosedText("we planted 200 trees"), &submitted));
  ASSERT_EQ(submitted.post().state(), advocacypb::Post::APPROVED);
  const CommandResult withdrawn =
      Ctl(author.token, {"posts", "withdraw", submitted.post().name()});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn;
  EXPECT_TRUE(HasField(withdrawn.out, "state", "WITHDRAWN")) << withdrawn;
  const CommandResult mine =
      Ctl(author.token, {"posts", "list", org_.id, "--filter",
                         "author = \"" + author.name + "\""});
  ASSERT_EQ(mine.exit_code, 0) << mine;
  const std::vector<std::string> rows =
      RowsFor(mine.out, submitted.post().name());
  ASSERT_EQ(rows.size(), 1u) << mine;
  EXPECT_THAT(rows[0], HasSubstr(" WITHDRAWN ")) << rows[0];
}

}  // namespace
}  // namespace candor::testing
