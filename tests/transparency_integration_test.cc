// TransparencyService over real gRPC against the real database: the
// behaviour a user of the API sees. Rulesets are published once and never
// change (the shipped default on first use); posts are evaluated the same
// way for everyone; only services record decisions, and reviewers cite the
// rules they apply; every publication and decision lands in a hash-chained
// audit log anyone in the organization can verify. Each test makes its own
// organization.
//
// Real server, real gRPC, real MariaDB (tests/support).
#include <cppconn/prepared_statement.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/candord/service_host.h"
#include "services/common/access_log.h"
#include "services/common/grpc_status.h"
#include "services/common/page_token.h"
#include "services/common/status_macros.h"
#include "services/transparency/engine/shingles.h"
#include "services/transparency/index_cache.h"
#include "services/transparency/transparency_repository.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_database.h"
#include "tests/support/test_server.h"
#include "tests/support/test_util.h"

namespace candor::testing {
namespace {

namespace tpb = ::candor::transparency::v1;
using grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using StaffMember = staffpb::StaffMember;

constexpr char kTamperDetails[] =
    "UPDATE audit_entries SET details = 'nothing happened' "
    "WHERE organization_id = ? AND sequence = ?";

// A staff member who may post: consenting, with a linked LinkedIn account.
using Author = TestPerson;

class TransparencyIntegrationTest : public OrgTest {
 protected:
  TransparencyIntegrationTest()
      : OrgTest("transp"), service_token_(ServiceToken(org_)) {}

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return TestServer::Context(token);
  }

  // Creates a staff member with `roles` and a token of them and, as
  // themself, gives consent and links a LinkedIn account (unless `consent`
  // is false).
  Author NewAuthor(const std::string& employee_id, bool consent = true,
                   std::vector<StaffMember::Role> roles = {}) {
    return MakePerson(org_, employee_id, std::move(roles), "Engineering",
                      consent);
  }

  // A post text that discloses the connection and passes every default
  // rule.
  std::string Disclosed(const std::string& body) {
    return absl::StrCat("I work at Test Company ", org_.id, ". ", body);
  }

  tpb::PostContent Content(const Author& author, const std::string& text,
                           const std::string& post = "") {
    tpb::PostContent content;
    content.set_post(post);
    content.set_author(author.member.name());
    content.set_network(candor::common::v1::LINKEDIN);
    content.set_text(text);
    return content;
  }

  std::string NewPostName() {
    return absl::StrCat(org_.name, "/posts/p", ++post_counter_);
  }

  grpc::Status Evaluate(const std::string& token, const tpb::PostContent& post,
                        tpb::Evaluation* out) {
    tpb::EvaluatePostRequest request;
    request.set_parent(org_.name);
    *request.mutable_post() = post;
    return transparency_->EvaluatePost(Ctx(token).get(), request, out);
  }

  // An automatic decision on a new post of `author`.
  grpc::Status Decide(
      const std::string& token, const std::string& post_name,
      const tpb::PostContent& content, tpb::Decision* out,
      const std::string& reviewer = "",
      tpb::Decision::Verdict verdict = tpb::Decision::VERDICT_UNSPECIFIED,
      std::vector<std::string> cited = {}, const std::string& request_id = "",
      int64_t revision = 1) {
    tpb::CreateDecisionRequest request;
    request.set_parent(post_name);
    *request.mutable_post() = content;
    request.set_post_revision(revision);
    request.set_reviewer(reviewer);
    request.set_verdict(verdict);
    for (const auto& id : cited) request.add_cited_rule_ids(id);
    request.set_request_id(request_id);
    return transparency_->CreateDecision(Ctx(token).get(), request, out);
  }

  std::vector<tpb::AuditEntry> AuditLog(const std::string& token) {
    return ::candor::testing::AuditLog(token, org_.name);
  }

  tpb::VerifyAuditLogResponse Verify(const std::string& token) {
    tpb::VerifyAuditLogRequest request;
    request.set_parent(org_.name);
    tpb::VerifyAuditLogResponse response;
    grpc::Status status =
        transparency_->VerifyAuditLog(Ctx(token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  const tpb::RuleResult* ResultOf(const tpb::Evaluation& e,
                                  const std::string& rule_id) {
    for (const auto& r : e.results()) {
      if (r.rule_id() == rule_id) return &r;
    }
    ADD_FAILURE() << "no result for " << rule_id;
    return nullptr;
  }

  std::string service_token_;
  int post_counter_ = 0;
};

// --- rulesets ---------------------------------------------------------------

TEST_F(TransparencyIntegrationTest, DefaultRulesetIsPublishedOnFirstUseOnce) {
  Author ada = NewAuthor("E1");
  std::vector<std::string> names(8);
  std::vector<std::function<void()>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back([&, i] {
      tpb::GetPublishedRulesetRequest request;
      request.set_parent(org_.name);
      tpb::Ruleset ruleset;
      auto stub = tpb::TransparencyService::NewStub(server_.channel());
      grpc::Status status =
          stub->GetPublishedRuleset(Ctx(ada.token).get(), request, &ruleset);
      EXPECT_TRUE(status.ok()) << status.error_message();
      names[i] = ruleset.name();
    });
  }
  RunConcurrently(std::move(calls), 8);
  for (const auto& name : names) {
    EXPECT_EQ(name, org_.name + "/rulesets/default");
  }

  tpb::GetPublishedRulesetRequest request;
  request.set_parent(org_.name);
  tpb::Ruleset ruleset;
  ASSERT_TRUE(transparency_
                  ->GetPublishedRuleset(Ctx(ada.token).get(), request, &ruleset)
                  .ok());
  EXPECT_EQ(ruleset.state(), tpb::Ruleset::PUBLISHED);
  EXPECT_TRUE(ruleset.current());
  EXPECT_EQ(ruleset.publisher(), "candor");
  EXPECT_EQ(ruleset.rules_size(), 9);
  EXPECT_EQ(ruleset.rules(0).id(), "disclosure");
  EXPECT_EQ(ruleset.rules(0).severity(), tpb::Rule::BLOCK);
  EXPECT_TRUE(ruleset.has_publish_time());

  // Published once, audited once.
  std::vector<tpb::AuditEntry> log = AuditLog(ada.token);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].action(), "ruleset.publish");
  EXPECT_EQ(log[0].actor(), "candor");
  EXPECT_EQ(log[0].subject(), ruleset.name());
  EXPECT_EQ(log[0].sequence(), 1);
  EXPECT_EQ(log[0].prev_hash(), std::string(64, '0'));
}

constexpr char kCustomRules[] = R"pb(
  display_name: "Strict rules"
  description: "Disclosure and no financial promises."
  rules {
    id: "disclosure"
    title: "Say that you work here"
    severity: BLOCK
    disclosure {}
  }
  rules {
    id: "no-promises"
    title: "No promises"
    severity: BLOCK
    sensitive_terms { patterns: "guaranteed\\s+returns" }
  }
)pb";

