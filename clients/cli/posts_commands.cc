#include "clients/cli/posts_commands.h"

#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/command_line.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/transparency_fields.h"
#include "google/protobuf/empty.pb.h"

namespace candor::cli {
namespace {

namespace advocacypb = ::candor::advocacy::v1;

// Calls a method that answers a Post and prints it.
template <typename Request, typename Call>
int CallForPost(const GlobalOptions& global, const std::string& command,
                const Request& request, Call call) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::Post post;
  const grpc::Status status = call(
      connection->advocacy(), connection->NewContext().get(), request, &post);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, post, DescribePost(post));
  return kExitOk;
}

// ListPosts with `filter`, printed with `table` and `add_row`.
int ListPosts(const GlobalOptions& global, const std::string& command,
              const PostListOptions& options, const std::string& filter,
              Table table, void (*add_row)(const advocacypb::Post&, Table&)) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::ListPostsRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(filter);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<advocacypb::Post> posts;
  advocacypb::ListPostsResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context, const advocacypb::ListPostsRequest& r,
          advocacypb::ListPostsResponse* response) {
        return connection->advocacy().ListPosts(context, r, response);
      },
      [&](advocacypb::ListPostsResponse& response) {
        for (auto& post : *response.mutable_posts()) posts.push_back(post);
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, posts, std::move(table), add_row,
            "posts");
  return kExitOk;
}

}  // namespace

int RunPostCreate(const GlobalOptions& global,
                  const PostCreateOptions& options) {
  const std::string command = "posts create";
  absl::StatusOr<advocacypb::CreatePostRequest> request =
      BuildCreatePostRequest(options.parent, options.flags);
  if (!request.ok()) return UsageError(command, request.status());
  request->set_request_id(options.request_id);
  return CallForPost(
      global, command, *request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.CreatePost(context, message, post);
      });
}

int RunPostGet(const GlobalOptions& global, const std::string& name) {
  advocacypb::GetPostRequest request;
  request.set_name(name);
  return CallForPost(
      global, "posts get", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.GetPost(context, message, post);
      });
}

int RunPostList(const GlobalOptions& global, const PostListOptions& options) {
  return ListPosts(global, "posts list", options, options.filter, PostTable(),
                   &AddPostRow);
}

int RunPostUpdate(const GlobalOptions& global, const std::string& name,
                  const PostFlags& flags) {
  const std::string command = "posts update";
  absl::StatusOr<advocacypb::UpdatePostRequest> request =
      BuildPostUpdateRequest(name, flags);
  if (!request.ok()) return UsageError(command, request.status());
  return CallForPost(
      global, command, *request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.UpdatePost(context, message, post);
      });
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

int RunPostSubmit(const GlobalOptions& global, const std::string& name,
                  const std::string& request_id) {
  std::unique_ptr<Connection> connection =
      Open(global, "posts submit", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::SubmitPostRequest request;
  request.set_name(name);
  request.set_request_id(request_id);
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

int RunPostWithdraw(const GlobalOptions& global, const std::string& name) {
  advocacypb::WithdrawPostRequest request;
  request.set_name(name);
  return CallForPost(
      global, "posts withdraw", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.WithdrawPost(context, message, post);
      });
}

int RunPostAppeal(const GlobalOptions& global, const std::string& name,
                  const std::string& reason) {
  advocacypb::AppealPostRequest request;
  request.set_name(name);
  request.set_reason(reason);
  return CallForPost(
      global, "posts appeal", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.AppealPost(context, message, post);
      });
}

int RunReviewList(const GlobalOptions& global, const PostListOptions& options) {
  return ListPosts(global, "review list", options, ReviewFilter(options.filter),
                   ReviewTable(), &AddReviewRow);
}

int RunReviewApprove(const GlobalOptions& global, const std::string& name,
                     const std::string& note) {
  advocacypb::ApprovePostRequest request;
  request.set_name(name);
  request.set_note(note);
  return CallForPost(
      global, "review approve", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.ApprovePost(context, message, post);
      });
}

int RunReviewReject(const GlobalOptions& global, const std::string& name,
                    const std::vector<std::string>& rule_ids,
                    const std::string& note) {
  advocacypb::RejectPostRequest request;
  request.set_name(name);
  for (const std::string& id : rule_ids) request.add_cited_rule_ids(id);
  request.set_note(note);
  return CallForPost(
      global, "review reject", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& message, advocacypb::Post* post) {
        return stub.RejectPost(context, message, post);
      });
}

namespace {

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

void AddPostsGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* posts = app.add_subcommand("posts", "Your posts");
  posts->require_subcommand(1);

  struct CreateArgs {
    PostCreateOptions options;
    PostArgs post;
  };
  auto create = std::make_shared<CreateArgs>();
  CLI::App* posts_create = posts->add_subcommand(
      "create", "Write a DRAFT post as yourself (submit it to publish)");
  AddParent(posts_create, create->options.parent);
  AddPostOptions(posts_create, create->post, /*update=*/false);
  create->post.network_option->required();
  create->post.text_option->required();
  AddRequestId(posts_create, create->options.request_id);
  actions.Set(posts_create, [&global, create] {
    create->options.flags = create->post.Flags();
    return RunPostCreate(global, create->options);
  });

