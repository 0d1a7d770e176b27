#include "services/common/event_feed.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

using ::testing::ElementsAre;

struct FakeEvent {
  int64_t seq = 0;
  int64_t sequence() const { return seq; }
};

std::vector<int64_t> Sequences(const std::vector<FakeEvent>& events) {
  std::vector<int64_t> out;
  for (const FakeEvent& e : events) out.push_back(e.sequence());
  return out;
}

// A feed of events 1..size, answering pages the way a service does; records
// each call's `after` and page size.
struct FakeFeed {
  explicit FakeFeed(int64_t n) : size(n) {}

  int64_t size;
  std::vector<std::pair<int64_t, int>> calls;

  EventFeed<FakeEvent>::FetchPage Reader() {
    return [this](int64_t after,
                  int page_size) -> absl::StatusOr<std::vector<FakeEvent>> {
      calls.emplace_back(after, page_size);
      std::vector<FakeEvent> page;
      for (int64_t s = after + 1; s <= size && page.size() < 1u * page_size;
           ++s) {
        page.push_back({s});
      }
      return page;
    };
  }
};

TEST(EventFeedTest, ReadsPagesUntilAShortOne) {
  FakeFeed feed(7);
  const EventFeed<FakeEvent> consumer(feed.Reader(), {3, 10});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(0);
  ASSERT_TRUE(events.ok()) << events.status();
  EXPECT_THAT(Sequences(*events), ElementsAre(1, 2, 3, 4, 5, 6, 7));
  EXPECT_THAT(feed.calls,
              ElementsAre(std::make_pair(0, 3), std::make_pair(3, 3),
                          std::make_pair(6, 3)));
}

TEST(EventFeedTest, AFullLastPageCostsOneMoreCall) {
  FakeFeed feed(6);
  const EventFeed<FakeEvent> consumer(feed.Reader(), {3, 10});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(0);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 6u);
  EXPECT_EQ(feed.calls.size(), 3u);  // the third comes back empty
}

TEST(EventFeedTest, StartsAfterTheCursor) {
  FakeFeed feed(5);
  const EventFeed<FakeEvent> consumer(feed.Reader(), {10, 10});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(3);
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Sequences(*events), ElementsAre(4, 5));
  EXPECT_THAT(feed.calls, ElementsAre(std::make_pair(3, 10)));
}

TEST(EventFeedTest, ReadsAtMostMaxPages) {
  FakeFeed feed(100);
  const EventFeed<FakeEvent> consumer(feed.Reader(), {3, 2});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(0);
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Sequences(*events), ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_EQ(feed.calls.size(), 2u);

  // An explicit bound overrides the default one.
  feed.calls.clear();
  events = consumer.Fetch(0, kAllEventPages);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 100u);
  EXPECT_EQ(feed.calls.size(), 34u);
}

TEST(EventFeedTest, DropsEventsOutOfOrder) {
  const EventFeed<FakeEvent> consumer(
      [](int64_t after, int) -> absl::StatusOr<std::vector<FakeEvent>> {
        if (after != 2) return std::vector<FakeEvent>{};
        return std::vector<FakeEvent>{{3}, {2}, {5}, {4}, {5}, {6}};
      },
      {10, 10});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(2);
  ASSERT_TRUE(events.ok());
  EXPECT_THAT(Sequences(*events), ElementsAre(3, 5, 6));
}

TEST(EventFeedTest, AnUnreadablePageFailsTheFetch) {
  int calls = 0;
  const EventFeed<FakeEvent> consumer(
      [&](int64_t after, int) -> absl::StatusOr<std::vector<FakeEvent>> {
        if (++calls == 2) return absl::UnavailableError("feed down");
        return std::vector<FakeEvent>{{after + 1}, {after + 2}};
      },
      {2, 10});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(0);
  EXPECT_EQ(events.status(), absl::UnavailableError("feed down"));
  EXPECT_EQ(calls, 2);
}

TEST(EventFeedTest, NoMaxPagesReadsNothing) {
  FakeFeed feed(5);
  const EventFeed<FakeEvent> consumer(feed.Reader(), {10, 0});
  absl::StatusOr<std::vector<FakeEvent>> events = consumer.Fetch(0);
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  EXPECT_TRUE(feed.calls.empty());
}