tpb::Ruleset ParseRuleset(const std::string& text) {
  tpb::Ruleset ruleset;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &ruleset));
  return ruleset;
}

TEST_F(TransparencyIntegrationTest,
       PublishedRulesetBecomesCurrentAndImmutable) {
  tpb::CreateRulesetRequest create;
  create.set_parent(org_.name);
  *create.mutable_ruleset() = ParseRuleset(kCustomRules);
  tpb::Ruleset draft;
  ASSERT_TRUE(
      transparency_->CreateRuleset(Ctx(org_.admin_token).get(), create, &draft)
          .ok());
  EXPECT_EQ(draft.state(), tpb::Ruleset::DRAFT);
  EXPECT_FALSE(draft.current());
  EXPECT_EQ(draft.display_name(), "Strict rules");
  EXPECT_EQ(draft.rules_size(), 2);
  EXPECT_TRUE(absl::StartsWith(draft.name(), org_.name + "/rulesets/"));

  tpb::PublishRulesetRequest publish;
  publish.set_name(draft.name());
  tpb::Ruleset published;
  ASSERT_TRUE(
      transparency_
          ->PublishRuleset(Ctx(org_.admin_token).get(), publish, &published)
          .ok());
  EXPECT_EQ(published.state(), tpb::Ruleset::PUBLISHED);
  EXPECT_TRUE(published.current());
  EXPECT_EQ(published.publisher(), org_.admin_name);

  tpb::GetPublishedRulesetRequest get_current;
  get_current.set_parent(org_.name);
  tpb::Ruleset current;
  ASSERT_TRUE(transparency_
                  ->GetPublishedRuleset(Ctx(org_.admin_token).get(),
                                        get_current, &current)
                  .ok());
  EXPECT_EQ(current.name(), draft.name());

  // Immutable: publishing again is refused.
  tpb::Ruleset again;
  EXPECT_THAT(transparency_->PublishRuleset(Ctx(org_.admin_token).get(),
                                            publish, &again),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "immutable"));

  // A second published ruleset replaces it as current.
  tpb::Ruleset second_draft;
  create.mutable_ruleset()->set_display_name("Second");
  ASSERT_TRUE(
      transparency_
          ->CreateRuleset(Ctx(org_.admin_token).get(), create, &second_draft)
          .ok());
  publish.set_name(second_draft.name());
  ASSERT_TRUE(transparency_
                  ->PublishRuleset(Ctx(org_.admin_token).get(), publish, &again)
                  .ok());
  tpb::GetRulesetRequest get_first;
  get_first.set_name(draft.name());
  tpb::Ruleset first;
  ASSERT_TRUE(
      transparency_->GetRuleset(Ctx(org_.admin_token).get(), get_first, &first)
          .ok());
  EXPECT_FALSE(first.current());
  EXPECT_EQ(first.state(), tpb::Ruleset::PUBLISHED);

  // Newest first, paged.
  std::vector<std::string> listed;
  std::string page_token;
  do {
    tpb::ListRulesetsRequest list;
    list.set_parent(org_.name);
    list.set_page_size(1);
    list.set_page_token(page_token);
    tpb::ListRulesetsResponse page;
    ASSERT_TRUE(
        transparency_->ListRulesets(Ctx(org_.admin_token).get(), list, &page)
            .ok());
    for (const auto& r : page.rulesets()) listed.push_back(r.name());
    page_token = page.next_page_token();
  } while (!page_token.empty());
  EXPECT_THAT(listed, ElementsAre(second_draft.name(), draft.name()));

  // Both publications audited, by the admin.
  std::vector<tpb::AuditEntry> log = AuditLog(org_.admin_token);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].subject(), draft.name());
  EXPECT_EQ(log[1].subject(), second_draft.name());
  EXPECT_EQ(log[1].actor(), org_.admin_name);
  EXPECT_EQ(log[1].prev_hash(), log[0].hash());
}

