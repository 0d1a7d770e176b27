// AdvocacyService posts and the feed over real gRPC against the real
// database, with the real staff, values and transparency services behind
// it: the behaviour a user of the API sees. Each test makes its own
// organization.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/grpc_status.h"
#include "tests/support/test_builders.h"
#include "tests/support/test_callers.h"
#include "tests/support/test_server.h"
#include "tests/support/test_util.h"

namespace candor::testing {
namespace {

// Text every rule of the default ruleset passes: a disclosure up front, the
// author's own words, no story, no link.
constexpr char kGoodText[] =
    "#ad Proud of what our team shipped this week: search is now twice as "
    "fast, and I spent a month testing it myself. Ask me anything about it.";
// The same kind of text without any disclosure: the BLOCK rule fails.
constexpr char kUndisclosedText[] =
    "Proud of what our team shipped this week: search is now twice as fast, "
    "and I spent a month testing it myself.";
// Disclosed, but a sensitive term (a REVIEW rule) matches.
constexpr char kSensitiveText[] =
    "#ad Our new savings plan offers guaranteed returns to every customer, "
    "which I find remarkable after years in this industry.";

// A person who writes posts: a staff member who consented to advocacy and
// linked a LinkedIn account, and their token.
using Person = TestPerson;

// A deactivated author's own calls are refused at once (no cached ACTIVE
// state from their writes a moment before; staff_state_cache.h).
const bool kFreshStaffStates = [] {
  TestServer::Configure([](HostOptions& options) {
    options.staff_state_ttl = absl::ZeroDuration();
  });
  return true;
}();

class PostsTest : public OrgTest {
 protected:
  PostsTest() : OrgTest("posts") {}

  // A staff member `id` of `department` with `roles`; with `advocate`, they
  // consent to advocacy and link a LinkedIn account, updating themselves.
  Person MakePerson(const std::string& id,
                    std::vector<StaffMember::Role> roles = {},
                    const std::string& department = "Engineering",
                    bool advocate = true) {
    return ::candor::testing::MakePerson(org_, id, std::move(roles), department,
                                         advocate);
  }

  grpc::Status Create(const std::string& token, const Post& post, Post* out,
                      const std::string& request_id = "") {
    return CreatePost(token, org_.name, post, out, request_id);
  }

  Post MustCreate(const std::string& token, const Post& post) {
    Post out;
    const grpc::Status status = Create(token, post, &out);
    EXPECT_TRUE(status.ok()) << "CreatePost: " << status.error_message();
    return out;
  }

  grpc::Status Get(const std::string& token, const std::string& name,
                   Post* out) {
    advocacypb::GetPostRequest request;
    request.set_name(name);
    return advocacy_->GetPost(TestServer::Context(token).get(), request, out);
  }

  grpc::Status List(const std::string& token, const std::string& filter,
                    int page_size, const std::string& page_token,
                    advocacypb::ListPostsResponse* out) {
    advocacypb::ListPostsRequest request;
    request.set_parent(org_.name);
    request.set_filter(filter);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return advocacy_->ListPosts(TestServer::Context(token).get(), request, out);
  }

  // The names of every post `token` lists with `filter`, following pages.
  std::vector<std::string> ListNames(const std::string& token,
                                     const std::string& filter = "",
                                     int page_size = 100) {
    return NamesOf(ListAll<advocacypb::ListPostsResponse>(
        "ListPosts",
        [&](const std::string& page_token,
            advocacypb::ListPostsResponse* page) {
          return List(token, filter, page_size, page_token, page);
        },
        &advocacypb::ListPostsResponse::posts, page_size));
  }

  grpc::Status Update(const std::string& token, const Post& post,
                      std::vector<std::string> paths, Post* out) {
    advocacypb::UpdatePostRequest request;
    *request.mutable_post() = post;
    for (const std::string& path : paths) {
      request.mutable_update_mask()->add_paths(path);
    }
    return advocacy_->UpdatePost(TestServer::Context(token).get(), request,
                                 out);
  }

  grpc::Status Delete(const std::string& token, const std::string& name) {
    advocacypb::DeletePostRequest request;
    request.set_name(name);
    google::protobuf::Empty out;
    return advocacy_->DeletePost(TestServer::Context(token).get(), request,
                                 &out);
  }

  grpc::Status Submit(const std::string& token, const std::string& name,
                      advocacypb::SubmitPostResponse* out,
                      const std::string& request_id = "") {
    return SubmitPost(token, name, out, request_id);
  }

  // Creates a post with `text` as `author` and submits it; the answer.
  advocacypb::SubmitPostResponse MustSubmit(const Person& author,
                                            const std::string& text) {
    return MustSubmitPost(author, org_.name, text);
  }

  grpc::Status Withdraw(const std::string& token, const std::string& name,
                        Post* out) {
    advocacypb::WithdrawPostRequest request;
    request.set_name(name);
    return advocacy_->WithdrawPost(TestServer::Context(token).get(), request,
                                   out);
  }

  grpc::Status Appeal(const std::string& token, const std::string& name,
                      const std::string& reason, Post* out) {
    advocacypb::AppealPostRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return advocacy_->AppealPost(TestServer::Context(token).get(), request,
                                 out);
  }

  grpc::Status Approve(const std::string& token, const std::string& name,
                       Post* out, const std::string& note = "") {
    advocacypb::ApprovePostRequest request;
    request.set_name(name);
    request.set_note(note);
    return advocacy_->ApprovePost(TestServer::Context(token).get(), request,
                                  out);
  }

  grpc::Status Reject(const std::string& token, const std::string& name,
                      std::vector<std::string> rules, Post* out,
                      const std::string& note = "") {
    advocacypb::RejectPostRequest request;
    request.set_name(name);
    for (const std::string& rule : rules) request.add_cited_rule_ids(rule);
    request.set_note(note);
    return advocacy_->RejectPost(TestServer::Context(token).get(), request,
                                 out);
  }

  grpc::Status Feed(const std::string& token, int page_size,
                    const std::string& page_token,
                    advocacypb::ListFeedResponse* out) {
    advocacypb::ListFeedRequest request;
    request.set_parent(org_.name);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    return advocacy_->ListFeed(TestServer::Context(token).get(), request, out);
  }

