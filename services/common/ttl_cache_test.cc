#include "services/common/ttl_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace candor {
namespace {

TEST(TtlCacheTest, EntriesExpireAfterTheirTtl) {
  TtlCache<std::string, int> cache(absl::Seconds(1), 10);
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  EXPECT_FALSE(cache.Get("a", t0).has_value());
  cache.Put("a", 1, t0);
  EXPECT_EQ(cache.Get("a", t0 + absl::Milliseconds(999)), 1);
  EXPECT_FALSE(cache.Get("a", t0 + absl::Seconds(1)).has_value());
  cache.Put("a", 2, t0 + absl::Seconds(1));
  EXPECT_EQ(cache.Get("a", t0 + absl::Seconds(1)), 2);
}

TEST(TtlCacheTest, EraseClearAndTheBound) {
  TtlCache<std::string, int> cache(absl::Hours(1), 2);
  const absl::Time now = absl::FromUnixSeconds(1000);
  cache.Put("a", 1, now);
  cache.Put("b", 2, now);
  cache.Erase("a");
  EXPECT_FALSE(cache.Get("a", now).has_value());
  cache.Put("a", 1, now);
  // Full: a third key empties the map first.
  cache.Put("c", 3, now);
  EXPECT_FALSE(cache.Get("a", now).has_value());
  EXPECT_FALSE(cache.Get("b", now).has_value());
  EXPECT_EQ(cache.Get("c", now), 3);
  // Replacing a present key never clears.
  cache.Put("d", 4, now);
  cache.Put("d", 5, now);
  EXPECT_EQ(cache.Get("c", now), 3);
  EXPECT_EQ(cache.Get("d", now), 5);
  cache.Clear();
  EXPECT_FALSE(cache.Get("c", now).has_value());
}

}  // namespace
}  // namespace candor
