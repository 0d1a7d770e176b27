// Personal data (docs/API.md): ExportPersonalData and ErasePersonalData,
// called by candor.privacy.v1.PrivacyService.
#include <google/protobuf/util/time_util.h>

#include <string>
#include <vector>

#include "services/advocacy/advocacy_internal.h"
#include "services/advocacy/advocacy_service.h"
#include "services/common/clock.h"
#include "services/common/export_page.h"
#include "services/common/idempotency.h"
#include "services/common/personal_data.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/decision_evidence.h"

namespace candor::advocacy {
namespace {

using ::google::protobuf::util::TimeUtil;
using transparency::EraseDecisionEvidence;

}  // namespace

absl::Status AdvocacyService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_ASSIGN_OR_RETURN(ExportPage page,
                          ExportPage::Start(*page_tokens_, request));
  CANDOR_RETURN_IF_ERROR(page.Section(
      0,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<PostRecord>> {
        CANDOR_ASSIGN_OR_RETURN(TimeCursor before, TimeCursorAfter(after));
        return posts_.ListPostsOfAuthor(person.org, person.id, before, limit);
      },
      [&](const PostRecord& post) {
        v1::Post* out = response->add_posts();
        PostToProto(post, out);
        return out;
      },
      [](const PostRecord& post) {
        return TimeKey(post.create_time_us, post.post_id);
      }));
  CANDOR_RETURN_IF_ERROR(page.Section(
      1,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<PostRevisionRecord>> {
        CANDOR_ASSIGN_OR_RETURN(IdNumber last, IdNumberAfter(after));
        return posts_.ListRevisionsOfAuthor(person.org, person.id, last.id,
                                            last.number, limit);
      },
      [&](const PostRevisionRecord& r) {
        v1::PostRevision* out = response->add_revisions();
        out->set_post(PostResourceName(person.org, r.post_id));
        out->set_revision(r.revision);
        out->set_text(r.text);
        out->set_link_url(r.link_url);
        *out->mutable_create_time() =
            TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
        return out;
      },
      [](const PostRevisionRecord& r) {
        return IdNumberKey(r.post_id, r.revision);
      }));
  response->set_next_page_token(page.next_page_token());
  return absl::OkStatus();
}

// A post is the person's words, so its text and link go; the post itself,
// its state history and its decisions stay, because transparency reports,
// shares and engagement metrics count them. A post that could still be
// shown or acted on (draft, in review, approved) is withdrawn: an
// "[erased]" post has no place in a feed or a review queue.
absl::Status AdvocacyService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PersonRef person,
      PersonToErase(caller, request.staff_member(), request.request_id()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCallerOrSelf(staff_states_.get(), caller,
                                                   person.org, person.id));
  return RunErasure(
      posts_.pool(), caller, request, response,
      [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        CANDOR_ASSIGN_OR_RETURN(
            std::vector<PostRecord> posts,
            posts_.ListPostsOfAuthorForUpdate(tx, person.org, person.id));
        const int64_t now = NowMicros();
        int64_t changed = 0;
        for (PostRecord& post : posts) {
          bool post_changed = EraseDecisionEvidence(&post.latest_decision);
          if (post.text != kErasedText || !post.link_url.empty() ||
              !post.appeal_reason.empty()) {
            post.text = kErasedText;
            post.link_url.clear();
            post.appeal_reason.clear();
            post_changed = true;
          }
          if (post.state == PostState::kDraft ||
              post.state == PostState::kInReview ||
              post.state == PostState::kApproved) {
            post.state = PostState::kWithdrawn;
            post_changed = true;
          }
          if (!post_changed) continue;
          post.update_time_us = now;
          ++post.version;
          CANDOR_RETURN_IF_ERROR(
              posts_.UpdatePost(tx, post, /*new_revision=*/false));
          ++changed;
        }
        CANDOR_ASSIGN_OR_RETURN(int64_t revisions,
                                posts_.EraseRevisionsOfAuthor(
                                    tx, person.org, person.id, kErasedText));
        return changed + revisions;
      });
}

}  // namespace candor::advocacy
