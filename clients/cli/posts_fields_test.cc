#include "clients/cli/posts_fields.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace candor::cli {
namespace {

using ::candor::advocacy::v1::Post;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kName[] = "organizations/acme/posts/p1";

TEST(ParseNetworkTest, AnyLetterCase) {
  EXPECT_EQ(*ParseNetwork("linkedin"), candor::common::v1::LINKEDIN);
  EXPECT_EQ(*ParseNetwork("X"), candor::common::v1::X);
  EXPECT_EQ(*ParseNetwork("Mastodon"), candor::common::v1::MASTODON);
  EXPECT_EQ(NetworkText(candor::common::v1::LINKEDIN), "linkedin");
  EXPECT_EQ(NetworkText(candor::common::v1::NETWORK_UNSPECIFIED), "");
}

TEST(ParseNetworkTest, RefusesOthers) {
  for (const char* text : {"", "myspace", "network_unspecified"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<candor::common::v1::Network> network = ParseNetwork(text);
    ASSERT_FALSE(network.ok());
    EXPECT_THAT(network.status().message(), HasSubstr("linkedin, x"));
  }
}

TEST(BuildCreatePostRequestTest, ShortNamesResolveInTheOrganization) {
  PostFlags flags;
  flags.network = "linkedin";
  flags.text = "I work at Acme. #ad";
  flags.link_url = "https://acme.example/news";
  flags.story = "launch";
  flags.values =
      std::vector<std::string>{"clarity", "organizations/acme/values/care"};
  absl::StatusOr<candor::advocacy::v1::CreatePostRequest> request =
      BuildCreatePostRequest("acme", flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->parent(), "organizations/acme");
  EXPECT_EQ(request->post().network(), candor::common::v1::LINKEDIN);
  EXPECT_EQ(request->post().text(), "I work at Acme. #ad");
  EXPECT_EQ(request->post().link_url(), "https://acme.example/news");
  EXPECT_EQ(request->post().story(), "organizations/acme/stories/launch");
  EXPECT_THAT(request->post().values(),
              ElementsAre("organizations/acme/values/clarity",
                          "organizations/acme/values/care"));
}

TEST(BuildCreatePostRequestTest, NeedsNetworkAndText) {
  PostFlags flags;
  flags.text = "hello";
  EXPECT_FALSE(BuildCreatePostRequest("acme", flags).ok());
  flags.network = "linkedin";
  flags.text.reset();
  EXPECT_FALSE(BuildCreatePostRequest("acme", flags).ok());
  flags.text = "hello";
  flags.network = "friendster";
  absl::StatusOr<candor::advocacy::v1::CreatePostRequest> request =
      BuildCreatePostRequest("acme", flags);
  ASSERT_FALSE(request.ok());
  EXPECT_THAT(request.status().message(), HasSubstr("--network"));
}

TEST(BuildPostUpdateRequestTest, MaskNamesExactlyTheFlagsGiven) {
  PostFlags flags;
  flags.text = "New words";
  flags.story = "";
  flags.etag = "W/3";
  absl::StatusOr<candor::advocacy::v1::UpdatePostRequest> request =
      BuildPostUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->post().name(), kName);
  EXPECT_EQ(request->post().text(), "New words");
  EXPECT_EQ(request->post().story(), "");
  EXPECT_EQ(request->post().etag(), "W/3");
  EXPECT_THAT(request->update_mask().paths(), ElementsAre("story", "text"));
}

TEST(BuildPostUpdateRequestTest, EmptyValuesClearThem) {
  PostFlags flags;
  flags.values = std::vector<std::string>{};
  flags.network = "x";
  absl::StatusOr<candor::advocacy::v1::UpdatePostRequest> request =
      BuildPostUpdateRequest(kName, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->update_mask().paths(), ElementsAre("network", "values"));
  EXPECT_TRUE(request->post().values().empty());
}

TEST(BuildPostUpdateRequestTest, NothingToUpdate) {
  PostFlags flags;
  flags.etag = "W/1";
  absl::StatusOr<candor::advocacy::v1::UpdatePostRequest> request =
      BuildPostUpdateRequest(kName, flags);
  ASSERT_FALSE(request.ok());
  EXPECT_THAT(request.status().message(), HasSubstr("nothing to update"));
}

Post InReview() {
  Post post;
  post.set_name(kName);
  post.set_author("organizations/acme/staffMembers/ada");
  post.set_network(candor::common::v1::LINKEDIN);
  post.set_text("Guaranteed returns! #ad");
  post.set_state(Post::IN_REVIEW);
  post.set_revision(1);
  auto* decision = post.mutable_latest_decision();
  decision->set_decider("automatic");
  decision->set_verdict(candor::transparency::v1::Decision::NEEDS_REVIEW);
  decision->set_outcome(candor::transparency::v1::NEEDS_REVIEW);
  for (const char* id : {"disclosure", "sensitive-terms", "link-domains"}) {
    auto* result = decision->add_results();
    result->set_rule_id(id);
    result->set_passed(std::string(id) == "disclosure");
    result->set_severity(std::string(id) == "disclosure"
                             ? candor::transparency::v1::Rule::BLOCK
                             : candor::transparency::v1::Rule::REVIEW);
    result->set_explanation(std::string("why ") + id);
  }
  return post;
}

TEST(ReviewTableTest, ListsTheFailedRules) {
  Table table = ReviewTable();
  AddReviewRow(InReview(), table);
  EXPECT_EQ(table.Render(),
            "NAME                         AUTHOR                               "
            "NETWORK   FAILED_RULES\n"
            "organizations/acme/posts/p1  organizations/acme/staffMembers/ada  "
            "linkedin  sensitive-terms,link-domains\n");
}

TEST(ReviewFilterTest, AddsTheCallersConditions) {
  EXPECT_EQ(ReviewFilter(""), "state = IN_REVIEW");
  EXPECT_EQ(ReviewFilter("author = \"organizations/a/staffMembers/b\""),
            "state = IN_REVIEW AND author = "
            "\"organizations/a/staffMembers/b\"");
}

TEST(DescribePostTest, FieldsThenTheDecisionRuleByRule) {
  const std::string text = DescribePost(InReview());
  EXPECT_THAT(text, ContainsRegex("^name: +organizations/acme/posts/p1\n"));
  EXPECT_THAT(text, ContainsRegex("\nnetwork: +linkedin\n"));
  EXPECT_THAT(text, ContainsRegex("\nstate: +IN_REVIEW\n"));
  EXPECT_THAT(text, ContainsRegex("\ndecider: +automatic\n"));
  EXPECT_THAT(text, ContainsRegex("\nverdict: +NEEDS_REVIEW\n"));
  EXPECT_THAT(text,
              ContainsRegex("\nPASS +BLOCK +disclosure +why disclosure\n"));
  EXPECT_THAT(text, ContainsRegex("\nFAIL +REVIEW +sensitive-terms +why "
                                  "sensitive-terms\n"));
}

TEST(PostTableTest, OneRowPerPost) {
  Table table = PostTable();
  AddPostRow(InReview(), table);
  EXPECT_THAT(table.Render(),
              ContainsRegex("^NAME +AUTHOR +NETWORK +STATE +REVISION +UPDATED\n"
                            "organizations/acme/posts/p1 +organizations/acme/"
                            "staffMembers/ada +linkedin +IN_REVIEW +1 +-\n$"));
}

}  // namespace
}  // namespace candor::cli
