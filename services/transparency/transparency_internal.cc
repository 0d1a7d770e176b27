#include "services/transparency/transparency_internal.h"

#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr size_t kMaxPostChars = 63206;  // the longest network limit

std::string PostName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/posts/", id);
}

bool IsReviewerOrAdmin(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAdmin);
}

}  // namespace

std::string RulesetName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/rulesets/", id);
}
std::string DecisionName(absl::string_view org, absl::string_view post,
                         absl::string_view id) {
  return absl::StrCat(PostName(org, post), "/decisions/", id);
}

absl::StatusOr<std::string> ParseStaffOf(absl::string_view field,
                                         absl::string_view name,
                                         absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName(field, name, kStaffMemberPattern));
  if (parts[0] != org) {
    return InvalidField(
        field, absl::StrCat("not a staff member of ", OrganizationName(org)));
  }
  return std::move(parts[1]);
}

// Services (advocacy) and reviewers and admins see every decision.
bool SeesAllDecisions(const Caller& caller) {
  return IsReviewerOrAdmin(caller) || caller.HasRole(Role::kService);
}

absl::Status ValidatePostContent(absl::string_view prefix,
                                 const v1::PostContent& post,
                                 absl::string_view org) {
  if (!post.post().empty()) {
    CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            ParseResourceName(absl::StrCat(prefix, "post"),
                                              post.post(), kPostPattern));
    if (parts[0] != org) {
      return InvalidField(
          absl::StrCat(prefix, "post"),
          absl::StrCat("not a post of ", OrganizationName(org)));
    }
  }
  if (post.author().empty()) {
    return InvalidField(absl::StrCat(prefix, "author"), "required");
  }
  CANDOR_RETURN_IF_ERROR(
      ParseStaffOf(absl::StrCat(prefix, "author"), post.author(), org)
          .status());
  if (post.network() < 1 || post.network() > 5) {
    return InvalidField(absl::StrCat(prefix, "network"),
                        "required: LINKEDIN, X, FACEBOOK, INSTAGRAM or "
                        "MASTODON");
  }
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "text"), post.text(),
                                   kMaxPostChars, Presence::kRequired,
                                   /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "link_url"),
                                   post.link_url(), 2048, Presence::kOptional));
  const v1::StoryContext& story = post.story();
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "story.summary"),
                                   story.summary(), 5000, Presence::kOptional,
                                   /*multiline=*/true));
  for (int i = 0; i < story.talking_points_size(); ++i) {
    CANDOR_RETURN_IF_ERROR(
        CheckText(absl::StrCat(prefix, "story.talking_points[", i, "]"),
                  story.talking_points(i), 2000, Presence::kOptional,
                  /*multiline=*/true));
  }
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "story.url"),
                                   story.url(), 2048, Presence::kOptional));
  return absl::OkStatus();
}

absl::Status DecisionToProto(const DecisionRecord& r, v1::Decision* out) {
  out->Clear();
  if (!out->ParseFromString(r.body)) {
    return absl::InternalError(
        absl::StrCat(DecisionName(r.organization_id, r.post_id, r.decision_id),
                     " is unreadable"));
  }
  return absl::OkStatus();
}

void AuditEntryToProto(const AuditEntryRecord& r, v1::AuditEntry* out) {
  out->set_name(absl::StrCat("organizations/", r.organization_id,
                             "/auditEntries/", r.sequence));
  out->set_sequence(r.sequence);
  *out->mutable_time() = TimeUtil::MicrosecondsToTimestamp(r.time_us);
  out->set_actor(r.actor);
  out->set_action(r.action);
  out->set_subject(r.subject);
  out->set_details(r.details);
  out->set_prev_hash(r.prev_hash);
  out->set_hash(r.hash);
  out->set_chain_version(r.chain_version);
  out->set_actor_digest(r.actor_digest);
  out->set_details_digest(r.details_digest);
  out->set_details_salt(r.details_salt);
  out->set_details_redacted(r.details_redacted);
}

}  // namespace candor::transparency
