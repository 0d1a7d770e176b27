// Helpers that several of the advocacy service's files share (names, roles,
// proto mapping); defined in advocacy_service.cc. Internal to
// services/advocacy: nothing outside the service includes this header.
#ifndef CANDOR_SERVICES_ADVOCACY_ADVOCACY_INTERNAL_H_
#define CANDOR_SERVICES_ADVOCACY_ADVOCACY_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/advocacy/v1/advocacy.pb.h"
#include "services/advocacy/post.h"
#include "services/advocacy/story.h"
#include "services/common/auth.h"
#include "services/common/resource_name.h"

namespace candor::advocacy {

namespace v1 = ::candor::advocacy::v1;

// A story's resource name, "organizations/{organization}/stories/{story}".
using StoryName = OrgResourceName;

absl::StatusOr<StoryName> ParseStoryName(absl::string_view field,
                                         absl::string_view name);

std::string StoryResourceName(absl::string_view org, absl::string_view id);

// Reviewers and admins write stories and see every one of them; everyone
// else sees what VisibleToEmployee allows.
bool IsStoryEditor(const Caller& caller);

void StoryToProto(const StoryRecord& r, v1::Story* out);

std::vector<std::string> ValueIdsOf(const std::vector<ValueReference>& refs);

// A post's resource name, "organizations/{organization}/posts/{post}".
std::string PostResourceName(absl::string_view org, absl::string_view id);
std::string PostResourceName(const PostRecord& post);

void PostToProto(const PostRecord& r, v1::Post* out);

// PostToProto as `caller` reads it: the appeal reason, written for the
// reviewer, only for the post's author, reviewers and admins (colleagues
// see approved posts, which may have been appealed).
void PostToProtoFor(const Caller& caller, const PostRecord& r, v1::Post* out);

}  // namespace candor::advocacy

#endif  // CANDOR_SERVICES_ADVOCACY_ADVOCACY_INTERNAL_H_