TEST_F(TransparencyIntegrationTest, BadRulesetsNameTheFieldAndStoreNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"pb(rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            })pb",
       "ruleset.display_name"},
      {R"pb(display_name: "x")pb", "ruleset.rules"},
      {R"pb(display_name: "x"
            rules {
              id: "Not_OK"
              title: "A"
              severity: BLOCK
              length {}
            })pb",
       "ruleset.rules[0].id"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            }
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            })pb",
       "ruleset.rules[1].id"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: " "
              severity: BLOCK
              length {}
            })pb",
       "ruleset.rules[0].title"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              length {}
            })pb",
       "ruleset.rules[0].severity"},
      {R"pb(display_name: "x"
            rules { id: "a" title: "A" severity: REVIEW })pb",
       "ruleset.rules[0].kind"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              length {}
            }
            rules {
              id: "b"
              title: "B"
              severity: BLOCK
              length {}
            }
            rules {
              id: "c"
              title: "C"
              severity: REVIEW
              sensitive_terms { patterns: "ok" patterns: "[broken" }
            })pb",
       "ruleset.rules[2].sensitive_terms.patterns[1]"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              no_coordination { threshold: 2 }
            })pb",
       "ruleset.rules[0].no_coordination.threshold"},
      {R"pb(display_name: "x"
            rules {
              id: "a"
              title: "A"
              severity: BLOCK
              own_words { max_copied: -0.1 }
            })pb",
       "ruleset.rules[0].own_words.max_copied"},
  };
  for (const auto& [text, field] : cases) {
    tpb::CreateRulesetRequest create;
    create.set_parent(org_.name);
    *create.mutable_ruleset() = ParseRuleset(text);
    tpb::Ruleset out;
    EXPECT_TRUE(IsInvalidField(
        transparency_->CreateRuleset(Ctx(org_.admin_token).get(), create, &out),
        field))
        << text;
  }
  tpb::CreateRulesetRequest missing;
  missing.set_parent(org_.name);
  tpb::Ruleset out;
  EXPECT_TRUE(IsInvalidField(
      transparency_->CreateRuleset(Ctx(org_.admin_token).get(), missing, &out),
      "ruleset"));

  tpb::ListRulesetsRequest list;
  list.set_parent(org_.name);
  tpb::ListRulesetsResponse page;
  ASSERT_TRUE(
      transparency_->ListRulesets(Ctx(org_.admin_token).get(), list, &page)
          .ok());
  EXPECT_THAT(page.rulesets(), IsEmpty());
}

// --- evaluation --------------------------------------------------------------

