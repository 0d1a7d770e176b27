#include "services/common/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/retry_info.h"

namespace candor {

RateLimiter::RateLimiter(std::string what, RateLimit limit, size_t max_keys)
    : what_(std::move(what)),
      limit_{limit.per_second, std::max(limit.burst, 1.0)},
      max_keys_per_shard_(std::max<size_t>(1, max_keys / kShards)) {}

double RateLimiter::TokensAt(const Bucket& bucket, absl::Time now) const {
  const double refill = absl::ToDoubleSeconds(std::max(now - bucket.updated,
                                                       absl::ZeroDuration())) *
                        limit_.per_second;
  return std::min(limit_.burst, bucket.tokens + refill);
}

void RateLimiter::Evict(Shard& shard, absl::Time now) {
  // Full buckets carry no state: a new one would start full too.
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    auto current = it++;
    if (TokensAt(current->second, now) >= limit_.burst) {
      shard.buckets.erase(current);
    }
  }
  // Still full: forget a busy caller rather than grow.
  if (shard.buckets.size() >= max_keys_per_shard_) {
    shard.buckets.erase(shard.buckets.begin());
  }
}

absl::Status RateLimiter::Charge(absl::string_view key, double cost,
                                 absl::Time now) {
  if (!limit_.limited()) return absl::OkStatus();
  Shard& shard = shards_[absl::Hash<absl::string_view>()(key) % kShards];
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_keys_per_shard_) Evict(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{limit_.burst, now})
             .first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = TokensAt(bucket, now);
  bucket.updated = now;
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return absl::OkStatus();
  }
  const std::string rate =
      absl::StrFormat("at most %g %s per second per caller (bursts of %g)",
                      limit_.per_second, what_, limit_.burst);
  if (cost > limit_.burst) {
    // Waiting would not help: no retry delay, so a client that honours
    // RetryInfo does not retry it forever.
    return absl::InvalidArgumentError(absl::StrCat(
        "rate limit: this call alone is ", cost, " ", what_, ", more than ",
        rate, " allows at once; send at most ", limit_.burst, " at a time"));
  }
  const absl::Duration wait =
      absl::Seconds((cost - bucket.tokens) / limit_.per_second);
  return WithRetryDelay(
      absl::ResourceExhaustedError(absl::StrCat(
          "rate limit: ", rate, "; retry after ",
          absl::FormatDuration(absl::Ceil(wait, absl::Milliseconds(1))))),
      wait);
}

size_t RateLimiter::TrackedKeys() {
  size_t total = 0;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace candor
