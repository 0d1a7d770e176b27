#include "clients/cli/posts_commands.h"

#include <iostream>
#include <memory>
#include <utility>
#include <vector>

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
         const auto& request, advocacypb::Post* post) {
        return stub.CreatePost(context, request, post);
      });
}

int RunPostGet(const GlobalOptions& global, const std::string& name) {
  advocacypb::GetPostRequest request;
  request.set_name(name);
  return CallForPost(
      global, "posts get", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& request, advocacypb::Post* post) {
        return stub.GetPost(context, request, post);
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
         const auto& request, advocacypb::Post* post) {
        return stub.UpdatePost(context, request, post);
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
         const auto& request, advocacypb::Post* post) {
        return stub.WithdrawPost(context, request, post);
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
         const auto& request, advocacypb::Post* post) {
        return stub.AppealPost(context, request, post);
      });
}

int RunReviewList(const GlobalOptions& global, const PostListOptions& options) {
  return ListPosts(global, "review list", options,
                   ReviewFilter(options.filter), ReviewTable(), &AddReviewRow);
}

int RunReviewApprove(const GlobalOptions& global, const std::string& name,
                     const std::string& note) {
  advocacypb::ApprovePostRequest request;
  request.set_name(name);
  request.set_note(note);
  return CallForPost(
      global, "review approve", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& request, advocacypb::Post* post) {
        return stub.ApprovePost(context, request, post);
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
         const auto& request, advocacypb::Post* post) {
        return stub.RejectPost(context, request, post);
      });
}

}  // namespace candor::cli