  // The feed as names (stories and posts), following pages.
  std::vector<std::string> FeedNames(const std::string& token,
                                     int page_size = 100) {
    std::vector<std::string> names;
    for (const advocacypb::FeedItem& item :
         ListAll<advocacypb::ListFeedResponse>(
             "ListFeed",
             [&](const std::string&page_token,
                 advocacypb::ListFeedResponse*page) {
               return Feed(token, page_size, page_token, page);
             },
             &advocacypb::ListFeedResponse::items, page_size)) {
      names.push_back(item.has_story() ? item.story().name()
                                       : item.post().name());
    }
    return names;
  }

  // A story for everyone (or `department`), created by the admin.
  Story MustCreateStory(const std::string& title,
                        const std::string& department = "") {
    return ::candor::testing::MustCreateStory(
        org_, title,
        department.empty() ? std::vector<std::string>{}
                           : std::vector<std::string>{department});
  }

  std::string CreateValue(const std::string& title) {
    return MustCreateValue(org_, title);
  }

  void Deactivate(const Person& person) {
    staffpb::DeactivateStaffMemberRequest request;
    request.set_name(person.name());
    request.set_reason("Left the company");
    StaffMember out;
    const grpc::Status status = staff_->DeactivateStaffMember(
        TestServer::Context(org_.admin_token).get(), request, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(out.state(), StaffMember::INACTIVE);
  }

  // The decisions transparency holds on `post`, as its reviewer sees them.
  std::vector<transparencypb::Decision> Decisions(const std::string& token,
                                                  const std::string& post) {
    transparencypb::ListDecisionsRequest request;
    request.set_parent(post);
    request.set_page_size(1000);
    transparencypb::ListDecisionsResponse out;
    const grpc::Status status = transparency_->ListDecisions(
        TestServer::Context(token).get(), request, &out);
    EXPECT_TRUE(status.ok()) << "ListDecisions: " << status.error_message();
    return {out.decisions().begin(), out.decisions().end()};
  }
};

const transparencypb::RuleResult* ResultOf(
    const transparencypb::Decision& decision, const std::string& rule_id) {
  for (const auto& result : decision.results()) {
    if (result.rule_id() == rule_id) return &result;
  }
  return nullptr;
}

// --- lifecycle without decisions
// -----------------------------------------------

TEST_F(PostsTest, CreateThenUpdateKeepsRevisionsAndEtags) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  Post created;
  ASSERT_TRUE(Create(author.token, NewPost(kGoodText), &created).ok());
  EXPECT_TRUE(absl::StartsWith(created.name(), org_.name + "/posts/"))
      << created.name();
  EXPECT_EQ(created.author(), author.name());
  EXPECT_EQ(created.state(), Post::DRAFT);
  EXPECT_EQ(created.revision(), 1);
  EXPECT_EQ(created.network(), common::v1::LINKEDIN);
  EXPECT_EQ(created.text(), kGoodText);
  EXPECT_FALSE(created.has_latest_decision());
  EXPECT_FALSE(created.etag().empty());

  // A change of content is a new revision.
  Post change;
  change.set_name(created.name());
  change.set_text(std::string(kGoodText) + " Link below.");
  change.set_link_url("https://example.com/search");
  change.set_etag(created.etag());
  Post updated;
  ASSERT_TRUE(
      Update(author.token, change, {"text", "link_url"}, &updated).ok());
  EXPECT_EQ(updated.revision(), 2);
  EXPECT_EQ(updated.text(), change.text());
  EXPECT_EQ(updated.link_url(), change.link_url());
  EXPECT_EQ(updated.state(), Post::DRAFT);
  EXPECT_NE(updated.etag(), created.etag());

  // The old etag is stale now.
  Post stale;
  EXPECT_THAT(Update(author.token, change, {"text"}, &stale),
              GrpcCodeIs(StatusCode::ABORTED));

  // Naming a field without changing it makes no new revision.
  change.set_etag(updated.etag());
  Post same;
  ASSERT_TRUE(Update(author.token, change, {"text"}, &same).ok());
  EXPECT_EQ(same.revision(), 2);

  // An empty mask means the fields that are set.
  Post network_only;
  network_only.set_name(created.name());
  network_only.set_network(common::v1::X);
  Post moved;
  ASSERT_TRUE(Update(author.token, network_only, {}, &moved).ok());
  EXPECT_EQ(moved.network(), common::v1::X);
  EXPECT_EQ(moved.text(), change.text());
  EXPECT_EQ(moved.revision(), 3);

