// A small map whose entries expire `ttl` after they were stored, for values
// that may be a moment stale and are read far more often than they change
// (a person's department, the first page of a feed). Another replica's
// change shows after at most `ttl`; a change made through this process
// should Erase or Clear what it affects. Bounded: when `max_entries` is
// reached the map is emptied (entries are cheap to recompute, and a full
// clear needs no LRU bookkeeping on the read path). Thread-safe.
#ifndef CANDOR_SERVICES_COMMON_TTL_CACHE_H_
#define CANDOR_SERVICES_COMMON_TTL_CACHE_H_

#include <cstddef>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace candor {

template <typename Key, typename Value>
class TtlCache {
 public:
  TtlCache(absl::Duration ttl, size_t max_entries)
      : ttl_(ttl), max_entries_(max_entries) {}

  // The value stored for `key` less than `ttl` ago, if any.
  std::optional<Value> Get(const Key& key, absl::Time now = absl::Now()) const {
    absl::ReaderMutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.expires <= now) return std::nullopt;
    return it->second.value;
  }

  void Put(const Key& key, Value value, absl::Time now = absl::Now()) {
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= max_entries_ && !entries_.contains(key))
      entries_.clear();
    entries_.insert_or_assign(key, Entry{std::move(value), now + ttl_});
  }

  void Erase(const Key& key) {
    absl::MutexLock lock(&mu_);
    entries_.erase(key);
  }

  void Clear() {
    absl::MutexLock lock(&mu_);
    entries_.clear();
  }

 private:
  struct Entry {
    Value value;
    absl::Time expires;
  };
  const absl::Duration ttl_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<Key, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace candor

#endif  // CANDOR_SERVICES_COMMON_TTL_CACHE_H_
