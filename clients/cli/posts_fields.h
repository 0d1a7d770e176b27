// The pieces of `candorctl posts|review|rules check ...` that need no
// server: networks as people type them, post create and update requests
// built from the flags given, and what is printed for posts.
#ifndef CANDOR_CLIENTS_CLI_POSTS_FIELDS_H_
#define CANDOR_CLIENTS_CLI_POSTS_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "candor/advocacy/v1/advocacy.pb.h"
#include "candor/common/v1/network.pb.h"
#include "clients/cli/output.h"

namespace candor::cli {

// "linkedin", "x", "facebook", "instagram" or "mastodon", any letter case.
// INVALID_ARGUMENT listing them otherwise.
absl::StatusOr<candor::common::v1::Network> ParseNetwork(std::string_view text);
// The lowercase spelling ("linkedin"); empty when unset.
std::string NetworkText(candor::common::v1::Network network);

// A story given by id under `organization_name` ("launch" ->
// "organizations/acme/stories/launch"), or already by resource name.
std::string StoryName(std::string_view organization_name,
                      std::string_view id_or_name);

// The post's flags; std::nullopt when the flag was not given.
struct PostFlags {
  std::optional<std::string> network;
  std::optional<std::string> text;
  std::optional<std::string> link_url;
  // A story id (in the post's organization) or resource name; "" removes it
  // (update only).
  std::optional<std::string> story;
  // Value ids or resource names; replaces every value (update).
  std::optional<std::vector<std::string>> values;
  std::optional<std::string> etag;  // update only
};

// The request to create a post under `parent` (an id or organizations/ID).
// INVALID_ARGUMENT for a bad network, and when --network or --text is
// missing.
absl::StatusOr<candor::advocacy::v1::CreatePostRequest> BuildCreatePostRequest(
    const std::string& parent, const PostFlags& flags);

// The request for the post `name` whose update_mask names exactly the fields
// given. INVALID_ARGUMENT for a bad network, and when no field is given.
absl::StatusOr<candor::advocacy::v1::UpdatePostRequest> BuildPostUpdateRequest(
    const std::string& name, const PostFlags& flags);

// "DRAFT", "IN_REVIEW", ...; empty when unset.
std::string PostStateText(candor::advocacy::v1::Post::State state);

// The post's fields, then its latest decision with every rule's result.
std::string DescribePost(const candor::advocacy::v1::Post& post);

// NAME AUTHOR NETWORK STATE REVISION UPDATED
Table PostTable();
void AddPostRow(const candor::advocacy::v1::Post& post, Table& table);

// NAME AUTHOR NETWORK FAILED_RULES: posts waiting for a reviewer, with the
// ids of the rules that sent them there.
Table ReviewTable();
void AddReviewRow(const candor::advocacy::v1::Post& post, Table& table);

// `review list`'s filter: `state = IN_REVIEW`, AND the caller's own filter
// when given.
std::string ReviewFilter(const std::string& filter);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_POSTS_FIELDS_H_