  Post got;
  ASSERT_TRUE(Get(author.token, created.name(), &got).ok());
  EXPECT_EQ(got.revision(), 3);
  EXPECT_EQ(got.etag(), moved.etag());
}

TEST_F(PostsTest, PostsDrawOnVisibleStoriesAndActiveValues) {
  const Person author = MakePerson("W1", {}, "Sales");
  const Story for_all = MustCreateStory("For everyone");
  const Story for_sales = MustCreateStory("For sales", "Sales");
  const Story for_hr = MustCreateStory("For HR", "HR");
  const std::string honesty = CreateValue("Honesty");
  ASSERT_FALSE(HasFailure());

  for (const Story& story : {for_all, for_sales}) {
    Post post = NewPost(kGoodText);
    post.set_story(story.name());
    post.add_values(honesty);
    Post out;
    ASSERT_TRUE(Create(author.token, post, &out).ok()) << story.name();
    EXPECT_EQ(out.story(), story.name());
    EXPECT_THAT(out.values(), ElementsAre(honesty));
  }
  // A story the author does not see answers like a missing one.
  Post hidden = NewPost(kGoodText);
  hidden.set_story(for_hr.name());
  Post out;
  EXPECT_TRUE(IsInvalidField(Create(author.token, hidden, &out), "post.story"));
  hidden.set_story(org_.name + "/stories/missing");
  EXPECT_TRUE(IsInvalidField(Create(author.token, hidden, &out), "post.story"));
  Post missing_value = NewPost(kGoodText);
  missing_value.add_values(org_.name + "/values/missing");
  EXPECT_TRUE(IsInvalidField(Create(author.token, missing_value, &out),
                             "post.values[0]"));
}

TEST_F(PostsTest, RequestIdRetryCreatesOnce) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  Post first;
  Post second;
  ASSERT_TRUE(Create(author.token, NewPost(kGoodText), &first, "req-1").ok());
  ASSERT_TRUE(Create(author.token, NewPost(kGoodText), &second, "req-1").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_THAT(ListNames(author.token), ElementsAre(first.name()));
  // The same id for another request is refused.
  Post other;
  EXPECT_THAT(
      Create(author.token, NewPost("Something else #ad"), &other, "req-1"),
      GrpcCodeIs(StatusCode::INVALID_ARGUMENT));
}

TEST_F(PostsTest, DraftsAreSeenByTheirAuthorAndReviewersOnly) {
  const Person author = MakePerson("W1");
  const Person colleague = MakePerson("W2");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const Post draft = MustCreate(author.token, NewPost(kGoodText));
  Post out;
  EXPECT_TRUE(Get(author.token, draft.name(), &out).ok());
  EXPECT_TRUE(Get(reviewer.token, draft.name(), &out).ok());
  EXPECT_TRUE(Get(org_.admin_token, draft.name(), &out).ok());
  const grpc::Status hidden = Get(colleague.token, draft.name(), &out);
  EXPECT_THAT(hidden, GrpcStatusIs(StatusCode::NOT_FOUND, draft.name()));
  // Nor can a colleague act on it: every method answers NOT_FOUND.
  Post change;
  change.set_name(draft.name());
  change.set_text("Mine now #ad");
  EXPECT_THAT(Update(colleague.token, change, {"text"}, &out),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  EXPECT_THAT(Delete(colleague.token, draft.name()),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  advocacypb::SubmitPostResponse submitted;
  EXPECT_THAT(Submit(colleague.token, draft.name(), &submitted),
              GrpcCodeIs(StatusCode::NOT_FOUND));

  EXPECT_THAT(ListNames(author.token), ElementsAre(draft.name()));
  EXPECT_THAT(ListNames(reviewer.token), ElementsAre(draft.name()));
  EXPECT_THAT(ListNames(colleague.token), IsEmpty());
}

TEST_F(PostsTest, OnlyDraftsAreDeleted) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  const Post draft = MustCreate(author.token, NewPost(kGoodText));
  ASSERT_TRUE(Delete(author.token, draft.name()).ok());
  Post out;
  EXPECT_THAT(Get(author.token, draft.name(), &out),
              GrpcCodeIs(StatusCode::NOT_FOUND));
  EXPECT_THAT(Delete(author.token, draft.name()),
              GrpcCodeIs(StatusCode::NOT_FOUND));

  // A post that left DRAFT stays: here, approved and then withdrawn by its
  // author.
  const Post kept = MustSubmit(author, kGoodText).post();
  ASSERT_EQ(kept.state(), Post::APPROVED);
  ASSERT_TRUE(Withdraw(author.token, kept.name(), &out).ok());
  ASSERT_TRUE(Get(author.token, kept.name(), &out).ok());
  EXPECT_EQ(out.state(), Post::WITHDRAWN);
  EXPECT_THAT(Delete(author.token, kept.name()),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "WITHDRAWN"));
  ASSERT_TRUE(Get(author.token, kept.name(), &out).ok());
}

TEST_F(PostsTest, WrongStatesAreRefusedWithoutChange) {
  const Person author = MakePerson("W1");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const Post draft = MustCreate(author.token, NewPost(kGoodText));
  Post out;
  EXPECT_THAT(Withdraw(author.token, draft.name(), &out),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "DRAFT"));
  EXPECT_THAT(Appeal(author.token, draft.name(), "Please look again", &out),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "DRAFT"));
  EXPECT_THAT(Approve(reviewer.token, draft.name(), &out),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "DRAFT"));
  EXPECT_THAT(Reject(reviewer.token, draft.name(), {"disclosure"}, &out),
              GrpcStatusIs(StatusCode::FAILED_PRECONDITION, "DRAFT"));
  ASSERT_TRUE(Get(author.token, draft.name(), &out).ok());
  EXPECT_EQ(out.etag(), draft.etag());
  EXPECT_EQ(out.state(), Post::DRAFT);
}

