// `candorctl posts|review ...`: posts staff write in their own words and
// the human review of those a rule sent to a reviewer. Authors create,
// change, submit, withdraw and appeal their posts; reviewers list the posts
// in review and approve or reject them, citing the rules they apply. Each
// command returns the process exit code (see commands.h).
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/posts_fields.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/transparency_fields.h"
#include "google/protobuf/empty.pb.h"

namespace candor::cli {
namespace {

namespace advocacypb = ::candor::advocacy::v1;
using AdvocacyStub = advocacypb::AdvocacyService::Stub;

const char kPostName[] = "organizations/ORG/posts/ID";

// ListPosts with `filter`, printed with `table` and `add_row`.
int ListPosts(const GlobalOptions& global, const std::string& command,
              const ListOptions& options, const std::string& filter,
              Table table, void (*add_row)(const advocacypb::Post&, Table&)) {
  advocacypb::ListPostsRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(filter);
  return ListAndPrint(global, command, request, options.page,
                      &AdvocacyStub::ListPosts,
                      &advocacypb::ListPostsResponse::posts, std::move(table),
                      add_row, "posts");
}

// The post flags of create and update as given; Flags() keeps those given
// (or cleared), so that an update changes only them.
struct PostArgs {
  std::string network, text, link, story, etag;
  std::vector<std::string> values;
  bool clear_values = false;
  CLI::Option *network_option = nullptr, *text_option = nullptr,
              *link_option = nullptr, *story_option = nullptr,
              *values_option = nullptr, *etag_option = nullptr;

