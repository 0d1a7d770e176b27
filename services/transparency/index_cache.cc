#include "services/transparency/index_cache.h"

#include <malloc.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "services/common/status_macros.h"
#include "services/transparency/engine/shingles.h"

namespace candor::transparency {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;

}  // namespace

IndexCache::IndexCache(TransparencyRepository* repository)
    : repository_(repository) {}

IndexCache::OrgIndex* IndexCache::Slot(absl::string_view org) {
  absl::MutexLock lock(&mu_);
  std::unique_ptr<OrgIndex>& slot = indexes_[org];
  if (slot == nullptr) slot = std::make_unique<OrgIndex>();
  return slot.get();
}

absl::Status IndexCache::Load(absl::string_view org, int64_t from_us,
                              OrgIndex* slot) {
  // The head first: a row that changes while the load reads gets a later
  // sequence, and the catch-up after the load applies it again.
  CANDOR_ASSIGN_OR_RETURN(const int64_t head,
                          repository_->FingerprintHead(org));
  auto index = std::make_unique<NearDuplicateIndex>();
  // Room for everything is made once the first posts show how many
  // shingles a post has here: growing the arrays by doubling would hold the
  // old and the new copy at once, a third more memory at the peak.
  CANDOR_ASSIGN_OR_RETURN(const int64_t stored,
                          repository_->CountPostShingles(org, from_us));
  constexpr int64_t kSample = 1000;
  int64_t loaded = 0;
  int64_t loaded_shingles = 0;
  CANDOR_RETURN_IF_ERROR(repository_->ForEachPostShingles(
      org, from_us, [&](const PostShinglesRecord& post) -> absl::Status {
        if (cancelled_) return absl::CancelledError("the service is stopping");
        CANDOR_ASSIGN_OR_RETURN(ShingleSet shingles,
                                DecodeShingleSet(post.shingles));
        CANDOR_RETURN_IF_ERROR(
            index->Add(post.post_id, post.author_id, post.time_us, shingles));
        loaded_shingles += static_cast<int64_t>(shingles.size());
        if (++loaded == kSample && stored > loaded) {
          const int64_t rest = stored - loaded;
          // 10% spare for posts longer than the sample's.
          index->Reserve(
              static_cast<size_t>(rest),
              static_cast<size_t>(rest * loaded_shingles / loaded * 11 / 10));
        }
        return absl::OkStatus();
      }));
  slot->index = std::move(index);
  slot->applied_sequence = head;
  slot->covered_from_us = from_us;
  slot->last_trim_us = from_us;
  slot->loaded = true;
  // Hand the pages the load read through back to the system: for a large
  // organization they are hundreds of MiB that nothing else would reuse soon.
  malloc_trim(0);
  return absl::OkStatus();
}

absl::Status IndexCache::CatchUp(absl::string_view org, OrgIndex* slot) {
  while (true) {
    int64_t after;
    {
      absl::ReaderMutexLock lock(&slot->mu);
      after = slot->applied_sequence;
    }
    // Read outside the lock: evaluations go on meanwhile.
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<PostShinglesRecord> changes,
        repository_->ListFingerprintChanges(org, after, kCatchUpPage));
    if (changes.empty()) return absl::OkStatus();
    absl::WriterMutexLock lock(&slot->mu);
    // A concurrent reload failed: the next call loads again.
    if (!slot->loaded) return absl::OkStatus();
    for (const PostShinglesRecord& change : changes) {
      // Another call may have applied some of them already.
      if (change.feed_sequence <= slot->applied_sequence) continue;
      NearDuplicateIndex& index = *slot->index;
      if (index.Contains(change.post_id)) {
        CANDOR_RETURN_IF_ERROR(index.Remove(change.post_id));
      }
      if (!change.removed && change.time_us >= slot->covered_from_us) {
        CANDOR_ASSIGN_OR_RETURN(ShingleSet shingles,
                                DecodeShingleSet(change.shingles));
        CANDOR_RETURN_IF_ERROR(index.Add(change.post_id, change.author_id,
                                         change.time_us, shingles));
      }
      slot->applied_sequence = change.feed_sequence;
    }
    if (static_cast<int>(changes.size()) < kCatchUpPage) {
      return absl::OkStatus();
    }
  }
}

absl::Status IndexCache::Prepare(absl::string_view org, int window_days,
                                 int64_t now_us, OrgIndex* slot) {
  const int64_t from_us = now_us - window_days * kMicrosPerDay -
                          absl::ToInt64Microseconds(kTrimSlack);
  // Not loaded, or the window reaches further back than the index holds (a
  // ruleset with a longer window was published): read it whole.
  auto needs_load = [&] {
    return !slot->loaded || from_us < slot->covered_from_us;
  };
  auto needs_trim = [&] {
    return now_us - slot->last_trim_us >=
           absl::ToInt64Microseconds(kTrimInterval);
  };
  bool maintain;
  {
    // Usually neither: a reader lock, so evaluations in progress go on.
    absl::ReaderMutexLock lock(&slot->mu);
    maintain = needs_load() || needs_trim();
  }
  if (maintain) {
    absl::WriterMutexLock lock(&slot->mu);
    if (needs_load()) {  // checked again: another call may have done it
      slot->loaded = false;
      slot->index.reset();
      CANDOR_RETURN_IF_ERROR(Load(org, from_us, slot));
    } else if (needs_trim()) {
      // Posts older than the window (and the slack) no longer count.
      slot->index->RemoveBefore(from_us);
      slot->covered_from_us = std::max(slot->covered_from_us, from_us);
      slot->last_trim_us = now_us;
    }
  }
  return CatchUp(org, slot);
}

absl::Status IndexCache::Use(
    absl::string_view org, int window_days, int64_t now_us,
    const std::function<void(const NearDuplicateIndex&)>& use) {
  OrgIndex* slot = Slot(org);
  CANDOR_RETURN_IF_ERROR(Prepare(org, window_days, now_us, slot));
  absl::ReaderMutexLock lock(&slot->mu);
  if (!slot->loaded) {
    return absl::UnavailableError(
        "the near-duplicate index is reloading after a failure; retry");
  }
  use(*slot->index);
  return absl::OkStatus();
}

absl::Status IndexCache::Warm(absl::string_view org, int window_days,
                              int64_t now_us) {
  return Prepare(org, window_days, now_us, Slot(org));
}

size_t IndexCache::IndexedPosts(absl::string_view org) {
  OrgIndex* slot = Slot(org);
  absl::ReaderMutexLock lock(&slot->mu);
  return slot->loaded ? slot->index->size() : 0;
}

}  // namespace candor::transparency
