#include "services/common/time_cursor.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

using ::testing::HasSubstr;

TEST(TimeCursorTest, RoundTrips) {
  const TimeCursor cursor{1700000000123456, "be-candid"};
  absl::StatusOr<TimeCursor> back = DecodeTimeCursor(EncodeTimeCursor(cursor));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->time_us, cursor.time_us);
  EXPECT_EQ(back->id, cursor.id);
}

TEST(TimeCursorTest, RefusesWhatIsNoCursor) {
  for (const char* bad :
       {"", "nope", "123", "x/abc", "123/", "123/ABC", "12/BAD ID"}) {
    EXPECT_THAT(
        DecodeTimeCursor(bad),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")))
        << bad;
  }
}

TEST(TimeCursorTest, AFirstPageStartsBeforeEveryRow) {
  PageRequest first;
  absl::StatusOr<TimeCursor> start = NewestFirstStart(first);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->time_us, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(start->id, "");

  PageRequest next;
  next.cursor = EncodeTimeCursor({42, "abc"});
  start = NewestFirstStart(next);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->time_us, 42);
  EXPECT_EQ(start->id, "abc");
}

}  // namespace
}  // namespace candor