TEST_F(TransparencyIntegrationTest, EvaluatePostPassesAndFailsPerRule) {
  Author ada = NewAuthor("E1");

  tpb::Evaluation good;
  ASSERT_TRUE(Evaluate(ada.token,
                       Content(ada, Disclosed("My team shipped offline mode "
                                              "this week and I am proud of "
                                              "everyone who built it.")),
                       &good)
                  .ok());
  EXPECT_EQ(good.outcome(), tpb::APPROVED);
  EXPECT_EQ(good.ruleset(), org_.name + "/rulesets/default");
  EXPECT_EQ(good.results_size(), 9);
  for (const auto& r : good.results()) {
    EXPECT_TRUE(r.passed()) << r.rule_id() << ": " << r.explanation();
    EXPECT_FALSE(r.explanation().empty()) << r.rule_id();
  }

  tpb::Evaluation undisclosed;
  ASSERT_TRUE(Evaluate(ada.token,
                       Content(ada,
                               "Our new offline mode is great, try it "
                               "on your next flight."),
                       &undisclosed)
                  .ok());
  EXPECT_EQ(undisclosed.outcome(), tpb::REJECTED);
  const tpb::RuleResult* disclosure = ResultOf(undisclosed, "disclosure");
  ASSERT_NE(disclosure, nullptr);
  EXPECT_FALSE(disclosure->passed());
  EXPECT_EQ(disclosure->severity(), tpb::Rule::BLOCK);
  EXPECT_FALSE(disclosure->explanation().empty());

  tpb::Evaluation promise;
  ASSERT_TRUE(Evaluate(ada.token,
                       Content(ada, Disclosed("Our savings plan is a risk-free "
                                              "way to plan for later.")),
                       &promise)
                  .ok());
  EXPECT_EQ(promise.outcome(), tpb::NEEDS_REVIEW);
  const tpb::RuleResult* terms = ResultOf(promise, "sensitive-terms");
  ASSERT_NE(terms, nullptr);
  EXPECT_FALSE(terms->passed());
  EXPECT_FALSE(terms->evidence().empty());

  // Without consent or a linked account the author is not a real author.
  Author bob = NewAuthor("E2", /*consent=*/false);
  tpb::Evaluation unconsented;
  ASSERT_TRUE(Evaluate(bob.token,
                       Content(bob, Disclosed("Proud of the offline mode my "
                                              "colleagues shipped.")),
                       &unconsented)
                  .ok());
  EXPECT_EQ(unconsented.outcome(), tpb::REJECTED);
  const tpb::RuleResult* real = ResultOf(unconsented, "real-author");
  ASSERT_NE(real, nullptr);
  EXPECT_FALSE(real->passed());

  // Employees evaluate only their own posts; reviewers anyone's.
  tpb::Evaluation other;
  EXPECT_THAT(Evaluate(bob.token, Content(ada, Disclosed("Hello.")), &other),
              GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  EXPECT_TRUE(
      Evaluate(rita.token, Content(ada, Disclosed("Hello there.")), &other)
          .ok());

  // Bad input names the field.
  tpb::PostContent no_text = Content(ada, "");
  EXPECT_TRUE(
      IsInvalidField(Evaluate(ada.token, no_text, &other), "post.text"));
  tpb::PostContent no_network = Content(ada, "x");
  no_network.set_network(candor::common::v1::NETWORK_UNSPECIFIED);
  EXPECT_TRUE(
      IsInvalidField(Evaluate(ada.token, no_network, &other), "post.network"));
  tpb::PostContent foreign = Content(ada, "x");
  foreign.set_author("organizations/elsewhere/staffMembers/x");
  EXPECT_TRUE(
      IsInvalidField(Evaluate(ada.token, foreign, &other), "post.author"));
}

// --- decisions ---------------------------------------------------------------

TEST_F(TransparencyIntegrationTest, OnlyServicesRecordDecisions) {
  Author ada = NewAuthor("E1");
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  const std::string post = NewPostName();
  const tpb::PostContent content =
      Content(ada, Disclosed("We opened a new office in Lisbon today."));
  tpb::Decision decision;
  for (const std::string& token :
       {ada.token, rita.token, org_.admin_token, TestServer::OperatorToken()}) {
    EXPECT_THAT(Decide(token, post, content, &decision),
                GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  }
  ASSERT_TRUE(Decide(service_token_, post, content, &decision).ok());
  EXPECT_EQ(decision.verdict(), tpb::Decision::APPROVED);
  EXPECT_EQ(decision.outcome(), tpb::APPROVED);
  EXPECT_EQ(decision.decider(), "automatic");
  EXPECT_EQ(decision.post(), post);
  EXPECT_EQ(decision.post_revision(), 1);
  EXPECT_TRUE(absl::StartsWith(decision.name(), post + "/decisions/"));
  EXPECT_EQ(decision.results_size(), 9);

  // An org-less service token may record for any organization.
  TokenClaims claims;
  claims.subject = "service:candord";
  claims.roles = {Role::kService};
  const std::string orgless = *MintHs256Token(claims, kTestJwtSecret);
  tpb::Decision second;
  ASSERT_TRUE(Decide(orgless, NewPostName(), content, &second).ok());

  // Input errors name the field.
  tpb::PostContent wrong_post = content;
  wrong_post.set_post(org_.name + "/posts/other");
  EXPECT_TRUE(IsInvalidField(Decide(service_token_, post, wrong_post, &second),
                             "post.post"));
  EXPECT_TRUE(IsInvalidField(
      Decide(service_token_, post, content, &second, "", {}, {}, "", 0),
      "post_revision"));
}

TEST_F(TransparencyIntegrationTest, HumanDecisionsCiteRulesAndRespectBlocks) {
  Author ada = NewAuthor("E1");
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  const std::string review_post = NewPostName();
  const tpb::PostContent review_content =
      Content(ada, Disclosed("Our pension product is risk-free for everyone."));
  tpb::Decision automatic;
  ASSERT_TRUE(
      Decide(service_token_, review_post, review_content, &automatic).ok());
  EXPECT_EQ(automatic.verdict(), tpb::Decision::NEEDS_REVIEW);

  tpb::Decision human;
  // A rejection cites rules, of the current ruleset.
  EXPECT_TRUE(
      IsInvalidField(Decide(service_token_, review_post, review_content, &human,
                            rita.member.name(), tpb::Decision::REJECTED),
                     "cited_rule_ids"));
  EXPECT_TRUE(
      IsInvalidField(Decide(service_token_, review_post, review_content, &human,
                            rita.member.name(), tpb::Decision::REJECTED,
                            {"sensitive-terms", "made-up"}),
                     "cited_rule_ids[1]"));
  // Only APPROVED or REJECTED.
  EXPECT_TRUE(
      IsInvalidField(Decide(service_token_, review_post, review_content, &human,
                            rita.member.name(), tpb::Decision::NEEDS_REVIEW),
                     "verdict"));
  // Nobody reviews their own post.
  EXPECT_THAT(Decide(service_token_, review_post, review_content, &human,
                     ada.member.name(), tpb::Decision::APPROVED),
              GrpcCodeIs(StatusCode::PERMISSION_DENIED));

  ASSERT_TRUE(Decide(service_token_, review_post, review_content, &human,
                     rita.member.name(), tpb::Decision::REJECTED,
                     {"sensitive-terms"})
                  .ok());
  EXPECT_EQ(human.verdict(), tpb::Decision::REJECTED);
  EXPECT_EQ(human.decider(), rita.member.name());
  EXPECT_THAT(human.cited_rule_ids(), ElementsAre("sensitive-terms"));

  // A REVIEW-only failure may be approved.
  ASSERT_TRUE(Decide(service_token_, review_post, review_content, &human,
                     rita.member.name(), tpb::Decision::APPROVED)
                  .ok());

  // A failing BLOCK rule cannot be approved by anyone.
  const std::string blocked_post = NewPostName();
  const tpb::PostContent blocked =
      Content(ada, "Try our new offline mode on your next flight.");
  ASSERT_TRUE(Decide(service_token_, blocked_post, blocked, &automatic).ok());
  EXPECT_EQ(automatic.verdict(), tpb::Decision::REJECTED);
  EXPECT_THAT(Decide(service_token_, blocked_post, blocked, &human,
                     rita.member.name(), tpb::Decision::APPROVED),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "disclosure"));
}

TEST_F(TransparencyIntegrationTest, DecisionsAreVisibleToAuthorsAndReviewers) {
  Author ada = NewAuthor("E1");
  Author bob = NewAuthor("E2");
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  const std::string post = NewPostName();
  tpb::Decision first;
  ASSERT_TRUE(Decide(service_token_, post,
                     Content(ada, Disclosed("Risk-free savings for all.")),
                     &first)
                  .ok());
  tpb::Decision second;
  ASSERT_TRUE(Decide(service_token_, post,
                     Content(ada, Disclosed("Risk-free savings for all.")),
                     &second, rita.member.name(), tpb::Decision::APPROVED)
                  .ok());
  tpb::Decision bobs;
  ASSERT_TRUE(Decide(service_token_, NewPostName(),
                     Content(bob, Disclosed("Hello from the new office.")),
                     &bobs)
                  .ok());

  tpb::GetDecisionRequest get;
  get.set_name(first.name());
  tpb::Decision got;
  ASSERT_TRUE(transparency_->GetDecision(Ctx(ada.token).get(), get, &got).ok());
  EXPECT_EQ(got.name(), first.name());
  EXPECT_EQ(got.results_size(), first.results_size());
  EXPECT_TRUE(
      transparency_->GetDecision(Ctx(rita.token).get(), get, &got).ok());
  EXPECT_THAT(transparency_->GetDecision(Ctx(bob.token).get(), get, &got),
              GrpcCodeIs(StatusCode::NOT_FOUND));

  const auto list = [&](const std::string& token, const std::string& parent,
                        const std::string& filter) {
    std::vector<std::string> names;
    std::string page_token;
    do {
      tpb::ListDecisionsRequest request;
      request.set_parent(parent);
      request.set_filter(filter);
      request.set_page_size(1);
      request.set_page_token(page_token);
      tpb::ListDecisionsResponse page;
      grpc::Status status =
          transparency_->ListDecisions(Ctx(token).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& d : page.decisions()) names.push_back(d.name());
      page_token = page.next_page_token();
    } while (!page_token.empty());
    return names;
  };
  // Newest first.
  EXPECT_THAT(list(rita.token, org_.name, ""),
              ElementsAre(bobs.name(), second.name(), first.name()));
  EXPECT_THAT(list(ada.token, org_.name, ""),
              ElementsAre(second.name(), first.name()));
  EXPECT_THAT(list(bob.token, post, ""), IsEmpty());
  EXPECT_THAT(list(rita.token, post, ""),
              ElementsAre(second.name(), first.name()));
  EXPECT_THAT(list(rita.token, org_.name, "decider = automatic"),
              ElementsAre(bobs.name(), first.name()));
  EXPECT_THAT(list(rita.token, org_.name, "verdict = NEEDS_REVIEW"),
              ElementsAre(first.name()));
  EXPECT_THAT(
      list(rita.token, org_.name, "verdict = APPROVED AND decider = automatic"),
      ElementsAre(bobs.name()));

  tpb::ListDecisionsRequest bad;
  bad.set_parent(org_.name);
  bad.set_filter("color = red");
  tpb::ListDecisionsResponse page;
  EXPECT_TRUE(IsInvalidField(
      transparency_->ListDecisions(Ctx(rita.token).get(), bad, &page),
      "filter"));
}

TEST_F(TransparencyIntegrationTest, RequestIdRecordsOneDecision) {
  Author ada = NewAuthor("E1");
  const std::string post = NewPostName();
  const tpb::PostContent content =
      Content(ada, Disclosed("Volunteering day with the team was great."));
  std::vector<std::string> names(8);
  std::vector<std::function<void()>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back([&, i] {
      for (int attempt = 0; attempt < 5; ++attempt) {
        tpb::Decision out;
        grpc::Status status =
            Decide(service_token_, post, content, &out, "", {}, {}, "req-1");
        if (status.error_code() == StatusCode::ABORTED) continue;
        EXPECT_TRUE(status.ok()) << status.error_message();
        names[i] = out.name();
        return;
      }
    });
  }
  RunConcurrently(std::move(calls), 8);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 1u);

  tpb::ListDecisionsRequest request;
  request.set_parent(post);
  tpb::ListDecisionsResponse page;
  ASSERT_TRUE(
      transparency_->ListDecisions(Ctx(service_token_).get(), request, &page)
          .ok());
  ASSERT_EQ(page.decisions_size(), 1);
  EXPECT_EQ(page.decisions(0).name(), names[0]);
  // One decision, one audit entry (after the default's publication).
  std::vector<tpb::AuditEntry> log = AuditLog(ada.token);
  EXPECT_EQ(std::count_if(log.begin(), log.end(),
                          [](const tpb::AuditEntry& e) {
                            return e.action() == "decision.create";
                          }),
            1);
}

