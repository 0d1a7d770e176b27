#include "services/advocacy/post.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "db/sha256.h"
#include "services/advocacy/story.h"
#include "services/common/resource_name.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

absl::Status NotIn(PostState state, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("the post is ", PostStateName(state), "; ", what));
}

std::optional<PostState> ParsePostStateName(absl::string_view name) {
  for (PostState state :
       {PostState::kDraft, PostState::kInReview, PostState::kApproved,
        PostState::kRejected, PostState::kWithdrawn}) {
    if (PostStateName(state) == name) return state;
  }
  return std::nullopt;
}

}  // namespace

absl::string_view PostStateName(PostState state) {
  switch (state) {
    case PostState::kDraft:
      return "DRAFT";
    case PostState::kInReview:
      return "IN_REVIEW";
    case PostState::kApproved:
      return "APPROVED";
    case PostState::kRejected:
      return "REJECTED";
    case PostState::kWithdrawn:
      return "WITHDRAWN";
  }
  return "STATE_UNSPECIFIED";
}

bool SameContent(const PostRecord& a, const PostRecord& b) {
  return a.story_id == b.story_id && a.network == b.network &&
         a.text == b.text && a.link_url == b.link_url &&
         a.value_ids == b.value_ids;
}

absl::Status CheckNetwork(absl::string_view field, int network) {
  if (network == 0) return InvalidField(field, "required");
  if (network < 0 || network > kMaxNetwork) {
    return InvalidField(field, "not a known network");
  }
  return absl::OkStatus();
}

absl::Status CheckPostText(absl::string_view field, absl::string_view text) {
  return CheckText(field, text, kMaxPostTextLength, Presence::kRequired,
                   /*multiline=*/true);
}

absl::Status ValidatePostField(absl::string_view path, const PostRecord& post,
                               absl::string_view prefix) {
  const std::string field = absl::StrCat(prefix, path);
  if (path == "network") return CheckNetwork(field, post.network);
  if (path == "text") return CheckPostText(field, post.text);
  // The same URL rules as a story's source: https, a host, no user info.
  if (path == "link_url") return CheckStoryUrl(field, post.link_url);
  return absl::OkStatus();
}

absl::Status ValidateNewPost(const PostRecord& post, absl::string_view prefix) {
  for (const std::string& path : UpdatablePostPaths()) {
    absl::Status valid = ValidatePostField(path, post, prefix);
    if (!valid.ok()) return valid;
  }
  return absl::OkStatus();
}

absl::Status CheckCanUpdate(PostState state) {
  if (state == PostState::kDraft || state == PostState::kRejected) {
    return absl::OkStatus();
  }
  return NotIn(state, "only DRAFT and REJECTED posts can change");
}

absl::Status CheckCanDelete(PostState state) {
  if (state == PostState::kDraft) return absl::OkStatus();
  return NotIn(state, "only DRAFT posts can be deleted");
}

absl::Status CheckCanSubmit(PostState state) {
  if (state == PostState::kDraft) return absl::OkStatus();
  return NotIn(state, "only DRAFT posts can be submitted");
}

absl::Status CheckCanWithdraw(PostState state) {
  if (state == PostState::kInReview || state == PostState::kApproved) {
    return absl::OkStatus();
  }
  return NotIn(state, "only IN_REVIEW and APPROVED posts can be withdrawn");
}

absl::Status CheckCanAppeal(PostState state) {
  if (state == PostState::kRejected) return absl::OkStatus();
  return NotIn(state, "only REJECTED posts can be appealed");
}

absl::Status CheckCanDecide(PostState state) {
  if (state == PostState::kInReview) return absl::OkStatus();
  return NotIn(state, "only IN_REVIEW posts are decided by a reviewer");
}

absl::StatusOr<PostState> StateAfterVerdict(int verdict) {
  switch (verdict) {
    case 1:
      return PostState::kApproved;
    case 2:
      return PostState::kInReview;
    case 3:
      return PostState::kRejected;
    default:
      return absl::InternalError(
          absl::StrCat("the transparency service answered verdict ", verdict));
  }
}

bool WithdrawnWhenAuthorLeaves(PostState state) {
  return state == PostState::kDraft || state == PostState::kInReview;
}

bool VisibleToColleague(const PostRecord& post) {
  return post.state == PostState::kApproved;
}

const std::vector<std::string>& UpdatablePostPaths() {
  static const auto* const kPaths = new std::vector<std::string>{
      "story", "network", "text", "link_url", "values"};
  return *kPaths;
}

