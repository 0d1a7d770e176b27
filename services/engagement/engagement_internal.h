// Helpers shared by the files of EngagementService (engagement_*.cc), for
// them only; defined in engagement_service.cc.
#ifndef CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_INTERNAL_H_
#define CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_INTERNAL_H_

#include <string>

#include "absl/strings/string_view.h"
#include "candor/engagement/v1/engagement.pb.h"
#include "services/common/auth.h"
#include "services/engagement/share.h"

namespace candor::engagement {

bool IsReviewerOrAdmin(const Caller& caller);

// organizations/{org}/shares/{id}
std::string ShareName(absl::string_view org, absl::string_view id);

// The last segment of a resource name.
std::string LastSegment(absl::string_view name);

// `r` as the API shows it; its tracking URL is
// `<tracking_base_url>/r/<code>`.
void ShareToProto(const ShareRecord& r, absl::string_view tracking_base_url,
                  v1::Share* out);

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_ENGAGEMENT_INTERNAL_H_
