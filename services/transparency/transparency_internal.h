// Helpers the transparency handler files (*_handlers.cc) share: resource
// names, request checks and record-to-proto conversions. Internal to the
// service.
#ifndef CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_INTERNAL_H_
#define CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_INTERNAL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "candor/transparency/v1/transparency.pb.h"
#include "services/common/auth.h"
#include "services/common/page_token.h"
#include "services/transparency/audit_chain.h"
#include "services/transparency/records.h"

namespace candor::transparency {

inline constexpr absl::string_view kPostPattern =
    "organizations/{organization}/posts/{post}";

std::string RulesetName(absl::string_view org, absl::string_view id);
std::string DecisionName(absl::string_view org, absl::string_view post,
                         absl::string_view id);

// A staff member of `org` named in `field`; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> ParseStaffOf(absl::string_view field,
                                         absl::string_view name,
                                         absl::string_view org);

// Services (advocacy) and reviewers and admins see every decision.
bool SeesAllDecisions(const Caller& caller);

// Checks what a client sends as a post's content, under `prefix`; `org`
// owns the author and the post.
absl::Status ValidatePostContent(absl::string_view prefix,
                                 const v1::PostContent& post,
                                 absl::string_view org);

absl::Status DecisionToProto(const DecisionRecord& r, v1::Decision* out);
void AuditEntryToProto(const AuditEntryRecord& r, v1::AuditEntry* out);

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_INTERNAL_H_