absl::Status CheckUpdatablePostPath(absl::string_view path) {
  const std::vector<std::string>& paths = UpdatablePostPaths();
  if (std::find(paths.begin(), paths.end(), path) != paths.end()) {
    return absl::OkStatus();
  }
  if (path == "state") {
    return InvalidField(
        "update_mask",
        "state is changed by SubmitPost, WithdrawPost, AppealPost, "
        "ApprovePost and RejectPost, not by update");
  }
  if (path == "name" || path == "author" || path == "latest_decision" ||
      path == "revision" || path == "create_time" || path == "update_time" ||
      path == "etag") {
    return InvalidField("update_mask",
                        absl::StrCat("'", path, "' is output only"));
  }
  return InvalidField("update_mask",
                      absl::StrCat("unknown field '", path, "'"));
}

absl::StatusOr<PostFilter> ParsePostFilter(absl::string_view org,
                                           absl::string_view filter) {
  PostFilter result;
  const absl::string_view text = absl::StripAsciiWhitespace(filter);
  if (text.empty()) return result;
  const auto bad = [](absl::string_view why) {
    return InvalidField(
        "filter",
        absl::StrCat(why,
                     "; expected `state = IN_REVIEW` and/or "
                     "`author = \"organizations/{org}/staffMembers/{id}\"` "
                     "joined by AND"));
  };
  for (absl::string_view term : absl::StrSplit(text, " AND ")) {
    term = absl::StripAsciiWhitespace(term);
    const size_t equals = term.find('=');
    if (equals == absl::string_view::npos) return bad("a term has no '='");
    const absl::string_view field =
        absl::StripAsciiWhitespace(term.substr(0, equals));
    absl::string_view value =
        absl::StripAsciiWhitespace(term.substr(equals + 1));
    if (field == "state") {
      if (result.state.has_value()) return bad("state is named twice");
      result.state = ParsePostStateName(value);
      if (!result.state.has_value()) {
        return bad(absl::StrCat("unknown state '", value, "'"));
      }
    } else if (field == "author") {
      if (result.author_id.has_value()) return bad("author is named twice");
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      absl::StatusOr<std::vector<std::string>> parts =
          ParseResourceName("filter", value, kStaffMemberPattern);
      if (!parts.ok()) return bad("author is not a staff member name");
      if ((*parts)[0] != org) {
        return bad("author must be of the listed organization");
      }
      result.author_id = std::move((*parts)[1]);
    } else {
      return bad(absl::StrCat("unknown field '", field, "'"));
    }
  }
  return result;
}

FeedCursor FeedCursor::Start() {
  return FeedCursor{std::numeric_limits<int64_t>::max(), FeedKind::kStory, "~"};
}

bool FeedCursor::Before(const FeedCursor& other) const {
  return std::make_tuple(create_time_us, static_cast<int>(kind), id) >
         std::make_tuple(other.create_time_us, static_cast<int>(other.kind),
                         other.id);
}

FeedCursor::Split FeedCursor::SplitByKind() const {
  Split split;
  split.story_create_time_us = split.post_create_time_us = create_time_us;
  if (kind == FeedKind::kStory) {
    // Stories of the same time after this id; every post of the same time
    // (posts follow stories).
    split.story_id = id;
    split.post_id = "~";
  } else {
    // No story of the same time (they came first); posts after this id.
    split.story_id = "";
    split.post_id = id;
  }
  return split;
}

std::string EncodeFeedCursor(const FeedCursor& cursor) {
  return absl::StrCat(cursor.create_time_us, "/", static_cast<int>(cursor.kind),
                      "/", cursor.id);
}

absl::StatusOr<FeedCursor> DecodeFeedCursor(absl::string_view text) {
  const std::vector<absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits('/', 2));
  FeedCursor cursor;
  int kind = -1;
  if (parts.size() != 3 ||
      !absl::SimpleAtoi(parts[0], &cursor.create_time_us) ||
      !absl::SimpleAtoi(parts[1], &kind) || (kind != 0 && kind != 1) ||
      !CheckResourceId("page_token", parts[2]).ok()) {
    return InvalidField("page_token", "not a token of this list");
  }
  cursor.kind = static_cast<FeedKind>(kind);
  cursor.id = std::string(parts[2]);
  return cursor;
}

std::string DecisionRequestId(absl::string_view post_name,
                              absl::string_view what, int64_t sequence) {
  // 8 + 1 + 40 + 1 + up to 8 + ... stays within 64: the hash keeps it short
  // whatever the post's name.
  const std::string digest =
      db::Sha256Hex(absl::StrCat(post_name, "\n", what, "\n", sequence));
  return absl::StrCat("adv-", what.substr(0, 8), "-", digest.substr(0, 48));
}

}  // namespace candor::advocacy