// --- near-duplicates ---------------------------------------------------------

TEST_F(TransparencyIntegrationTest, CopiedTextAcrossAuthorsGoesToReview) {
  Author ada = NewAuthor("E1");
  Author bob = NewAuthor("E2");
  Author cid = NewAuthor("E3");
  const std::string script = Disclosed(
      "Our new offline mode is here: keep working on a plane, in a tunnel or "
      "anywhere the network drops, and everything syncs the moment you are "
      "back online.");
  tpb::Decision decision;
  ASSERT_TRUE(
      Decide(service_token_, NewPostName(), Content(ada, script), &decision)
          .ok());
  EXPECT_EQ(decision.verdict(), tpb::Decision::APPROVED);
  ASSERT_TRUE(Decide(service_token_, NewPostName(),
                     Content(bob, script + " Really!"), &decision)
                  .ok());
  EXPECT_EQ(decision.verdict(), tpb::Decision::APPROVED);  // 1 other author

  tpb::Evaluation copied;
  ASSERT_TRUE(
      Evaluate(cid.token, Content(cid, script + " Wow."), &copied).ok());
  EXPECT_EQ(copied.outcome(), tpb::NEEDS_REVIEW);
  const tpb::RuleResult* coordination = ResultOf(copied, "no-coordination");
  ASSERT_NE(coordination, nullptr);
  EXPECT_FALSE(coordination->passed());
  EXPECT_FALSE(coordination->evidence().empty());

  tpb::Evaluation own;
  ASSERT_TRUE(Evaluate(cid.token,
                       Content(cid, Disclosed("I spent the afternoon testing "
                                              "sync on a cargo ship and "
                                              "wrote a blog about it.")),
                       &own)
                  .ok());
  EXPECT_EQ(own.outcome(), tpb::APPROVED);

  // An author's own earlier posts never count against them.
  tpb::Evaluation again;
  ASSERT_TRUE(Evaluate(ada.token, Content(ada, script), &again).ok());
  EXPECT_TRUE(ResultOf(again, "no-coordination")->passed());
}