TEST_F(PostsTest, ListsNewestFirstWithFiltersAndPages) {
  const Person first = MakePerson("W1");
  const Person second = MakePerson("W2");
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> all;  // newest first
  std::vector<std::string> by_first;
  for (int i = 0; i < 5; ++i) {
    const Person& author = i % 2 == 0 ? first : second;
    const Post post = MustCreate(
        author.token, NewPost(absl::StrCat("#ad Post number ", i, ".")));
    all.insert(all.begin(), post.name());
    if (i % 2 == 0) by_first.insert(by_first.begin(), post.name());
  }
  ASSERT_FALSE(HasFailure());
  EXPECT_THAT(ListNames(org_.admin_token, "", 2), ElementsAreArray(all));
  EXPECT_THAT(ListNames(org_.admin_token, "state = DRAFT", 1),
              ElementsAreArray(all));
  EXPECT_THAT(ListNames(org_.admin_token, "state = APPROVED"), IsEmpty());
  const std::string by_author = absl::StrCat("author = \"", first.name(), "\"");
  EXPECT_THAT(ListNames(org_.admin_token, by_author, 2),
              ElementsAreArray(by_first));
  EXPECT_THAT(ListNames(org_.admin_token, "state = DRAFT AND " + by_author),
              ElementsAreArray(by_first));
  // The author sees their own posts, the other author theirs.
  EXPECT_THAT(ListNames(first.token), ElementsAreArray(by_first));
  EXPECT_EQ(ListNames(second.token).size(), all.size() - by_first.size());

  // A page token is good for its own query only.
  advocacypb::ListPostsResponse page;
  ASSERT_TRUE(List(org_.admin_token, "", 2, "", &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  advocacypb::ListPostsResponse other;
  EXPECT_TRUE(IsInvalidField(List(org_.admin_token, "state = DRAFT", 2,
                                  page.next_page_token(), &other),
                             "page_token"));
}

TEST_F(PostsTest, FeedHoldsTheStoriesOfTheCallersAudienceNewestFirst) {
  const Person reader = MakePerson("W1", {}, "Sales");
  ASSERT_FALSE(HasFailure());
  const Story a = MustCreateStory("A");
  const Story hr = MustCreateStory("HR only", "HR");
  const Story b = MustCreateStory("B", "Sales");
  const Story c = MustCreateStory("C");
  // Drafts are nobody's feed.
  MustCreate(reader.token, NewPost(kGoodText));
  ASSERT_FALSE(HasFailure());
  EXPECT_THAT(FeedNames(reader.token, 1),
              ElementsAre(c.name(), b.name(), a.name()));
  EXPECT_THAT(FeedNames(org_.admin_token, 2), ElementsAre(c.name(), a.name()));
  (void)hr;
}

// An author who was deactivated can no longer submit; reviewers reading
// their pending posts find them withdrawn.
TEST_F(PostsTest, DeactivatedAuthorsPendingPostsAreWithdrawn) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  const Post draft = MustCreate(author.token, NewPost(kGoodText));
  const advocacypb::SubmitPostResponse other =
      MustSubmit(author, kSensitiveText);
  ASSERT_EQ(other.post().state(), Post::IN_REVIEW);
  ASSERT_NO_FATAL_FAILURE(Deactivate(author));
  // Their own token changes nothing any more (stale_token_test.cc has
  // every write) ...
  advocacypb::SubmitPostResponse submitted;
  EXPECT_THAT(Submit(author.token, draft.name(), &submitted),
              GrpcStatusIs(StatusCode::PERMISSION_DENIED, "deactivated"));
  // ... and the first reviewer who reads their post in review withdraws
  // every pending post of theirs, the draft too.
  Post read;
  ASSERT_TRUE(Get(org_.admin_token, other.post().name(), &read).ok());
  for (const std::string& name : {draft.name(), other.post().name()}) {
    Post out;
    ASSERT_TRUE(Get(org_.admin_token, name, &out).ok());
    EXPECT_EQ(out.state(), Post::WITHDRAWN) << name;
  }
}

// --- bad input
// ------------------------------------------------------------------

TEST_F(PostsTest, CreatePostRefusesBadFieldsAndStoresNothing) {
  const Person author = MakePerson("W1");
  const std::string value = CreateValue("Honesty");
  ASSERT_FALSE(HasFailure());
  struct Case {
    std::string what;
    std::function<void(advocacypb::CreatePostRequest&)> change;
    std::string field;
  };
  const auto post = [](advocacypb::CreatePostRequest& r) {
    return r.mutable_post();
  };
  const std::vector<Case> cases = {
      {"bad parent", [](auto& r) { r.set_parent("orgs/x"); }, "parent"},
      {"empty parent", [](auto& r) { r.set_parent(""); }, "parent"},
      {"no post", [](auto& r) { r.clear_post(); }, "post"},
      {"no network",
       [&](auto& r) { post(r)->set_network(common::v1::NETWORK_UNSPECIFIED); },
       "post.network"},
      {"unknown network",
       [&](auto& r) {
         post(r)->set_network(static_cast<common::v1::Network>(42));
       },
       "post.network"},
      {"no text", [&](auto& r) { post(r)->set_text(""); }, "post.text"},
      {"blank text", [&](auto& r) { post(r)->set_text(" \n "); }, "post.text"},
      {"text too long",
       [&](auto& r) { post(r)->set_text(std::string(63207, 'a')); },
       "post.text"},
      {"control character",
       [&](auto& r) { post(r)->set_text("bell \x07 #ad"); }, "post.text"},
      {"http link",
       [&](auto& r) { post(r)->set_link_url("http://example.com"); },
       "post.link_url"},
      {"link with user",
       [&](auto& r) { post(r)->set_link_url("https://me@example.com"); },
       "post.link_url"},
      {"link without host",
       [&](auto& r) { post(r)->set_link_url("https:///x"); }, "post.link_url"},
      {"malformed story", [&](auto& r) { post(r)->set_story("stories/x"); },
       "post.story"},
      {"story of another org",
       [&](auto& r) {
         post(r)->set_story("organizations/someone-else/stories/x");
       },
       "post.story"},
      {"missing story",
       [&](auto& r) { post(r)->set_story(org_.name + "/stories/nope"); },
       "post.story"},
      {"malformed value", [&](auto& r) { post(r)->add_values("honesty"); },
       "post.values[0]"},
      {"value of another org",
       [&](auto& r) {
         post(r)->add_values("organizations/someone-else/values/x");
       },
       "post.values[0]"},
      {"missing value",
       [&](auto& r) {
         post(r)->add_values(value);
         post(r)->add_values(org_.name + "/values/nope");
       },
       "post.values[1]"},
      {"eleven values",
       [&](auto& r) {
         for (int i = 0; i < 11; ++i) {
           post(r)->add_values(absl::StrCat(org_.name, "/values/v", i));
         }
       },
       "post.values"},
      {"bad request id", [](auto& r) { r.set_request_id("has space"); },
       "request_id"},
  };
  for (const Case& c : cases) {
    advocacypb::CreatePostRequest request;
    request.set_parent(org_.name);
    *request.mutable_post() = NewPost(kGoodText);
    c.change(request);
    Post out;
    const grpc::Status status = advocacy_->CreatePost(
        TestServer::Context(author.token).get(), request, &out);
    EXPECT_TRUE(IsInvalidField(status, c.field)) << c.what;
  }
  EXPECT_THAT(ListNames(author.token), IsEmpty());
}

TEST_F(PostsTest, OtherMethodsRefuseBadInput) {
  const Person author = MakePerson("W1");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const Post draft = MustCreate(author.token, NewPost(kGoodText));
  Post out;
  const auto update = [&](std::vector<std::string> paths,
                          std::function<void(Post&)> change) {
    Post post;
    post.set_name(draft.name());
    change(post);
    return Update(author.token, post, paths, &out);
  };
  EXPECT_TRUE(IsInvalidField(
      update({"state"}, [](Post& p) { p.set_state(Post::APPROVED); }),
      "update_mask"));
  EXPECT_TRUE(
      IsInvalidField(update({"revision"}, [](Post&) {}), "update_mask"));
  EXPECT_TRUE(IsInvalidField(update({"author"}, [](Post&) {}), "update_mask"));
  EXPECT_TRUE(IsInvalidField(update({"colour"}, [](Post&) {}), "update_mask"));
  EXPECT_TRUE(IsInvalidField(update({}, [](Post&) {}), "update_mask"));
  EXPECT_TRUE(IsInvalidField(update({"text"}, [](Post&) {}), "post.text"));
  EXPECT_TRUE(
      IsInvalidField(update({"network"}, [](Post&) {}), "post.network"));
  EXPECT_TRUE(IsInvalidField(
      update({"link_url"}, [](Post& p) { p.set_link_url("ftp://x"); }),
      "post.link_url"));
  EXPECT_TRUE(IsInvalidField(
      update({"story"},
             [&](Post& p) { p.set_story(org_.name + "/stories/x"); }),
      "post.story"));
  EXPECT_TRUE(
      IsInvalidField(update({"values"}, [](Post& p) { p.add_values("nope"); }),
                     "post.values[0]"));
  Post malformed;
  malformed.set_name("posts/x");
  malformed.set_text("x");
  EXPECT_TRUE(IsInvalidField(Update(author.token, malformed, {"text"}, &out),
                             "post.name"));

  EXPECT_TRUE(IsInvalidField(Get(author.token, "nope", &out), "name"));
  EXPECT_TRUE(IsInvalidField(Delete(author.token, ""), "name"));
  advocacypb::SubmitPostResponse submitted;
  EXPECT_TRUE(IsInvalidField(
      Submit(author.token, draft.name(), &submitted, "bad id!"), "request_id"));
  EXPECT_TRUE(
      IsInvalidField(Appeal(author.token, draft.name(), "", &out), "reason"));
  EXPECT_TRUE(IsInvalidField(
      Appeal(author.token, draft.name(), std::string(2001, 'a'), &out),
      "reason"));
  EXPECT_TRUE(IsInvalidField(Reject(reviewer.token, draft.name(), {}, &out),
                             "cited_rule_ids"));
  EXPECT_TRUE(
      IsInvalidField(Reject(reviewer.token, draft.name(), {"Not An Id"}, &out),
                     "cited_rule_ids[0]"));
  EXPECT_TRUE(IsInvalidField(
      Approve(reviewer.token, draft.name(), &out, std::string(2001, 'a')),
      "note"));

  advocacypb::ListPostsResponse page;
  for (const char* filter :
       {"state = NOPE", "colour = RED", "author = \"nobody\"",
        "state = DRAFT OR state = APPROVED"}) {
    EXPECT_TRUE(
        IsInvalidField(List(author.token, filter, 10, "", &page), "filter"))
        << filter;
  }
  EXPECT_TRUE(
      IsInvalidField(List(author.token, "", -1, "", &page), "page_size"));
  EXPECT_TRUE(IsInvalidField(List(author.token, "", 10, "forged", &page),
                             "page_token"));
  advocacypb::ListFeedResponse feed;
  EXPECT_TRUE(
      IsInvalidField(Feed(author.token, 10, "forged", &feed), "page_token"));
  EXPECT_TRUE(IsInvalidField(Feed(author.token, 1001, "", &feed), "page_size"));

  // Nothing changed.
  ASSERT_TRUE(Get(author.token, draft.name(), &out).ok());
  EXPECT_EQ(out.etag(), draft.etag());
}

// --- authorization
// ------------------------------------------------------------

// Which code each caller gets is tests/authorization_matrix_test.cc's; here:
// a refused call leaves the post as it was.
TEST_F(PostsTest, RefusedCallsChangeNothing) {
  const Person author = MakePerson("W9");
  const Person reviewer = MakePerson("R9", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const Post target = MustCreate(author.token, NewPost(kGoodText));
  Post change;
  change.set_name(target.name());
  change.set_text("#ad Changed words.");
  Post out;
  advocacypb::SubmitPostResponse submitted;
  const std::pair<const char*, grpc::Status> refused[] = {
      {"UpdatePost by a reviewer",
       Update(reviewer.token, change, {"text"}, &out)},
      {"DeletePost by a reviewer", Delete(reviewer.token, target.name())},
      {"SubmitPost by a reviewer",
       Submit(reviewer.token, target.name(), &submitted)},
      {"WithdrawPost by a reviewer",
       Withdraw(reviewer.token, target.name(), &out)},
      {"AppealPost by a reviewer",
       Appeal(reviewer.token, target.name(), "Please look again", &out)},
      {"ApprovePost by its author", Approve(author.token, target.name(), &out)},
      {"RejectPost by its author",
       Reject(author.token, target.name(), {"disclosure"}, &out)},
  };
  for (const auto& [what, status] : refused) {
    EXPECT_FALSE(status.ok()) << what;
  }
  Post seen;
  ASSERT_TRUE(Get(author.token, target.name(), &seen).ok());
  EXPECT_EQ(seen.etag(), target.etag());
}

TEST_F(PostsTest, OtherOrganizationsPostsLookMissing) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  const TestServer::Organization other = server_.CreateOrganization("posts-x");
  const Post ours = MustCreate(author.token, NewPost(kGoodText));
  Post out;
  const grpc::Status foreign = Get(other.admin_token, ours.name(), &out);
  EXPECT_THAT(foreign, GrpcStatusIs(StatusCode::NOT_FOUND, ours.name()));
  EXPECT_THAT(foreign.error_message(), ::testing::Not(HasSubstr("permission")));
}

// --- decisions (need TransparencyService)
// -------------------------------------

TEST_F(PostsTest, SubmitOutcomesFollowThePublishedRules) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());

  const advocacypb::SubmitPostResponse approved = MustSubmit(author, kGoodText);
  EXPECT_EQ(approved.post().state(), Post::APPROVED) << approved.DebugString();
  EXPECT_EQ(approved.decision().verdict(), transparencypb::Decision::APPROVED);
  EXPECT_EQ(approved.decision().post(), approved.post().name());
  EXPECT_EQ(approved.decision().post_revision(), 1);
  EXPECT_EQ(approved.decision().decider(), "automatic");
  EXPECT_FALSE(approved.decision().ruleset().empty());
  EXPECT_FALSE(approved.decision().results().empty());
  EXPECT_EQ(approved.post().latest_decision().name(),
            approved.decision().name());

  const advocacypb::SubmitPostResponse rejected =
      MustSubmit(author, kUndisclosedText);
  EXPECT_EQ(rejected.post().state(), Post::REJECTED) << rejected.DebugString();
  EXPECT_EQ(rejected.decision().verdict(), transparencypb::Decision::REJECTED);
  const transparencypb::RuleResult* disclosure =
      ResultOf(rejected.decision(), "disclosure");
  ASSERT_NE(disclosure, nullptr) << rejected.DebugString();
  EXPECT_FALSE(disclosure->passed());
  EXPECT_FALSE(disclosure->explanation().empty());
  const transparencypb::RuleResult* length =
      ResultOf(rejected.decision(), "length");
  ASSERT_NE(length, nullptr);
  EXPECT_TRUE(length->passed());

  const advocacypb::SubmitPostResponse review =
      MustSubmit(author, kSensitiveText);
  EXPECT_EQ(review.post().state(), Post::IN_REVIEW) << review.DebugString();
  EXPECT_EQ(review.decision().verdict(),
            transparencypb::Decision::NEEDS_REVIEW);
  const transparencypb::RuleResult* sensitive =
      ResultOf(review.decision(), "sensitive-terms");
  ASSERT_NE(sensitive, nullptr);
  EXPECT_FALSE(sensitive->passed());

  // A submitted post is no draft any more.
  advocacypb::SubmitPostResponse again;
  EXPECT_THAT(Submit(author.token, approved.post().name(), &again),
              GrpcCodeIs(StatusCode::FAILED_PRECONDITION));
  Post out;
  Post change;
  change.set_name(approved.post().name());
  change.set_text("#ad Changed.");
  EXPECT_THAT(Update(author.token, change, {"text"}, &out),
              GrpcCodeIs(StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(Delete(author.token, approved.post().name()),
              GrpcCodeIs(StatusCode::FAILED_PRECONDITION));
}

TEST_F(PostsTest, RejectedPostIsRevisedAndResubmitted) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  const advocacypb::SubmitPostResponse rejected =
      MustSubmit(author, kUndisclosedText);
  ASSERT_EQ(rejected.post().state(), Post::REJECTED);
  Post change;
  change.set_name(rejected.post().name());
  change.set_text(kGoodText);
  Post revised;
  ASSERT_TRUE(Update(author.token, change, {"text"}, &revised).ok());
  EXPECT_EQ(revised.state(), Post::DRAFT);
  EXPECT_EQ(revised.revision(), 2);
  EXPECT_FALSE(revised.has_latest_decision());
  advocacypb::SubmitPostResponse approved;
  ASSERT_TRUE(Submit(author.token, revised.name(), &approved).ok());
  EXPECT_EQ(approved.post().state(), Post::APPROVED);
  EXPECT_EQ(approved.decision().post_revision(), 2);
  // Both decisions are kept, each naming its revision.
  std::set<int64_t> revisions;
  for (const auto& d : Decisions(org_.admin_token, revised.name())) {
    revisions.insert(d.post_revision());
  }
  EXPECT_THAT(revisions, ElementsAre(1, 2));
}

