// The near-duplicate indexes of the organizations one transparency replica
// judges: a cache of the fingerprint feed in post_shingles
// (V0003__fingerprint_feed.sql), never the only copy of anything.
//
// Freshness: Use() first reads the organization's feed after the last
// sequence this replica applied (one indexed query, usually empty) and
// applies it, so an evaluation sees every post whose decision committed
// before the evaluation began, whichever replica or process decided it.
// Rejections and erasures reach every replica the same way, as tombstones.
//
// Memory: an index holds the posts of the last `window_days` (the longest
// no_coordination window of the organization's current ruleset) plus
// kTrimSlack; older posts are dropped every kTrimInterval, and a ruleset
// whose window reaches further back than the index holds makes it reload.
// So an organization costs what it posts in a window (well under 1 KiB a
// post, near_duplicate_index.h), not what it posted ever.
//
// Loading: the first Use() of an organization (or WarmUp at start) reads
// the feed's head, then every live row in the window, then tails from that
// head: a row that changes during the load has a later sequence and is
// applied again by the catch-up.
//
// Thread-safe. One organization's evaluations share a reader lock on its
// index; a catch-up that found changes takes the writer lock briefly.
#ifndef CANDOR_SERVICES_TRANSPARENCY_INDEX_CACHE_H_
#define CANDOR_SERVICES_TRANSPARENCY_INDEX_CACHE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/transparency/engine/near_duplicate_index.h"
#include "services/transparency/transparency_repository.h"

namespace candor::transparency {

class IndexCache {
 public:
  // How often an index drops posts older than its window, and how much
  // older than the window a post may be and stay (so that calls a moment
  // apart never disagree on what the index must hold).
  static constexpr absl::Duration kTrimInterval = absl::Minutes(1);
  static constexpr absl::Duration kTrimSlack = absl::Hours(1);
  // Feed rows read per catch-up query.
  static constexpr int kCatchUpPage = 1000;

  // `repository` must outlive the cache.
  explicit IndexCache(TransparencyRepository* repository);
  IndexCache(const IndexCache&) = delete;
  IndexCache& operator=(const IndexCache&) = delete;

  // Brings `org`'s index up to date for a call at `now_us` whose rules look
  // back `window_days`, then runs `use` on it under a reader lock. Errors
  // are the database's (the index stays as it was and the next call tries
  // again).
  absl::Status Use(absl::string_view org, int window_days, int64_t now_us,
                   const std::function<void(const NearDuplicateIndex&)>& use);

  // Loads (and catches up) `org`'s index now, as Use() would.
  absl::Status Warm(absl::string_view org, int window_days, int64_t now_us);

  // Makes loads in progress give up (CANCELLED), for a service shutting
  // down.
  void Cancel() { cancelled_ = true; }

  // Live posts in `org`'s index (0 when not loaded), for tests.
  size_t IndexedPosts(absl::string_view org);

 private:
  struct OrgIndex {
    absl::Mutex mu;
    bool loaded ABSL_GUARDED_BY(mu) = false;
    // Every feed row with a sequence up to this is applied.
    int64_t applied_sequence ABSL_GUARDED_BY(mu) = 0;
    // The index holds every live post with time >= covered_from_us.
    int64_t covered_from_us ABSL_GUARDED_BY(mu) = 0;
    int64_t last_trim_us ABSL_GUARDED_BY(mu) = 0;
    std::unique_ptr<NearDuplicateIndex> index ABSL_GUARDED_BY(mu);
  };

  OrgIndex* Slot(absl::string_view org);
  // (Re)loads `org` with every live post since `from_us`.
  absl::Status Load(absl::string_view org, int64_t from_us, OrgIndex* slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot->mu);
  // Applies the feed rows committed after slot->applied_sequence.
  absl::Status CatchUp(absl::string_view org, OrgIndex* slot);
  absl::Status Prepare(absl::string_view org, int window_days, int64_t now_us,
                       OrgIndex* slot);

  TransparencyRepository* const repository_;
  std::atomic<bool> cancelled_{false};
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<OrgIndex>> indexes_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_INDEX_CACHE_H_
