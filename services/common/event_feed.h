// Consuming another service's event feed: the transparency service imports
// the staff service's events into its audit log, the engagement service the
// advocacy service's into people's notifications (docs/ARCHITECTURE.md). A
// feed is a per-organization sequence of events numbered 1, 2, 3, ... with
// no gaps; the consumer stores, per organization, a cursor: the sequence of
// the last event it applied.
//
// One import has two halves:
//   1. outside any transaction (it makes remote calls): EventFeed::Fetch
//      reads the events after the stored cursor, in bounded pages, oldest
//      first;
//   2. in one transaction that locks the cursor and re-reads it:
//      ApplyFeedEvents applies the fetched events that follow the cursor, in
//      order, stopping at a gap, and returns the new cursor, which the
//      consumer stores in the same transaction.
// So each event is applied exactly once however many imports race, and
// none is skipped (the cursor only moves past applied events). When a
// fetch or the transaction fails, the events stay pending; the next import
// retries.
//
// Event is any type with `int64_t sequence() const` (the feeds' protos).
//
// The producer side (staff's ListStaffEvents, advocacy's
// ListAdvocacyEvents) starts each call with StartFeedPage.
#ifndef CANDOR_SERVICES_COMMON_EVENT_FEED_H_
#define CANDOR_SERVICES_COMMON_EVENT_FEED_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/common/auth.h"
#include "services/common/status_macros.h"

namespace candor {

// How many events a producer answers with: kDefaultFeedPage when the
// request's page_size is 0, never more than kMaxFeedPage.
inline constexpr int kDefaultFeedPage = 100;
inline constexpr int kMaxFeedPage = 1000;

// What a List<X>Events request asks for.
struct FeedPage {
  std::string org;
  int64_t after_sequence = 0;
  int limit = 0;
};

// How a producer's List<X>Events call starts: the organization its `parent`
// names, once the caller passes RequireServiceOf (`action` names the call
// in the denial), then its after_sequence and page_size, validated
// (INVALID_ARGUMENT naming the field).
absl::StatusOr<FeedPage> StartFeedPage(const Caller& caller,
                                       absl::string_view parent,
                                       int64_t after_sequence, int page_size,
                                       absl::string_view action);

// How much of a feed one Fetch reads.
struct EventFeedLimits {
  int page_size = kMaxFeedPage;  // events asked for per page
  int max_pages = 10;  // pages per Fetch; the rest waits for the next one
};

// EventFeed::Fetch's `max_pages` for reading everything pending.
inline constexpr int kAllEventPages = std::numeric_limits<int>::max();

template <typename Event>
class EventFeed {
 public:
  // Reads at most `page_size` events after sequence `after`, oldest first
  // (one remote call).
  using FetchPage = std::function<absl::StatusOr<std::vector<Event>>(
      int64_t after, int page_size)>;

  explicit EventFeed(FetchPage fetch_page, EventFeedLimits limits = {})
      : fetch_page_(std::move(fetch_page)), limits_(limits) {}

  // The events after sequence `after`, in increasing sequence order: pages
  // of limits.page_size, until a page comes back short or `max_pages` (by
  // default limits.max_pages) were read. An event whose sequence does not
  // follow the previous one's is dropped (defensive: the order is kept
  // whatever the feed answers). A page that cannot be read fails the whole
  // fetch.
  absl::StatusOr<std::vector<Event>> Fetch(int64_t after) const {
    return Fetch(after, limits_.max_pages);
  }
  absl::StatusOr<std::vector<Event>> Fetch(int64_t after, int max_pages) const {
    std::vector<Event> events;
    for (int page = 0; page < max_pages; ++page) {
      CANDOR_ASSIGN_OR_RETURN(std::vector<Event> batch,
                              fetch_page_(after, limits_.page_size));
      const bool last = static_cast<int>(batch.size()) < limits_.page_size;
      for (Event& event : batch) {
        if (event.sequence() <= after) continue;
        after = event.sequence();
        events.push_back(std::move(event));
      }
      if (last) break;
    }
    return events;
  }

 private:
  FetchPage fetch_page_;
  EventFeedLimits limits_;
};

// Applies, with `apply` (absl::Status(const Event&)), the `events` (in
// increasing sequence order, as Fetch returns them) that follow `cursor`,
// the cursor as read under its lock: those at or before it were applied by
// another import and are skipped; a gap (an event that is not cursor + 1)
// stops the run, to wait for a refetch. Returns the sequence of the last
// event applied, `cursor` when none was; the first error `apply` returns.
template <typename Event, typename Apply>
absl::StatusOr<int64_t> ApplyFeedEvents(int64_t cursor,
                                        const std::vector<Event>& events,
                                        Apply&& apply) {
  for (const Event& event : events) {
    if (event.sequence() <= cursor) continue;
    if (event.sequence() != cursor + 1) break;
    CANDOR_RETURN_IF_ERROR(apply(event));
    cursor = event.sequence();
  }
  return cursor;
}

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_EVENT_FEED_H_