TEST_F(PostsTest, ReviewersDecideCitingRules) {
  const Person author = MakePerson("W1");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());

  const advocacypb::SubmitPostResponse to_approve =
      MustSubmit(author, kSensitiveText);
  ASSERT_EQ(to_approve.post().state(), Post::IN_REVIEW);
  Post approved;
  ASSERT_TRUE(Approve(reviewer.token, to_approve.post().name(), &approved,
                      "Checked with legal")
                  .ok());
  EXPECT_EQ(approved.state(), Post::APPROVED);
  EXPECT_EQ(approved.latest_decision().decider(), reviewer.name());
  EXPECT_EQ(approved.latest_decision().verdict(),
            transparencypb::Decision::APPROVED);
  EXPECT_EQ(approved.latest_decision().note(), "Checked with legal");

  const advocacypb::SubmitPostResponse to_reject =
      MustSubmit(author, absl::StrCat(kSensitiveText, " Really."));
  ASSERT_EQ(to_reject.post().state(), Post::IN_REVIEW);
  Post rejected;
  ASSERT_TRUE(Reject(reviewer.token, to_reject.post().name(),
                     {"sensitive-terms"}, &rejected, "A promise we can't make")
                  .ok());
  EXPECT_EQ(rejected.state(), Post::REJECTED);
  EXPECT_THAT(rejected.latest_decision().cited_rule_ids(),
              ElementsAre("sensitive-terms"));
  EXPECT_EQ(rejected.latest_decision().decider(), reviewer.name());

  // A rule that is not in the published ruleset cannot be cited.
  const advocacypb::SubmitPostResponse third =
      MustSubmit(author, absl::StrCat(kSensitiveText, " Truly."));
  Post out;
  EXPECT_FALSE(
      Reject(reviewer.token, third.post().name(), {"no-such-rule"}, &out).ok());
  ASSERT_TRUE(Get(author.token, third.post().name(), &out).ok());
  EXPECT_EQ(out.state(), Post::IN_REVIEW);
}