  auto get_name = std::make_shared<std::string>();
  CLI::App* posts_get = posts->add_subcommand(
      "get", "Show a post and the decision on it, rule by rule");
  AddName(posts_get, *get_name, "organizations/ORG/posts/ID");
  actions.Set(posts_get,
              [&global, get_name] { return RunPostGet(global, *get_name); });

  auto list = std::make_shared<PostListOptions>();
  CLI::App* posts_list = posts->add_subcommand(
      "list", "List posts, newest first (yours, and colleagues' approved)");
  AddParent(posts_list, list->parent);
  posts_list->add_option("--filter", list->filter,
                         "e.g. 'state = IN_REVIEW AND author = "
                         "\"organizations/x/staffMembers/y\"'");
  AddPageOptions(posts_list, list->page_size, list->page_token, list->all);
  actions.Set(posts_list,
              [&global, list] { return RunPostList(global, *list); });

  struct UpdateArgs {
    std::string name;
    PostArgs post;
  };
  auto update = std::make_shared<UpdateArgs>();
  CLI::App* posts_update = posts->add_subcommand(
      "update",
      "Change a DRAFT or REJECTED post: the fields given, and only those");
  AddName(posts_update, update->name, "organizations/ORG/posts/ID");
  AddPostOptions(posts_update, update->post, /*update=*/true);
  actions.Set(posts_update, [&global, update] {
    return RunPostUpdate(global, update->name, update->post.Flags());
  });

  auto delete_name = std::make_shared<std::string>();
  CLI::App* posts_delete =
      posts->add_subcommand("delete", "Delete a DRAFT post");
  AddName(posts_delete, *delete_name, "organizations/ORG/posts/ID");
  actions.Set(posts_delete, [&global, delete_name] {
    return RunPostDelete(global, *delete_name);
  });

  struct SubmitArgs {
    std::string name, request_id;
  };
  auto submit = std::make_shared<SubmitArgs>();
  CLI::App* posts_submit = posts->add_subcommand(
      "submit",
      "Submit a DRAFT post: the published rules judge it (exit 0 whatever "
      "the decision)");
  AddName(posts_submit, submit->name, "organizations/ORG/posts/ID");
  AddRequestId(posts_submit, submit->request_id);
  actions.Set(posts_submit, [&global, submit] {
    return RunPostSubmit(global, submit->name, submit->request_id);
  });

  auto withdraw_name = std::make_shared<std::string>();
  CLI::App* posts_withdraw = posts->add_subcommand(
      "withdraw", "Withdraw an IN_REVIEW or APPROVED post");
  AddName(posts_withdraw, *withdraw_name, "organizations/ORG/posts/ID");
  actions.Set(posts_withdraw, [&global, withdraw_name] {
    return RunPostWithdraw(global, *withdraw_name);
  });

  struct AppealArgs {
    std::string name, reason;
  };
  auto appeal = std::make_shared<AppealArgs>();
  CLI::App* posts_appeal = posts->add_subcommand(
      "appeal", "Ask a reviewer to look again at a REJECTED post");
  AddName(posts_appeal, appeal->name, "organizations/ORG/posts/ID");
  posts_appeal
      ->add_option("--reason", appeal->reason, "Why, at most 2000 characters")
      ->required();
  actions.Set(posts_appeal, [&global, appeal] {
    return RunPostAppeal(global, appeal->name, appeal->reason);
  });
}

void AddReviewGroup(CLI::App& app, const GlobalOptions& global,
                    Actions& actions) {
  CLI::App* review =
      app.add_subcommand("review", "Posts a rule sent to a reviewer");
  review->require_subcommand(1);

  auto list = std::make_shared<PostListOptions>();
  CLI::App* review_list = review->add_subcommand(
      "list", "List the posts IN_REVIEW, with the rules that failed");
  AddParent(review_list, list->parent);
  review_list->add_option("--filter", list->filter,
                          "More conditions, e.g. 'author = \"...\"'");
  AddPageOptions(review_list, list->page_size, list->page_token, list->all);
  actions.Set(review_list,
              [&global, list] { return RunReviewList(global, *list); });

  struct ApproveArgs {
    std::string name, note;
  };
  auto approve = std::make_shared<ApproveArgs>();
  CLI::App* review_approve = review->add_subcommand(
      "approve", "Approve a post IN_REVIEW (reviewer; never your own)");
  AddName(review_approve, approve->name, "organizations/ORG/posts/ID");
  review_approve->add_option("--note", approve->note,
                             "Shown to the author, at most 2000 characters");
  actions.Set(review_approve, [&global, approve] {
    return RunReviewApprove(global, approve->name, approve->note);
  });

  struct RejectArgs {
    std::string name, note;
    std::vector<std::string> rules;
  };
  auto reject = std::make_shared<RejectArgs>();
  CLI::App* review_reject = review->add_subcommand(
      "reject", "Reject a post IN_REVIEW, citing the rules you apply");
  AddName(review_reject, reject->name, "organizations/ORG/posts/ID");
  AddRepeatable(review_reject, "--rule", reject->rules,
                "Id of a rule of the published ruleset (repeatable)")
      ->required();
  review_reject->add_option("--note", reject->note,
                            "Shown to the author, at most 2000 characters");
  actions.Set(review_reject, [&global, reject] {
    return RunReviewReject(global, reject->name, reject->rules, reject->note);
  });
}

}  // namespace

void AddPostsCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  AddPostsGroup(app, global, actions);
  AddReviewGroup(app, global, actions);
}

}  // namespace candor::cli
