// What others read in order: the feed (ListFeed), for staff to share or
// draw on, and the event feed (ListAdvocacyEvents), for the engagement
// service's notification inboxes.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/advocacy/advocacy_internal.h"
#include "services/advocacy/advocacy_service.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/event_feed.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/time_cursor.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

using ::google::protobuf::util::TimeUtil;

}  // namespace

absl::Status AdvocacyService::DoListAdvocacyEvents(
    const Caller& caller, const v1::ListAdvocacyEventsRequest& request,
    v1::ListAdvocacyEventsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      FeedPage page,
      StartFeedPage(caller, request.parent(), request.after_sequence(),
                    request.page_size(), "list advocacy events"));
  CANDOR_ASSIGN_OR_RETURN(std::vector<AdvocacyEventRecord> events,
                          repository_.ListAdvocacyEvents(
                              page.org, page.after_sequence, page.limit));
  for (const AdvocacyEventRecord& e : events) {
    v1::AdvocacyEvent* out = response->add_events();
    out->set_sequence(e.sequence);
    *out->mutable_time() = TimeUtil::MicrosecondsToTimestamp(e.time_us);
    out->set_kind(e.kind);
    out->set_subject(e.subject);
    if (!e.recipient_id.empty()) {
      out->set_recipient(StaffMemberName(e.organization_id, e.recipient_id));
    }
    out->set_details(e.details);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const std::vector<StoryRecord>>>
AdvocacyService::FirstFeedStories(const std::string& org,
                                  const std::string& department) {
  const std::string key = absl::StrCat(org, "\n", DepartmentKey(department));
  if (auto cached = feed_stories_.Get(key)) return *cached;
  CANDOR_ASSIGN_OR_RETURN(std::vector<StoryRecord> stories,
                          repository_.ListVisibleStories(
                              org, DepartmentKey(department), NowMicros(),
                              TimeCursor::Start(), kFeedCachedItems));
  auto shared =
      std::make_shared<const std::vector<StoryRecord>>(std::move(stories));
  feed_stories_.Put(key, shared);
  return shared;
}

absl::StatusOr<std::shared_ptr<const std::vector<PostRecord>>>
AdvocacyService::FirstFeedPosts(const std::string& org) {
  if (auto cached = feed_posts_.Get(org)) return *cached;
  // Everyone's: no author has the empty id. Twice a page, so a first page
  // stays full after the reader's own posts are left out.
  const FeedCursor::Split start = FeedCursor::Start().SplitByKind();
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<PostRecord> posts,
      posts_.ListFeedPosts(org, /*viewer_id=*/"", start.post_create_time_us,
                           start.post_id, 2 * kFeedCachedItems));
  auto shared =
      std::make_shared<const std::vector<PostRecord>>(std::move(posts));
  feed_posts_.Put(org, shared);
  return shared;
}

absl::Status AdvocacyService::DoListFeed(const Caller& caller,
                                         const v1::ListFeedRequest& request,
                                         v1::ListFeedResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(PageRequest page, page_tokens_->StartListPage(
                                                request, org, caller.subject));
  FeedCursor after = FeedCursor::Start();
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(after, DecodeFeedCursor(page.cursor));
  }
  const FeedCursor::Split split = after.SplitByKind();
  // Everyone's feed holds the stories for their own audience (reviewers and
  // admins included: it is what they can share, not what they manage).
  CANDOR_ASSIGN_OR_RETURN(std::string department, DepartmentOf(caller, org));
  std::vector<StoryRecord> stories;
  std::vector<PostRecord> posts;
  const bool first_page =
      page.cursor.empty() && page.limit() <= kFeedCachedItems;
  bool posts_complete = false;
  if (first_page) {
    // Most feed reads are first pages, the same for everyone in a
    // department: served from short-lived caches (see FirstFeedStories).
    CANDOR_ASSIGN_OR_RETURN(auto first_stories,
                            FirstFeedStories(org, department));
    stories = *first_stories;
    CANDOR_ASSIGN_OR_RETURN(auto first_posts, FirstFeedPosts(org));
    for (const PostRecord& post : *first_posts) {
      if (post.author_id == caller.staff_member_id) continue;
      if (static_cast<int>(posts.size()) == page.limit()) break;
      posts.push_back(post);
    }
    // Complete when the page is full, or the cache holds every approved post.
    posts_complete =
        static_cast<int>(posts.size()) == page.limit() ||
        first_posts->size() < 2 * static_cast<size_t>(kFeedCachedItems);
  }
  // Later pages, and first pages the cached posts cannot fill (the caller
  // wrote many of the newest), read the database.
  if (!first_page) {
    CANDOR_ASSIGN_OR_RETURN(
        stories, repository_.ListVisibleStories(
                     org, DepartmentKey(department), NowMicros(),
                     TimeCursor{split.story_create_time_us, split.story_id},
                     page.limit()));
  }
  if (!posts_complete) {
    CANDOR_ASSIGN_OR_RETURN(
        posts, posts_.ListFeedPosts(org, caller.staff_member_id,
                                    split.post_create_time_us, split.post_id,
                                    page.limit()));
  }

  // Merge the two newest-first lists into one.
  struct Item {
    FeedCursor key;
    size_t index;
  };
  std::vector<Item> items;
  items.reserve(stories.size() + posts.size());
  for (size_t i = 0; i < stories.size(); ++i) {
    items.push_back(Item{FeedCursor{stories[i].create_time_us, FeedKind::kStory,
                                    stories[i].story_id},
                         i});
  }
  for (size_t i = 0; i < posts.size(); ++i) {
    items.push_back(Item{
        FeedCursor{posts[i].create_time_us, FeedKind::kPost, posts[i].post_id},
        i});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.key.Before(b.key); });
  if (static_cast<int>(items.size()) > page.limit()) items.resize(page.limit());
  response->set_next_page_token(page_tokens_->FinishPage(
      page, items,
      [](const Item& item) { return EncodeFeedCursor(item.key); }));
  for (const Item& item : items) {
    v1::FeedItem* out = response->add_items();
    if (item.key.kind == FeedKind::kStory) {
      StoryToProto(stories[item.index], out->mutable_story());
    } else {
      PostToProtoFor(caller, posts[item.index], out->mutable_post());
    }
  }
  return absl::OkStatus();
}

}  // namespace candor::advocacy