TEST_F(PostsTest, NobodyApprovesTheirOwnPost) {
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const advocacypb::SubmitPostResponse mine =
      MustSubmit(reviewer, kSensitiveText);
  ASSERT_EQ(mine.post().state(), Post::IN_REVIEW);
  Post out;
  EXPECT_THAT(Approve(reviewer.token, mine.post().name(), &out),
              GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(
      Reject(reviewer.token, mine.post().name(), {"sensitive-terms"}, &out),
      GrpcCodeIs(StatusCode::PERMISSION_DENIED));
  ASSERT_TRUE(Get(reviewer.token, mine.post().name(), &out).ok());
  EXPECT_EQ(out.state(), Post::IN_REVIEW);
}

TEST_F(PostsTest, AppealAndWithdraw) {
  const Person author = MakePerson("W1");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const advocacypb::SubmitPostResponse rejected =
      MustSubmit(author, kUndisclosedText);
  ASSERT_EQ(rejected.post().state(), Post::REJECTED);
  Post appealed;
  ASSERT_TRUE(Appeal(author.token, rejected.post().name(),
                     "My bio says where I work", &appealed)
                  .ok());
  EXPECT_EQ(appealed.state(), Post::IN_REVIEW);
  // A BLOCK rule still fails: no reviewer can approve it; rejecting works.
  Post out;
  EXPECT_FALSE(Approve(reviewer.token, appealed.name(), &out).ok());
  ASSERT_TRUE(
      Reject(reviewer.token, appealed.name(), {"disclosure"}, &out).ok());
  EXPECT_EQ(out.state(), Post::REJECTED);

  const advocacypb::SubmitPostResponse approved = MustSubmit(author, kGoodText);
  ASSERT_EQ(approved.post().state(), Post::APPROVED);
  Post withdrawn;
  ASSERT_TRUE(Withdraw(author.token, approved.post().name(), &withdrawn).ok());
  EXPECT_EQ(withdrawn.state(), Post::WITHDRAWN);
  EXPECT_THAT(Withdraw(author.token, approved.post().name(), &out),
              GrpcCodeIs(StatusCode::FAILED_PRECONDITION));
}

// The appeal's reason is kept for the reviewer who looks again (it was once
// checked and dropped), hidden from colleagues once the post is approved,
// and gone with the revision it argued for.
TEST_F(PostsTest, AppealReasonReachesTheReviewerOnly) {
  const Person author = MakePerson("W1");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  const Person colleague = MakePerson("W2");
  ASSERT_FALSE(HasFailure());
  constexpr char kReason[] = "The returns are the fund's published history.";
  const advocacypb::SubmitPostResponse sensitive =
      MustSubmit(author, kSensitiveText);
  ASSERT_EQ(sensitive.post().state(), Post::IN_REVIEW);
  EXPECT_EQ(sensitive.post().appeal_reason(), "");
  Post out;
  ASSERT_TRUE(
      Reject(reviewer.token, sensitive.post().name(), {"sensitive-terms"}, &out)
          .ok());
  Post appealed;
  ASSERT_TRUE(
      Appeal(author.token, sensitive.post().name(), kReason, &appealed).ok());
  EXPECT_EQ(appealed.appeal_reason(), kReason);
  advocacypb::ListPostsResponse queue;
  ASSERT_TRUE(List(reviewer.token, "state = IN_REVIEW", 10, "", &queue).ok());
  ASSERT_EQ(queue.posts_size(), 1);
  EXPECT_EQ(queue.posts(0).appeal_reason(), kReason);

  ASSERT_TRUE(Approve(reviewer.token, appealed.name(), &out).ok());
  ASSERT_TRUE(Get(author.token, appealed.name(), &out).ok());
  EXPECT_EQ(out.appeal_reason(), kReason);
  ASSERT_TRUE(Get(colleague.token, appealed.name(), &out).ok());
  EXPECT_EQ(out.state(), Post::APPROVED);
  EXPECT_EQ(out.appeal_reason(), "");

  // Rejected again after a second appeal, then rewritten: the new revision
  // was never appealed.
  const advocacypb::SubmitPostResponse undisclosed =
      MustSubmit(author, kUndisclosedText);
  ASSERT_TRUE(
      Appeal(author.token, undisclosed.post().name(), kReason, &appealed).ok());
  ASSERT_TRUE(
      Reject(reviewer.token, appealed.name(), {"disclosure"}, &out).ok());
  EXPECT_EQ(out.appeal_reason(), kReason);
  Post rewritten = out;
  rewritten.set_text(kGoodText);
  ASSERT_TRUE(Update(author.token, rewritten, {"text"}, &out).ok());
  EXPECT_EQ(out.state(), Post::DRAFT);
  EXPECT_EQ(out.appeal_reason(), "");
}

TEST_F(PostsTest, ConcurrentSubmitsMakeOneDecision) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  const Post post = MustCreate(author.token, NewPost(kGoodText));
  constexpr int kThreads = 8;
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<advocacypb::SubmitPostResponse> answers(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto stub = server_.AdvocacyStub();
      advocacypb::SubmitPostRequest request;
      request.set_name(post.name());
      statuses[i] = stub->SubmitPost(TestServer::Context(author.token).get(),
                                     request, &answers[i]);
    });
  }
  for (std::thread& t : threads) t.join();
  int ok = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (statuses[i].ok()) {
      ++ok;
    } else {
      EXPECT_THAT(statuses[i], GrpcCodeIs(StatusCode::FAILED_PRECONDITION));
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(Decisions(author.token, post.name()).size(), 1u);
}

