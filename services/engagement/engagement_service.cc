#include "services/engagement/engagement_service.h"

#include <google/protobuf/util/time_util.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/resource_name.h"
#include "services/engagement/engagement_internal.h"

namespace candor::engagement {
namespace {

using ::google::protobuf::util::TimeUtil;

std::string PostName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/posts/", id);
}

}  // namespace

bool IsReviewerOrAdmin(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAdmin);
}

std::string ShareName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/shares/", id);
}

std::string LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

void ShareToProto(const ShareRecord& r, absl::string_view tracking_base_url,
                  v1::Share* out) {
  out->Clear();
  out->set_name(ShareName(r.organization_id, r.share_id));
  out->set_post(PostName(r.organization_id, r.post_id));
  out->set_author(StaffMemberName(r.organization_id, r.author_id));
  out->set_network(static_cast<common::v1::Network>(r.network));
  out->set_published_text(r.published_text);
  out->set_external_url(r.external_url);
  out->set_state(static_cast<v1::Share::State>(r.state));
  out->set_compliance_explanation(r.compliance_explanation);
  out->set_tracking_url(
      absl::StrCat(tracking_base_url, "/r/", r.tracking_code));
  out->set_tracking_code(r.tracking_code);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
}

EngagementService::EngagementService(const CallEnvironment* env, db::Pool* pool,
                                     const PageTokenCodec* page_tokens,
                                     std::string tracking_base_url)
    : repository_(pool),
      env_(env),
      pool_(pool),
      page_tokens_(page_tokens),
      tracking_base_url_(std::move(tracking_base_url)),
      notifications_(pool) {}

EngagementService::~EngagementService() = default;

void EngagementService::SetDependencies(const Dependencies& dependencies) {
  advocacy_ = advocacy::v1::AdvocacyService::NewStub(dependencies.advocacy);
  transparency_ =
      transparency::v1::TransparencyService::NewStub(dependencies.transparency);
  if (dependencies.staff != nullptr) {
    staff_ = staff::v1::StaffService::NewStub(dependencies.staff);
  }
  service_tokens_ = dependencies.service_tokens;
  if (dependencies.staff != nullptr) {
    staff_states_ = std::make_unique<StaffStateCache>(
        dependencies.staff, dependencies.service_tokens,
        dependencies.staff_state_ttl);
  }
}

}  // namespace candor::engagement