TEST(ApplyFeedEventsTest, AppliesThoseAfterTheCursorInOrder) {
  std::vector<int64_t> applied;
  absl::StatusOr<int64_t> cursor = ApplyFeedEvents(
      2, std::vector<FakeEvent>{{1}, {2}, {3}, {4}}, [&](const FakeEvent& e) {
        applied.push_back(e.sequence());
        return absl::OkStatus();
      });
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, 4);
  EXPECT_THAT(applied, ElementsAre(3, 4));
}

TEST(ApplyFeedEventsTest, StopsAtAGap) {
  std::vector<int64_t> applied;
  absl::StatusOr<int64_t> cursor = ApplyFeedEvents(
      0, std::vector<FakeEvent>{{1}, {2}, {4}, {5}}, [&](const FakeEvent& e) {
        applied.push_back(e.sequence());
        return absl::OkStatus();
      });
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor, 2);
  EXPECT_THAT(applied, ElementsAre(1, 2));
}

TEST(ApplyFeedEventsTest, NothingNewLeavesTheCursor) {
  int applied = 0;
  auto count = [&](const FakeEvent&) {
    ++applied;
    return absl::OkStatus();
  };
  EXPECT_EQ(*ApplyFeedEvents(5, std::vector<FakeEvent>{{4}, {5}}, count), 5);
  EXPECT_EQ(*ApplyFeedEvents(5, std::vector<FakeEvent>{}, count), 5);
  EXPECT_EQ(*ApplyFeedEvents(5, std::vector<FakeEvent>{{7}}, count), 5);
  EXPECT_EQ(applied, 0);
}

TEST(ApplyFeedEventsTest, AnErrorStopsTheRun) {
  std::vector<int64_t> applied;
  absl::StatusOr<int64_t> cursor =
      ApplyFeedEvents(0, std::vector<FakeEvent>{{1}, {2}, {3}},
                      [&](const FakeEvent& e) -> absl::Status {
                        if (e.sequence() == 2) {
                          return absl::InternalError("disk full");
                        }
                        applied.push_back(e.sequence());
                        return absl::OkStatus();
                      });
  EXPECT_EQ(cursor.status(), absl::InternalError("disk full"));
  EXPECT_THAT(applied, ElementsAre(1));
}

// --- StartFeedPage: the producer side

Caller FeedCaller(std::string org, Role role) {
  Caller caller;
  caller.subject = "caller";
  caller.organization_id = std::move(org);
  caller.roles = {role};
  return caller;
}

constexpr char kParent[] = "organizations/acme";

TEST(StartFeedPageTest, AServiceGetsItsPage) {
  absl::StatusOr<FeedPage> page =
      StartFeedPage(FeedCaller("acme", Role::kService), kParent, 7, 0, "list");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->org, "acme");
  EXPECT_EQ(page->after_sequence, 7);
  EXPECT_EQ(page->limit, kDefaultFeedPage);
  page = StartFeedPage(FeedCaller("", Role::kService), kParent, 0, kMaxFeedPage,
                       "list");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->limit, kMaxFeedPage);
}

TEST(StartFeedPageTest, OthersAreRefusedBeforeTheFieldsAreRead) {
  EXPECT_THAT(StartFeedPage(FeedCaller("globex", Role::kService), kParent, -1,
                            -1, "list staff events"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(StartFeedPage(FeedCaller("acme", Role::kAdmin), kParent, -1, -1,
                            "list staff events"),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       ::testing::HasSubstr("list staff events")));
}

TEST(StartFeedPageTest, BadFieldsAreNamed) {
  const Caller service = FeedCaller("acme", Role::kService);
  EXPECT_THAT(StartFeedPage(service, "acme", 0, 0, "list"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("parent")));
  EXPECT_THAT(StartFeedPage(service, kParent, -1, 0, "list"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("after_sequence")));
  for (int page_size : {-1, kMaxFeedPage + 1}) {
    EXPECT_THAT(StartFeedPage(service, kParent, 0, page_size, "list"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::HasSubstr("page_size")))
        << page_size;
  }
}

}  // namespace
}  // namespace candor