TEST_F(PostsTest, SubmitRetryWithRequestIdReplays) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  const Post post = MustCreate(author.token, NewPost(kGoodText));
  advocacypb::SubmitPostResponse first;
  advocacypb::SubmitPostResponse second;
  ASSERT_TRUE(Submit(author.token, post.name(), &first, "submit-1").ok());
  ASSERT_TRUE(Submit(author.token, post.name(), &second, "submit-1").ok());
  EXPECT_EQ(first.decision().name(), second.decision().name());
  EXPECT_EQ(Decisions(author.token, post.name()).size(), 1u);
}

TEST_F(PostsTest, ColleaguesSeeApprovedPostsOnly) {
  const Person author = MakePerson("W1");
  const Person colleague = MakePerson("W2");
  ASSERT_FALSE(HasFailure());
  const advocacypb::SubmitPostResponse approved = MustSubmit(author, kGoodText);
  const advocacypb::SubmitPostResponse rejected =
      MustSubmit(author, kUndisclosedText);
  const advocacypb::SubmitPostResponse review =
      MustSubmit(author, kSensitiveText);
  const Post draft = MustCreate(author.token, NewPost(kGoodText));
  ASSERT_FALSE(HasFailure());
  Post out;
  EXPECT_TRUE(Get(colleague.token, approved.post().name(), &out).ok());
  for (const std::string& name :
       {rejected.post().name(), review.post().name(), draft.name()}) {
    EXPECT_THAT(Get(colleague.token, name, &out),
                GrpcCodeIs(StatusCode::NOT_FOUND))
        << name;
  }
  EXPECT_THAT(ListNames(colleague.token), ElementsAre(approved.post().name()));
  EXPECT_EQ(ListNames(author.token).size(), 4u);
}

TEST_F(PostsTest, FeedMergesStoriesAndApprovedPostsNewestFirst) {
  const Person reader = MakePerson("W1");
  const Person writer = MakePerson("W2");
  ASSERT_FALSE(HasFailure());
  const Story first = MustCreateStory("First");
  const advocacypb::SubmitPostResponse post_a = MustSubmit(writer, kGoodText);
  const Story second = MustCreateStory("Second");
  const advocacypb::SubmitPostResponse post_b =
      MustSubmit(writer,
                 "#ad Spent the week with our support team; I learned a lot "
                 "about what customers struggle with and how we help.");
  // Not in anyone's feed: a post that is not approved, and the reader's own.
  MustSubmit(writer, kUndisclosedText);
  MustSubmit(reader, "#ad My own view on our new office, which I helped plan.");
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(post_a.post().state(), Post::APPROVED);
  ASSERT_EQ(post_b.post().state(), Post::APPROVED);
  // Posts are ordered by creation, like stories.
  const std::vector<std::string> want = {post_b.post().name(), second.name(),
                                         post_a.post().name(), first.name()};
  EXPECT_THAT(FeedNames(reader.token, 1), ElementsAreArray(want));
  EXPECT_THAT(FeedNames(reader.token, 3), ElementsAreArray(want));
  EXPECT_THAT(FeedNames(reader.token), ElementsAreArray(want));
}

