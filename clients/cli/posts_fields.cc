#include "clients/cli/posts_fields.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/transparency_fields.h"
#include "clients/cli/values_fields.h"

namespace candor::cli {
namespace {

using ::candor::advocacy::v1::Post;
using ::candor::common::v1::Network;

// Applies the flags to `post`, adding each path set to `mask` (when not
// null) in the order of the Post fields.
absl::Status ApplyFlags(const PostFlags& flags,
                        const std::string& organization_name, Post* post,
                        google::protobuf::FieldMask* mask) {
  const auto add_path = [mask](const char* path) {
    if (mask != nullptr) mask->add_paths(path);
  };
  if (flags.story) {
    if (!flags.story->empty()) {
      post->set_story(StoryName(organization_name, *flags.story));
    }
    add_path("story");
  }
  if (flags.network) {
    absl::StatusOr<Network> network = ParseNetwork(*flags.network);
    if (!network.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--network: ", network.status().message()));
    }
    post->set_network(*network);
    add_path("network");
  }
  if (flags.text) {
    post->set_text(*flags.text);
    add_path("text");
  }
  if (flags.link_url) {
    post->set_link_url(*flags.link_url);
    add_path("link_url");
  }
  if (flags.values) {
    for (const std::string& value : *flags.values) {
      if (value.empty()) {
        return absl::InvalidArgumentError("--value: empty value name");
      }
      post->add_values(ValueName(organization_name, value));
    }
    add_path("values");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Network> ParseNetwork(std::string_view text) {
  const std::string upper =
      absl::AsciiStrToUpper(absl::string_view(text.data(), text.size()));
  Network network;
  if (!candor::common::v1::Network_Parse(upper, &network) ||
      network == candor::common::v1::NETWORK_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "unknown network \"" + std::string(text) +
        "\" (use linkedin, x, facebook, instagram or mastodon)");
  }
  return network;
}

std::string NetworkText(Network network) {
  if (network == candor::common::v1::NETWORK_UNSPECIFIED) return "";
  return absl::AsciiStrToLower(candor::common::v1::Network_Name(network));
}

std::string StoryName(std::string_view organization_name,
                      std::string_view id_or_name) {
  if (id_or_name.find('/') != std::string_view::npos) {
    return std::string(id_or_name);
  }
  return std::string(organization_name) + "/stories/" + std::string(id_or_name);
}

absl::StatusOr<candor::advocacy::v1::CreatePostRequest> BuildCreatePostRequest(
    const std::string& parent, const PostFlags& flags) {
  if (!flags.network) return absl::InvalidArgumentError("give --network");
  if (!flags.text) return absl::InvalidArgumentError("give --text");
  candor::advocacy::v1::CreatePostRequest request;
  request.set_parent(OrganizationName(parent));
  const absl::Status applied =
      ApplyFlags(flags, request.parent(), request.mutable_post(), nullptr);
  if (!applied.ok()) return applied;
  return request;
}

absl::StatusOr<candor::advocacy::v1::UpdatePostRequest> BuildPostUpdateRequest(
    const std::string& name, const PostFlags& flags) {
  candor::advocacy::v1::UpdatePostRequest request;
  Post* post = request.mutable_post();
  post->set_name(name);
  const absl::Status applied = ApplyFlags(flags, OrganizationOf(name), post,
                                          request.mutable_update_mask());
  if (!applied.ok()) return applied;
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give at least one of --story, --network, "
        "--text, --link, --value");
  }
  if (flags.etag) post->set_etag(*flags.etag);
  return request;
}

std::string PostStateText(Post::State state) {
  if (state == Post::STATE_UNSPECIFIED) return "";
  return Post::State_Name(state);
}

std::string DescribePost(const Post& post) {
  std::string out = RenderFields({
      {"name", post.name()},
      {"author", post.author()},
      {"story", post.story()},
      {"network", NetworkText(post.network())},
      {"text", post.text()},
      {"link_url", post.link_url()},
      {"values", absl::StrJoin(post.values(), ", ")},
      {"state", PostStateText(post.state())},
      {"revision", post.revision() == 0 ? "" : absl::StrCat(post.revision())},
      {"create_time", TimeText(post.create_time())},
      {"update_time", TimeText(post.update_time())},
      {"etag", post.etag()},
  });
  if (post.has_latest_decision()) {
    out += "\n" + DescribeDecision(post.latest_decision());
  }
  return out;
}

Table PostTable() {
  return Table({"NAME", "AUTHOR", "NETWORK", "STATE", "REVISION", "UPDATED"});
}

void AddPostRow(const Post& post, Table& table) {
  table.AddRow({post.name(), post.author(), NetworkText(post.network()),
                PostStateText(post.state()), absl::StrCat(post.revision()),
                TimeText(post.update_time())});
}

Table ReviewTable() {
  return Table({"NAME", "AUTHOR", "NETWORK", "FAILED_RULES"});
}

void AddReviewRow(const Post& post, Table& table) {
  table.AddRow({post.name(), post.author(), NetworkText(post.network()),
                FailedRuleIds(post.latest_decision().results())});
}

std::string ReviewFilter(const std::string& filter) {
  const std::string in_review = "state = IN_REVIEW";
  if (filter.empty()) return in_review;
  return in_review + " AND " + filter;
}

}  // namespace candor::cli
