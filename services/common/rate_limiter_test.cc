#include "services/common/rate_limiter.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/retry_info.h"
#include "tests/support/status_matchers.h"

namespace candor {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(RateLimiterTest, AllowsTheBurstThenRefusesWithTheWaitForOneToken) {
  RateLimiter limiter("writes", RateLimit{10, 3});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.Charge("alice", 1, kStart).ok()) << i;
  }
  absl::Status refused = limiter.Charge("alice", 1, kStart);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                ::testing::HasSubstr("10 writes per second")));
  ASSERT_TRUE(RetryDelayOf(refused).has_value());
  EXPECT_EQ(*RetryDelayOf(refused), absl::Milliseconds(100));
}

TEST(RateLimiterTest, RefillsWithTimeButNeverBeyondTheBurst) {
  RateLimiter limiter("writes", RateLimit{10, 3});
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(limiter.Charge("alice", 1, kStart).ok());
  EXPECT_TRUE(
      limiter.Charge("alice", 1, kStart + absl::Milliseconds(100)).ok());
  EXPECT_FALSE(
      limiter.Charge("alice", 1, kStart + absl::Milliseconds(100)).ok());
  // An hour later the bucket holds the burst, not 36,000 tokens.
  const absl::Time later = kStart + absl::Hours(1);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(limiter.Charge("alice", 1, later).ok());
  EXPECT_FALSE(limiter.Charge("alice", 1, later).ok());
}

TEST(RateLimiterTest, CallersHaveTheirOwnBuckets) {
  RateLimiter limiter("writes", RateLimit{1, 1});
  EXPECT_TRUE(limiter.Charge("alice", 1, kStart).ok());
  EXPECT_FALSE(limiter.Charge("alice", 1, kStart).ok());
  EXPECT_TRUE(limiter.Charge("bob", 1, kStart).ok());
}

TEST(RateLimiterTest, ARefusedChargeTakesNothing) {
  RateLimiter limiter("events", RateLimit{100, 100});
  ASSERT_TRUE(limiter.Charge("svc", 60, kStart).ok());
  EXPECT_FALSE(limiter.Charge("svc", 60, kStart).ok());
  EXPECT_TRUE(limiter.Charge("svc", 40, kStart).ok());
}

TEST(RateLimiterTest, ACostAboveTheBurstIsRefusedSayingSo) {
  RateLimiter limiter("events", RateLimit{100, 1000});
  absl::Status refused = limiter.Charge("svc", 5000, kStart);
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("send at most 1000 at a time")));
  EXPECT_FALSE(RetryDelayOf(refused).has_value());
}

TEST(RateLimiterTest, UnlimitedWhenPerSecondIsZero) {
  RateLimiter limiter("writes", RateLimit{0, 0});
  for (int i = 0; i < 10'000; ++i)
    ASSERT_TRUE(limiter.Charge("alice", 1, kStart).ok());
  EXPECT_EQ(limiter.TrackedKeys(), 0u);
}

TEST(RateLimiterTest, MemoryStaysBoundedUnderManyCallers) {
  RateLimiter limiter("writes", RateLimit{1, 5}, /*max_keys=*/160);
  for (int i = 0; i < 100'000; ++i) {
    ASSERT_TRUE(limiter.Charge(absl::StrCat("caller-", i), 1, kStart).ok());
  }
  EXPECT_LE(limiter.TrackedKeys(), 160u);
}

TEST(RateLimiterTest, RefilledBucketsAreDroppedBeforeBusyOnes) {
  RateLimiter limiter("writes", RateLimit{1, 2},
                      /*max_keys=*/16);  // 1 per shard
  // Many callers one second apart: each earlier bucket has refilled, so the
  // limiter forgets it rather than a busy one, and nobody is refused.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(
        limiter.Charge(absl::StrCat("c", i), 1, kStart + absl::Seconds(i))
            .ok());
  }
  EXPECT_LE(limiter.TrackedKeys(), 16u);
}

}  // namespace
}  // namespace candor
