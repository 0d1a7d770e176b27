#include "services/common/event_feed.h"

#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/resource_name.h"
#include "services/common/validation.h"

namespace candor {

absl::StatusOr<FeedPage> StartFeedPage(const Caller& caller,
                                       absl::string_view parent,
                                       int64_t after_sequence, int page_size,
                                       absl::string_view action) {
  FeedPage page;
  CANDOR_ASSIGN_OR_RETURN(page.org, ParseOrganizationName("parent", parent));
  CANDOR_RETURN_IF_ERROR(RequireServiceOf(caller, page.org, parent, action));
  if (after_sequence < 0) {
    return InvalidField("after_sequence", "must not be negative");
  }
  if (page_size < 0 || page_size > kMaxFeedPage) {
    return InvalidField("page_size", absl::StrCat("0 to ", kMaxFeedPage));
  }
  page.after_sequence = after_sequence;
  page.limit = page_size == 0 ? kDefaultFeedPage : page_size;
  return page;
}

}  // namespace candor