// A post drawing on an incentivized story must disclose the incentive; the
// story's context reaches the rules through SubmitPost.
TEST_F(PostsTest, IncentivizedStoriesNeedAnIncentiveDisclosure) {
  const Person author = MakePerson("W1");
  ASSERT_FALSE(HasFailure());
  advocacypb::CreateStoryRequest request;
  request.set_parent(org_.name);
  request.mutable_story()->set_title("Referral week");
  request.mutable_story()->set_summary("Refer a friend, earn points.");
  request.mutable_story()->set_incentivized(true);
  Story rewarded;
  ASSERT_TRUE(advocacy_
                  ->CreateStory(TestServer::Context(org_.admin_token).get(),
                                request, &rewarded)
                  .ok());
  EXPECT_TRUE(rewarded.incentivized());
  const Story plain = MustCreateStory("Plain news");
  ASSERT_FALSE(HasFailure());

  const std::string text = absl::StrCat(
      "I work at ", org_.id,
      " and our team is hiring engineers who like hard search problems.");
  Post draft = NewPost(text);
  draft.set_story(plain.name());
  advocacypb::SubmitPostResponse out;
  Post created = MustCreate(author.token, draft);
  ASSERT_TRUE(Submit(author.token, created.name(), &out).ok());
  EXPECT_EQ(out.post().state(), Post::APPROVED) << out.DebugString();

  draft.set_story(rewarded.name());
  created = MustCreate(author.token, draft);
  ASSERT_TRUE(Submit(author.token, created.name(), &out).ok());
  EXPECT_EQ(out.post().state(), Post::REJECTED) << out.DebugString();
  const transparencypb::RuleResult* incentive =
      ResultOf(out.decision(), "incentive-disclosure");
  ASSERT_NE(incentive, nullptr) << out.DebugString();
  EXPECT_FALSE(incentive->passed());

  // The flag is updatable like any story field.
  advocacypb::UpdateStoryRequest update;
  update.mutable_story()->set_name(rewarded.name());
  update.mutable_story()->set_incentivized(false);
  update.mutable_update_mask()->add_paths("incentivized");
  Story changed;
  ASSERT_TRUE(advocacy_
                  ->UpdateStory(TestServer::Context(org_.admin_token).get(),
                                update, &changed)
                  .ok());
  EXPECT_FALSE(changed.incentivized());
}

TEST_F(PostsTest, ReviewersFindDeactivatedAuthorsPostsWithdrawn) {
  const Person author = MakePerson("W1");
  const Person reviewer = MakePerson("R1", {StaffMember::REVIEWER});
  ASSERT_FALSE(HasFailure());
  const advocacypb::SubmitPostResponse review =
      MustSubmit(author, kSensitiveText);
  ASSERT_EQ(review.post().state(), Post::IN_REVIEW);
  const advocacypb::SubmitPostResponse approved = MustSubmit(author, kGoodText);
  ASSERT_NO_FATAL_FAILURE(Deactivate(author));
  advocacypb::ListPostsResponse page;
  ASSERT_TRUE(List(reviewer.token, "", 100, "", &page).ok());
  std::map<std::string, Post::State> states;
  for (const Post& p : page.posts()) states[p.name()] = p.state();
  EXPECT_EQ(states[review.post().name()], Post::WITHDRAWN);
  // Approved posts stay approved.
  EXPECT_EQ(states[approved.post().name()], Post::APPROVED);
  Post out;
  EXPECT_THAT(Approve(reviewer.token, review.post().name(), &out),
              GrpcCodeIs(StatusCode::FAILED_PRECONDITION));
}

// Three employees post a story's talking points nearly verbatim (a script
// handed around): the default ruleset rejects every copy on own_words, and
// each decision names the copied passage, so the author knows what to
// rewrite.
TEST_F(PostsTest, CopiedTalkingPointsAreRejectedAsNotOwnWords) {
  advocacypb::CreateStoryRequest story_request;
  story_request.set_parent(org_.name);
  Story* story = story_request.mutable_story();
  story->set_title("Search got faster");
  story->set_summary("We rebuilt the search index this quarter.");
  story->add_talking_points(
      "Search results now load twice as fast for every customer on every "
      "plan, thanks to the new index our platform team built this quarter");
  story->add_talking_points(
      "The new index also cuts our data centre energy use by a fifth");
  Story created;
  ASSERT_TRUE(advocacy_
                  ->CreateStory(TestServer::Context(org_.admin_token).get(),
                                story_request, &created)
                  .ok());
  // Light edits only: punctuation, case, one word.
  const std::vector<std::string> copies = {
      "#ad Search results now load twice as fast for every customer on every "
      "plan, thanks to the new index our platform team built this quarter. "
      "The new index also cuts our data centre energy use by a fifth!",
      "#ad search results now load twice as fast for every customer on every "
      "plan thanks to the new index our platform team built this quarter - "
      "the new index also cuts our data centre energy use by a fifth",
      "#ad Search results now load twice as fast for each customer on every "
      "plan, thanks to the new index our platform team built this quarter. "
      "The new index also cuts our data center energy use by a fifth.",
  };
  for (size_t i = 0; i < copies.size(); ++i) {
    SCOPED_TRACE(i);
    const Person author = MakePerson("CP" + std::to_string(i));
    Post post = NewPost(copies[i]);
    post.set_story(created.name());
    const Post draft = MustCreate(author.token, post);
    advocacypb::SubmitPostResponse out;
    ASSERT_TRUE(Submit(author.token, draft.name(), &out).ok());
    EXPECT_EQ(out.post().state(), Post::REJECTED);
    const transparencypb::RuleResult* own_words =
        ResultOf(out.decision(), "own-words");
    ASSERT_NE(own_words, nullptr);
    EXPECT_FALSE(own_words->passed());
    EXPECT_THAT(own_words->explanation(), HasSubstr("own words"));
    EXPECT_THAT(own_words->evidence().at("copied_passage"),
                HasSubstr("new index our platform team"));
    EXPECT_TRUE(ResultOf(out.decision(), "disclosure")->passed());
  }
}

}  // namespace
}  // namespace candor::testing