// Another replica over the same database, hosting staff and transparency.
struct Replica {
  TestHost host{{"staff", "transparency"}};
  std::unique_ptr<tpb::TransparencyService::Stub> stub =
      tpb::TransparencyService::NewStub(host.channel());
};

// The evidence of a result, as a number.
int64_t EvidenceCount(const tpb::RuleResult& result, const std::string& key) {
  int64_t n = -1;
  auto it = result.evidence().find(key);
  if (it == result.evidence().end() || !absl::SimpleAtoi(it->second, &n)) {
    ADD_FAILURE() << result.rule_id() << " has no number " << key;
  }
  return n;
}

// A fresh server over the same database (a restart) rebuilds each
// organization's near-duplicate index from the stored shingle sets.
TEST_F(TransparencyIntegrationTest, RestartedServerRebuildsTheIndex) {
  Author ada = NewAuthor("E1");
  Author bob = NewAuthor("E2");
  Author cid = NewAuthor("E3");
  const std::string script = Disclosed(
      "Sign up for the spring hackathon: two days of building, mentoring and "
      "pizza with people from every team across the company.");
  tpb::Decision decision;
  ASSERT_TRUE(
      Decide(service_token_, NewPostName(), Content(ada, script), &decision)
          .ok());
  ASSERT_TRUE(Decide(service_token_, NewPostName(),
                     Content(bob, script + " Join us!"), &decision)
                  .ok());
  // A rejected post is not in the index.
  ASSERT_TRUE(Decide(service_token_, NewPostName(),
                     Content(cid, "Sign up for the spring hackathon now!"),
                     &decision)
                  .ok());
  EXPECT_EQ(decision.verdict(), tpb::Decision::REJECTED);

  Replica restarted;
  tpb::EvaluatePostRequest request;
  request.set_parent(org_.name);
  *request.mutable_post() = Content(cid, script + " Wow.");
  tpb::Evaluation copied;
  ASSERT_TRUE(
      restarted.stub->EvaluatePost(Ctx(cid.token).get(), request, &copied)
          .ok());
  EXPECT_EQ(copied.outcome(), tpb::NEEDS_REVIEW);
  const tpb::RuleResult* coordination = ResultOf(copied, "no-coordination");
  ASSERT_NE(coordination, nullptr);
  EXPECT_FALSE(coordination->passed()) << coordination->explanation();
  EXPECT_EQ(EvidenceCount(*coordination, "similar_posts"), 2);
}

// Two replicas that both loaded the organization's index judge a
// copy-paste campaign sent to them in turn exactly as one process would:
// each decision sees every decision committed before it, wherever made.
TEST_F(TransparencyIntegrationTest, ReplicasJudgeACampaignAsOneProcess) {
  Replica other;
  std::vector<Author> authors;
  for (int i = 0; i < 5; ++i) {
    authors.push_back(NewAuthor(absl::StrCat("C", i)));
  }
  const std::string script = Disclosed(
      "Our new parental leave policy gives every parent twenty weeks of paid "
      "time off, and I am proud of the people who fought for it.");
  // Both replicas load the organization's index before the campaign.
  tpb::Evaluation warm;
  tpb::EvaluatePostRequest probe;
  probe.set_parent(org_.name);
  *probe.mutable_post() = Content(authors[0], script);
  ASSERT_TRUE(
      transparency_->EvaluatePost(Ctx(authors[0].token).get(), probe, &warm)
          .ok());
  ASSERT_TRUE(
      other.stub->EvaluatePost(Ctx(authors[0].token).get(), probe, &warm).ok());

  std::vector<int64_t> similar;
  for (int i = 0; i < 5; ++i) {
    tpb::CreateDecisionRequest request;
    request.set_parent(NewPostName());
    *request.mutable_post() = Content(authors[i], script);
    request.set_post_revision(1);
    tpb::TransparencyService::Stub* replica =
        i % 2 == 0 ? transparency_.get() : other.stub.get();
    tpb::Decision decision;
    grpc::Status status =
        replica->CreateDecision(Ctx(service_token_).get(), request, &decision);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const tpb::RuleResult& result : decision.results()) {
      if (result.rule_id() == "no-coordination") {
        similar.push_back(EvidenceCount(result, "similar_posts"));
      }
    }
  }
  EXPECT_THAT(similar, ElementsAre(0, 1, 2, 3, 4));
}