  PostFlags Flags() const {
    PostFlags flags;
    flags.network = IfGiven(network_option, network);
    flags.text = IfGiven(text_option, text);
    flags.link_url = IfGiven(link_option, link);
    flags.story = IfGiven(story_option, story);
    if (values_option->count() > 0 || clear_values) flags.values = values;
    if (etag_option != nullptr) flags.etag = IfGiven(etag_option, etag);
    return flags;
  }
};

// The post fields, on `create` or (`update`) on `update`, which can also
// clear the values.
void AddPostOptions(CLI::App* command, PostArgs& args, bool update) {
  args.network_option = AddNetwork(command, args.network);
  args.text_option =
      command->add_option("--text", args.text, "Your own words, as published");
  args.link_option =
      command->add_option("--link", args.link, "A link, an https URL");
  args.story_option = command->add_option(
      "--story", args.story,
      update ? "The story it draws on, by id or name; \"\" removes it"
             : "The story it draws on, by id or name");
  args.values_option = AddRepeatable(
      command, "--value", args.values,
      update ? "Sets the values it speaks to, by id or name (repeatable)"
             : "A value it speaks to, by id or name (repeatable)");
  if (!update) return;
  command->add_flag("--clear-values", args.clear_values, "Remove every value")
      ->excludes(args.values_option);
  args.etag_option = AddEtag(command, args.etag, "post");
}

struct PostCreateOptions {
  std::string parent;  // organizations/ID, or just ID
  PostArgs post;
  std::string request_id;
};

struct PostUpdateOptions {
  std::string name;
  PostArgs post;
};

struct PostAppealOptions {
  std::string name;
  std::string reason;
};

// approve (no rule_ids) and reject (citing rule_ids).
struct ReviewOptions {
  std::string name;
  std::vector<std::string> rule_ids;
  std::string note;  // shown to the author
};

int RunPostCreate(const GlobalOptions& global,
                  const PostCreateOptions& options) {
  absl::StatusOr<advocacypb::CreatePostRequest> request =
      BuildCreatePostRequest(options.parent, options.post.Flags());
  if (request.ok()) request->set_request_id(options.request_id);
  return CallAndPrint(global, "posts create", request,
                      &AdvocacyStub::CreatePost, &DescribePost);
}

int RunPostList(const GlobalOptions& global, const ListOptions& options) {
  return ListPosts(global, "posts list", options, options.filter, PostTable(),
                   &AddPostRow);
}

int RunPostUpdate(const GlobalOptions& global,
                  const PostUpdateOptions& options) {
  return CallAndPrint(
      global, "posts update",
      BuildPostUpdateRequest(options.name, options.post.Flags()),
      &AdvocacyStub::UpdatePost, &DescribePost);
}

int RunPostDelete(const GlobalOptions& global, const std::string& name) {
  std::unique_ptr<Connection> connection =
      Open(global, "posts delete", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::DeletePostRequest request;
  request.set_name(name);
  google::protobuf::Empty empty;
  const grpc::Status status = connection->advocacy().DeletePost(
      connection->NewContext().get(), request, &empty);
  if (!status.ok()) return connection->CallFailed(status);
  if (global.output == OutputFormat::kJson) {
    std::cout << ToJson(empty);
  } else {
    std::cout << "deleted " << name << "\n";
  }
  return kExitOk;
}

// Prints the post's new state and the decision with every rule's result.
// Exits 0 whatever the decision: the submit itself succeeded.
int RunPostSubmit(const GlobalOptions& global,
                  const NameAndRequestId& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "posts submit", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::SubmitPostRequest request;
  request.set_name(options.name);
  request.set_request_id(options.request_id);
  advocacypb::SubmitPostResponse response;
  const grpc::Status status = connection->advocacy().SubmitPost(
      connection->NewContext().get(), request, &response);
  if (!status.ok()) return connection->CallFailed(status);
  // The post's latest_decision is the decision; print it once, in full.
  advocacypb::Post post = response.post();
  post.clear_latest_decision();
  Print(global, response,
        DescribePost(post) + "\n" + DescribeDecision(response.decision()));
  return kExitOk;
}

int RunPostAppeal(const GlobalOptions& global,
                  const PostAppealOptions& options) {
  advocacypb::AppealPostRequest request;
  request.set_name(options.name);
  request.set_reason(options.reason);
  return CallAndPrint(global, "posts appeal", request,
                      &AdvocacyStub::AppealPost, &DescribePost);
}

// `review list`: the posts IN_REVIEW (and matching `filter`, when given).
int RunReviewList(const GlobalOptions& global, const ListOptions& options) {
  return ListPosts(global, "review list", options, ReviewFilter(options.filter),
                   ReviewTable(), &AddReviewRow);
}

int RunReviewApprove(const GlobalOptions& global,
                     const ReviewOptions& options) {
  advocacypb::ApprovePostRequest request;
  request.set_name(options.name);
  request.set_note(options.note);
  return CallAndPrint(global, "review approve", request,
                      &AdvocacyStub::ApprovePost, &DescribePost);
}

int RunReviewReject(const GlobalOptions& global, const ReviewOptions& options) {
  advocacypb::RejectPostRequest request;
  request.set_name(options.name);
  for (const std::string& id : options.rule_ids) {
    request.add_cited_rule_ids(id);
  }
  request.set_note(options.note);
  return CallAndPrint(global, "review reject", request,
                      &AdvocacyStub::RejectPost, &DescribePost);
}

void AddPostsGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* posts = app.add_subcommand("posts", "Your posts");
  posts->require_subcommand(1);

  auto [create, create_options] = AddCommand(
      *posts, "create", "Write a DRAFT post as yourself (submit it to publish)",
      global, actions, &RunPostCreate);
  AddParent(create, create_options.parent);
  AddPostOptions(create, create_options.post, /*update=*/false);
  create_options.post.network_option->required();
  create_options.post.text_option->required();
  AddRequestId(create, create_options.request_id);

  AddNameCommand(*posts, "get",
                 "Show a post and the decision on it, rule by rule", kPostName,
                 global, actions, &AdvocacyStub::GetPost, &DescribePost);

  AddListCommand(*posts, "list",
                 "List posts, newest first (yours, and colleagues' approved)",
                 "e.g. 'state = IN_REVIEW AND author = "
                 "\"organizations/x/staffMembers/y\"'",
                 global, actions, &RunPostList);

  auto [update, update_options] = AddCommand(
      *posts, "update",
      "Change a DRAFT or REJECTED post: the fields given, and only those",
      global, actions, &RunPostUpdate);
  AddName(update, update_options.name, kPostName);
  AddPostOptions(update, update_options.post, /*update=*/true);

  auto [delete_command, delete_name] = AddCommand(
      *posts, "delete", "Delete a DRAFT post", global, actions, &RunPostDelete);
  AddName(delete_command, delete_name, kPostName);

  auto [submit, submit_options] = AddCommand(
      *posts, "submit",
      "Submit a DRAFT post: the published rules judge it (exit 0 whatever "
      "the decision)",
      global, actions, &RunPostSubmit);
  AddName(submit, submit_options.name, kPostName);
  AddRequestId(submit, submit_options.request_id);

  AddNameCommand(*posts, "withdraw", "Withdraw an IN_REVIEW or APPROVED post",
                 kPostName, global, actions, &AdvocacyStub::WithdrawPost,
                 &DescribePost);

  auto [appeal, appeal_options] = AddCommand(
      *posts, "appeal", "Ask a reviewer to look again at a REJECTED post",
      global, actions, &RunPostAppeal);
  AddName(appeal, appeal_options.name, kPostName);
  appeal
      ->add_option("--reason", appeal_options.reason,
                   "Why, at most 2000 characters")
      ->required();
}

void AddReviewGroup(CLI::App& app, const GlobalOptions& global,
                    Actions& actions) {
  CLI::App* review =
      app.add_subcommand("review", "Posts a rule sent to a reviewer");
  review->require_subcommand(1);

  AddListCommand(*review, "list",
                 "List the posts IN_REVIEW, with the rules that failed",
                 "More conditions, e.g. 'author = \"...\"'", global, actions,
                 &RunReviewList);

  auto [approve, approve_options] = AddCommand(
      *review, "approve", "Approve a post IN_REVIEW (reviewer; never your own)",
      global, actions, &RunReviewApprove);
  AddName(approve, approve_options.name, kPostName);
  approve->add_option("--note", approve_options.note,
                      "Shown to the author, at most 2000 characters");

  auto [reject, reject_options] = AddCommand(
      *review, "reject", "Reject a post IN_REVIEW, citing the rules you apply",
      global, actions, &RunReviewReject);
  AddName(reject, reject_options.name, kPostName);
  AddRepeatable(reject, "--rule", reject_options.rule_ids,
                "Id of a rule of the published ruleset (repeatable)")
      ->required();
  reject->add_option("--note", reject_options.note,
                     "Shown to the author, at most 2000 characters");
}

}  // namespace

void AddPostsCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  AddPostsGroup(app, global, actions);
  AddReviewGroup(app, global, actions);
}

}  // namespace candor::cli
