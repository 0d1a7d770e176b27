#include "clients/cli/stories_commands.h"

#include <iostream>
#include <memory>
#include <vector>

#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/staff_fields.h"

namespace candor::cli {
namespace {

namespace advocacypb = ::candor::advocacy::v1;

// Calls a method that answers a Story and prints it.
template <typename Request, typename Call>
int CallForStory(const GlobalOptions& global, const std::string& command,
                 const Request& request, Call call) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::Story story;
  const grpc::Status status = call(
      connection->advocacy(), connection->NewContext().get(), request, &story);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, story, DescribeStory(story));
  return kExitOk;
}

}  // namespace

int RunStoryCreate(const GlobalOptions& global,
                   const StoryCreateOptions& options) {
  const std::string command = "stories create";
  absl::StatusOr<advocacypb::CreateStoryRequest> request =
      BuildCreateStoryRequest(options.parent, options.flags, absl::Now());
  if (!request.ok()) return UsageError(command, request.status());
  request->set_story_id(options.story_id);
  request->set_request_id(options.request_id);
  return CallForStory(
      global, command, *request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& request, advocacypb::Story* story) {
        return stub.CreateStory(context, request, story);
      });
}

int RunStoryGet(const GlobalOptions& global, const std::string& name) {
  advocacypb::GetStoryRequest request;
  request.set_name(name);
  return CallForStory(
      global, "stories get", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& request, advocacypb::Story* story) {
        return stub.GetStory(context, request, story);
      });
}

int RunStoryList(const GlobalOptions& global, const StoryListOptions& options) {
  std::unique_ptr<Connection> connection =
      Open(global, "stories list", kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  advocacypb::ListStoriesRequest request;
  request.set_parent(OrganizationName(options.parent));
  request.set_filter(options.filter);
  request.set_page_size(options.page_size);
  request.set_page_token(options.page_token);
  std::vector<advocacypb::Story> stories;
  advocacypb::ListStoriesResponse last;
  const int code = FetchPages(
      *connection, request, options.all,
      [&](grpc::ClientContext* context, const advocacypb::ListStoriesRequest& r,
          advocacypb::ListStoriesResponse* response) {
        return connection->advocacy().ListStories(context, r, response);
      },
      [&](advocacypb::ListStoriesResponse& response) {
        for (auto& story : *response.mutable_stories()) {
          stories.push_back(story);
        }
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, options.all, last, stories, StoryTable(), &AddStoryRow,
            "stories");
  return kExitOk;
}

int RunStoryUpdate(const GlobalOptions& global, const std::string& name,
                   const StoryFlags& flags) {
  const std::string command = "stories update";
  absl::StatusOr<advocacypb::UpdateStoryRequest> request =
      BuildStoryUpdateRequest(name, flags, absl::Now());
  if (!request.ok()) return UsageError(command, request.status());
  return CallForStory(
      global, command, *request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& request, advocacypb::Story* story) {
        return stub.UpdateStory(context, request, story);
      });
}

int RunStoryArchive(const GlobalOptions& global, const std::string& name,
                    const std::string& request_id) {
  advocacypb::ArchiveStoryRequest request;
  request.set_name(name);
  request.set_request_id(request_id);
  return CallForStory(
      global, "stories archive", request,
      [](advocacypb::AdvocacyService::Stub& stub, grpc::ClientContext* context,
         const auto& request, advocacypb::Story* story) {
        return stub.ArchiveStory(context, request, story);
      });
}

}  // namespace candor::cli