// A rejection on one replica takes the post out of the other's index too.
TEST_F(TransparencyIntegrationTest, ARejectionReachesTheOtherReplicasIndex) {
  Replica other;
  Author ada = NewAuthor("E1");
  Author bob = NewAuthor("E2");
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  const std::string script = Disclosed(
      "The volunteering week starts Monday: pick a charity from the list and "
      "spend a paid day with them, as many of us did last year.");
  const std::string post = NewPostName();
  tpb::Decision decision;
  ASSERT_TRUE(
      Decide(service_token_, post, Content(ada, script), &decision).ok());

  auto similar_on_other = [&] {
    tpb::EvaluatePostRequest request;
    request.set_parent(org_.name);
    *request.mutable_post() = Content(bob, script);
    tpb::Evaluation evaluation;
    grpc::Status status =
        other.stub->EvaluatePost(Ctx(bob.token).get(), request, &evaluation);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const tpb::RuleResult* coordination =
        ResultOf(evaluation, "no-coordination");
    return coordination == nullptr
               ? -1
               : EvidenceCount(*coordination, "similar_posts");
  };
  EXPECT_EQ(similar_on_other(), 1);
  ASSERT_TRUE(Decide(service_token_, post, Content(ada, script), &decision,
                     rita.member.name(), tpb::Decision::REJECTED,
                     {"no-coordination"})
                  .ok());
  EXPECT_EQ(similar_on_other(), 0);
}

// The index holds the ruleset's window (and a little slack), reloads when a
// longer window needs more, drops posts as they age out, and follows
// tombstones.
TEST_F(TransparencyIntegrationTest, IndexCacheKeepsTheWindowAndFollowsTheFeed) {
  db::PoolOptions pool_options;
  pool_options.connection = TestDatabase::Get().options();
  pool_options.connection.schema = "candor_transparency";
  pool_options.max_connections = 2;
  db::Pool pool(pool_options);
  transparency::TransparencyRepository repository(&pool);
  constexpr int64_t kDay = 86'400'000'000;
  const int64_t now = absl::ToUnixMicros(absl::Now());

  // Writes a fingerprint (or a tombstone) as a decision would.
  auto write = [&](const std::string& post_id, int64_t time_us,
                   bool removed) -> absl::Status {
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx, db::Transaction::Begin(pool));
    CANDOR_ASSIGN_OR_RETURN(
        int64_t sequence,
        repository.LockOrganizationForFingerprints(tx, org_.id, 1));
    if (removed) {
      CANDOR_RETURN_IF_ERROR(
          repository.RemovePostShingles(tx, org_.id, post_id, sequence));
    } else {
      transparency::PostShinglesRecord record;
      record.organization_id = org_.id;
      record.post_id = post_id;
      record.author_id = "someone";
      record.time_us = time_us;
      record.shingles =
          transparency::EncodeShingleSet(transparency::ShingleSetOf(
              absl::StrCat("words of post ", post_id, " for the index")));
      record.feed_sequence = sequence;
      CANDOR_RETURN_IF_ERROR(repository.UpsertPostShingles(tx, record));
    }
    return tx.Commit();
  };
  ASSERT_TRUE(write("old", now - 40 * kDay, false).ok());
  ASSERT_TRUE(write("recent", now - 10 * kDay, false).ok());
  ASSERT_TRUE(write("today", now, false).ok());

  transparency::IndexCache cache(&repository);
  ASSERT_TRUE(cache.Warm(org_.id, 30, now).ok());
  EXPECT_EQ(cache.IndexedPosts(org_.id), 2u);
  ASSERT_TRUE(cache.Warm(org_.id, 60, now).ok());  // reloads
  EXPECT_EQ(cache.IndexedPosts(org_.id), 3u);
  // Back to 30 days, once a trim is due: "old" ages out.
  const int64_t later =
      now + absl::ToInt64Microseconds(transparency::IndexCache::kTrimInterval);
  ASSERT_TRUE(cache.Warm(org_.id, 30, later).ok());
  EXPECT_EQ(cache.IndexedPosts(org_.id), 2u);

  // Changes written elsewhere arrive with the next use; one older than the
  // window does not enter.
  ASSERT_TRUE(write("today", now, true).ok());
  ASSERT_TRUE(write("new", now, false).ok());
  ASSERT_TRUE(write("ancient", now - 400 * kDay, false).ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(cache
                  .Use(org_.id, 30, later,
                       [&](const transparency::NearDuplicateIndex& index) {
                         for (const char* id :
                              {"old", "recent", "today", "new", "ancient"}) {
                           if (index.Contains(id)) seen.push_back(id);
                         }
                       })
                  .ok());
  EXPECT_THAT(seen, ElementsAre("recent", "new"));
}

// --- audit log ---------------------------------------------------------------

TEST_F(TransparencyIntegrationTest, AuditLogChainsAndTamperingIsFound) {
  Author ada = NewAuthor("E1");
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  const std::string post = NewPostName();
  const tpb::PostContent content =
      Content(ada, Disclosed("Risk-free bonds, says my manager."));
  tpb::Decision automatic;
  ASSERT_TRUE(Decide(service_token_, post, content, &automatic).ok());
  tpb::Decision human;
  ASSERT_TRUE(Decide(service_token_, post, content, &human, rita.member.name(),
                     tpb::Decision::REJECTED, {"sensitive-terms"})
                  .ok());

  std::vector<tpb::AuditEntry> log = AuditLog(ada.token);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].action(), "ruleset.publish");
  EXPECT_EQ(log[1].action(), "decision.create");
  EXPECT_EQ(log[1].actor(), "automatic");
  EXPECT_EQ(log[1].subject(), automatic.name());
  EXPECT_THAT(log[1].details(), HasSubstr("NEEDS_REVIEW"));
  EXPECT_THAT(log[1].details(), HasSubstr("sensitive-terms"));
  EXPECT_THAT(log[1].details(), HasSubstr(automatic.ruleset()));
  EXPECT_EQ(log[2].actor(), rita.member.name());
  EXPECT_THAT(log[2].details(), HasSubstr("REJECTED"));
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(log[i].name(), absl::StrCat(org_.name, "/auditEntries/", i + 1));
    if (i > 0) {
      EXPECT_EQ(log[i].prev_hash(), log[i - 1].hash());
    }
  }

  tpb::VerifyAuditLogResponse ok = Verify(ada.token);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.entries_checked(), 3);
  EXPECT_EQ(ok.first_bad_sequence(), 0);

  // Someone with database access rewrites entry 2.
  db::ConnectionOptions options = TestDatabase::Get().options();
  options.schema = "candor_transparency";
  auto connection = db::Connection::Open(options);
  ASSERT_TRUE(connection.ok()) << connection.status();
  auto& tamper = (*connection)->Prepare(kTamperDetails);
  tamper.setString(1, org_.id);
  tamper.setInt64(2, 2);
  ASSERT_EQ(tamper.executeUpdate(), 1);

  tpb::VerifyAuditLogResponse bad = Verify(rita.token);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.first_bad_sequence(), 2);
}

