// Per-caller rate limits (OWASP API4: a caller cannot monopolize writes,
// shares or event ingestion). A token bucket per key: `per_second` tokens
// flow in, up to `burst`; a call takes `cost` tokens or is refused with
// RESOURCE_EXHAUSTED carrying how long to wait (retry_info.h).
//
// Each hosted service has its own limiter, so a call counts against the
// service it reaches, as it would with the services in separate processes.
// Writes a service makes as itself (SubmitPost recording its decision) are
// not charged again: see ChargeWrite in call.h.
//
// Memory is bounded: at most `max_keys` buckets are kept. Buckets that have
// refilled are the same as absent ones and are dropped first; if every
// bucket is busy, arbitrary ones are forgotten (their callers get a fresh
// burst), which keeps the limiter's memory fixed under any number of
// callers. Thread-safe; keys are spread over shards so callers rarely wait
// on each other.
#ifndef CANDOR_SERVICES_COMMON_RATE_LIMITER_H_
#define CANDOR_SERVICES_COMMON_RATE_LIMITER_H_

#include <array>
#include <cstddef>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor {

struct RateLimit {
  double per_second = 0;  // 0: unlimited
  double burst = 0;       // bucket size; at least 1 when limited

  bool limited() const { return per_second > 0; }
};

class RateLimiter {
 public:
  // `what` names the limit in refusals ("writes", "shares", ...).
  RateLimiter(std::string what, RateLimit limit, size_t max_keys = 100'000);

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes `cost` tokens from `key`'s bucket. RESOURCE_EXHAUSTED with a retry
  // delay (RetryDelayOf) when the bucket holds fewer; nothing is taken then.
  // A cost above the burst can never pass: it is INVALID_ARGUMENT, without
  // a retry delay, saying how much fits at once.
  absl::Status Charge(absl::string_view key, double cost = 1,
                      absl::Time now = absl::Now());

  const RateLimit& limit() const { return limit_; }
  // Buckets held now (for tests of the memory bound).
  size_t TrackedKeys();

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  // Tokens in `bucket` at `now`, counting the refill since it was updated.
  double TokensAt(const Bucket& bucket, absl::Time now) const;
  // Makes room for one more bucket in `shard`.
  void Evict(Shard& shard, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const std::string what_;
  const RateLimit limit_;
  const size_t max_keys_per_shard_;
  std::array<Shard, kShards> shards_;
};

// The limits every hosted service applies per caller (the token's subject).
struct CallerLimits {
  CallerLimits(RateLimit write_limit, RateLimit share_limit,
               RateLimit event_limit)
      : writes("writes", write_limit),
        shares("shares", share_limit),
        events("engagement events", event_limit) {}

  RateLimiter writes;  // every mutating call (call.h: IsMutatingMethod)
  RateLimiter shares;  // CreateShare, on top of writes
  RateLimiter events;  // RecordEngagementEvents, per event
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_RATE_LIMITER_H_