TEST_F(TransparencyIntegrationTest, ConcurrentDecisionsKeepAGaplessChain) {
  Author ada = NewAuthor("E1");
  const tpb::PostContent content =
      Content(ada, Disclosed("Team lunch at the new place downtown."));
  std::vector<std::string> posts;
  for (int i = 0; i < 12; ++i) posts.push_back(NewPostName());
  std::atomic<int> failures{0};
  std::vector<std::function<void()>> calls;
  for (int i = 0; i < 12; ++i) {
    calls.push_back([&, i] {
      for (int attempt = 0; attempt < 10; ++attempt) {
        tpb::Decision out;
        grpc::Status status = Decide(service_token_, posts[i], content, &out);
        if (status.error_code() == StatusCode::ABORTED ||
            status.error_code() == StatusCode::UNAVAILABLE) {
          continue;
        }
        if (!status.ok()) ++failures;
        return;
      }
      ++failures;
    });
  }
  RunConcurrently(std::move(calls), 6);
  EXPECT_EQ(failures.load(), 0);
  tpb::VerifyAuditLogResponse verified = Verify(ada.token);
  EXPECT_TRUE(verified.ok());
  EXPECT_EQ(verified.entries_checked(), 13);  // the default + 12 decisions
}

// --- report ------------------------------------------------------------------

TEST_F(TransparencyIntegrationTest, ReportCountsDecisions) {
  Author ada = NewAuthor("E1");
  Author rita = NewAuthor("R1", true, {StaffMember::REVIEWER});
  tpb::Decision d;
  // Approved automatically.
  ASSERT_TRUE(Decide(service_token_, NewPostName(),
                     Content(ada, Disclosed("Our booth at the fair was fun.")),
                     &d)
                  .ok());
  // Sent to review, then approved by a human.
  const std::string reviewed = NewPostName();
  const tpb::PostContent promise =
      Content(ada, Disclosed("A risk-free plan, honestly."));
  ASSERT_TRUE(Decide(service_token_, reviewed, promise, &d).ok());
  ASSERT_TRUE(Decide(service_token_, reviewed, promise, &d, rita.member.name(),
                     tpb::Decision::APPROVED)
                  .ok());
  // Rejected automatically, then rejected again by a human: no override.
  const std::string rejected = NewPostName();
  const tpb::PostContent undisclosed = Content(ada, "Buy our stuff.");
  ASSERT_TRUE(Decide(service_token_, rejected, undisclosed, &d).ok());
  ASSERT_TRUE(Decide(service_token_, rejected, undisclosed, &d,
                     rita.member.name(), tpb::Decision::REJECTED,
                     {"disclosure"})
                  .ok());

  tpb::GetTransparencyReportRequest request;
  request.set_parent(org_.name);
  tpb::TransparencyReport report;
  ASSERT_TRUE(
      transparency_
          ->GetTransparencyReport(Ctx(ada.token).get(), request, &report)
          .ok());
  EXPECT_EQ(report.decisions_total(), 5);
  EXPECT_EQ(report.automatic_decisions(), 3);
  EXPECT_EQ(report.human_decisions(), 2);
  std::map<int, int64_t> by_verdict;
  for (const auto& v : report.by_verdict()) by_verdict[v.verdict()] = v.count();
  EXPECT_EQ(by_verdict[tpb::Decision::APPROVED], 2);
  EXPECT_EQ(by_verdict[tpb::Decision::NEEDS_REVIEW], 1);
  EXPECT_EQ(by_verdict[tpb::Decision::REJECTED], 2);
  std::map<std::string, int64_t> failed;
  for (const auto& r : report.failed_by_rule())
    failed[r.rule_id()] = r.failed();
  EXPECT_EQ(failed["sensitive-terms"], 2);  // automatic + re-evaluation
  EXPECT_EQ(failed["disclosure"], 2);
  EXPECT_EQ(report.human_overrides(), 0);
  EXPECT_GT(report.median_time_in_review().nanos() +
                report.median_time_in_review().seconds(),
            0);
  EXPECT_TRUE(report.has_start_time());
  EXPECT_LT(report.start_time().seconds(), report.end_time().seconds());

  // An empty range counts nothing; a reversed one names the field.
  request.mutable_end_time()->set_seconds(1000);
  request.mutable_start_time()->set_seconds(500);
  ASSERT_TRUE(
      transparency_
          ->GetTransparencyReport(Ctx(ada.token).get(), request, &report)
          .ok());
  EXPECT_EQ(report.decisions_total(), 0);
  request.mutable_start_time()->set_seconds(2000);
  EXPECT_TRUE(IsInvalidField(transparency_->GetTransparencyReport(
                                 Ctx(ada.token).get(), request, &report),
                             "start_time"));
}

}  // namespace
}  // namespace candor::testing
